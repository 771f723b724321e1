import numpy as np
import pytest

from phy.traces import Whitening as ExportedWhitening
from phy.traces.whitening import Whitening


def _mixed(n=50000, seed=1):
    rng = np.random.default_rng(seed)
    mixing = np.array([[2.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.1, 0.0, 0.2]])
    return rng.standard_normal((n, 3)) @ mixing + 5.0


def test_whitening_identity_covariance():
    assert ExportedWhitening is Whitening
    x = _mixed()
    w = Whitening()
    assert w.matrix is None
    matrix = w.fit(x)
    assert matrix.shape == (3, 3)
    assert w.matrix is matrix
    assert np.allclose(matrix, matrix.T)  # symmetric (ZCA)
    y = w.transform(x)
    assert y.dtype == np.float64 and y.shape == x.shape
    assert np.allclose(np.cov(y.T), np.eye(3), atol=1e-6)
    # ZCA: whitened channels stay closest to the original ones (positive diagonal).
    assert np.all(np.diag(matrix) > 0)


def test_whitening_matrix_value():
    # Diagonal covariance -> the matrix is diag(1 / std).
    rng = np.random.default_rng(2)
    x = rng.standard_normal((20000, 2))
    x = (x - x.mean(0)) / x.std(0, ddof=1) * np.array([2.0, 0.5])
    w = Whitening()
    matrix = w.fit(x)
    cov = np.cov(x.T)
    assert np.allclose(matrix @ cov @ matrix, np.eye(2), atol=1e-9)
    assert np.allclose(np.diag(matrix), [0.5, 2.0], atol=0.02)


def test_whitening_fudge_regularises_flat_channel():
    x = _mixed(n=2000)
    x = np.c_[x, np.zeros(len(x))]  # a flat channel: zero eigenvalue
    w = Whitening()
    matrix = w.fit(x, fudge=1.0)
    assert np.all(np.isfinite(matrix))
    # The flat direction gets 1 / sqrt(0 + fudge) = 1.
    assert np.isclose(matrix[3, 3], 1.0)
    small = Whitening().fit(x, fudge=1e-4)
    assert np.isclose(small[3, 3], 100.0)
    # A larger fudge shrinks the whitening gain.
    assert np.abs(matrix[:3, :3]).max() < np.abs(small[:3, :3]).max()


def test_whitening_dtypes():
    x = _mixed(n=1000)
    w = Whitening()
    w.fit(x)
    assert w.transform(x.astype(np.float32)).dtype == np.float32
    y16 = w.transform(x.astype(np.int16))
    assert y16.dtype == np.float32 and y16.shape == x.shape
    assert np.allclose(w.transform(x.astype(np.float32)), w.transform(x), rtol=1e-4, atol=1e-3)


def test_whitening_errors():
    w = Whitening()
    with pytest.raises(RuntimeError, match="fit"):
        w.transform(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="2\\+ samples"):
        w.fit(np.zeros(3))
    with pytest.raises(ValueError, match="2\\+ samples"):
        w.fit(np.zeros((1, 3)))
