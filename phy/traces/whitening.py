"""Whitening of multichannel data: decorrelate the channels and give them unit variance."""

import numpy as np


class Whitening:
    """Compute a whitening matrix and apply it to data.

    The matrix is the symmetric (ZCA) whitening ``U diag(1 / sqrt(d + fudge)) Uᵀ`` of the
    channel covariance ``U diag(d) Uᵀ``: whitened channels stay close to the original ones.

    Examples
    --------
    >>> w = Whitening()  # doctest: +SKIP
    >>> w.fit(traces)  # doctest: +SKIP
    >>> whitened = w.transform(traces)  # doctest: +SKIP

    """

    def __init__(self):
        self._matrix = None

    @property
    def matrix(self):
        """The ``(n_channels, n_channels)`` whitening matrix (None before :meth:`fit`)."""
        return self._matrix

    def fit(self, x, fudge=1e-18):
        """Compute the whitening matrix.

        Parameters
        ----------
        x : array
            An ``(n_samples, n_channels)`` array.
        fudge : float
            Added to the covariance eigenvalues (regularisation of flat directions).

        Returns
        -------
        matrix : ndarray
            The ``(n_channels, n_channels)`` whitening matrix.

        """
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[0] < 2:
            raise ValueError("Whitening needs an (n_samples, n_channels) array of 2+ samples.")
        x = x - x.mean(axis=0)
        d, u = np.linalg.eigh(x.T @ x / (x.shape[0] - 1))
        self._matrix = (u / np.sqrt(np.clip(d, 0, None) + fudge)) @ u.T
        return self._matrix

    def transform(self, x):
        """Whiten some data.

        Parameters
        ----------
        x : array
            An ``(n_samples, n_channels)`` array.

        Returns
        -------
        y : ndarray
            ``x @ W`` (float32 unless `x` is float64).

        """
        if self._matrix is None:
            raise RuntimeError("Whitening.fit() must be called before transform().")
        x = np.asarray(x)
        dtype = np.float64 if x.dtype == np.float64 else np.float32
        return (x @ self._matrix.astype(dtype)).astype(dtype, copy=False)
