"""``phy detect``: from a raw recording and a probe to a kwik dataset that the Kwik GUI opens.

:func:`detect` reads a klusta PRM file and its probe (FORMATS §3.10: a ``.prb`` path relative
to the PRM, or a built-in probe name), memory-maps the raw data files (flat binary, several
recordings concatenated in time), runs :class:`phy.traces.SpikeDetekt` with the PRM's
``spikedetekt`` parameters (the §3.8 defaults for the missing ones) and writes
``<experiment_name>.kwik`` and ``.kwx`` next to the PRM (FORMATS §3.3-3.4) with
:mod:`phy.io.kwik_writer`: one channel group per shank, and the clusterings ``main`` and
``original`` putting every spike in the cluster of its peak channel (a position in the shank),
all unsorted.

Memory is bounded by the chunk size whatever the recording's length: the features and masks
of every batch of spikes go to temporary files, then into the ``.kwx`` in row chunks; only the
spike samples and peak channels (a few bytes per spike) are kept in memory. The files are
written under temporary names in a hidden folder next to the PRM and renamed at the end
(``.kwx`` then ``.kwik``): an interrupted or refused run leaves the folder as it was.
"""

import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from phy.electrode import read_probe
from phy.io import DataFormatError, RawDataReader, read_dat
from phy.io.h5 import open_h5, write_attrs
from phy.io.kwik_writer import KwikCreator, create_kwik
from phy.io.prm import read_prm
from phy.traces import SpikeDetekt
from phy.utils import Bunch

logger = logging.getLogger(__name__)

#: Bytes of features (or masks) copied into the ``.kwx`` at a time.
COPY_BYTES = 16 * 2 ** 20
#: The clusterings written, both with every spike in the cluster of its peak channel.
CLUSTERINGS = ("main", "original")


def _positive(traces, key, kind, prm_path):
    value = traces.get(key)
    try:
        ok = not isinstance(value, (bool, str)) and kind(value) == value and value > 0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise DataFormatError(f"{prm_path}: `traces['{key}']` must be a positive number "
                              f"({'integer' if kind is int else 'in Hz'}), not {value!r}.")
    return kind(value)


def read_detect_params(prm_path):
    """Read and check what spike detection needs from a PRM file and its probe.

    Parameters
    ----------
    prm_path : str or Path

    Returns
    -------
    params : Bunch
        ``prm`` (the PRM's names), ``name`` (experiment name), ``traces`` (with ``dtype``),
        ``sample_rate``, ``n_channels``, ``dtype``, ``raw_paths`` (absolute), ``probe``
        (channel groups, :func:`phy.electrode.read_probe`).

    Raises
    ------
    DataFormatError
        Naming the PRM, PRB or raw file and the problem.

    """
    prm_path = Path(prm_path)
    prm = read_prm(prm_path)
    folder = prm_path.parent
    name = prm.get("experiment_name")
    if not isinstance(name, str) or not name.strip() or Path(name).name != name:
        raise DataFormatError(f"{prm_path}: `experiment_name` must be a file base name (the "
                              f".kwik's), not {name!r}.")
    if not prm.get("prb_file"):
        raise DataFormatError(f"{prm_path}: no `prb_file` (a .prb path or a built-in probe).")
    try:
        probe = read_probe(str(prm["prb_file"]), folder)
    except DataFormatError as e:
        raise DataFormatError(f"{prm_path}: {e}") from None
    traces = dict(prm["traces"])
    if "dtype" not in traces:
        logger.warning("%s: no raw data `dtype`, int16 assumed.", prm_path)
        traces["dtype"] = "int16"
    try:
        dtype = np.dtype(traces["dtype"])
    except TypeError:
        raise DataFormatError(
            f"{prm_path}: `traces['dtype']` {traces['dtype']!r} is not a NumPy dtype.") from None
    sample_rate = _positive(traces, "sample_rate", float, prm_path)
    n_channels = _positive(traces, "n_channels", int, prm_path)
    files = traces.get("raw_data_files")
    files = [files] if isinstance(files, str) else list(files or [])
    if not files:
        raise DataFormatError(f"{prm_path}: no raw data file (`traces['raw_data_files']`).")
    for group, spec in probe.items():
        outside = [c for c in spec["channels"] if not 0 <= c < n_channels]
        if outside:
            raise DataFormatError(
                f"{prm_path}: channel group {group} of the probe {prm['prb_file']!r} uses channel "
                f"{outside[0]}, but the raw data has {n_channels} channels (`n_channels`).")
    return Bunch(prm=prm, name=name, traces=traces, sample_rate=sample_rate,
                 n_channels=n_channels, dtype=dtype, probe=probe,
                 raw_paths=[Path(f) if Path(f).is_absolute() else folder / f for f in files])


def open_recordings(paths, dtype, n_channels, prm_path=None):
    """The flat binary raw data files, memory-mapped and concatenated in time.

    Raises
    ------
    DataFormatError
        If a file is missing, empty, or not a whole number of samples of `n_channels` columns
        of `dtype`.

    """
    arrays = []
    where = f" (named in {prm_path})" if prm_path else ""
    for path in paths:
        if not path.is_file():
            raise DataFormatError(f"The raw data file {path}{where} does not exist.")
        size, row = path.stat().st_size, np.dtype(dtype).itemsize * int(n_channels)
        if size == 0 or size % row:
            raise DataFormatError(
                f"The size of the raw data file {path} ({size:,} bytes) is not a whole number "
                f"of samples of {n_channels} channels of {np.dtype(dtype).name} ({row} bytes "
                f"each): check `n_channels` and `dtype`{where}.")
        arrays.append(read_dat(path, dtype=dtype, n_channels=int(n_channels)))
    return RawDataReader(arrays, paths=paths)


class TerminalProgress:
    """A progress line on the terminal: seconds of recording done, percentage, time left.

    Called as ``progress(done, total, time_left)`` (samples, samples, seconds) by
    :meth:`phy.traces.SpikeDetekt.run`. On a terminal the line is redrawn in place; otherwise
    a line is written at every tenth.

    Parameters
    ----------
    sample_rate : float
    stream : file or None
        Default: ``sys.stderr``.

    """

    def __init__(self, sample_rate, stream=None):
        self.sample_rate = float(sample_rate)
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last_tenth = -1

    def __call__(self, done, total, time_left):
        """Show the progress: `done` of `total` samples, `time_left` seconds left."""
        tenth = 10 * done // max(total, 1)
        if not self.tty and tenth == self._last_tenth:
            return
        self._last_tenth = tenth
        line = (f"Detecting spikes: {done / self.sample_rate:.1f} s of "
                f"{total / self.sample_rate:.1f} s ({100 * done // max(total, 1)}%), "
                f"{time_left:.0f} s left")
        end = "\n" if (done >= total or not self.tty) else ""
        self.stream.write(("\r" + line.ljust(72) if self.tty else line) + end)
        self.stream.flush()


class _GroupSpikes:
    """The spikes of a channel group: samples in memory, features and masks in files."""

    def __init__(self, folder, group, n_channels, n_features):
        self.shape = dict(features=(n_channels, n_features), masks=(n_channels,))
        self.paths = {k: Path(folder) / f"{k}_{group}.bin" for k in self.shape}
        self.files = {k: open(p, "wb") for k, p in self.paths.items()}
        self.samples, self.peaks = [], []

    def add(self, spikes):
        self.samples.append(spikes.spike_samples)
        self.peaks.append(spikes.peak_channels)
        for k, f in self.files.items():
            np.ascontiguousarray(spikes[k], dtype=np.float32).tofile(f)

    def close(self):
        for f in self.files.values():
            f.close()

    def chunks(self, kind):
        """The rows of features or masks, read back in chunks of :data:`COPY_BYTES`."""
        shape = self.shape[kind]
        n = self.paths[kind].stat().st_size // (4 * int(np.prod(shape)))
        if n == 0:
            return
        data = np.memmap(self.paths[kind], dtype=np.float32, mode="r", shape=(n,) + shape)
        rows = max(1, COPY_BYTES // (4 * int(np.prod(shape))))
        for i in range(0, n, rows):
            yield np.array(data[i:i + rows])
        del data


def _write_spikes(creator, group, store, bounds, n_features):
    """Write a group's spikes (samples per recording, features, masks, clusterings)."""
    store.close()
    samples = np.concatenate(store.samples) if store.samples else np.zeros(0, np.int64)
    peaks = np.concatenate(store.peaks) if store.peaks else np.zeros(0, np.int64)
    recordings = np.searchsorted(bounds, samples, side="right") - 1
    creator.add_spikes(group=group, spike_samples=samples - bounds[recordings],
                       spike_recordings=recordings, features=store.chunks("features"),
                       masks=store.chunks("masks"), n_channels=store.shape["masks"][0],
                       n_features=n_features)
    for name in CLUSTERINGS:
        creator.add_clustering(group=group, name=name, spike_clusters=peaks)
    return len(samples)


def detect(prm_path, overwrite=False, progress=None):
    """Detect the spikes of the raw data of a PRM file and write a kwik dataset next to it.

    Parameters
    ----------
    prm_path : str or Path
        The klusta PRM file (FORMATS §3.10).
    overwrite : bool
        Replace an existing ``<experiment_name>.kwik``/``.kwx``; otherwise refuse (nothing is
        written).
    progress : bool or callable or None
        True: a :class:`TerminalProgress` line on stderr; a callable: called as
        ``progress(done, total, time_left)`` (samples, samples, seconds) after every chunk.

    Returns
    -------
    result : Bunch
        ``kwik_path``, ``kwx_path``, ``n_spikes`` (``{group: count}``), ``duration`` (s).

    Raises
    ------
    DataFormatError
        For a bad PRM, PRB or raw data file, or an existing output without `overwrite`.

    """
    prm_path = Path(prm_path)
    p = read_detect_params(prm_path)
    kwik_path = prm_path.parent / f"{p.name}.kwik"
    kwx_path = kwik_path.with_suffix(".kwx")
    existing = [str(f) for f in (kwik_path, kwx_path) if f.exists()]
    if existing and not overwrite:
        raise DataFormatError(f"{' and '.join(existing)} already exist(s): run with "
                              "--overwrite to replace.")
    raw = open_recordings(p.raw_paths, p.dtype, p.n_channels, prm_path)
    try:
        sd = SpikeDetekt(p.sample_rate, channel_groups=p.probe, **p.prm["spikedetekt"])
    except (TypeError, ValueError) as e:
        raise DataFormatError(f"{prm_path}: invalid `spikedetekt` parameters: {e}") from None
    n_features = int(sd.params.n_features_per_channel)
    if progress is True:
        progress = TerminalProgress(p.sample_rate)
    logger.info("Detecting spikes in %s: %d channels, %.1f s, %d channel group(s).",
                ", ".join(f.name for f in p.raw_paths), p.n_channels,
                raw.n_samples / p.sample_rate, len(p.probe))
    tmp = Path(tempfile.mkdtemp(prefix=f".{p.name}.detect-", dir=prm_path.parent))
    stores = {}
    try:
        t0 = time.perf_counter()
        for g, spec in p.probe.items():
            stores[g] = _GroupSpikes(tmp, g, len(spec["channels"]), n_features)
        sd.run(raw, progress=progress, on_spikes=lambda g, spikes: stores[g].add(spikes))
        tmp_kwik = create_kwik(prm_path, kwik_path=tmp / kwik_path.name, overwrite=True,
                               probe=p.probe, traces=p.traces)
        creator = KwikCreator(tmp_kwik)
        n_spikes = {g: _write_spikes(creator, g, store, raw.bounds, n_features)
                    for g, store in stores.items()}
        for path in (tmp_kwik, creator.kwx_path):  # the final name, not the temporary one
            with open_h5(path, "a") as f:
                write_attrs(f, name=str(kwik_path.with_suffix("")))
        os.replace(creator.kwx_path, kwx_path)
        os.replace(tmp_kwik, kwik_path)
        logger.debug("Detection and writing took %.1f s.", time.perf_counter() - t0)
    finally:
        for store in stores.values():
            store.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return Bunch(kwik_path=kwik_path, kwx_path=kwx_path, n_spikes=n_spikes,
                 duration=raw.n_samples / p.sample_rate)
