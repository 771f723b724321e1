"""Vectorised array helpers: unique values, spikes per cluster, spike subsampling, chunks.

No function here loops over spikes in Python: they scale to tens of millions of spikes.
"""

import numpy as np


def _as_array(arr, dtype=None):
    """Return a NumPy array (a scalar becomes a 1-element array)."""
    arr = np.asarray(arr, dtype=dtype)
    return arr.reshape((1,)) if arr.ndim == 0 else arr


def unique(x):
    """Sorted unique values of an integer array, faster than ``np.unique`` for small ranges.

    Parameters
    ----------
    x : array-like (1D) of integers

    Returns
    -------
    values : ndarray (1D, int64)

    """
    x = _as_array(x)
    if x.size == 0:
        return np.zeros(0, dtype=np.int64)
    if x.dtype.kind not in "iu":
        return np.unique(x)
    lo, hi = int(x.min()), int(x.max())
    if hi - lo < 4 * x.size + 1024:
        counts = np.bincount((x - lo).astype(np.int64), minlength=hi - lo + 1)
        return np.nonzero(counts)[0].astype(np.int64) + lo
    return np.unique(x).astype(np.int64)


def index_of(arr, lookup):
    """Return the positions of the values of `arr` in the sorted unique array `lookup`.

    Raises
    ------
    ValueError
        If a value of `arr` is not in `lookup`.

    """
    arr, lookup = _as_array(arr), _as_array(lookup)
    if arr.size == 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.searchsorted(lookup, arr)
    if lookup.size == 0 or np.any(idx >= lookup.size) or np.any(lookup[np.minimum(
            idx, lookup.size - 1)] != arr):
        missing = np.setdiff1d(arr, lookup)
        raise ValueError(f"Values {missing[:10].tolist()} are not in the lookup array.")
    return idx.astype(np.int64)


def spikes_per_cluster(spike_clusters, cluster_ids=None):
    """Return the sorted spike ids of every cluster, with one stable argsort.

    Parameters
    ----------
    spike_clusters : array-like (1D)
        The cluster of every spike.
    cluster_ids : array-like (1D)
        Clusters to include even if empty (they get an empty array).

    Returns
    -------
    spc : dict
        ``{cluster_id: int64 array of spike ids}``.

    """
    spike_clusters = _as_array(spike_clusters)
    order = np.argsort(spike_clusters, kind="stable").astype(np.int64)
    sorted_clusters = spike_clusters[order]
    clusters, starts = np.unique(sorted_clusters, return_index=True)
    bounds = np.append(starts, spike_clusters.size)
    spc = {int(c): order[bounds[i]:bounds[i + 1]] for i, c in enumerate(clusters)}
    for c in _as_array(cluster_ids if cluster_ids is not None else []):
        spc.setdefault(int(c), np.zeros(0, dtype=np.int64))
    return spc


def spikes_in_clusters(spike_clusters, clusters):
    """Return the sorted ids of the spikes belonging to any of the given clusters."""
    spike_clusters = _as_array(spike_clusters)
    return np.nonzero(np.isin(spike_clusters, _as_array(clusters)))[0].astype(np.int64)


def regular_subset(spikes, n_spikes_max=None, offset=0):
    """Keep at most `n_spikes_max` spikes, regularly spaced in the array.

    Parameters
    ----------
    spikes : array-like (1D)
    n_spikes_max : int or None
        None keeps every spike.
    offset : int
        Shift of the regular grid (between 0 and the step), to get another subset.

    """
    spikes = _as_array(spikes)
    if n_spikes_max is None or spikes.size <= n_spikes_max:
        return spikes
    return spikes[regular_indices(spikes.size, n_spikes_max, offset)]


def regular_indices(size, n_max=None, offset=0):
    """The positions :func:`regular_subset` keeps in an array of `size` elements.

    ``regular_subset(np.arange(size), n_max, offset)`` without building the ``arange``: the
    background spikes of 20 M spikes cost a few thousand numbers, not 160 MB.
    """
    if n_max is None or size <= n_max:
        return np.arange(size, dtype=np.int64)
    idx = np.floor(np.arange(n_max) * (size / float(n_max))).astype(np.int64) + int(offset)
    return idx[idx < size]


def random_subset(spikes, n_spikes_max=None, seed=0):
    """Keep at most `n_spikes_max` spikes chosen at random (sorted), reproducibly.

    Parameters
    ----------
    spikes : array-like (1D)
    n_spikes_max : int or None
    seed : int
        The seed of the random generator: the same seed gives the same subset.

    """
    spikes = _as_array(spikes)
    if n_spikes_max is None or spikes.size <= n_spikes_max:
        return spikes
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(spikes.size, n_spikes_max, replace=False))
    return spikes[idx]


def select_spikes(
        cluster_ids=None, max_n_spikes_per_cluster=None, spikes_per_cluster=None,
        batch_size=None, subset="regular", seed=0):
    """Return a selection of spikes of some clusters, at most a number per cluster.

    Parameters
    ----------
    cluster_ids : array-like (1D)
    max_n_spikes_per_cluster : int or None
    spikes_per_cluster : dict or function
        ``{cluster_id: spike_ids}`` or a function of a cluster id returning the spike ids.
    batch_size : int or None
        With regular subsets, take contiguous chunks of this many spikes (faster disk reads).
    subset : str
        ``regular`` or ``random``.
    seed : int
        Seed for random subsets.

    Returns
    -------
    spike_ids : ndarray (1D, int64), sorted.

    """
    if cluster_ids is None or len(_as_array(cluster_ids)) == 0:
        return np.zeros(0, dtype=np.int64)
    get = spikes_per_cluster if callable(spikes_per_cluster) else spikes_per_cluster.get
    selections = []
    for cluster in _as_array(cluster_ids):
        spikes = _as_array(get(int(cluster)), dtype=np.int64)
        if spikes is None or spikes.size == 0:
            continue
        if subset == "random":
            spikes = random_subset(spikes, max_n_spikes_per_cluster, seed=seed)
        elif batch_size and max_n_spikes_per_cluster:
            spikes = batched_subset(spikes, max_n_spikes_per_cluster, batch_size)
        else:
            spikes = regular_subset(spikes, max_n_spikes_per_cluster)
        selections.append(spikes)
    if not selections:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(selections)).astype(np.int64)


def batched_subset(spikes, n_spikes_max, batch_size):
    """Keep at most `n_spikes_max` spikes in regularly spaced contiguous batches.

    Contiguous spikes are close on disk, so reading batches is faster than scattered spikes.
    """
    spikes = _as_array(spikes)
    if spikes.size <= n_spikes_max:
        return spikes
    batch_size = max(1, min(batch_size, n_spikes_max))
    n_batches = max(1, n_spikes_max // batch_size)
    starts = regular_subset(np.arange(spikes.size - batch_size + 1), n_batches)
    idx = (starts[:, None] + np.arange(batch_size)[None, :]).ravel()
    return spikes[np.unique(idx)]


def chunk_bounds(n_samples, chunk_size, overlap=0):
    """Yield ``(start, end, keep_start, keep_end)`` for overlapping chunks of an array.

    Chunks are ``[start, end)``, with `overlap` samples on each side of ``[keep_start,
    keep_end)``, the part that belongs to the chunk alone. The kept parts tile
    ``[0, n_samples)`` exactly.

    Parameters
    ----------
    n_samples : int
    chunk_size : int
        Size of the kept part of each chunk.
    overlap : int

    """
    if chunk_size <= 0:
        raise ValueError("chunk_size must be positive.")
    for keep_start in range(0, n_samples, chunk_size):
        keep_end = min(keep_start + chunk_size, n_samples)
        yield (max(0, keep_start - overlap), min(n_samples, keep_end + overlap),
               keep_start, keep_end)


def excerpt_bounds(n_samples, n_excerpts, excerpt_size):
    """Return ``(start, end)`` of `n_excerpts` regularly spaced excerpts of an array."""
    if n_excerpts * excerpt_size >= n_samples:
        return [(0, n_samples)]
    if n_excerpts <= 1:
        return [(0, excerpt_size)]
    step = (n_samples - excerpt_size) / (n_excerpts - 1)
    return [(int(i * step), int(i * step) + excerpt_size) for i in range(n_excerpts)]


def get_excerpts(data, n_excerpts, excerpt_size):
    """Concatenate regularly spaced excerpts of an array along its first axis."""
    bounds = excerpt_bounds(len(data), n_excerpts, excerpt_size)
    return np.concatenate([np.asarray(data[s:e]) for s, e in bounds], axis=0)
