"""Principal components of spike waveforms, channel by channel (the features of a spike)."""

import numpy as np

#: Below this total mask weight, a channel uses the principal components of all the channels.
MIN_CHANNEL_WEIGHT = 10.0


class PCA:
    """Apply PCA to waveforms.

    The components of a channel are the principal axes of the (uncentred) second-moment
    matrix of the waveforms on that channel, each spike weighted by its mask on the channel:
    the first component follows the mean spike shape, i.e. the spike's amplitude. A channel
    with too few unmasked spikes (total mask below :data:`MIN_CHANNEL_WEIGHT`) uses the
    components of all channels together. The sign of a component makes its largest value
    positive.

    Parameters
    ----------
    n_pcs : int
        Number of features per channel.

    """

    def __init__(self, n_pcs=None):
        self.n_pcs = int(n_pcs or 3)
        self.pcs = None

    def fit(self, waveforms, masks=None):
        """Compute the PCs of waveforms.

        Parameters
        ----------
        waveforms : ndarray
            Shape: ``(n_spikes, n_samples, n_channels)``
        masks : ndarray
            Shape: ``(n_spikes, n_channels)`` (default: all ones).

        Returns
        -------
        pcs : ndarray
            ``(n_pcs, n_samples, n_channels)`` float32 components.

        """
        w = np.asarray(waveforms)
        if w.ndim != 3:
            raise ValueError("The waveforms must be an (n_spikes, n_samples, n_channels) array.")
        n_spikes, n_samples, n_channels = w.shape
        if self.n_pcs > n_samples:
            raise ValueError(f"{self.n_pcs} PCs cannot be computed on {n_samples} samples.")
        m = (np.ones((n_spikes, n_channels)) if masks is None
             else np.asarray(masks, dtype=np.float64))
        # Per-channel weighted second moments (n_channels, n_samples, n_samples), from the
        # spikes unmasked on each channel only.
        chans, spikes = np.nonzero(m.T > 0)  # sorted by channel
        x = w[spikes, :, chans].astype(np.float64)  # (n_pairs, n_samples)
        xm = x * m[spikes, chans][:, None]
        bounds = np.searchsorted(chans, np.arange(n_channels + 1))
        cov = np.zeros((n_channels, n_samples, n_samples))
        for c in np.flatnonzero(np.diff(bounds)):
            cov[c] = xm[bounds[c]:bounds[c + 1]].T @ x[bounds[c]:bounds[c + 1]]
        weight = m.sum(axis=0)
        overall = cov.sum(axis=0) / max(weight.sum(), 1e-12)
        few = weight < MIN_CHANNEL_WEIGHT
        cov[~few] /= weight[~few, None, None]
        cov[few] = overall
        _, vecs = np.linalg.eigh(cov)  # ascending eigenvalues
        pcs = vecs[:, :, ::-1][:, :, :self.n_pcs]  # (c, t, p)
        big = np.take_along_axis(pcs, np.abs(pcs).argmax(axis=1)[:, None, :], axis=1)
        pcs = pcs * np.sign(big + (big == 0))
        self.pcs = np.ascontiguousarray(pcs.transpose(2, 1, 0), dtype=np.float32)
        return self.pcs

    def transform(self, waveforms, pcs=None):
        """Project waveforms on the PCs.

        Parameters
        ----------
        waveforms : ndarray
            Shape: ``(n_spikes, n_samples, n_channels)``
        pcs : ndarray or None
            ``(n_pcs, n_samples, n_channels)`` (default: those of :meth:`fit`).

        Returns
        -------
        features : ndarray
            ``(n_spikes, n_channels, n_pcs)`` float32.

        """
        pcs = self.pcs if pcs is None else np.asarray(pcs, dtype=np.float32)
        if pcs is None:
            raise RuntimeError("PCA.fit() must be called before transform().")
        w = np.asarray(waveforms, dtype=np.float32)
        return np.einsum("stc,ptc->scp", w, pcs)
