"""Data of the trace view: windows of raw data, reduced to what the screen can show, with spikes.

Pure NumPy: the trace view calls these functions on a worker thread, and again on the GUI thread
when the pan/zoom changes the visible range.

* :func:`select_traces` reads a time window of a recording: slicing a memory map (or a
  :class:`~phy.io.dat.RawDataReader`) touches only the rows of the window.
* :func:`spike_table` turns the ``waveforms`` of a ``traces(interval)`` result (a list of
  Bunch, as in phy 2, or one Bunch of arrays) into flat arrays.
* :func:`bin_traces` reduces rows of a window to bins of about one pixel column: when a bin
  holds several samples, each channel keeps the minimum and the maximum of the bin, drawn as a
  vertical segment that covers every sample of the bin (exact: a one-sample spike in an hour
  still shows); with a sample or two per pixel, every sample is kept.
* :func:`spike_classes` and :func:`bin_classes` give the colour class of every spike and of
  every (channel, bin): 0 for the bare trace, then one class per cluster that is not selected,
  then one per selected cluster.
* :func:`interval_spikes` gives a ``traces`` function the spikes of an interval, as arrays.
"""

import numpy as np

from phy.utils import Bunch

#: Up to this many samples per bin (pixel column), every sample is drawn (no envelope).
RAW_SAMPLES_PER_BIN = 2


def select_traces(traces, interval, sample_rate=None):
    """Load traces in an interval (in seconds).

    Parameters
    ----------
    traces : array-like
        ``(n_samples, n_channels)`` array, memory map or raw data reader.
    interval : 2-tuple
        ``(start, end)`` in seconds (in samples if `sample_rate` is None), clipped to the data.
    sample_rate : float

    Returns
    -------
    traces : array-like
        ``traces[i:j]``, the rows of the interval (a slice: a memory map is not read here).

    """
    start, end = interval
    if sample_rate is not None:
        start, end = start * sample_rate, end * sample_rate
    n = len(traces)
    i = min(max(int(round(start)), 0), n)
    j = min(max(int(round(end)), i), n)
    return traces[i:j]


def _ragged(channel_ids, n):
    """``(pair_spike, pair_channel)`` from per-spike channel lists or an ``(n, k)`` array."""
    if isinstance(channel_ids, np.ndarray) and channel_ids.ndim == 2:
        k = channel_ids.shape[1]
        return np.repeat(np.arange(n), k), channel_ids.ravel().astype(np.int64)
    arrays = [np.asarray(c, dtype=np.int64).ravel() for c in channel_ids]
    lengths = np.array([len(a) for a in arrays], dtype=np.int64)
    pair_channel = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)
    return np.repeat(np.arange(n), lengths), pair_channel


def spike_table(waveforms, sample_rate, first_time):
    """Flat arrays describing the spikes of a window.

    Parameters
    ----------
    waveforms : list of Bunch, or Bunch of arrays, or None
        phy 2's list: one Bunch per spike with ``data`` (``(n_samples, n_channels_spike)``; its
        length gives the spike's duration), ``channel_ids``, ``start_time`` (seconds),
        ``spike_id``, ``spike_cluster``. Or one Bunch of arrays
        (faster for thousands of spikes): ``spike_id``, ``spike_cluster``, ``start_time`` (n,),
        ``channel_ids`` (``(n, k)`` or a list), ``n_samples`` (int or ``(n,)``).
    sample_rate : float
    first_time : float
        Time of the first row of the window's data: spike starts become row indices.

    Returns
    -------
    table : Bunch
        ``spike_ids``, ``spike_clusters``, ``start`` (row of the first sample), ``n_samples``
        (n,), and ``pair_spike``, ``pair_channel``: one row per (spike, channel) drawn. The
        spikes are drawn on the traces in the colours of the selection (a Bunch's ``color`` is
        not used), so that every view colours the clusters alike.

    """
    if waveforms is None:
        waveforms = []
    if isinstance(waveforms, dict):
        spike_ids = np.asarray(waveforms["spike_id"], dtype=np.int64).ravel()
        n = len(spike_ids)
        clusters = np.asarray(waveforms["spike_cluster"], dtype=np.int64).ravel()
        start_time = np.asarray(waveforms["start_time"], dtype=np.float64).ravel()
        n_samples = np.broadcast_to(np.asarray(waveforms["n_samples"], dtype=np.int64), (n,))
        channel_ids = waveforms["channel_ids"]
    else:
        n = len(waveforms)
        spike_ids = np.array([w.spike_id for w in waveforms], dtype=np.int64)
        clusters = np.array([w.spike_cluster for w in waveforms], dtype=np.int64)
        start_time = np.array([w.start_time for w in waveforms], dtype=np.float64)
        n_samples = np.array([len(w.data) for w in waveforms], dtype=np.int64)
        channel_ids = [w.channel_ids for w in waveforms]
    pair_spike, pair_channel = _ragged(channel_ids, n)
    start = np.round((start_time - first_time) * sample_rate).astype(np.int64)
    return Bunch(
        spike_ids=spike_ids, spike_clusters=clusters, start=start,
        n_samples=np.asarray(n_samples, dtype=np.int64),
        pair_spike=pair_spike, pair_channel=pair_channel)


def spike_classes(spike_clusters, cluster_ids, show_all_spikes=True):
    """Colour class of every spike, and the clusters that are not selected, in class order.

    The spikes of the k-th cluster of ``other_clusters`` (the clusters of the spikes that are
    not selected, sorted) have class ``1 + k``; those of the i-th selected cluster have class
    ``1 + len(other_clusters) + i`` (the highest: drawn over the others). With
    `show_all_spikes` False, the spikes of the clusters that are not selected are hidden (-1).

    Returns
    -------
    classes : ndarray
        int16, one per spike.
    other_clusters : ndarray
        The clusters that are not selected (empty when they are hidden).

    """
    spike_clusters = np.asarray(spike_clusters, dtype=np.int64)
    selected = np.isin(spike_clusters, cluster_ids)
    classes = np.full(len(spike_clusters), -1, dtype=np.int16)
    others = np.zeros(0, dtype=np.int64)
    if show_all_spikes:
        others, index = np.unique(spike_clusters[~selected], return_inverse=True)
        classes[~selected] = 1 + index
    for i, cluster_id in enumerate(cluster_ids):
        classes[spike_clusters == cluster_id] = 1 + len(others) + i
    return classes, others


def bin_traces(data, start, stop, bin_size, offset=0):
    """Reduce rows ``[start, stop)`` of a window to bins of `bin_size` samples.

    Parameters
    ----------
    data : ndarray
        ``(n_samples, n_channels)`` window.
    start, stop : int
        Rows to reduce.
    bin_size : int
        Samples per bin; bins are aligned on multiples of `bin_size` of ``offset + row`` (the
        absolute sample number), so that they do not change when the window moves. At most
        :data:`RAW_SAMPLES_PER_BIN`: every sample is kept.
    offset : int
        Absolute sample number of row 0.

    Returns
    -------
    bins : Bunch
        ``edges`` (``n_bins + 1`` rows: bin ``i`` is ``[edges[i], edges[i + 1])``), ``ymin``
        and ``ymax`` (``(n_channels, n_bins)``), ``raw`` (one sample per bin: ``ymin`` is
        ``ymax``).

    """
    start, stop = int(start), max(int(start), int(stop))
    b = int(bin_size)
    window = data[start:stop]
    if b <= RAW_SAMPLES_PER_BIN:
        values = np.ascontiguousarray(window.T)
        return Bunch(edges=np.arange(start, stop + 1), ymin=values, ymax=values, raw=True)
    first = min(stop, start + (-(offset + start)) % b)
    n_full = (stop - first) // b
    end = first + n_full * b
    parts = [(i, j, size) for i, j, size in
             ((start, first, first - start), (first, end, b), (end, stop, stop - end)) if j > i]
    edges = np.unique(np.concatenate([[start, stop], np.arange(first, end + 1, b)]))
    if not parts:
        empty = np.zeros((data.shape[1], 0), dtype=data.dtype)
        return Bunch(edges=edges.astype(np.int64), ymin=empty, ymax=empty, raw=False)
    ymin, ymax = zip(*(_min_max(window[i - start:j - start], size) for i, j, size in parts))
    return Bunch(edges=edges.astype(np.int64), ymin=np.concatenate(ymin, axis=1),
                 ymax=np.concatenate(ymax, axis=1), raw=False)


def _min_max(rows, size):
    """``(n_channels, n_bins)`` minimum and maximum of consecutive bins of `size` rows.

    Reduced time-major (across channels, vectorized): channel-major data is copied into that
    layout first, much faster than reducing short runs along the contiguous axis.
    """
    n, n_channels = rows.shape
    blocks = np.ascontiguousarray(rows).reshape(n // size, size, n_channels)
    return np.ascontiguousarray(blocks.min(axis=1).T), np.ascontiguousarray(blocks.max(axis=1).T)


def bin_classes(edges, n_channels, table, classes):
    """Colour class of every (channel, bin): the highest class of the spikes covering it.

    Parameters
    ----------
    edges : ndarray
        Bin edges in rows of the window (see :func:`bin_traces`).
    n_channels : int
    table : Bunch
        The spike table of the window (:func:`spike_table`).
    classes : ndarray
        Colour class of every spike (:func:`spike_classes`); -1 hides a spike.

    Returns
    -------
    classes : ndarray
        ``(n_channels, n_bins)`` int16: 0 where no spike is drawn.

    """
    n_bins = len(edges) - 1
    out = np.zeros((n_channels, max(n_bins, 0)), dtype=np.int16)
    if n_bins <= 0 or not len(table.pair_spike):
        return out
    spike = table.pair_spike
    s0 = table.start[spike]
    s1 = s0 + table.n_samples[spike]
    pair_class = classes[spike]
    keep = (s1 > edges[0]) & (s0 < edges[-1]) & (pair_class >= 1)
    keep &= (table.pair_channel >= 0) & (table.pair_channel < n_channels)
    s0, s1, pair_class, channel = s0[keep], s1[keep], pair_class[keep], table.pair_channel[keep]
    b0 = np.clip(np.searchsorted(edges, s0, side="right") - 1, 0, n_bins - 1)
    b1 = np.clip(np.searchsorted(edges, s1 - 1, side="right") - 1, 0, n_bins - 1)
    # Every (channel, bin) covered by each pair; the highest class wins (selected clusters).
    lengths = b1 - b0 + 1
    starts = np.cumsum(lengths) - lengths
    cells = (np.repeat(channel * n_bins + b0 - starts, lengths)
             + np.arange(int(lengths.sum()), dtype=np.int64))
    np.maximum.at(out.reshape(-1), cells, np.repeat(pair_class, lengths))
    return out


def robust_amplitude(data, max_values=200_000, center=None):
    """A typical amplitude of (mean-subtracted) traces: 15 times their median absolute value.

    That is about 10 standard deviations of the noise: the noise fills a third of a row, and
    the spikes stand out.

    Computed on at most `max_values` values (rows taken at regular steps); 1 for flat data.
    `center` (one value per channel) is subtracted from the data first.
    """
    if not data.size:
        return 1.0
    step = max(1, data.size // max_values)
    sub = np.asarray(data[::step], dtype=np.float32)
    sub = np.abs(sub - center if center is not None else sub)
    amplitude = 15.0 * float(np.median(sub))
    if amplitude <= 0:
        amplitude = float(sub.max())
    return amplitude if amplitude > 0 else 1.0


def interval_spikes(interval, spike_times, spike_clusters, channel_ids, n_samples,
                    n_samples_before=None, sample_rate=None):
    """The ``waveforms`` of a ``traces(interval)`` function: the spikes of an interval.

    Parameters
    ----------
    interval : 2-tuple
        ``(t0, t1)`` in seconds.
    spike_times : array-like
        Sorted times of all spikes, in seconds (a memory map: only the interval is read).
    spike_clusters : array-like
        Cluster of every spike.
    channel_ids : function
        ``channel_ids(spike_ids)`` returns the ``(n, k)`` channels of these spikes (-1 pads).
    n_samples : int
        Samples of a spike waveform.
    n_samples_before : int
        Samples before the spike time (default: half of `n_samples`).
    sample_rate : float

    Returns
    -------
    waveforms : Bunch
        The Bunch of arrays that :func:`spike_table` reads.

    """
    i, j = np.searchsorted(spike_times, interval)
    spike_ids = np.arange(i, j)
    before = n_samples // 2 if n_samples_before is None else n_samples_before
    return Bunch(
        spike_id=spike_ids, spike_cluster=np.asarray(spike_clusters[i:j]),
        start_time=np.asarray(spike_times[i:j], dtype=np.float64) - before / sample_rate,
        n_samples=int(n_samples), channel_ids=np.asarray(channel_ids(spike_ids)))


def spike_at(data, time, channel, sample_rate, tolerance):
    """The drawn spike of a window on a channel closest to a time, or None.

    Parameters
    ----------
    data : Bunch
        The window: ``table`` (:func:`spike_table`), ``classes`` (:func:`spike_classes`) and
        ``first_sample`` (absolute sample of the table's row 0).
    time : float
        In seconds.
    channel : int
    sample_rate : float
    tolerance : float
        Largest distance in seconds between the time and the spike's samples.

    Returns
    -------
    spike : dict or None
        ``spike_id`` and ``cluster_id``.

    """
    table = data.table
    spikes = table.pair_spike[
        (table.pair_channel == channel) & (data.classes[table.pair_spike] >= 1)]
    if not len(spikes):
        return None
    start = (data.first_sample + table.start[spikes]) / sample_rate
    end = start + table.n_samples[spikes] / sample_rate
    distance = np.maximum(0, np.maximum(start - time, time - end))
    i = int(np.argmin(distance))
    if distance[i] > tolerance:
        return None
    return dict(spike_id=int(table.spike_ids[spikes[i]]),
                cluster_id=int(table.spike_clusters[spikes[i]]))
