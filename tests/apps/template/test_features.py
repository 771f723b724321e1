import numpy as np
import pytest

from phy.apps.template import from_sparse
from phy.apps.template.features import SparseFeatures


def test_from_sparse():
    data = np.arange(12, dtype=np.float32).reshape(2, 3, 2) + 1
    cols = np.array([[4, 1, -1], [0, 4, 2]])
    out = from_sparse(data, cols, [4, 2, 9])
    assert out.shape == (2, 3, 2)
    assert out[0, 0].tolist() == data[0, 0].tolist() and np.all(out[0, 1:] == 0)
    assert out[1, 0].tolist() == data[1, 1].tolist()
    assert out[1, 1].tolist() == data[1, 2].tolist()
    assert np.all(out[:, 2] == 0)
    assert from_sparse(data, cols, []).shape == (2, 0, 2)
    assert from_sparse(data[:0], cols[:0], [1]).shape == (0, 1, 2)
    with pytest.raises(ValueError, match="unique"):
        from_sparse(data, cols, [1, 1])
    with pytest.raises(ValueError):
        from_sparse(data, cols, [-1])


def test_sparse_features_subset_rows():
    # Rows for spikes 1, 4, 5 only; spike template 0 has columns [2, 0], template 1 [1, -1].
    data = np.arange(3 * 2 * 3, dtype=np.float32).reshape(3, 2, 3)
    cols = np.array([[2, 0], [1, -1]])
    spike_templates = np.array([0, 0, 1, 1, 0, 1])
    f = SparseFeatures(data, cols, np.array([1, 4, 5]), spike_templates)
    out = f.get([0, 1, 5], [0, 1, 2])
    assert out.shape == (3, 3, 3) and out.dtype == np.float32
    assert np.all(np.isnan(out[0]))  # spike 0 has no features
    assert out[1, 2].tolist() == data[0, 0].tolist() and out[1, 0].tolist() == data[0, 1].tolist()
    assert np.all(out[1, 1] == 0)
    assert out[2, 1].tolist() == data[2, 0].tolist()
    assert np.all(np.isnan(f.get([7], [0])))
    assert set(f.bunch) == {"data", "cols", "rows"}


def test_sparse_features_dense_columns():
    data = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    f = SparseFeatures(data, None, None, np.zeros(4, dtype=np.int64))
    assert np.allclose(f.get([3, 0], [2, 0]), data[[3, 0]][:, [2, 0]])
    assert np.all(np.isnan(f.get([4], [0])))
    assert np.all(np.isnan(SparseFeatures(data, None, np.zeros(0, np.int64), None).get([0], [0])))
