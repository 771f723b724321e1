"""Readers of the small and optional parts of a template dataset.

Channels (map, positions, shanks, probes), square matrices (whitening, similarity), sparse
PC/template features, spike attributes and the pre-extracted waveform subset (FORMATS §1.7,
§1.8, §1.9, §1.12, §1.13). Each function takes the paths found in the dataset directory and
returns normalised arrays, raising :class:`phy.io.DataFormatError` on inconsistent files and
returning None (with a warning) for optional parts that cannot be used.
"""

import logging

import numpy as np

from phy.io import DataFormatError, as_2d, as_vector, check_numeric, open_npy
from phy.utils import Bunch

from . import loading
from .features import SparseFeatures, from_sparse

logger = logging.getLogger(__name__)


def vertical_positions(n_channels):
    """Fallback channel positions: a vertical line (x = 0, y from 0 to 1)."""
    return np.c_[np.zeros(n_channels), np.linspace(0.0, 1.0, n_channels)]


def _channel_vector(path, n_channels):
    if path is None:
        return np.zeros(n_channels, dtype=np.int64)
    out = as_vector(loading.load_index(path), path.name)
    if out.size != n_channels:
        raise DataFormatError(f"{path.name} has {out.size} values, expected {n_channels} "
                              "(the length of channel_map.npy).")
    return out


def read_channels(files, dir_path, n_channels_dat=None):
    """Read the channel map, positions, shanks and probes.

    Parameters
    ----------
    files : dict
        Paths found in the dataset (keys of :data:`loading.FILES`, None if absent).
    dir_path : Path
        The dataset directory (for error messages).
    n_channels_dat : int or None
        Number of raw data columns from ``params.py``, checked against the channel map.

    Returns
    -------
    channels : Bunch
        ``channel_mapping``, ``channel_positions`` (float64, a vertical line if missing or
        with duplicates), ``channel_shanks`` and ``channel_probes`` (int64, zeros if missing).

    """
    path = files.get("channel_map")
    if path is None:
        raise DataFormatError(f"channel_map.npy not found in {dir_path}.")
    mapping = as_vector(loading.load_index(path), path.name)
    n = mapping.size
    check_channel_counts(files, path, n)
    if n_channels_dat and n and mapping.max() >= n_channels_dat:
        raise DataFormatError(
            f"{path.name} refers to raw column {int(mapping.max())} but params.py sets "
            f"n_channels_dat = {n_channels_dat}.")
    path = files.get("channel_positions")
    if path is None:
        logger.warning("channel_positions.npy not found: channels shown on a vertical line.")
        positions = vertical_positions(n)
    else:
        positions = as_2d(loading.load_small(path), path.name, n, 2).astype(np.float64)
        if np.unique(positions, axis=0).shape[0] < n:
            logger.warning(
                "Duplicate channel positions in %s: channels shown on a vertical line.",
                path.name)
            positions = vertical_positions(n)
    return Bunch(channel_mapping=mapping, channel_positions=positions,
                 channel_shanks=_channel_vector(files.get("channel_shanks"), n),
                 channel_probes=_channel_vector(files.get("channel_probe"), n))


#: Files with one entry per channel: their name key and the axis giving the channel count.
_CHANNEL_AXES = (("channel_positions", 0), ("channel_shanks", None), ("channel_probe", None),
                 ("whitening_mat", 0), ("whitening_mat_inv", 0))


def _channel_counts(files):
    """``{file name: number of channels}`` of the files sized by the channels (headers only)."""
    out = {}
    for key, axis in _CHANNEL_AXES:
        path = files.get(key)
        if path is None:
            continue
        shape = open_npy(path).shape
        if axis is not None:
            out[path.name] = shape[axis] if shape else 1
        elif len(shape) <= 1 or (len(shape) == 2 and 1 in shape):  # a vector (else reported
            out[path.name] = int(np.prod(shape))                   # by its reader)
    path = files.get("templates")
    if path is not None and files.get("template_ind") is None:  # dense templates
        out[path.name] = templates_shape(path)[2]
    return out


def check_channel_counts(files, map_path, n):
    """Check that the files sized by the channels agree with the channel map.

    When they disagree, the message blames the file at odds with the others: the channel map
    if at least two other files agree on another count, else a file that differs from it.

    Raises
    ------
    DataFormatError

    """
    counts = _channel_counts(files)
    wrong = {name: k for name, k in counts.items() if k != n}
    if not wrong:
        return
    others = set(counts.values())
    if len(counts) >= 2 and len(wrong) == len(counts) and len(others) == 1:
        m = others.pop()
        raise DataFormatError(
            f"{map_path.name} lists {n} channels but {', '.join(sorted(counts))} "
            f"{'has' if len(counts) == 1 else 'have'} {m}: {map_path.name} should have {m} "
            "entries (is it truncated?).")
    name, k = sorted(wrong.items())[0]
    hint = " (sparse templates need template_ind.npy)" if name.startswith("templates") else ""
    raise DataFormatError(
        f"{name} is sized for {k} channels, expected {n} (the length of {map_path.name})"
        f"{hint}.")


def read_square(path, default, n):
    """Read an ``(n, n)`` matrix (whitening, similarity), or return `default` if absent."""
    if path is None:
        return default
    return as_2d(loading.load_small(path), path.name, n, n)


def read_whitening(files, n_channels):
    """Return the whitening matrix and its inverse (identity / computed inverse if absent)."""
    wm = read_square(files.get("whitening_mat"), np.eye(n_channels), n_channels)
    wmi = read_square(files.get("whitening_mat_inv"), None, n_channels)
    if wmi is None:
        try:
            wmi = np.linalg.inv(wm)
        except np.linalg.LinAlgError:
            logger.warning("The whitening matrix is singular: using its pseudo-inverse.")
            wmi = np.linalg.pinv(wm)
    return wm, wmi


def read_templates(path, ind_path, n_channels):
    """Memory-map ``templates.npy`` and read ``template_ind.npy``.

    Returns
    -------
    data : ndarray
        ``(n_templates, n_samples, n_channels_loc)`` memory map.
    cols : ndarray or None
        ``(n_templates, n_channels_loc)`` int64 channels of sparse templates, None if dense.

    """
    data = check_numeric(open_npy(path), path.name)
    templates_shape(path)
    if ind_path is None:
        if data.shape[2] != n_channels:
            raise DataFormatError(
                f"{path.name} has {data.shape[2]} channels but channel_map.npy has "
                f"{n_channels} (sparse templates need template_ind.npy).")
        return data, None
    cols = as_2d(loading.load_index(ind_path), ind_path.name, data.shape[0], data.shape[2])
    if cols.size and cols.max() >= n_channels:
        raise DataFormatError(f"{ind_path.name} refers to channel {int(cols.max())} but there "
                              f"are {n_channels} channels.")
    return data, cols


def templates_shape(path):
    """Shape of ``templates.npy``: ``(n_templates, n_samples, n_channels_loc)``, checked."""
    shape = open_npy(path).shape
    if len(shape) != 3:
        raise DataFormatError(
            f"{path.name} should be a 3-D array (n_templates, n_samples, n_channels), not an "
            f"array of shape {shape}.")
    return shape


def sparse_features(data, path, ind_path, rows, n_spikes, n_templates, n_columns,
                    spike_templates, pcs, rows_path=None):
    """Build the sparse features of a dataset, or None (with a warning) if they are unusable.

    Parameters
    ----------
    data : ndarray
        The memory-mapped feature file: ``(n_rows, n_pcs, n_loc)`` (or ``(n_rows, n_loc)``
        with a single PC) for PC features, ``(n_rows, n_loc)`` for template features.
    path, ind_path : Path
        The feature file and its ``*_ind.npy`` file (None: dense columns).
    rows : ndarray or None
        Spike ids of the rows (``*_spike_ids.npy``), None if every spike has a row.
    n_spikes, n_templates : int
    n_columns : int
        Number of channels (PC features) or templates (template features) the columns index.
    spike_templates : ndarray
    pcs : bool
        PC features (exposed as ``(n_rows, n_loc, n_pcs)``) or template features.
    rows_path : Path or None
        The ``*_spike_ids.npy`` file of `rows` (for messages).

    Raises
    ------
    DataFormatError
        If the ``*_ind.npy`` file does not match the templates or the feature columns.

    """
    expected = ("a 3-D array (n_spikes, n_pcs, n_channels), or 2-D with a single PC" if pcs
                else "a 2-D array (n_spikes, n_templates)")
    check_numeric(data, path.name)
    if data.ndim not in ((2, 3) if pcs else (2,)):
        logger.warning("%s has shape %s: expected %s. Ignored.", path.name, data.shape, expected)
        return None
    n_rows = n_spikes if rows is None else rows.size
    if data.shape[0] != n_rows:
        logger.warning(
            "%s has %d rows but %s: ignored.", path.name, data.shape[0],
            f"the dataset has {n_spikes} spikes" if rows is None else
            f"{rows_path.name if rows_path else 'the spike ids'} lists {n_rows} spikes")
        return None
    if pcs:
        data = np.swapaxes(data.reshape(data.shape[0], 1, -1) if data.ndim == 2 else data, 1, 2)
    cols = None
    if ind_path is not None:
        cols = as_2d(loading.load_index(ind_path), ind_path.name, n_templates)
        if cols.shape[1] != data.shape[1]:
            what = "channels" if pcs else "templates"
            raise DataFormatError(
                f"{path.name} has {data.shape[1]} columns of {what} but {ind_path.name} lists "
                f"{cols.shape[1]} {what} per template (shape {cols.shape}): {path.name} "
                f"should have {cols.shape[1]} (is it cut?).")
        if cols.size and cols.max() >= n_columns:
            raise DataFormatError(
                f"{ind_path.name} refers to {int(cols.max())} but there are only {n_columns}.")
    return SparseFeatures(data, cols, rows, spike_templates)


def read_spike_attributes(dir_path, n_spikes):
    """Memory-map the ``spike_<name>.npy`` attributes with one row per spike."""
    out = Bunch()
    for name, path in loading.spike_attribute_files(dir_path).items():
        arr = open_npy(path)
        if arr.ndim == 0 or arr.shape[0] != n_spikes:
            logger.warning("Skipping the spike attribute %s: %d rows instead of %d.",
                           path.name, arr.shape[0] if arr.ndim else 1, n_spikes)
            continue
        out[name] = as_vector(arr, path.name) if arr.ndim == 2 and arr.shape[1] == 1 else arr
    return out


def read_waveform_subset(files):
    """Read the ``_phy_spikes_subset.*`` files (all three or none), or None."""
    paths = [files.get(k) for k in ("subset_spikes", "subset_channels", "subset_waveforms")]
    if any(p is None for p in paths):
        return None
    try:
        spikes = as_vector(loading.load_index(paths[0]), paths[0].name)
        channels = as_2d(loading.load_index(paths[1]), paths[1].name, spikes.size)
        waveforms = check_numeric(open_npy(paths[2]), paths[2].name)
        if waveforms.ndim != 3 or waveforms.shape[0] != spikes.size or (
                waveforms.shape[2] != channels.shape[1]):
            raise DataFormatError(f"{paths[2].name} has an inconsistent shape.")
        if np.any(np.diff(spikes) <= 0):
            raise DataFormatError(f"{paths[0].name} must be sorted.")
    except DataFormatError as e:
        logger.warning("Ignoring the waveform subset: %s", e)
        return None
    return Bunch(spike_ids=spikes, spike_channels=channels, waveforms=waveforms)


def subset_waveforms(subset, spike_ids, channel_ids):
    """Waveforms ``(n, n_samples, n_channels)`` from the subset, or None if a spike is absent."""
    ids = subset.spike_ids
    rows = np.searchsorted(ids, spike_ids)
    if ids.size == 0 or np.any(rows >= ids.size) or np.any(
            ids[np.minimum(rows, ids.size - 1)] != spike_ids):
        return None
    data = np.swapaxes(np.asarray(subset.waveforms[rows], dtype=np.float32), 1, 2)
    return np.swapaxes(from_sparse(data, subset.spike_channels[rows], channel_ids), 1, 2)


def mean_waveforms_array(mean_waveforms, n_samples, n_channels):
    """Stack mean waveforms ``{cluster_id: array or Bunch(data, channel_ids)}`` by cluster id."""
    if not isinstance(mean_waveforms, dict):
        return np.asarray(mean_waveforms, dtype=np.float32)
    ids = sorted(mean_waveforms)
    out = np.zeros((len(ids), n_samples, n_channels), np.float32)
    for i, cluster_id in enumerate(ids):
        item = mean_waveforms[cluster_id]
        if isinstance(item, dict):
            data = np.asarray(item["data"], dtype=np.float32)
            out[i][:, np.asarray(item["channel_ids"])] = data.reshape(data.shape[-2:])
        else:
            out[i] = item
    return out
