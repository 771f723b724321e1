"""Templates: dense and sparse storage, unwhitening, per-channel amplitudes and best channels.

``templates.npy[t]`` is a whitened ``(n_samples, n_channels_loc)`` block. Dense templates
(no ``template_ind.npy``) have one column per channel. Sparse templates list the channel of
every column in ``template_ind[t]`` (``-1`` = padding); columns without signal (max |value| at
most ``1e-6`` times the template's max) are dropped, keeping at least the first listed channel.
Displayed templates are unwhitened: ``U = W · M × template_scaling`` with ``M`` the
``whitening_mat_inv`` block of the template's channels. Templates are read from the memory map
one at a time; NaN values are replaced by 0 in memory only.

Best channels (FORMATS §4.2): dense templates keep the channels whose amplitude (peak-to-peak
of ``U``) is at least ``amplitude_threshold`` times the peak channel's, among the
``n_closest_channels`` nearest to the peak channel on its shank, sorted by decreasing
amplitude; sparse templates keep all their channels, sorted by decreasing amplitude.
"""

import logging

import numpy as np

from phy.utils import Bunch

logger = logging.getLogger(__name__)

#: Columns whose max |value| is at most this fraction of the template's max are dropped.
SIGNAL_THRESHOLD = 1e-6

#: Templates unwhitened at once when computing the derived arrays.
BATCH_SIZE = 32


def ptp(x, axis=0):
    """Peak-to-peak amplitude along an axis (0 for empty axes)."""
    if x.shape[axis] == 0:
        return np.zeros(np.delete(x.shape, axis), dtype=x.dtype)
    return x.max(axis=axis) - x.min(axis=axis)


class Templates:
    """Access to the templates of a dataset.

    Parameters
    ----------
    data : ndarray
        ``(n_templates, n_samples, n_channels_loc)`` whitened templates (memory map).
    cols : ndarray or None
        ``(n_templates, n_channels_loc)`` channel of every column (sparse), or None (dense).
    wmi : ndarray
        ``(n_channels, n_channels)`` inverse whitening matrix.
    channel_positions : ndarray
        ``(n_channels, 2)``.
    channel_shanks : ndarray
        ``(n_channels,)``.
    template_scaling : float
    n_closest_channels : int
    amplitude_threshold : float

    """

    def __init__(self, data, cols, wmi, channel_positions, channel_shanks, template_scaling=1.0,
                 n_closest_channels=12, amplitude_threshold=0.0):
        self.data = data
        self.cols = cols
        self.wmi = np.asarray(wmi, dtype=np.float32)
        self.channel_positions = channel_positions
        self.channel_shanks = channel_shanks
        self.template_scaling = float(template_scaling)
        self.n_closest_channels = int(n_closest_channels)
        self.amplitude_threshold = float(amplitude_threshold)
        self.n_templates, self.n_samples = data.shape[:2]
        self.n_channels = self.wmi.shape[0]
        self._closest = {}

    @property
    def is_sparse(self):
        """Whether the templates are stored sparse (``template_ind.npy``)."""
        return self.cols is not None

    def whitened(self, template_id):
        """Return ``(channel_ids, W)``: the template's channels and its whitened data."""
        w = np.nan_to_num(np.asarray(self.data[template_id], dtype=np.float32),
                          nan=0.0, posinf=0.0, neginf=0.0)
        if self.cols is None:
            return np.arange(self.n_channels), w
        channels = self.cols[template_id]
        listed = np.nonzero(channels >= 0)[0]
        if listed.size == 0:
            return np.zeros(0, dtype=np.int64), w[:, :0]
        peak = np.abs(w[:, listed]).max(axis=0)
        keep = listed[peak > SIGNAL_THRESHOLD * peak.max()] if peak.max() > 0 else listed[:1]
        return channels[keep], w[:, keep]

    def _unwhiten(self, w, channels, out_channels=None):
        out_channels = channels if out_channels is None else out_channels
        m = self.wmi[np.ix_(channels, out_channels)]
        return (w @ m) * np.float32(self.template_scaling)

    def unwhitened(self, template_id):
        """Return ``(channel_ids, U)``: the unwhitened template on its channels."""
        channels, w = self.whitened(template_id)
        return channels, self._unwhiten(w, channels)

    def closest_channels(self, channel_id):
        """Channels sorted by distance to a channel (itself first; ties by channel id)."""
        if channel_id not in self._closest:
            d = np.linalg.norm(self.channel_positions - self.channel_positions[channel_id], axis=1)
            self._closest[channel_id] = np.lexsort((np.arange(d.size), d))
        return self._closest[channel_id]

    def select_channels(self, channels, amplitude, threshold=None):
        """Best channels among a template's channels, given their amplitudes (FORMATS §4.2).

        Returns
        -------
        index : ndarray
            Positions in `channels` of the best channels, by decreasing amplitude.

        """
        if channels.size == 0:
            return np.zeros(0, dtype=np.int64)
        if self.cols is None:
            threshold = self.amplitude_threshold if threshold is None else threshold
            peak = int(np.argmax(amplitude))
            keep = np.zeros(channels.size, dtype=bool)
            keep[self.closest_channels(channels[peak])[:self.n_closest_channels]] = True
            keep &= self.channel_shanks == self.channel_shanks[channels[peak]]
            keep &= amplitude >= threshold * amplitude[peak]
            index = np.nonzero(keep)[0]
        else:
            index = np.arange(channels.size)
        return index[np.argsort(-amplitude[index], kind="stable")]

    def get(self, template_id, channel_ids=None, amplitude_threshold=None, unwhiten=True,
            best_channels=None):
        """Return a template's waveform on its best channels or on given channels.

        Parameters
        ----------
        template_id : int
        channel_ids : array-like or None
            Return the template on these channels, in this order (0 where it has no data).
        amplitude_threshold : float or None
            Override of the threshold of the best channels (dense templates).
        unwhiten : bool
            Return the unwhitened (displayed) template, else the whitened one.
        best_channels : array-like or None
            Precomputed best channels (used when no channel or threshold is given).

        Returns
        -------
        template : Bunch
            ``template`` ``(n_samples, n_channels)`` float32, ``amplitude`` (peak-to-peak on
            each returned channel, aligned with ``channel_ids``), ``channel_ids`` (int64),
            ``template_id``.

        """
        channels, w = self.whitened(template_id)
        if channel_ids is not None:
            channel_ids = np.asarray(channel_ids, dtype=np.int64).ravel()
            present = np.isin(channel_ids, channels)
            data = np.zeros((self.n_samples, channel_ids.size), dtype=np.float32)
            if unwhiten:
                data[:, present] = self._unwhiten(w, channels, channel_ids[present])
            else:
                pos = {int(c): i for i, c in enumerate(channels)}
                data[:, present] = w[:, [pos[int(c)] for c in channel_ids[present]]]
        else:
            if best_channels is not None and amplitude_threshold is None:
                channel_ids = np.asarray(best_channels, dtype=np.int64)
                data = self._unwhiten(w, channels, channel_ids)
            else:
                full = self._unwhiten(w, channels)
                index = self.select_channels(channels, ptp(full), amplitude_threshold)
                channel_ids, data = channels[index], full[:, index]
            if not unwhiten:
                pos = {int(c): i for i, c in enumerate(channels)}
                data = w[:, [pos[int(c)] for c in channel_ids]]
        data = np.asarray(data, dtype=np.float32)
        return Bunch(template=data, amplitude=ptp(data), channel_ids=channel_ids.astype(np.int64),
                     template_id=int(template_id))

    def _batches(self):
        """Yield ``(template_id, channels, U)`` for every template (dense: batched GEMM)."""
        for start in range(0, self.n_templates, BATCH_SIZE):
            stop = min(self.n_templates, start + BATCH_SIZE)
            if self.cols is None:
                w = np.nan_to_num(np.asarray(self.data[start:stop], dtype=np.float32),
                                  nan=0.0, posinf=0.0, neginf=0.0)
                u = (w.reshape(-1, self.n_channels) @ self.wmi).reshape(w.shape)
                u *= np.float32(self.template_scaling)
                for i in range(stop - start):
                    yield start + i, np.arange(self.n_channels), u[i]
            else:
                for t in range(start, stop):
                    yield (t, *self.unwhitened(t))

    def compute_derived(self, writer):
        """Compute best channels, peak channels and amplitudes of every template.

        Writes ``best_channels`` (``(n_templates, k_max)``, ``-1`` padded) and ``peak_channels``
        (int16, or int32 beyond 32767 channels), and ``peak_amplitudes`` (FORMATS §4.1: max
        peak-to-peak of the unwhitened template).

        Returns
        -------
        values : dict
            ``n_nonfinite`` (NaN/Inf values read as 0) and ``n_nan_templates``.

        """
        best, peaks = [], np.zeros(self.n_templates, dtype=np.int64)
        amps = np.zeros(self.n_templates, dtype=np.float64)
        n_bad = n_nan_templates = 0
        for start in range(0, self.n_templates, BATCH_SIZE):
            raw = np.asarray(self.data[start:start + BATCH_SIZE])
            finite = np.isfinite(raw)
            n_bad += int(raw.size - np.count_nonzero(finite))
            n_nan_templates += int(np.sum(~finite.reshape(finite.shape[0], -1).any(axis=1)))
        for t, channels, u in self._batches():
            a = ptp(u)
            index = self.select_channels(channels, a)
            best.append(channels[index])
            peaks[t] = channels[index[0]] if index.size else 0
            amps[t] = float(a[index[0]]) if index.size else 0.0
        k_max = max((b.size for b in best), default=0)
        # Channel ids in the narrowest signed dtype (int16 up to 32767 channels).
        dtype = np.int16 if self.n_channels <= np.iinfo(np.int16).max else np.int32
        padded = writer.empty("best_channels", (self.n_templates, k_max), dtype)
        padded[...] = -1
        for t, b in enumerate(best):
            padded[t, :b.size] = b
        writer.save("peak_channels", peaks.astype(dtype))
        writer.save("peak_amplitudes", amps)
        return {"n_nonfinite": n_bad, "n_nan_templates": n_nan_templates}

    def alf_peaks_and_durations(self):
        """Peak channel (max peak-to-peak of the *whitened* template) and trough-to-peak time.

        Returns
        -------
        peak_channels : ndarray (n_templates,) int64
        durations : ndarray (n_templates,) float64
            ``argmax - argmin`` over time on the peak channel, in samples.

        """
        peaks = np.zeros(self.n_templates, dtype=np.int64)
        durations = np.zeros(self.n_templates, dtype=np.float64)
        for t in range(self.n_templates):
            channels, w = self.whitened(t)
            if channels.size == 0:
                continue
            k = int(np.argmax(ptp(w)))
            peaks[t] = channels[k]
            durations[t] = int(np.argmax(w[:, k])) - int(np.argmin(w[:, k]))
        return peaks, durations
