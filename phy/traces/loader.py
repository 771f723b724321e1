"""Waveforms loaded on demand from raw traces, by spike sample or by spike id."""

import numpy as np


class WaveformLoader:
    """Load waveforms from filtered or unfiltered traces.

    The waveform of a spike at sample ``s`` is the window ``[s - before, s + after)`` of the
    traces on the selected channels. With a `filter`, ``filter_margin`` more samples are read
    (``margin // 2`` before, the rest after; zeros beyond the data), filtered along time and
    cut. Then `dc_offset` is subtracted and `scale_factor` applied if given.

    Parameters
    ----------
    traces : array-like
        ``(n_samples, n_channels)`` raw traces (memory map, :class:`phy.io.RawDataReader`...).
    filter : callable or None
        Called as ``filter(data, axis=1)`` on ``(n_spikes, n_samples, n_channels)`` arrays.
    filter_margin : int
    n_samples : int or 2-tuple
        Window length (``before = n // 2``), or ``(before, after)``.
    channels : array-like or None
        The channels to keep (default: all).
    scale_factor, dc_offset : float or None
    dtype : dtype
        Output dtype (default float32).

    """

    def __init__(self, traces=None, filter=None, filter_margin=0, n_samples=None,
                 channels=None, scale_factor=None, dc_offset=None, dtype=None):
        if n_samples is None:
            raise ValueError("The number of samples of the waveforms must be given.")
        if np.ndim(n_samples) == 0:
            n_samples = (int(n_samples) // 2, int(n_samples) - int(n_samples) // 2)
        self.n_samples_before_after = tuple(int(n) for n in n_samples)
        self.filter = filter
        self.filter_margin = int(filter_margin or 0)
        self.scale_factor = scale_factor
        self.dc_offset = dc_offset
        self.dtype = np.dtype(dtype or np.float32)
        self._channels = None if channels is None else np.asarray(channels, dtype=np.int64)
        self._traces = None
        self.traces = traces

    @property
    def traces(self):
        """Raw traces."""
        return self._traces

    @traces.setter
    def traces(self, value):
        self._traces = value
        self.n_samples_trace = 0 if value is None else int(value.shape[0])
        self.n_channels_traces = 0 if value is None else int(value.shape[1])

    @property
    def channels(self):
        """List of channels."""
        if self._channels is None:
            return np.arange(self.n_channels_traces)
        return self._channels

    @channels.setter
    def channels(self, value):
        self._channels = None if value is None else np.asarray(value, dtype=np.int64)

    @property
    def n_channels_waveforms(self):
        """Number of channels kept for the waveforms."""
        return len(self.channels)

    @property
    def n_samples_waveforms(self):
        """Number of samples of a waveform."""
        return sum(self.n_samples_before_after)

    @property
    def shape(self):
        """``(n_samples_trace, n_samples_waveforms, n_channels_waveforms)``."""
        return (self.n_samples_trace, self.n_samples_waveforms, self.n_channels_waveforms)

    def _load(self, spike_samples):
        """Windows with margins ``(n_spikes, n_samples + margin, n_channels)``, zero-padded."""
        before, after = self.n_samples_before_after
        m = self.filter_margin if self.filter is not None else 0
        rows = (spike_samples[:, None] - before - m // 2
                + np.arange(before + after + m)[None, :])
        out = np.zeros(rows.shape + (self.n_channels_waveforms,), dtype=np.float32)
        valid = (rows >= 0) & (rows < self.n_samples_trace)
        if valid.any():
            wanted = np.unique(rows[valid])
            block = np.asarray(self._traces[wanted], dtype=np.float32)[:, self.channels]
            out[valid] = block[np.searchsorted(wanted, rows[valid])]
        if m:
            out = self.filter(out, axis=1)[:, m // 2:m // 2 + before + after]
        return out

    def __getitem__(self, spike_samples):
        """The ``(n_spikes, n_samples, n_channels)`` waveforms at the given spike samples."""
        if self._traces is None:
            raise RuntimeError("No traces to load waveforms from.")
        scalar = np.ndim(spike_samples) == 0
        samples = np.atleast_1d(np.asarray(spike_samples, dtype=np.int64))
        out = self._load(samples)
        if self.dc_offset is not None:
            out = out - self.dc_offset
        if self.scale_factor is not None:
            out = out * self.scale_factor
        out = out.astype(self.dtype, copy=False)
        return out[0] if scalar else out


class SpikeLoader:
    """Translate selection with spike ids into selection with absolute times.

    Parameters
    ----------
    waveforms : WaveformLoader
        Indexed by spike samples.
    spike_samples : ndarray
        The sample of every spike.

    Examples
    --------
    >>> waveforms = WaveformLoader(traces, n_samples=20)  # doctest: +SKIP
    >>> loader = SpikeLoader(waveforms, spike_samples)  # doctest: +SKIP
    >>> loader[[3, 5]].shape  # doctest: +SKIP
    (2, 20, n_channels)

    """

    def __init__(self, waveforms, spike_samples):
        self._waveforms = waveforms
        self._spike_samples = np.asarray(spike_samples)
        self.shape = (len(self._spike_samples),) + tuple(waveforms.shape[1:])
        self.ndim = len(self.shape)

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, item):
        return self._waveforms[self._spike_samples[item]]
