"""Saving a template dataset: ``spike_clusters.npy``, ``cluster_<field>.tsv``, ``cluster_info.tsv``.

FORMATS §2. Every file is written atomically: into a hidden temporary sibling
(``.<name>.<hex>.tmp``), flushed, then renamed over the target (a reader, or the model's own
memory map of the previous file, never sees a partial file; the temporary is removed on
failure). Before a file is replaced for the first time, its current content is copied to
``<name>.bak`` (FORMATS §2.1: a name no reader's glob matches); that copy is never overwritten,
so it keeps the sorter's original whatever the number of saves. A directory that cannot be
written gives a :class:`phy.io.DataFormatError` naming it, and leaves every file intact.

Text files are tab-separated with LF line endings, cells quoted CSV-style when they contain a
tab, a quote or a newline.
"""

import csv
import io
import logging
import os
import shutil
from pathlib import Path

import numpy as np

from phy.io import DataFormatError, writable_dir
from phy.io.npy import iter_chunks
from phy.utils import atomic_write
from phy.utils.io import backup_path

from . import readers
from .metadata import load_metadata
from .spikes import CHUNK_SIZE, int_vector, open_vector
from .transaction import N_BACKUPS, original_names, save_files, sorter_sources

logger = logging.getLogger(__name__)

#: Keys of the cluster table that are not written to ``cluster_info.tsv``.
CLUSTER_INFO_EXCLUDED = ("is_masked",)


def _not_writable(dir_path, name, reason="is not writable"):
    return DataFormatError(f"Cannot write {name}: the dataset directory {dir_path} {reason}.")


def check_writable(dir_path, name):
    """Raise a :class:`phy.io.DataFormatError` naming `dir_path` if it cannot be written."""
    if not writable_dir(dir_path):
        raise _not_writable(dir_path, name)


def _keep_original(path, backup):
    """Keep the file `path` as `backup`: a hard link (instant, no space) or else a copy.

    A link is safe because phy never writes into a file: it replaces it with a new one
    (``os.replace``), and the link keeps the original's bytes.
    """
    with atomic_write(backup) as tmp:
        try:
            os.link(path, tmp)
        except OSError:  # no hard links on this file system, or across devices (a symlink)
            shutil.copy2(path, tmp)


def replace_file(path, write):
    """Replace `path` atomically by what ``write(tmp_path)`` writes; keep the original once.

    Parameters
    ----------
    path : Path
        The file to write (its directory must exist).
    write : callable
        Called with a temporary path in the same directory, where it writes the whole file.

    """
    path = Path(path)
    check_writable(path.parent, path.name)
    try:
        backup = backup_path(path)
        if path.exists() and not backup.exists():
            _keep_original(path, backup)
        with atomic_write(path) as tmp:
            write(tmp)
    except OSError as e:
        raise _not_writable(path.parent, path.name, f"could not be written ({e})") from None
    logger.debug("Saved %s.", path)
    return path


def _tsv_text(header, rows):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def text_writer(text):
    """A function writing `text` (UTF-8, newlines as given) to the path it is called with."""
    def write(tmp):
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    return write


def _write_text(path, text):
    return replace_file(path, text_writer(text))


def check_field_name(name):
    """Check a metadata field name: it names the file ``cluster_<name>.tsv`` and its column."""
    if not isinstance(name, str) or not name.strip() or name != name.strip():
        raise ValueError(f"Invalid cluster metadata field name {name!r}.")
    if any(c in name for c in "/\\\t\r\n\"") or name in (".", ".."):
        raise ValueError(f"Invalid cluster metadata field name {name!r}: it names the file "
                         f"cluster_{name}.tsv.")
    if name in ("cluster_id", "info", "id"):
        raise ValueError(f"The cluster metadata field name {name!r} is reserved.")


def _metadata_value(value):
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)


def save_metadata(dir_path, name, values):
    """Save one metadata field as ``cluster_<name>.tsv`` (FORMATS §2.2).

    Parameters
    ----------
    dir_path : str or Path
        The dataset directory.
    name : str
        The field name (``group`` gives ``cluster_group.tsv``; case preserved).
    values : dict
        ``{cluster_id: value}``; None and empty values are omitted.

    Returns
    -------
    path : Path
        The file written: a header ``cluster_id<TAB>name``, then one line per cluster with a
        value, by increasing cluster id, values written with ``str()``.

    """
    return _write_text(Path(dir_path) / f"cluster_{name}.tsv", metadata_text(name, values))


def metadata_text(name, values):
    """The text of ``cluster_<name>.tsv`` (see :func:`save_metadata`)."""
    check_field_name(name)
    rows = [[int(c), _metadata_value(values[c])] for c in sorted(values, key=int)
            if values[c] is not None and not (isinstance(values[c], str) and values[c] == "")]
    return _tsv_text(["cluster_id", name], rows)


def cluster_info_cell(value):
    """Format a ``cluster_info.tsv`` cell (FORMATS §2.3).

    Floats as ``%.8f`` (``nan``, ``inf``), integers as digits, booleans ``True``/``False``,
    None as an empty cell, anything else with ``str()``.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None:
        return ""
    if isinstance(value, (bool, int, str)):
        return str(value)
    if isinstance(value, float):
        return f"{value:.8f}"
    return str(value)


def save_cluster_info(dir_path, rows):
    """Write ``cluster_info.tsv``: a snapshot of the cluster table (FORMATS §2.3).

    Parameters
    ----------
    dir_path : str or Path
    rows : list of dict
        One dict per cluster with an ``id`` key (the cluster id) and one key per column.

    Returns
    -------
    path : Path
        The file: ``cluster_id`` first, then the union of the other keys in code-point order
        (``is_masked`` excluded), one row per cluster by increasing id, missing values empty;
        an empty file without rows.

    """
    return _write_text(Path(dir_path) / "cluster_info.tsv", cluster_info_text(rows))


def cluster_info_text(rows):
    """The text of ``cluster_info.tsv`` (see :func:`save_cluster_info`)."""
    rows = list(rows)
    for row in rows:
        if "id" not in row:
            raise ValueError(f"A cluster_info row has no 'id' key: {row!r}.")
    rows.sort(key=lambda row: int(row["id"]))
    skip = {"id", "cluster_id", *CLUSTER_INFO_EXCLUDED}
    columns = sorted({str(k) for row in rows for k in row if k not in skip})
    table = [[str(int(row["id"]))] + [cluster_info_cell(row.get(c)) for c in columns]
             for row in rows]
    return _tsv_text(["cluster_id"] + columns, table) if rows else ""


def save_spike_clusters(path, spike_clusters, n_spikes):
    """Write a spike clusters file (FORMATS §2.1): 1-D, ``int32`` if all ids fit, else ``int64``.

    The caller re-reads the written file (a memory map) rather than keeping `spike_clusters`.
    """
    replace_file(path, spike_clusters_writer(spike_clusters, n_spikes))
    logger.info("Saved %s.", path)


def spike_clusters_writer(spike_clusters, n_spikes):
    """The writer of a spike clusters file (``write(path)``), once `spike_clusters` checked."""
    arr = np.asarray(spike_clusters).ravel()
    if arr.size != n_spikes or arr.dtype.kind not in "iu":
        raise ValueError(f"spike_clusters must be {n_spikes} integers.")
    i32 = np.iinfo(np.int32)
    fits = arr.size == 0 or (arr.min() >= i32.min and arr.max() <= i32.max)
    dtype = np.int32 if fits else np.int64

    def write(tmp):  # chunk by chunk with file writes: no mapped pages, no full-size copy
        with open(tmp, "wb") as f:
            np.lib.format.write_array_header_1_0(f, {
                "descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
                "fortran_order": False, "shape": arr.shape})
            for start, stop in iter_chunks(arr.size, CHUNK_SIZE):
                f.write(np.ascontiguousarray(arr[start:stop], dtype=dtype).tobytes())

    return write


class TemplateSaving:
    """The saving methods of :class:`phy.apps.template.TemplateModel` (FORMATS §2).

    Uses the model's ``dir_path``, ``read_only``, ``n_spikes``, ``metadata``,
    ``_spike_clusters_path`` and the per-spike caches it resets.
    """

    #: Previous versions of the saved files kept in ``.phy/backups/`` (``n_backups`` in
    #: ``params.py`` sets it for a dataset).
    n_backups = N_BACKUPS

    def sorter_output(self):
        """The clustering and the labels the sorter wrote: ``(spike_clusters, metadata)``.

        From ``.phy/backups/original/`` (made by the first save), ``<name>.bak`` files of
        older saves, or the files never saved; the clusters are the templates without a
        sorter's ``spike_clusters.npy``.
        """
        name = self._spike_clusters_path.name
        names = {name, *original_names(self.dir_path)} | {
            p.name for p in self.dir_path.glob("cluster_*.tsv")}
        sources = sorter_sources(self.dir_path, sorted(names))
        path = sources.pop(name)
        clusters = np.load(path, mmap_mode="r") if path is not None else self.spike_templates
        metadata = load_metadata(self.dir_path, sources)
        return np.asarray(clusters, dtype=np.int64).ravel(), metadata

    def save_curation(self, spike_clusters, labels, cluster_info=None, emergency_dir=None):
        """Save a curation as one transaction (:mod:`.transaction`): all files or none.

        ``spike_clusters.npy``, one ``cluster_<field>.tsv`` per field of `labels` and
        ``cluster_info.tsv`` are written, then committed together; the previous version is
        kept in ``.phy/backups/<timestamp>/`` (the last :attr:`n_backups`). A failure leaves
        every previous file intact and raises :class:`~.transaction.SaveError`, whose message
        names the problem and where the unsaved files were written (in `emergency_dir`).

        Parameters
        ----------
        spike_clusters : array-like
            ``n_spikes`` integers.
        labels : dict
            ``{field: {cluster_id: value}}`` (``group`` gives ``cluster_group.tsv``).
        cluster_info : list of dict
            The rows of ``cluster_info.tsv`` (see :meth:`save_cluster_info`), or None.
        emergency_dir : str or Path
            Where to write the files if they cannot be saved in the dataset folder.

        """
        path = self._spike_clusters_path
        if self.read_only:
            raise DataFormatError(f"Cannot write {path.name}: the model of {self.dir_path} was "
                                  "opened read-only.")
        outputs = {path.name: spike_clusters_writer(spike_clusters, self.n_spikes)}
        outputs.update({f"cluster_{name}.tsv": text_writer(metadata_text(name, values))
                        for name, values in labels.items()})
        if cluster_info is not None:
            outputs["cluster_info.tsv"] = text_writer(cluster_info_text(cluster_info))
        save_files(self.dir_path, outputs, n_backups=self.n_backups, emergency_dir=emergency_dir)
        logger.info("Saved %s in %s.", ", ".join(sorted(outputs)), self.dir_path)
        self._map_saved_spike_clusters()
        for name, values in labels.items():
            self.metadata[name] = {int(c): v for c, v in values.items() if v is not None}

    def _check_writable(self, name):
        if self.read_only:
            raise DataFormatError(f"Cannot write {name}: the model of {self.dir_path} was "
                                  "opened read-only.")
        check_writable(self.dir_path, name)

    def _create_spike_clusters(self, path, templates_path):
        logger.info("Creating %s from %s.", path.name, templates_path.name)
        self._check_writable(path.name)
        try:
            with atomic_write(path) as tmp:
                shutil.copyfile(templates_path, tmp)
        except PermissionError:
            raise _not_writable(self.dir_path, path.name) from None

    def save_spike_clusters(self, spike_clusters):
        """Save the cluster of every spike.

        Written atomically into the spike clusters file found at load (``spike_clusters.npy``
        or its ALF name), 1-D, ``int32`` when all ids fit (else ``int64``). The first save
        keeps the original file as ``<name>.bak`` (never overwritten later);
        ``spike_templates.npy`` is never touched.

        Parameters
        ----------
        spike_clusters : array-like
            ``n_spikes`` integers.

        """
        path = self._spike_clusters_path
        self._check_writable(path.name)
        save_spike_clusters(path, spike_clusters, self.n_spikes)
        self._map_saved_spike_clusters()

    def _map_saved_spike_clusters(self):
        """Map the written spike clusters file as at load (no 8-byte-per-spike copy kept)."""
        self.spike_clusters = int_vector(open_vector(self._spike_clusters_path))
        self._cluster_info = self._cluster_order = self._cluster_templates = None

    def save_metadata(self, name, values):
        """Save a field ``{cluster_id: value}`` as ``cluster_<name>.tsv`` (FORMATS §2.2).

        ``group`` gives ``cluster_group.tsv``. One line per cluster with a value (None and
        empty values omitted), by increasing cluster id, values written with ``str()``.
        Atomic; the first save keeps the original file as ``<name>.bak``.
        """
        self._check_writable(f"cluster_{name}.tsv")
        save_metadata(self.dir_path, name, values)
        self.metadata[name] = {int(c): v for c, v in values.items() if v is not None}

    def save_cluster_info(self, rows):
        """Write ``cluster_info.tsv``, the snapshot of the cluster table (FORMATS §2.3).

        Parameters
        ----------
        rows : list of dict
            One dict per current cluster: ``id`` (cluster id) and one key per column (``ch``,
            ``sh``, ``depth``, ``fr``, ``amp``, ``n_spikes``, ``group``, every label...).

        Returns
        -------
        path : Path
            ``cluster_id`` first, then the other columns in code-point order; floats
            ``%.8f``, None empty. Atomic; the first save keeps the original as ``.bak``.

        """
        self._check_writable("cluster_info.tsv")
        return save_cluster_info(self.dir_path, rows)

    def save_mean_waveforms(self, mean_waveforms):
        """Save the mean waveforms as a single array, ``clusters.meanWaveforms.npy``.

        Parameters
        ----------
        mean_waveforms : dict or ndarray
            ``{cluster_id: (n_samples, n_channels) array}`` or ``{cluster_id: Bunch(data,
            channel_ids)}`` (data ``(n_samples, k)`` on the given channels), or directly an
            ``(n_clusters, n_samples, n_channels)`` array. Rows are written by increasing
            cluster id, float32, zeros on channels without data.

        """
        out = readers.mean_waveforms_array(
            mean_waveforms, self.n_samples_waveforms, self.n_channels)
        path = self.dir_path / "clusters.meanWaveforms.npy"
        self._check_writable(path.name)

        def write(tmp):
            with open(tmp, "wb") as f:
                np.save(f, out)
        return replace_file(path, write)
