"""Per-spike arrays of a template dataset: validated once, converted on the fly, grouped.

The per-spike files (spike times, templates, clusters, amplitudes, feature row ids) stay
memory-mapped as they are. Their conversion to the public dtypes (``int64`` samples and ids,
``float64`` seconds, NaN/Inf read as 0) happens when elements are read
(:class:`phy.io.LazyVector`); a file already in that form is used directly.

One chunked pass per file validates it (the length, sorted spike times, integer ids, template
ids in range) and counts the spikes per template or cluster: its result is a few numbers and
per-template/per-cluster counts, 0 bytes per spike. The only per-spike arrays worth storing in
the ``.phy/`` cache are the spike ids grouped by template and by cluster (a stable counting
sort, bounded memory), computed on first use in the narrowest dtype (:func:`index_dtype`:
4 bytes per spike below 2^32 spikes). The grouping by cluster is not stored at all while
``spike_clusters`` equals ``spike_templates`` (a dataset not curated yet): it is the grouping
by template.
"""

import logging

import numpy as np

from phy.io import DataFormatError, LazyVector, as_vector, native, open_npy
from phy.io.npy import as_index_array, iter_chunks
from phy.utils.progress import progress

logger = logging.getLogger(__name__)

#: Number of elements processed at once by the passes over per-spike arrays.
CHUNK_SIZE = 1 << 21

#: Template ids must be below this (per-template arrays are sized by the largest id).
MAX_TEMPLATES = 1 << 24

#: Cluster ids must be below this: ``spike_clusters.npy`` is saved as int32 (FORMATS §1.3).
MAX_CLUSTER_ID = np.iinfo(np.int32).max


def index_dtype(n):
    """The narrowest dtype holding the ids ``0..n-1``: uint32 below 2^32, else int64."""
    return np.dtype(np.uint32) if n <= np.iinfo(np.uint32).max + 1 else np.dtype(np.int64)


def _round_int(chunk):
    """Integers (floats rounded) as int64; uint64 values wrap like a view."""
    return (np.round(chunk) if chunk.dtype.kind == "f" else chunk).astype(np.int64)


def open_vector(path):
    """Memory-map a per-spike ``.npy`` vector (``(n,)``, ``(n, 1)`` or ``(1, n)``)."""
    return as_vector(open_npy(path), path.name)


# -------------------------------------------------------------------------------------------------
# The public vectors, converted on the fly
# -------------------------------------------------------------------------------------------------

def int_vector(src):
    """``int64`` ids or samples: the memory map itself when it holds native 64-bit integers."""
    if src.dtype.isnative and src.dtype.kind in "iu" and src.dtype.itemsize == 8:
        return src.view(np.int64) if src.dtype != np.int64 else src
    return LazyVector(src, np.int64, _round_int)


def spike_samples(src, kind, sample_rate):
    """Spike times in samples (``int64``) from a ``samples`` or ``seconds`` vector."""
    if kind == "seconds":
        sample_rate = float(sample_rate)
        return LazyVector(src, np.int64, lambda t: np.round(t.astype(np.float64) * sample_rate))
    return int_vector(src)


def spike_times(src, kind, sample_rate):
    """Spike times in seconds (``float64``) from a ``samples`` or ``seconds`` vector."""
    if kind == "seconds":
        return src if src.dtype == np.float64 and src.dtype.isnative else LazyVector(
            src, np.float64)
    sample_rate = float(sample_rate)
    return LazyVector(src, np.float64, lambda s: _round_int(s) / sample_rate)


def float_vector(src, n_nonfinite):
    """A float vector (ints as ``float64``) with NaN/Inf read as 0; the file if already so."""
    target = np.dtype(src.dtype.newbyteorder("=")) if src.dtype.kind == "f" else np.dtype(
        np.float64)
    if not n_nonfinite and src.dtype == target:
        return src
    return LazyVector(src, target, lambda c: np.nan_to_num(
        c.astype(target), nan=0.0, posinf=0.0, neginf=0.0))


# -------------------------------------------------------------------------------------------------
# Validation passes (their results are cached: a few numbers, no per-spike array)
# -------------------------------------------------------------------------------------------------

def check_spikes(writer, times_path, times_kind, templates_path, n_templates):
    """Validate spike times and templates in one chunked pass; count spikes per template.

    Parameters
    ----------
    writer : object
        Cache writer: receives ``template_counts`` (``(n_templates,)`` int64).
    times_path : Path
        ``spike_times.npy`` (samples) or an ALF ``spikes.samples``/``spikes.times`` file.
    times_kind : str
        ``samples`` or ``seconds``.
    templates_path : Path
        ``spike_templates.npy``.
    n_templates : int or None
        Number of rows of ``templates.npy`` (None if absent: then ``max + 1``).

    Returns
    -------
    values : dict
        ``n_templates``, and ``first_decrease``: the first spike whose time is below its
        predecessor's (-1 if the times are sorted; unsorted times open with a warning,
        :func:`unsorted_message`).

    Raises
    ------
    DataFormatError
        On lengths that disagree, times that are not finite, template ids that are not
        integers, negative, beyond ``templates.npy`` or above :data:`MAX_TEMPLATES`.

    """
    times_name, templates_name = times_path.name, templates_path.name
    times_src, tmpl_src = open_vector(times_path), open_vector(templates_path)
    n = times_src.size
    if tmpl_src.size != n:
        raise DataFormatError(
            f"{templates_name} has {tmpl_src.size} spikes but {times_name} has {n}.")
    counts = np.zeros(n_templates or 0, dtype=np.int64)
    last, first_decrease = None, -1
    for start, stop in _chunks(n, f"Checking {times_name}", times_path):
        chunk = native(np.asarray(times_src[start:stop]))
        if times_kind == "seconds" or chunk.dtype.kind == "f":
            if not np.all(np.isfinite(chunk)):
                raise DataFormatError(f"{times_name} contains NaN or infinite spike times.")
            times = chunk.astype(np.float64)
        else:
            times = as_index_array(chunk, times_name)
        if first_decrease < 0:
            first_decrease = _first_decrease(times, last, start)
        last = times[-1]
        t = as_index_array(native(np.asarray(tmpl_src[start:stop])), templates_name)
        if t.min() < 0:
            raise DataFormatError(f"{templates_name} contains negative template ids.")
        if n_templates is not None and t.max() >= n_templates:
            raise DataFormatError(
                f"{templates_name} refers to template {int(t.max())} but the templates file "
                f"has only {n_templates} templates.")
        if t.max() >= MAX_TEMPLATES:
            raise DataFormatError(
                f"{templates_name} refers to template {int(t.max())}: template ids must be "
                f"below {MAX_TEMPLATES:,} (is the file corrupt?).")
        c = np.bincount(t)
        if c.size > counts.size:
            counts = np.concatenate([counts, np.zeros(c.size - counts.size, np.int64)])
        counts[:c.size] += c
    writer.save("template_counts", counts)
    return {"n_templates": int(counts.size), "first_decrease": first_decrease}


def _chunks(n, message, sender=None):
    """The chunk bounds of a pass over `n` spikes, its progress reported (:func:`progress`)."""
    return progress(list(iter_chunks(n, CHUNK_SIZE)), message, sender)


def _first_decrease(times, last, start):
    """The first spike of a chunk whose time is below the previous spike's (-1 if none)."""
    if last is not None and times[0] < last:
        return start
    bad = np.flatnonzero(times[1:] < times[:-1])
    return start + int(bad[0]) + 1 if bad.size else -1


def unsorted_message(name, first_decrease):
    """The warning about spike times that decrease (they open, but some views need order)."""
    return (f"The spike times in {name} are not sorted: they decrease at spike "
            f"{first_decrease}. The dataset opens, but the correlograms, the ISI and the "
            "trace view's spikes may be wrong: sort the spikes (all per-spike files) by time.")


def _count_values(values):
    """Sorted unique values of an int64 chunk and their counts (bincount on small ranges)."""
    lo, hi = int(values.min()), int(values.max())
    if hi - lo < 4 * values.size + (1 << 20):
        counts = np.bincount(values - lo)
        ids = np.flatnonzero(counts)
        return ids + lo, counts[ids]
    return np.unique(values, return_counts=True)


def check_clusters(writer, clusters_path, n_spikes, spike_templates=None):
    """Validate spike clusters in one chunked pass; list the clusters and count their spikes.

    Parameters
    ----------
    writer : object
        Cache writer: receives ``cluster_ids`` (sorted) and ``cluster_counts`` (int64).
    clusters_path : Path
    n_spikes : int
    spike_templates : array-like or None
        The spike templates, compared with the clusters.

    Returns
    -------
    values : dict
        ``same_as_templates``: whether every spike's cluster is its template (then the
        grouping by cluster is the grouping by template).

    Raises
    ------
    DataFormatError
        On a wrong length, ids that are not integers or do not fit in 32 bits (negative ids
        are accepted: :func:`negative_clusters_message`).

    """
    name = clusters_path.name
    src = open_vector(clusters_path)
    if src.size != n_spikes:
        raise DataFormatError(f"{name} has {src.size} spikes, expected {n_spikes}.")
    ids, counts = np.zeros(0, np.int64), np.zeros(0, np.int64)
    same = spike_templates is not None
    for start, stop in _chunks(n_spikes, f"Checking {name}", clusters_path):
        c = as_index_array(native(np.asarray(src[start:stop])), name)
        _check_cluster_ids(c, start, name)
        new_ids, new_counts = _count_values(c)
        merged = np.union1d(ids, new_ids)
        total = np.zeros(merged.size, np.int64)
        total[np.searchsorted(merged, ids)] += counts
        total[np.searchsorted(merged, new_ids)] += new_counts
        ids, counts = merged, total
        same = same and np.array_equal(c, np.asarray(spike_templates[start:stop]))
    writer.save("cluster_ids", ids)
    writer.save("cluster_counts", counts)
    return {"same_as_templates": bool(same)}


def _check_cluster_ids(chunk, start, name):
    """Raise if a chunk of cluster ids holds an id that does not fit in int32."""
    huge = np.flatnonzero((chunk > MAX_CLUSTER_ID) | (chunk < -MAX_CLUSTER_ID - 1))
    if huge.size:
        raise DataFormatError(
            f"{name} gives spike {start + int(huge[0])} the cluster id {int(chunk[huge[0]])}: "
            f"cluster ids must fit in 32 bits (below {MAX_CLUSTER_ID + 1:,}); is the file "
            "corrupt?")


def negative_clusters_message(name, cluster_ids):
    """The warning about negative cluster ids (shown, but unusual: other tools reject them)."""
    negative = cluster_ids[cluster_ids < 0]
    shown = ", ".join(str(int(i)) for i in negative[:5]) + (", ..." if negative.size > 5 else "")
    return (f"{name} has {negative.size} negative cluster id(s) ({shown}): the clusters are "
            "shown, but other tools may not accept negative ids.")


def check_vector(writer, path, kind, n_spikes=None, spike_ids_below=None):
    """Validate a per-spike vector in one chunked pass (nothing is written).

    Parameters
    ----------
    writer : object
        Cache writer (unused: the result is the returned values).
    path : Path
    kind : str
        ``float`` (numbers; NaN/Inf counted, read as 0) or ``int`` (integers).
    n_spikes : int or None
        Expected length.
    spike_ids_below : int or None
        The vector lists spike ids: strictly increasing, non-negative, below this number.

    Returns
    -------
    values : dict
        ``n_nonfinite``: the number of NaN/Inf values.

    """
    name = path.name
    src = open_vector(path)
    n = src.size
    if n_spikes is not None and n != n_spikes:
        raise DataFormatError(f"{name} has {n} rows, expected {n_spikes} (one per spike).")
    if kind == "float" and src.dtype.kind not in "fiu":
        raise DataFormatError(f"{name} should contain numbers, not {src.dtype}.")
    n_bad, last = 0, None
    for start, stop in _chunks(n, f"Checking {name}", path):
        chunk = native(np.asarray(src[start:stop]))
        if kind == "float":
            n_bad += int(chunk.size - np.count_nonzero(np.isfinite(chunk)))
            continue
        chunk = as_index_array(chunk, name)
        if spike_ids_below is None:
            continue
        if np.any(np.diff(chunk) <= 0) or (last is not None and chunk[0] <= last):
            raise DataFormatError(f"{name} must be sorted in increasing order.")
        outside = (chunk < 0) | (chunk >= spike_ids_below)
        if outside.any():
            ids = f" (ids 0 to {spike_ids_below - 1})" if spike_ids_below else ""
            raise DataFormatError(
                f"{name} refers to spike {int(chunk[np.argmax(outside)])} but the dataset has "
                f"{spike_ids_below} spikes{ids}.")
        last = chunk[-1]
    if n_bad:
        logger.warning("%d NaN or infinite values in %s are read as 0.", n_bad, name)
    return {"n_nonfinite": n_bad}


# -------------------------------------------------------------------------------------------------
# Spikes grouped by template and by cluster (the per-spike arrays of the cache)
# -------------------------------------------------------------------------------------------------

def group_order(writer, name, n, keys, counts):
    """Group the ids ``0..n-1`` by key with a chunked counting sort.

    Parameters
    ----------
    writer : object
        Cache writer receiving ``<name>_order`` (:func:`index_dtype`) and ``<name>_offsets``.
    name : str
    n : int
        Number of ids (spikes).
    keys : function
        ``keys(start, stop)`` returns the int64 group index (``0..n_groups-1``) of the ids in
        ``[start, stop)``.
    counts : ndarray
        Number of ids in each group.

    Notes
    -----
    The ids of group ``g`` are ``order[offsets[g]:offsets[g + 1]]``, in increasing order.

    """
    n_groups = counts.size
    offsets = writer.empty(f"{name}_offsets", (n_groups + 1,), np.int64)
    offsets[0] = 0
    np.cumsum(counts, out=offsets[1:])
    order = writer.empty(f"{name}_order", (n,), index_dtype(n))
    cursor = np.array(offsets[:-1], dtype=np.int64)
    small = n_groups <= np.iinfo(np.uint16).max
    for start, stop in _chunks(n, f"Grouping the spikes by {name}"):
        k = keys(start, stop)
        # Stable sort: radix sort for 16-bit keys.
        o = np.argsort(k.astype(np.uint16) if small else k, kind="stable")
        ks = k[o]
        # Rank of every id within its group in this chunk: position minus start of its run.
        new_run = np.r_[True, ks[1:] != ks[:-1]]
        first = np.flatnonzero(new_run)[np.cumsum(new_run) - 1]
        order[cursor[ks] + (np.arange(ks.size) - first)] = o + start
        cursor += np.bincount(k, minlength=n_groups)


def template_order(writer, templates_path, counts):
    """Group the spikes by template (``template_order``, ``template_offsets``)."""
    templates = int_vector(open_vector(templates_path))
    group_order(writer, "template", templates.size,
                lambda a, b: np.asarray(templates[a:b]), counts)


def cluster_order(writer, clusters_path, cluster_ids, counts):
    """Group the spikes by cluster (``cluster_order``, ``cluster_offsets``), ids sorted."""
    clusters = int_vector(open_vector(clusters_path))
    index = _index_function(cluster_ids)
    group_order(writer, "cluster", clusters.size, lambda a, b: index(clusters[a:b]), counts)


def cluster_templates(writer, clusters_path, templates_path, cluster_ids, n_templates):
    """Count the spikes of every (cluster, template) pair in one chunked pass.

    The cache writer receives ``pair_templates`` and ``pair_counts`` (the templates of each
    cluster with their spike counts, cluster by cluster in the order of `cluster_ids`) and
    ``pair_offsets``: the pairs of the cluster ``cluster_ids[i]`` are
    ``pair_offsets[i]:pair_offsets[i + 1]``. A cluster's main template and best channels then
    need no read of its spikes' templates.
    """
    clusters = int_vector(open_vector(clusters_path))
    templates = int_vector(open_vector(templates_path))
    index = _index_function(cluster_ids)
    n_templates = max(int(n_templates), 1)
    keys, counts = np.zeros(0, np.int64), np.zeros(0, np.int64)
    for start, stop in _chunks(clusters.size, "Counting the templates of the clusters",
                               clusters_path):
        new_keys, new_counts = _count_values(
            index(clusters[start:stop]) * n_templates + np.asarray(templates[start:stop]))
        merged = np.union1d(keys, new_keys)
        total = np.zeros(merged.size, np.int64)
        total[np.searchsorted(merged, keys)] += counts
        total[np.searchsorted(merged, new_keys)] += new_counts
        keys, counts = merged, total
    offsets = np.searchsorted(keys // n_templates, np.arange(len(cluster_ids) + 1))
    writer.save("pair_templates", keys % n_templates)
    writer.save("pair_counts", counts)
    writer.save("pair_offsets", offsets.astype(np.int64))


def _index_function(ids):
    """Return a function mapping values of the sorted array `ids` to their positions.

    A lookup table when the ids span a small range, else a binary search.
    """
    if ids.size and ids[-1] - ids[0] < 4 * ids.size + (1 << 20):
        table = np.zeros(int(ids[-1] - ids[0]) + 1, dtype=np.int64)
        table[ids - ids[0]] = np.arange(ids.size)
        return lambda values: table[np.asarray(values, dtype=np.int64) - ids[0]]
    return lambda values: np.searchsorted(ids, np.asarray(values, dtype=np.int64))
