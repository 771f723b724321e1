"""Raw data: memory-mapped flat binary files, read by time window and channel subset.

A flat binary file is time-major and interleaved: sample ``t`` of column ``c`` is at byte
``offset + (t * n_channels_dat + c) * itemsize``. :func:`read_dat` memory-maps one file
read-only; :class:`RawDataReader` presents one or several files concatenated in time as a
virtual ``(n_samples, n_channels)`` array, with an optional channel map applied lazily (shown
channel ``i`` is file column ``channel_map[i]``). Reads only touch the requested rows;
:meth:`RawDataReader.windows` extracts zero-padded windows around many samples at once (spike
waveforms). :func:`open_raw_data` resolves ``dat_path`` values from ``params.py`` and returns
``None`` with a warning when the raw data is missing or cannot be used; a file whose size does
not match the number of channels, the dtype and the offset is an error (its data would be
garbled).
"""

import logging
from pathlib import Path

import numpy as np

from .npy import DataFormatError, open_npy

logger = logging.getLogger(__name__)

#: Extensions of flat binary raw data files (``.mda`` headers are skipped through ``offset``).
FLAT_EXTENSIONS = (".dat", ".bin", ".raw", ".mda")


def _n_samples(path, dtype, n_channels, offset):
    """Number of samples in a flat binary file, whose size must be a whole number of them.

    Raises
    ------
    DataFormatError
        Naming the file, its size and the size of a sample, when the size after the header is
        not a multiple of ``itemsize * n_channels`` (wrong ``n_channels_dat``, ``dtype`` or
        ``offset``, or a truncated file).

    """
    size = Path(path).stat().st_size - offset
    if size < 0:
        raise DataFormatError(f"{path} is smaller than its header offset ({offset} bytes).")
    dtype = np.dtype(dtype)
    row = dtype.itemsize * n_channels
    n_samples, rest = divmod(size, row)
    if rest:
        raise DataFormatError(
            f"The size of {path} does not match n_channels_dat, dtype and offset: "
            f"{size:,} bytes after the {offset}-byte header, not a multiple of {row} bytes "
            f"(one sample: {n_channels} channels of {dtype.name}); {n_samples:,} samples and "
            f"{rest} bytes left over.")
    return n_samples


#: Float raw samples beyond this magnitude mean that ``dtype`` is wrong.
MAX_FLOAT_SAMPLE = 1e20


def _check_float_samples(arr, path, n=1 << 16):
    """Raise if the first samples of float raw data are not finite or absurdly large.

    Integer samples read as floats (a wrong ``dtype`` in ``params.py``) give such values.
    """
    if arr.dtype.kind != "f" or not len(arr):
        return
    head = np.asarray(arr[:max(1, n // max(1, arr.shape[1]))], dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        bad = ~(np.abs(head) <= MAX_FLOAT_SAMPLE)
    if bad.any():
        raise DataFormatError(
            f"{path} holds {'non-finite' if not np.isfinite(head).all() else 'absurd'} "
            f"{arr.dtype.name} samples (such as {head[bad].flat[0]:g}): is dtype right in "
            "params.py?")


def read_dat(filename, dtype=None, shape=None, offset=0, n_channels=None):
    """Memory-map a flat binary ``.dat`` file, read-only.

    Parameters
    ----------
    filename : str or Path
        The path to the ``.dat`` file.
    dtype : dtype
        The NumPy dtype of the samples.
    shape : tuple (optional)
        The array shape, typically ``(n_samples, n_channels)``. Computed from the file size if
        `n_channels` is given instead.
    offset : int
        The header size in bytes.
    n_channels : int
        The number of interleaved channels in the file.

    Returns
    -------
    data : np.memmap
        A read-only ``(n_samples, n_channels)`` array (trailing incomplete samples ignored).

    """
    if dtype is None:
        raise ValueError("The dtype of the raw data file must be given.")
    if shape is None:
        if not n_channels or n_channels <= 0:
            raise ValueError("Either the shape or a positive number of channels must be given.")
        shape = (_n_samples(filename, dtype, n_channels, offset), n_channels)
    if shape[0] == 0:
        return np.zeros(shape, dtype=dtype)
    return np.memmap(filename, dtype=dtype, mode="r", offset=offset, shape=tuple(shape))


class RawDataReader:
    """One or several raw data arrays concatenated in time, seen through a channel map.

    Behaves like a read-only ``(n_samples, n_channels)`` array: ``len``, ``shape``, ``dtype``
    and NumPy-style indexing ``reader[t0:t1, channel_ids]`` (the channel index applies to the
    shown channels).

    Parameters
    ----------
    arrays : list of array-like
        ``(n_samples_i, n_channels_dat)`` arrays (usually memory maps), in time order.
    channel_map : array-like
        File column of every shown channel (default: all columns).
    paths : list of Path
        The files the arrays come from (informational).

    """

    ndim = 2

    def __init__(self, arrays, channel_map=None, paths=None):
        if not arrays:
            raise ValueError("At least one raw data array is needed.")
        self._arrays = list(arrays)
        self.n_channels_dat = int(self._arrays[0].shape[1])
        if any(a.shape[1] != self.n_channels_dat for a in self._arrays):
            raise DataFormatError("All raw data files must have the same number of channels.")
        self.dtype = np.dtype(self._arrays[0].dtype)
        if channel_map is None:
            channel_map = np.arange(self.n_channels_dat)
        self.channel_map = np.asarray(channel_map, dtype=np.int64).ravel()
        if self.channel_map.size and (
                self.channel_map.min() < 0 or self.channel_map.max() >= self.n_channels_dat):
            raise DataFormatError(
                f"The channel map refers to columns outside 0..{self.n_channels_dat - 1}.")
        self.paths = [Path(p) for p in (paths or [])]
        #: Index of the first sample of every array in the concatenation (plus the total).
        self.bounds = np.cumsum([0] + [len(a) for a in self._arrays]).astype(np.int64)

    @property
    def n_samples(self):
        """Total number of samples."""
        return int(self.bounds[-1])

    @property
    def n_channels(self):
        """Number of shown channels (length of the channel map)."""
        return int(self.channel_map.size)

    @property
    def shape(self):
        """``(n_samples, n_channels)``."""
        return (self.n_samples, self.n_channels)

    def __len__(self):
        return self.n_samples

    def _columns(self, channel_ids):
        if channel_ids is None:
            return self.channel_map
        return self.channel_map[np.asarray(channel_ids, dtype=np.int64).ravel()]

    def _read_range(self, start, stop, cols):
        """Rows ``[start, stop)`` (within bounds) on file columns `cols`."""
        out = np.empty((stop - start, cols.size), dtype=self.dtype)
        if cols.size and np.array_equal(cols, np.arange(cols[0], cols[0] + cols.size)):
            cols = slice(int(cols[0]), int(cols[0]) + cols.size)  # A copy, not a gather: faster.
        i = max(int(np.searchsorted(self.bounds, start, side="right")) - 1, 0)
        while i < len(self._arrays) and self.bounds[i] < stop:
            lo, hi = max(start, self.bounds[i]), min(stop, self.bounds[i + 1])
            if lo < hi:
                block = self._arrays[i][lo - self.bounds[i]:hi - self.bounds[i]]
                out[lo - start:hi - start] = block[:, cols]
            i += 1
        return out

    def _gather(self, rows, cols):
        """Rows at arbitrary (within bounds) positions `rows` (any shape), on columns `cols`."""
        out = np.zeros(rows.shape + (cols.size,), dtype=self.dtype)
        which = np.searchsorted(self.bounds, rows, side="right") - 1
        for i in np.unique(which):
            sel = which == i
            local = rows[sel] - self.bounds[i]
            out[sel] = self._arrays[i][local[:, None], cols[None, :]]
        return out

    def read(self, start, stop, channel_ids=None):
        """Read samples ``[start, stop)`` on some shown channels, zero-padded outside the data.

        Parameters
        ----------
        start, stop : int
            Sample bounds; they may extend beyond the recording.
        channel_ids : array-like or None
            Shown channel ids (default: all).

        Returns
        -------
        data : ndarray
            ``(stop - start, n_channels_requested)`` array with the raw dtype.

        """
        start, stop = int(start), int(stop)
        cols = self._columns(channel_ids)
        out = np.zeros((max(0, stop - start), cols.size), dtype=self.dtype)
        lo, hi = max(start, 0), min(stop, self.n_samples)
        if lo < hi:
            out[lo - start:hi - start] = self._read_range(lo, hi, cols)
        return out

    def windows(self, starts, n_samples, channel_ids=None):
        """Extract windows of `n_samples` samples starting at each of `starts`, zero-padded.

        Parameters
        ----------
        starts : array-like (1D)
            First sample of every window (may be negative or beyond the end).
        n_samples : int
            Window length.
        channel_ids : array-like or None
            Shown channel ids (default: all).

        Returns
        -------
        data : ndarray
            ``(n_windows, n_samples, n_channels_requested)`` array with the raw dtype.

        """
        starts = np.asarray(starts, dtype=np.int64).ravel()
        cols = self._columns(channel_ids)
        rows = starts[:, None] + np.arange(int(n_samples), dtype=np.int64)[None, :]
        out = np.zeros(rows.shape + (cols.size,), dtype=self.dtype)
        valid = (rows >= 0) & (rows < self.n_samples)
        if valid.any():
            out[valid] = self._gather(rows[valid], cols)
        return out

    def __getitem__(self, item):
        rows, channels = (item if isinstance(item, tuple) else (item, slice(None)))
        if isinstance(channels, slice) and channels == slice(None):
            cols = self.channel_map
        else:
            cols = np.atleast_1d(self.channel_map[channels])
        if isinstance(rows, slice):
            start, stop, step = rows.indices(self.n_samples)
            if step < 0:
                return self[np.arange(start, stop, step), channels]
            out = self._read_range(start, max(start, stop), cols)[::step]
        else:
            idx = np.asarray(rows, dtype=np.int64)
            idx = np.where(idx < 0, idx + self.n_samples, idx)
            if np.any((idx < 0) | (idx >= self.n_samples)):
                raise IndexError(f"Sample index out of range for {self.n_samples} samples.")
            out = self._gather(idx.ravel(), cols).reshape(idx.shape + (cols.size,))
        if np.ndim(channels) == 0 and not isinstance(channels, slice):
            out = out[..., 0]
        return out

    def close(self):
        """Release the memory maps."""
        self._arrays = [np.zeros((0, self.n_channels_dat), dtype=self.dtype)]
        self.bounds = np.zeros(2, dtype=np.int64)

    def __repr__(self):
        names = ", ".join(p.name for p in self.paths) or "arrays"
        return f"<RawDataReader {names} {self.shape} {self.dtype}>"


def _as_path_list(dat_path):
    """Normalise a ``dat_path`` value (None, '', a path or a list with blanks) to a list."""
    if dat_path is None:
        return []
    if isinstance(dat_path, (str, Path)):
        dat_path = [dat_path]
    return [Path(p) for p in dat_path if p is not None and str(p).strip()]


def resolve_dat_paths(dat_path, dir_path=None):
    """Return the list of raw data paths, relative paths taken from `dir_path`.

    Empty strings, empty lists, ``None`` and blank entries mean no raw data. Symbolic links are
    not resolved.
    """
    paths = _as_path_list(dat_path)
    if dir_path is not None:
        paths = [p if p.is_absolute() else Path(dir_path) / p for p in paths]
    return paths


def _open_one(path, dtype, n_channels_dat, offset):
    ext = path.suffix.lower()
    if ext in FLAT_EXTENSIONS:
        return read_dat(path, dtype=dtype, offset=offset, n_channels=n_channels_dat)
    if ext == ".npy":
        arr = open_npy(path, mmap=True)
        if arr.ndim != 2 or (n_channels_dat and arr.shape[1] != n_channels_dat):
            raise DataFormatError(
                f"{path} should be a (n_samples, {n_channels_dat}) array, not {arr.shape}.")
        return arr
    raise DataFormatError(f"unsupported raw data file type {ext or '(no extension)'!r}")


def open_raw_data(dat_path, dtype, n_channels_dat, offset=0, channel_map=None, dir_path=None):
    """Open the raw data named by ``params.py``, or return None with a warning.

    Parameters
    ----------
    dat_path : str, Path, list or None
        One file or several files concatenated in time. Relative paths are relative to
        `dir_path`.
    dtype : dtype
        Sample type.
    n_channels_dat : int
        Number of interleaved channels in each file.
    offset : int
        Header size in bytes, skipped at the start of each file.
    channel_map : array-like or None
        File column of every shown channel.
    dir_path : str or Path or None
        Directory for relative paths.

    Returns
    -------
    reader : RawDataReader or None
        None when there is no raw data, a file is missing, or the files cannot be used (a
        warning says why). Files are only ever opened read-only.

    Raises
    ------
    DataFormatError
        If the size of a flat binary file does not match `n_channels_dat`, `dtype` and
        `offset` (the data would be shown garbled).

    """
    paths = resolve_dat_paths(dat_path, dir_path)
    if not paths:
        logger.info("No raw data file given: the dataset opens without raw data.")
        return None
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        logger.warning("Raw data file(s) not found: %s; opening without raw data.",
                       ", ".join(missing))
        return None
    if not n_channels_dat or n_channels_dat <= 0:
        logger.warning("n_channels_dat is not set: opening without raw data.")
        return None
    for path in paths:  # a wrong n_channels_dat, dtype or offset: an error, not a warning
        if path.suffix.lower() in FLAT_EXTENSIONS and path.is_file():
            _n_samples(path, dtype, int(n_channels_dat), int(offset or 0))
    try:
        arrays = [_open_one(p, dtype, int(n_channels_dat), int(offset or 0)) for p in paths]
        for array, path in zip(arrays, paths):
            _check_float_samples(array, path)
        return RawDataReader(arrays, channel_map=channel_map, paths=paths)
    except (DataFormatError, ValueError, TypeError, OSError) as e:
        logger.warning("Cannot open the raw data (%s): opening without raw data.", e)
        return None
