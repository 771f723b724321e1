"""Spike alignment, masks and waveform extraction from the flood-fill components.

For a component (the crossings of one spike, see :mod:`phy.traces.floodfill`) of the
transformed data ``data_t`` (:meth:`phy.traces.Thresholder.transform`), with weak and strong
thresholds ``w`` and ``s``:

* the **aligned spike sample** is the weighted centre of the component's crossings, weight
  ``((data_t - w) / (s - w)) ** weight_power`` (a fractional sample);
* the **mask** of a channel is ``clip((p - w) / (s - w), 0, 1)`` where ``p`` is the peak of
  ``data_t`` over the component's crossings on that channel, 0 for channels outside the
  component: 1 on the channels that cross the strong threshold;
* the **waveform** is the window of ``extract_s_before + extract_s_after`` samples of the
  filtered data starting ``extract_s_before`` samples before the aligned sample, linearly
  interpolated at the fractional aligned sample.

Every operation works on the crossings of many components at once (``labels``); the methods
of one component call them with a single label.
"""

import numpy as np


class WaveformExtractor:
    """Extract waveforms after data filtering and spike detection.

    Parameters
    ----------
    extract_before : int
        Samples before the aligned spike sample in a waveform.
    extract_after : int
        Samples after (the aligned sample included).
    weight_power : float
        Power of the normalised amplitudes in the weighted centre.
    thresholds : dict
        ``{'weak': value, 'strong': value}`` (scalars or per-channel arrays).

    """

    def __init__(self, extract_before=None, extract_after=None, weight_power=None,
                 thresholds=None):
        self.extract_before = int(extract_before if extract_before is not None else 10)
        self.extract_after = int(extract_after if extract_after is not None else 10)
        self.weight_power = float(weight_power if weight_power is not None else 2)
        self._thresholds = {}
        self.set_thresholds(**(thresholds or {}))

    @property
    def n_samples(self):
        """Number of samples of a waveform."""
        return self.extract_before + self.extract_after

    def set_thresholds(self, **kwargs):
        """Set the ``weak`` and ``strong`` thresholds (scalars or per-channel arrays)."""
        self._thresholds.update({k: np.asarray(v, dtype=np.float64) for k, v in kwargs.items()})

    def _normalized(self, values, channels):
        """``(values - weak) / (strong - weak)`` with the thresholds of the given channels."""
        try:
            weak, strong = self._thresholds["weak"], self._thresholds["strong"]
        except KeyError:
            raise RuntimeError("The weak and strong thresholds must be set first.") from None
        if weak.ndim:
            weak = weak[channels]
        if strong.ndim:
            strong = strong[channels]
        return (values - weak) / (strong - weak)

    # Many components at once
    # ---------------------------------------------------------------------------------------

    def aligned_samples(self, values, samples, channels, labels, n_components):
        """The weighted centre of every component.

        Parameters
        ----------
        values : ndarray
            ``data_t`` at the crossings.
        samples, channels, labels : ndarray
            Sample, channel and component of every crossing.
        n_components : int

        Returns
        -------
        s_aligned : ndarray
            ``(n_components,)`` float64 fractional samples.

        """
        w = np.clip(self._normalized(values, channels), 0, None) ** self.weight_power
        # Every component has a strong crossing, of weight >= 1: the totals are positive.
        total = np.bincount(labels, weights=w, minlength=n_components)
        return np.bincount(labels, weights=w * samples, minlength=n_components) / total

    def component_masks(self, values, channels, labels, n_components, n_channels):
        """The ``(n_components, n_channels)`` float32 masks of every component."""
        peaks = np.full((n_components, n_channels), -np.inf)
        np.maximum.at(peaks, (labels, channels), values)
        chans = np.broadcast_to(np.arange(n_channels), peaks.shape)
        return np.clip(self._normalized(peaks, chans), 0, 1).astype(np.float32)

    def extract_many(self, data, s_aligned, channels=None):
        """The aligned waveforms of many spikes.

        Parameters
        ----------
        data : ndarray
            ``(n_samples, n_channels)`` filtered data.
        s_aligned : ndarray
            Fractional aligned samples (relative to `data`), whose windows fit in `data`.
        channels : array-like or None
            The channels to extract (default: all).

        Returns
        -------
        waveforms : ndarray
            ``(n_spikes, extract_before + extract_after, n_channels)`` float32.

        """
        s_aligned = np.asarray(s_aligned, dtype=np.float64).ravel()
        s0 = np.floor(s_aligned).astype(np.int64)
        rows = s0[:, None] + np.arange(-self.extract_before, self.extract_after + 1)
        if rows.size and (rows.min() < 0 or rows.max() >= len(data)):
            raise ValueError("A waveform window extends beyond the data.")
        data = np.asarray(data)
        if channels is not None:
            data = data[:, np.asarray(channels)]
        return self.align(data[rows], s_aligned)

    # One component
    # ---------------------------------------------------------------------------------------

    def spike_sample_aligned(self, wave, comp):
        """The weighted centre (fractional sample) of one component.

        Parameters
        ----------
        wave : ndarray
            ``data_t`` at the component's crossings, ``(n,)``.
        comp : ndarray
            ``(n, 2)`` sample and channel of the crossings.

        """
        comp = np.asarray(comp)
        return float(self.aligned_samples(
            np.asarray(wave, dtype=np.float64), comp[:, 0], comp[:, 1],
            np.zeros(len(comp), dtype=np.int64), 1)[0])

    def masks(self, data_t, wave, comp):
        """The ``(n_channels,)`` masks of one component of ``data_t``."""
        comp = np.asarray(comp)
        return self.component_masks(
            np.asarray(wave, dtype=np.float64), comp[:, 1], np.zeros(len(comp), dtype=np.int64),
            1, np.shape(data_t)[1])[0]

    def extract(self, data, s_aligned, channels=None):
        """The window ``[floor(s) - before, floor(s) + after]`` of `data`.

        It has ``n_samples + 1`` samples, for :meth:`align`.
        """
        s0 = int(np.floor(s_aligned))
        a, b = s0 - self.extract_before, s0 + self.extract_after + 1
        if a < 0 or b > len(data):
            raise ValueError("The waveform window extends beyond the data.")
        out = np.asarray(data[a:b])
        return out if channels is None else out[:, channels]

    def align(self, waveform, s_aligned):
        """Interpolate windows from :meth:`extract` at the fractional part of `s_aligned`.

        `waveform` is ``(n_samples + 1, n_channels)`` (or a stack of them, with one
        `s_aligned` per window); the result has ``n_samples`` samples, float32.
        """
        waveform = np.asarray(waveform, dtype=np.float32)
        f = np.asarray(s_aligned, dtype=np.float64) % 1.0
        f = f.astype(np.float32)[..., None, None]
        return ((1 - f) * waveform[..., :-1, :] + f * waveform[..., 1:, :]).astype(np.float32)

    def __call__(self, component=None, data=None, data_t=None):
        """Align, mask and extract one component.

        Returns
        -------
        s_aligned : float
        masks : ndarray
            ``(n_channels,)``.
        waveform : ndarray
            ``(n_samples, n_channels)``.

        """
        comp = np.asarray(component)
        wave = np.asarray(data_t)[comp[:, 0], comp[:, 1]]
        s_aligned = self.spike_sample_aligned(wave, comp)
        masks = self.masks(data_t, wave, comp)
        waveform = self.align(self.extract(data, s_aligned), s_aligned)
        return s_aligned, masks, waveform
