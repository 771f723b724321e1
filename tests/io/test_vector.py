import numpy as np
import pytest

from phy.io import LazyVector, vector


@pytest.fixture
def lazy(tmp_path, monkeypatch):
    """uint32 ids memory-mapped from a file, exposed as int64 (chunks of 3 elements)."""
    monkeypatch.setattr(vector, "CHUNK_SIZE", 3)
    np.save(tmp_path / "ids.npy", np.array([5, 0, 7, 7, 2, 9, 1], dtype=">u4"))
    return LazyVector(np.load(tmp_path / "ids.npy", mmap_mode="r"), np.int64)


def test_lazy_vector_reads_only_what_is_indexed(lazy):
    assert lazy.shape == (7,) and lazy.size == len(lazy) == 7 and lazy.ndim == 1
    assert lazy.dtype == np.int64 and lazy.nbytes == 56
    first = lazy[0]
    assert first == 5 and isinstance(first, np.int64)
    assert lazy[-1] == 1
    assert lazy[2:5].tolist() == [7, 7, 2] and lazy[2:5].dtype == np.int64
    assert lazy[[6, 0]].tolist() == [1, 5]
    assert lazy[np.array([True, False] * 3 + [True])].tolist() == [5, 7, 2, 1]
    assert lazy[lazy[[1, 4]]].tolist() == [5, 7]  # indexed by another lazy vector
    with pytest.raises(IndexError):
        lazy[7]


def test_lazy_vector_as_an_array(lazy):
    full = np.asarray(lazy)  # converted in chunks of 3
    assert full.dtype == np.int64 and full.tolist() == [5, 0, 7, 7, 2, 9, 1]
    assert np.asarray(lazy, dtype=np.float32).dtype == np.float32
    assert list(lazy) == full.tolist() and lazy.tolist() == full.tolist()
    assert lazy.astype(np.int8).dtype == np.int8
    assert np.array_equal(np.bincount(lazy), np.bincount(full))
    assert np.unique(lazy).tolist() == [0, 1, 2, 5, 7, 9]
    assert (lazy / 2)[0] == 2.5 and (lazy == 7).sum() == 2 and (1 + lazy)[1] == 1
    assert np.max(lazy) == 9 and np.array_equal(lazy, full)
    with pytest.raises(TypeError, match="read-only"):
        np.add(full, 1, out=lazy)
    assert "LazyVector 7 int64 from >u4" in repr(lazy)


def test_lazy_vector_convert():
    src = np.array([1.0, np.nan, 3.0], dtype=np.float32)
    v = LazyVector(src, np.float64, lambda c: np.nan_to_num(c, nan=-1.0))
    assert v.tolist() == [1.0, -1.0, 3.0] and v[1] == -1.0 and v.dtype == np.float64
