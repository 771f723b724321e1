"""Finding and normalising the files of a template dataset, at any scale.

Small arrays (channels, indices, whitening) are read into memory and normalised (vectors
``(n,)``/``(n,1)``/``(1,n)``, float indices cast to int64, NaN/Inf replaced by 0 with a warning).
Per-spike arrays are memory-mapped; when a file is not directly usable (other dtype, byte
order, NaN values, Fortran-ordered features) a normalised copy is made once, chunk by chunk, in
the dataset's ``.phy/`` cache (:class:`phy.io.ArrayCache`), never in place. The same passes
validate the data (sorted spike times, template ids in range) and build the derived arrays that
make per-template and per-cluster queries O(1): spike ids grouped by template or cluster with
a counting sort (one stable O(n) pass, bounded memory).
"""

import logging
from pathlib import Path

import numpy as np

from phy.io import DataFormatError, as_index_array, as_vector, fix_nonfinite, native, open_npy
from phy.io.npy import iter_chunks
from phy.utils import unique

logger = logging.getLogger(__name__)

#: Number of elements processed at once by the passes over per-spike arrays.
CHUNK_SIZE = 1 << 21

#: Per-spike feature arrays larger than this (bytes) are converted to C order in the cache
#: when stored in Fortran order (row access to a big Fortran memmap touches the whole file).
FORTRAN_CONVERSION_BYTES = 64 << 20

#: Dataset files: phy name and alternative ALF glob patterns (first match wins).
FILES = {
    "spike_times": ("spike_times.npy",),
    "alf_spike_samples": ("spikes.samples*.npy",),
    "alf_spike_times": ("spikes.times*.npy",),
    "spike_templates": ("spike_templates.npy", "spikes.templates*.npy"),
    "spike_clusters": ("spike_clusters.npy",),
    "alf_spike_clusters": ("spikes.clusters*.npy",),
    "amplitudes": ("amplitudes.npy", "spikes.amps*.npy"),
    "templates": ("templates.npy", "templates.waveforms.npy", "templates.waveforms.*.npy"),
    "template_ind": ("template_ind.npy", "templates.waveformsChannels*.npy"),
    "channel_map": ("channel_map.npy", "channels.rawInd*.npy"),
    "channel_positions": ("channel_positions.npy", "channels.localCoordinates*.npy"),
    "channel_shanks": ("channel_shanks.npy", "channels.shanks*.npy"),
    "channel_probe": ("channel_probe.npy", "channels.probes*.npy"),
    "similar_templates": ("similar_templates.npy",),
    "whitening_mat": ("whitening_mat.npy",),
    "whitening_mat_inv": ("whitening_mat_inv.npy",),
    "pc_features": ("pc_features.npy",),
    "pc_feature_ind": ("pc_feature_ind.npy",),
    "pc_feature_spike_ids": ("pc_feature_spike_ids.npy",),
    "template_features": ("template_features.npy",),
    "template_feature_ind": ("template_feature_ind.npy",),
    "template_feature_spike_ids": ("template_feature_spike_ids.npy",),
    "spike_times_reordered": ("spike_times_reordered.npy",),
    "subset_spikes": ("_phy_spikes_subset.spikes.npy",),
    "subset_channels": ("_phy_spikes_subset.channels.npy",),
    "subset_waveforms": ("_phy_spikes_subset.waveforms.npy",),
}

#: ``spike_<name>.npy`` files that are not spike attributes.
RESERVED_SPIKE_FILES = (
    "clusters", "templates", "samples", "times", "times_reordered", "amplitudes")


def find_file(dir_path, key):
    """Return the path of a dataset file (phy name first, then ALF patterns), or None."""
    dir_path = Path(dir_path)
    for pattern in FILES[key]:
        if "*" not in pattern:
            path = dir_path / pattern
            if path.is_file():
                return path
        else:
            matches = sorted(p for p in dir_path.glob(pattern) if p.is_file())
            if matches:
                return matches[0]
    return None


def spike_attribute_files(dir_path):
    """Return ``{name: path}`` of the ``spike_<name>.npy`` spike attribute files."""
    out = {}
    for path in sorted(Path(dir_path).glob("spike_*.npy")):
        name = path.stem[len("spike_"):]
        if name and name not in RESERVED_SPIKE_FILES:
            out[name] = path
    return out


def load_small(path, name=None):
    """Read a small array into memory: native byte order, NaN/Inf replaced by 0."""
    arr = open_npy(path, mmap=False)
    return fix_nonfinite(native(np.asarray(arr)), name or Path(path).name)


def load_index(path, name=None):
    """Read a small index array (channel map, ``*_ind.npy``) as int64."""
    return as_index_array(open_npy(path, mmap=False), name or Path(path).name)


def header_length(path, name=None):
    """Number of rows of a ``.npy`` vector, read from its header only (no data touched)."""
    return as_vector(open_npy(path, mmap=True), name or Path(path).name).size


# -------------------------------------------------------------------------------------------------
# Passes over per-spike vectors
# -------------------------------------------------------------------------------------------------

def _as_int_chunk(chunk, name):
    """Cast a chunk to int64; floats must hold integer values (checked)."""
    if chunk.dtype.kind == "f":
        if not np.all(np.isfinite(chunk)) or np.any(chunk != np.round(chunk)):
            raise DataFormatError(f"{name} should contain integers.")
    elif chunk.dtype.kind not in "iub":
        raise DataFormatError(f"{name} should contain integers, not {chunk.dtype}.")
    return chunk.astype(np.int64)


def _is_int64_view(vec):
    return vec.dtype.kind in "iu" and vec.dtype.itemsize == 8 and vec.dtype.isnative


def as_int64_view(vec):
    """A zero-copy int64 view of a native 64-bit integer vector (uint64 sample indices)."""
    return vec.view(np.int64) if vec.dtype != np.int64 else vec


def group_order(writer, name, n, keys, counts):
    """Group the ids ``0..n-1`` by key with a chunked counting sort.

    Parameters
    ----------
    writer : object
        Cache writer (``writer.empty``) receiving ``<name>_order`` and ``<name>_offsets``.
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
    order = writer.empty(f"{name}_order", (n,), np.int64)
    cursor = np.array(offsets[:-1], dtype=np.int64)
    small = n_groups <= np.iinfo(np.uint16).max
    for start, stop in iter_chunks(n, CHUNK_SIZE):
        k = keys(start, stop)
        # Stable sort: radix sort for 16-bit keys.
        o = np.argsort(k.astype(np.uint16) if small else k, kind="stable")
        ks = k[o]
        # Rank of every id within its group in this chunk: position minus start of its run.
        new_run = np.r_[True, ks[1:] != ks[:-1]]
        first = np.flatnonzero(new_run)[np.cumsum(new_run) - 1]
        order[cursor[ks] + (np.arange(ks.size) - first)] = o + start
        cursor += np.bincount(k, minlength=n_groups)


def compute_spikes(writer, times_path, times_kind, templates_path, sample_rate, n_templates):
    """Normalise and validate spike times and templates, and group spikes by template.

    Parameters
    ----------
    writer : object
        Cache writer.
    times_path : Path
        ``spike_times.npy`` (samples) or an ALF ``spikes.samples``/``spikes.times`` file.
    times_kind : str
        ``samples`` or ``seconds``.
    templates_path : Path
        ``spike_templates.npy``.
    sample_rate : float
    n_templates : int or None
        Number of rows of ``templates.npy`` (None if absent: then ``max + 1``).

    Returns
    -------
    values : dict
        ``n_templates``.

    Notes
    -----
    Arrays written: ``spike_times`` (float64 s), ``spike_samples`` and ``spike_templates``
    (int64, only when the file is not already 64-bit integers), ``template_counts``,
    ``template_order`` and ``template_offsets``.

    """
    times_name, templates_name = times_path.name, templates_path.name
    times_src = as_vector(open_npy(times_path), times_name)
    tmpl_src = as_vector(open_npy(templates_path), templates_name)
    n = times_src.size
    if tmpl_src.size != n:
        raise DataFormatError(
            f"{templates_name} has {tmpl_src.size} spikes but {times_name} has {n}.")
    samples_out = (writer.empty("spike_samples", (n,), np.int64)
                   if times_kind == "seconds" or not _is_int64_view(times_src) else None)
    times_out = writer.empty("spike_times", (n,), np.float64)
    tmpl_out = (writer.empty("spike_templates", (n,), np.int64)
                if tmpl_src.dtype != np.int64 else None)
    counts = np.zeros(n_templates or 0, dtype=np.int64)
    last, max_template = None, -1
    for start, stop in iter_chunks(n, CHUNK_SIZE):
        chunk = native(np.asarray(times_src[start:stop]))
        if times_kind == "seconds":
            times = chunk.astype(np.float64)
            samples = np.round(times * sample_rate).astype(np.int64)
        else:
            samples = (as_int64_view(chunk) if _is_int64_view(chunk)
                       else np.round(chunk).astype(np.int64) if chunk.dtype.kind == "f"
                       else _as_int_chunk(chunk, times_name))
            times = samples / float(sample_rate)
        _check_sorted(samples, last, start, times_name)
        last = samples[-1]
        times_out[start:stop] = times
        if samples_out is not None:
            samples_out[start:stop] = samples
        t = _as_int_chunk(native(np.asarray(tmpl_src[start:stop])), templates_name)
        if t.min() < 0:
            raise DataFormatError(f"{templates_name} contains negative template ids.")
        if n_templates is not None and t.max() >= n_templates:
            raise DataFormatError(
                f"{templates_name} refers to template {int(t.max())} but the templates file "
                f"has only {n_templates} templates.")
        if tmpl_out is not None:
            tmpl_out[start:stop] = t
        max_template = max(max_template, int(t.max()))
        c = np.bincount(t)
        if c.size > counts.size:
            counts = np.concatenate([counts, np.zeros(c.size - counts.size, np.int64)])
        counts[:c.size] += c
    counts = counts[:n_templates if n_templates is not None else max_template + 1]
    writer.save("template_counts", counts)
    spike_templates = tmpl_out if tmpl_out is not None else tmpl_src
    group_order(writer, "template", n, lambda a, b: _as_int_chunk(
        native(np.asarray(spike_templates[a:b])), templates_name), counts)
    return {"n_templates": int(counts.size)}


def _check_sorted(samples, last, start, name):
    """Raise if the spike times of a chunk decrease (also across the previous chunk)."""
    if samples.size == 0:
        return
    bad = np.nonzero(np.diff(samples) < 0)[0]
    if last is not None and samples[0] < last:
        bad = np.r_[-1, bad]
    if bad.size:
        raise DataFormatError(
            f"The spike times must be increasing: {name} decreases at spike "
            f"{start + int(bad[0]) + 1}.")


def compute_clusters(writer, clusters_path, n_spikes):
    """Normalise spike clusters to int64 and group the spikes by cluster.

    Returns
    -------
    values : dict
        Empty; arrays written: ``spike_clusters`` (only if a conversion was needed),
        ``cluster_ids`` (sorted) and ``cluster_order``/``cluster_offsets``.

    """
    name = clusters_path.name
    src = as_vector(open_npy(clusters_path), name)
    if src.size != n_spikes:
        raise DataFormatError(f"{name} has {src.size} spikes, expected {n_spikes}.")
    out = writer.empty("spike_clusters", (n_spikes,), np.int64) if (
        src.dtype != np.int64) else None
    ids = np.zeros(0, dtype=np.int64)
    for start, stop in iter_chunks(n_spikes, CHUNK_SIZE):
        c = _as_int_chunk(native(np.asarray(src[start:stop])), name)
        if out is not None:
            out[start:stop] = c
        ids = np.union1d(ids, unique(c))
    writer.save("cluster_ids", ids)
    clusters = out if out is not None else src
    index = _index_function(ids)
    counts = np.zeros(ids.size, dtype=np.int64)
    for start, stop in iter_chunks(n_spikes, CHUNK_SIZE):
        counts += np.bincount(index(clusters[start:stop]), minlength=ids.size)
    group_order(writer, "cluster", n_spikes, lambda a, b: index(clusters[a:b]), counts)
    return {}


def _index_function(ids):
    """Return a function mapping values of the sorted array `ids` to their positions.

    A lookup table when the ids span a small range, else a binary search.
    """
    if ids.size and ids[-1] - ids[0] < 4 * ids.size + (1 << 20):
        table = np.zeros(int(ids[-1] - ids[0]) + 1, dtype=np.int64)
        table[ids - ids[0]] = np.arange(ids.size)
        return lambda values: table[np.asarray(values, dtype=np.int64) - ids[0]]
    return lambda values: np.searchsorted(ids, np.asarray(values, dtype=np.int64))


def compute_vector(writer, path, kind, n_spikes=None, check_sorted=False):
    """Check a per-spike vector and write a normalised copy only when needed.

    Parameters
    ----------
    path : Path
    kind : str
        ``float`` (NaN/Inf replaced by 0, native float dtype kept) or ``int`` (int64).
    n_spikes : int or None
        Expected length.
    check_sorted : bool
        Require strictly increasing values (spike id arrays).

    Returns
    -------
    values : dict
        ``n_nonfinite``; the array ``data`` is written if the file cannot be used as is.

    """
    name = path.name
    src = as_vector(open_npy(path), name)
    n = src.size
    if n_spikes is not None and n != n_spikes:
        raise DataFormatError(f"{name} has {n} rows, expected {n_spikes} (one per spike).")
    if kind == "float" and src.dtype.kind not in "fiu":
        raise DataFormatError(f"{name} should contain numbers, not {src.dtype}.")
    target = (np.dtype(src.dtype.newbyteorder("=")) if src.dtype.kind == "f"
              else np.dtype(np.float64)) if kind == "float" else np.dtype(np.int64)
    needs_copy = src.dtype != target
    n_bad, last = 0, None
    for start, stop in iter_chunks(n, CHUNK_SIZE):
        chunk = np.asarray(src[start:stop])
        if kind == "float":
            n_bad += int(np.count_nonzero(~np.isfinite(chunk)))
        else:
            chunk = _as_int_chunk(native(chunk), name)
            if check_sorted and chunk.size and (np.any(np.diff(chunk) <= 0) or (
                    last is not None and chunk[0] <= last)):
                raise DataFormatError(f"{name} must be sorted in increasing order.")
            last = chunk[-1] if chunk.size else last
    if n_bad:
        logger.warning("%d NaN or infinite values in %s are read as 0.", n_bad, name)
    if needs_copy or n_bad:
        out = writer.empty("data", (n,), target)
        for start, stop in iter_chunks(n, CHUNK_SIZE):
            chunk = native(np.asarray(src[start:stop]))
            chunk = (np.nan_to_num(chunk.astype(target), nan=0.0, posinf=0.0, neginf=0.0)
                     if kind == "float" else _as_int_chunk(chunk, name))
            out[start:stop] = chunk
    return {"n_nonfinite": n_bad}


def compute_c_order(writer, path):
    """Write a C-ordered, native copy of a (Fortran-ordered) per-spike array, in row chunks."""
    src = open_npy(path)
    out = writer.empty("data", src.shape, src.dtype.newbyteorder("="))
    row_bytes = max(1, int(np.prod(src.shape[1:])) * src.dtype.itemsize)
    for start, stop in iter_chunks(src.shape[0], max(1, (64 << 20) // row_bytes)):
        out[start:stop] = src[start:stop]
    return {}


def needs_c_order(arr):
    """Whether a per-spike array should be converted to C order in the cache."""
    return (arr.ndim > 1 and not arr.flags.c_contiguous and arr.shape[0] > 1
            and arr.nbytes > FORTRAN_CONVERSION_BYTES) or (
        not arr.dtype.isnative and arr.nbytes > FORTRAN_CONVERSION_BYTES)
