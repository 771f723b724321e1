"""Cluster statistics: cross-correlograms, correlogram baselines, ISI and firing-rate histograms.

Definitions follow FORMATS.md §4.3–4.6. Everything is vectorised: no loop over spikes.
"""

import numpy as np

from phy.utils import index_of, unique

#: Default correlogram bin and window sizes, in seconds.
DEFAULT_BIN_SIZE = 1e-3
DEFAULT_WINDOW_SIZE = 50e-3

# Number of spike pairs processed at once (the buffers stay in the CPU cache).
_CHUNK_SIZE = 1 << 16
# Bytes of the counts of the first-spike clusters processed together (fits in the L2 cache).
_BLOCK_BYTES = 1 << 19


def correlogram_bins(bin_size, window_size, sample_rate):
    """Return ``(bin_samples, n_bins, half)`` of correlograms (FORMATS §4.5).

    ``bin_samples`` is the bin width in samples, ``n_bins`` the (odd) number of bins, and
    ``half = n_bins // 2`` the index of the zero-lag bin.
    """
    bin_samples = int(sample_rate * np.clip(bin_size, 1e-5, 1e5))
    if bin_samples < 1:
        raise ValueError(
            f"The correlogram bin size {bin_size} s is shorter than one sample at "
            f"{sample_rate} Hz.")
    n_bins = 2 * int(0.5 * np.clip(window_size, 1e-5, 1e5) / bin_size) + 1
    return bin_samples, n_bins, n_bins // 2


def _cluster_indices(spike_clusters, cluster_ids):
    """Position of each spike's cluster in the ordered list `cluster_ids`."""
    if cluster_ids is None:
        cluster_ids = unique(spike_clusters)
    cluster_ids = np.asarray(cluster_ids, dtype=np.int64).ravel()
    if np.unique(cluster_ids).size != cluster_ids.size:
        raise ValueError("`cluster_ids` contains duplicate clusters.")
    if spike_clusters.size == 0:
        return cluster_ids, np.zeros(0, dtype=np.int64)
    lo = min(int(spike_clusters.min()), int(cluster_ids.min(initial=0)))
    hi = max(int(spike_clusters.max()), int(cluster_ids.max(initial=0)))
    if hi - lo > 4 * spike_clusters.size + (1 << 20):
        order = np.argsort(cluster_ids, kind="stable")
        try:
            return cluster_ids, order[index_of(spike_clusters, cluster_ids[order])]
        except ValueError as e:
            raise ValueError(f"Some spikes belong to clusters not in `cluster_ids`: {e}") from None
    lut = np.full(hi - lo + 1, -1, dtype=np.int64)
    lut[cluster_ids - lo] = np.arange(cluster_ids.size)
    idx = lut[spike_clusters - lo]
    if np.any(idx < 0):
        missing = np.unique(spike_clusters[idx < 0])[:10].tolist()
        raise ValueError(f"Some spikes belong to clusters not in `cluster_ids`: {missing}.")
    return cluster_ids, idx


def _block_order(block, cnt, top):
    """Order the spikes by block, then by decreasing partner count (time order in ties)."""
    key = block * (top + 1) + (top - cnt)
    if key.max() < (1 << 16):
        key = key.astype(np.uint16)  # numpy radix-sorts 16-bit keys: one linear pass
    return np.argsort(key, kind="stable")


def _one_sided_counts(samples, idx, n_clusters, bin_samples, half):
    """Counts ``K[i, j, d]`` of pairs of distinct spikes, ``d = 0 .. half``.

    Spike `a` has ``cnt[a]`` partners within the window, the spikes ``a + 1 .. a + cnt[a]``
    (the times are sorted). Writing ``s = q b + r``, the lag bin of a pair ``(a, p)`` is
    ``q[p] - q[a] - (r[p] < r[a])``. With ``second[p] = (Q[p] << bits) | r[p]`` (``Q`` the
    second-spike part of the flat bin index) and ``G[a] = (F[a] << bits) - r[a]`` (``F`` the
    first-spike part), the flat index is ``(second[p] + G[a]) >> bits``: the arithmetic shift
    subtracts the borrow. A pair reads one value per spike and takes three operations.

    The counts are random increments into ``n² (half + 1)`` integers, far bigger than the CPU
    cache; so the spikes are processed by blocks of first-spike clusters whose counts fit in
    the cache. Within a block, the spikes are sorted by decreasing partner count, so that the
    spikes having at least `shift` partners are a prefix of the block, for every `shift`.
    """
    n_lags = half + 1
    row = n_clusters * n_lags
    counts = np.zeros(n_clusters * row, dtype=np.int64)
    n = samples.size
    end = np.searchsorted(samples, samples + n_lags * bin_samples, side="left")
    cnt = end - np.arange(n) - 1
    top = int(cnt.max(initial=0))
    if top == 0:
        return counts.reshape((n_clusters, n_clusters, n_lags))
    q, r = np.divmod(samples - samples[0], bin_samples)
    bits = int(bin_samples - 1).bit_length()
    second = ((idx * n_lags + q) << bits) | r
    if second.max() < (1 << 31):
        second = second.astype(np.int32)  # halves the memory read by the random gathers
    per_block = max(1, _BLOCK_BYTES // (8 * row))
    n_blocks = -(-n_clusters // per_block)
    block = idx // per_block
    first = (((idx - block * per_block) * row - q) << bits) - r
    order = _block_order(block, cnt, top)
    first = first[order]
    # n_active[b, s - 1]: number of spikes of block b with at least s partners.
    hist = np.bincount(block * (top + 1) + cnt, minlength=n_blocks * (top + 1))
    hist = hist.reshape(n_blocks, top + 1)
    n_active = np.cumsum(hist[:, :0:-1], axis=1)[:, ::-1]
    starts = np.r_[0, np.cumsum(hist.sum(axis=1))]
    chunk = min(_CHUNK_SIZE, int(n_active[:, 0].max()))
    flat, val = np.empty(chunk, dtype=np.int64), np.empty(chunk, dtype=second.dtype)
    for b in range(n_blocks):
        block_counts = counts[b * per_block * row:(b + 1) * per_block * row]
        spikes, offsets = order[starts[b]:starts[b + 1]], first[starts[b]:starts[b + 1]]
        for shift in range(1, top + 1):
            m = int(n_active[b, shift - 1])
            for lo in range(0, m, chunk):
                hi = min(m, lo + chunk)
                f = flat[:hi - lo]
                np.add(spikes[lo:hi], shift, out=f)
                v = np.take(second, f, out=val[:hi - lo], mode="clip")  # f < n: no clipping
                np.add(v, offsets[lo:hi], out=f)
                f >>= bits
                np.add.at(block_counts, f, 1)
            if m == 0:
                break
    return counts.reshape((n_clusters, n_clusters, n_lags))


def _symmetrize(counts):
    """``(n, n, half + 1)`` one-sided counts to ``(n, n, 2 half + 1)`` correlograms."""
    n_clusters, _, n_lags = counts.shape
    half = n_lags - 1
    out = np.zeros((n_clusters, n_clusters, 2 * half + 1), dtype=np.int32)
    out[:, :, half + 1:] = counts[:, :, 1:]
    out[:, :, :half] = counts.transpose(1, 0, 2)[:, :, :0:-1]
    # Zero lag: the max (not the sum) of both directions, as phy does (FORMATS §4.5).
    out[:, :, half] = np.maximum(counts[:, :, 0], counts[:, :, 0].T)
    return out


def correlograms(spike_times, spike_clusters, cluster_ids=None, sample_rate=1.,
                 bin_size=None, window_size=None, symmetrize=True):
    """Compute all pairwise cross-correlograms among the clusters appearing in a spike train.

    Parameters
    ----------
    spike_times : array-like
        Sorted spike times in seconds.
    spike_clusters : array-like
        The cluster id of every spike.
    cluster_ids : array-like
        The ordered list of clusters (the order of the output); by default the sorted unique
        clusters of `spike_clusters`. Every spike must belong to one of them.
    sample_rate : float
        The sampling rate, in Hz.
    bin_size : float
        The bin size, in seconds (default 1 ms).
    window_size : float
        The window size, in seconds (default 50 ms).
    symmetrize : bool
        Return the symmetric ``(n, n, n_bins)`` correlograms (default), or the one-sided counts
        ``(n, n, n_bins // 2 + 1)``.

    Returns
    -------
    correlograms : ndarray (int32)
        ``ccg[i, j, half + d]`` counts the spikes of cluster j occurring ``d`` bins after a
        spike of cluster i (FORMATS §4.5, with the zero-lag bin being the max of both
        directions).

    """
    bin_size = DEFAULT_BIN_SIZE if bin_size is None else bin_size
    window_size = DEFAULT_WINDOW_SIZE if window_size is None else window_size
    spike_times = np.asarray(spike_times, dtype=np.float64).ravel()
    spike_clusters = np.asarray(spike_clusters).ravel()
    if spike_times.shape != spike_clusters.shape:
        raise ValueError(f"{spike_times.size} spike times but {spike_clusters.size} "
                         "spike clusters.")
    if np.any(np.diff(spike_times) < 0):
        raise ValueError("The spike times must be sorted.")
    bin_samples, _, half = correlogram_bins(bin_size, window_size, sample_rate)
    cluster_ids, idx = _cluster_indices(spike_clusters, cluster_ids)
    samples = (spike_times * sample_rate).astype(np.int64)
    counts = _one_sided_counts(samples, idx, cluster_ids.size, bin_samples, half)
    if not symmetrize:
        return counts.astype(np.int32)
    return _symmetrize(counts)


def firing_rate(spike_clusters, cluster_ids=None, bin_size=None, duration=None):
    """Expected correlogram count per bin for independent Poisson trains (the baseline).

    Returns
    -------
    baseline : ndarray ``(n_clusters, n_clusters)``
        ``n_i * n_j * bin_size / duration`` (``duration`` 0 or None counts as 1).

    """
    bin_size = DEFAULT_BIN_SIZE if bin_size is None else bin_size
    cluster_ids, idx = _cluster_indices(np.asarray(spike_clusters).ravel(), cluster_ids)
    n = np.bincount(idx, minlength=cluster_ids.size).astype(np.float64)
    return n[:, None] * n[None, :] * (bin_size / (duration or 1.))


def mean_firing_rate(n_spikes, duration):
    """The ``fr`` column: ``n_spikes / max(1, duration)``, in Hz (FORMATS §4.3)."""
    return n_spikes / max(1., float(duration or 0.))


def histogram_density(data, x_min, x_max, n_bins):
    """Histogram normalised to unit area (FORMATS §4.6).

    Parameters
    ----------
    data : array-like
    x_min, x_max : float
        The range of the histogram.
    n_bins : int
        Number of bin *edges* (clipped to [2, 10⁶]): there are ``n_bins - 1`` bins.

    Returns
    -------
    density : ndarray ``(n_bins - 1,)``
    edges : ndarray ``(n_bins,)``

    """
    n_bins = int(np.clip(n_bins, 2, 1_000_000))
    if not x_max > x_min:
        raise ValueError(f"Empty histogram range [{x_min}, {x_max}].")
    edges = np.linspace(x_min, x_max, n_bins)
    counts, _ = np.histogram(np.asarray(data, dtype=np.float64), bins=edges)
    norm = counts.sum() * (edges[1] - edges[0])
    return counts / (norm or 1.), edges


def isi_histogram(spike_times, x_min=0., x_max=0.05, n_bins=50):
    """Density of the inter-spike intervals of all the spikes of a cluster (seconds)."""
    return histogram_density(np.diff(np.asarray(spike_times, dtype=np.float64)),
                             x_min, x_max, n_bins)


def firing_rate_histogram(spike_times, duration, x_min=0., x_max=None, n_bins=200):
    """Density of the spike times of a cluster over the recording (seconds)."""
    return histogram_density(spike_times, x_min, duration if x_max is None else x_max, n_bins)
