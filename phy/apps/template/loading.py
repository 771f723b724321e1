"""Finding the files of a template dataset and reading its small arrays.

Small arrays (channels, indices, whitening) are read into memory and normalised (vectors
``(n,)``/``(n,1)``/``(1,n)``, float indices cast to int64, NaN/Inf replaced by 0 with a warning).
Per-spike arrays are memory-mapped and converted on the fly (:mod:`.spikes`); only big
Fortran-ordered or byte-swapped feature files are copied once, in C order, into the dataset's
``.phy/`` cache (row access to such a memory map would touch the whole file), never in place.
"""

from pathlib import Path

import numpy as np

from phy.io import as_index_array, as_vector, check_numeric, fix_nonfinite, native, open_npy
from phy.io.npy import iter_chunks

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
    name = name or Path(path).name
    arr = check_numeric(open_npy(path, mmap=False), name)
    return fix_nonfinite(native(np.asarray(arr)), name)


def load_index(path, name=None):
    """Read a small index array (channel map, ``*_ind.npy``) as int64."""
    return as_index_array(open_npy(path, mmap=False), name or Path(path).name)


def header_length(path, name=None):
    """Number of rows of a ``.npy`` vector, read from its header only (no data touched)."""
    return as_vector(open_npy(path, mmap=True), name or Path(path).name).size


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
