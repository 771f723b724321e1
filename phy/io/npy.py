"""Reading NumPy ``.npy`` files the way spike sorters write them.

Sorters written in MATLAB save vectors as ``(n, 1)``, index arrays as float64, and most arrays in
Fortran order; some files are big-endian or use npy format 2.0/3.0 headers. The helpers here
open any of those read-only (memory-mapped when asked), and normalise shapes without blindly
squeezing degenerate dimensions (a single spike, template, channel or PC stays what it is).
Every problem is reported as a :class:`DataFormatError` naming the file.
"""

import logging
import os
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


class DataFormatError(ValueError):
    """A data file or parameter is missing, malformed or inconsistent with the others."""


def open_npy(path, mmap=True):
    """Open a ``.npy`` file read-only.

    Parameters
    ----------
    path : str or Path
    mmap : bool
        Memory-map the file (read-only) instead of reading it into memory. Empty arrays are
        always read.

    Returns
    -------
    arr : ndarray or np.memmap
        With the dtype, byte order and memory order of the file.

    Raises
    ------
    DataFormatError
        If the file cannot be read as a NumPy array.

    """
    path = Path(path)
    try:
        arr = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    except FileNotFoundError:
        raise
    except Exception as e:  # a corrupt header fails anywhere in NumPy's parser
        raise DataFormatError(_diagnose(path, e)) from e
    return arr


def _file_map(arr):
    """The file-backed memory map that `arr` is (a view of), or None."""
    base = arr
    while isinstance(base.base, np.ndarray):  # up to the array owning the map
        base = base.base
    return base if isinstance(base, np.memmap) and base.filename else None


def _file_rows(arr):
    """``(memmap, row_bytes)`` if `arr` is row-aligned on a C-ordered file-backed memory map.

    That is: `arr` is the map, or a view of it starting at its first byte whose axis 0 steps
    over the map's rows (a reshape or a swap of the other axes). Otherwise ``(None, None)``.
    """
    base = _file_map(arr)
    if base is None or not (base.flags.c_contiguous and base.ndim and base.shape[0]):
        return None, None
    row_bytes = base.strides[0] if base.ndim > 1 else base.itemsize
    same_start = arr.__array_interface__["data"][0] == base.__array_interface__["data"][0]
    if not same_start or arr.ndim == 0 or arr.strides[0] != row_bytes:
        return None, None
    return base, row_bytes


def read_slice(arr, start, stop):
    """Read the rows ``start:stop`` of an array as :func:`read_rows` does (one read).

    Converting a whole vector chunk by chunk this way does not leave the file's pages mapped
    in the process.
    """
    start, stop = max(0, int(start)), min(len(arr), int(stop))
    n = max(0, stop - start)
    base, row_bytes = _file_rows(arr)
    if base is None or not n:
        return np.array(arr[start:start + n])
    return _pread_runs(arr, base, row_bytes, [start], [n])


def read_rows(arr, rows):
    """Read some rows of an array, with positioned file reads when it is memory-mapped.

    ``arr[rows]``, except that the rows of a file-backed memory map (or of a row-aligned view
    of one, see :func:`_file_rows`) are read from the file with ``os.pread`` instead of through
    the map, one read per run of consecutive rows: the features of the spikes of a cluster, a
    few thousand rows scattered over a multi-gigabyte file, do not stay mapped in the process
    (its resident memory does not grow by the file's pages it touched, cluster after cluster).

    Parameters
    ----------
    arr : ndarray
    rows : array-like
        Row indices (in ``[0, len(arr))``).

    Returns
    -------
    out : ndarray
        A new array of shape ``(len(rows),) + arr.shape[1:]``.

    """
    rows = np.asarray(rows, dtype=np.int64).ravel()
    base, row_bytes = _file_rows(arr)
    if base is None or not rows.size:
        return np.array(arr[rows])
    starts = np.r_[0, np.flatnonzero(np.diff(rows) != 1) + 1]  # runs of consecutive rows
    return _pread_runs(arr, base, row_bytes, rows[starts].tolist(),
                       np.diff(np.r_[starts, rows.size]).tolist())


def _pread_runs(arr, base, row_bytes, firsts, counts):
    """Read runs of consecutive rows (first row, number of rows) of `arr` from its file."""
    n_rows = sum(counts)
    buffer = bytearray(n_rows * row_bytes)
    view = memoryview(buffer)
    fd = os.open(base.filename, os.O_RDONLY)
    try:
        at = 0
        for first, n in zip(firsts, counts):
            os.preadv(fd, [view[at:at + n * row_bytes]], base.offset + first * row_bytes)
            at += n * row_bytes
    finally:
        os.close(fd)
    out = np.ndarray(shape=(n_rows,) + arr.shape[1:], dtype=arr.dtype, buffer=buffer,
                     strides=(row_bytes,) + arr.strides[1:])
    return out if out.flags.c_contiguous else np.array(out)  # C order, no second copy


def read_npy_header(path):
    """Read the header of a ``.npy`` file.

    Returns
    -------
    header : tuple
        ``(shape, fortran_order, dtype, data_offset)``.

    """
    fmt = np.lib.format
    with open(path, "rb") as f:
        version = fmt.read_magic(f)
        # Format 3.0 only allows UTF-8 in the header dict: the 2.0 reader parses ASCII ones.
        read = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, fortran_order, dtype = read(f)
        return shape, fortran_order, dtype, f.tell()


def _diagnose(path, error):
    """The message for a ``.npy`` file NumPy cannot load: what is wrong, what was expected."""
    try:
        shape, _, dtype, offset = read_npy_header(path)
    except Exception:  # the header itself is corrupt: say what NumPy said
        return f"Cannot read {path} as a NumPy array (corrupt file?): {_one_line(error)}"
    if dtype.hasobject:
        return (f"{path} holds Python objects (a pickled {dtype} array): phy never loads pickled "
                "data. Save it as a numeric array.")
    expected = int(np.prod(shape)) * dtype.itemsize
    actual = path.stat().st_size - offset
    if actual < expected:
        return (f"{path} is truncated: its header announces an array of shape {shape} ({dtype}, "
                f"{expected:,} bytes of data) but the file holds {actual:,} bytes.")
    return f"Cannot read {path} as a NumPy array (corrupt file?): {_one_line(error)}"


def _one_line(error):
    """The message of an exception on one line, its type if it has none."""
    return " ".join(str(error).split()) or type(error).__name__


def as_vector(arr, name):
    """Return a 1-D view of an array stored as ``(n,)``, ``(n, 1)``, ``(1, n)`` or a scalar.

    Parameters
    ----------
    arr : ndarray
    name : str
        File name used in error messages.

    """
    arr = np.asanyarray(arr)
    if arr.ndim == 0:
        return arr.reshape((1,))
    if arr.ndim == 1:
        return arr
    if arr.ndim == 2 and 1 in arr.shape:
        # A view, without copying a memory-mapped array (both layouts are contiguous).
        return arr.reshape((arr.size,), order="F" if arr.flags.f_contiguous else "C")
    raise DataFormatError(f"{name} should be a vector, but has shape {arr.shape}.")


def as_2d(arr, name, n_rows=None, n_cols=None):
    """Return a 2-D array; a vector becomes a single column.

    Parameters
    ----------
    arr : ndarray
    name : str
        File name used in error messages.
    n_rows, n_cols : int or None
        Expected dimensions, checked when given.

    """
    arr = np.asanyarray(arr)
    if arr.ndim <= 1:
        arr = arr.reshape((-1, 1))
    if arr.ndim != 2:
        raise DataFormatError(f"{name} should be a 2-D array, but has shape {arr.shape}.")
    for axis, expected in ((0, n_rows), (1, n_cols)):
        if expected is not None and arr.shape[axis] != expected:
            raise DataFormatError(
                f"{name} has shape {arr.shape}, expected {expected} along axis {axis}.")
    return arr


def check_numeric(arr, name):
    """Return `arr` if it holds integers or floats, else raise a :class:`DataFormatError`."""
    if arr.dtype.kind not in "iuf":
        raise DataFormatError(
            f"{name} should contain numbers (integers or floats), not {arr.dtype} values.")
    return arr


def native(arr):
    """Return the array in native byte order (a copy only when it is not already)."""
    if arr.dtype.isnative:
        return arr
    return arr.astype(arr.dtype.newbyteorder("="))


def fix_nonfinite(arr, name):
    """Replace NaN and infinite values by 0 (in a copy), with a warning giving the count.

    Integer arrays and arrays without non-finite values are returned unchanged.
    """
    arr = np.asarray(arr)
    if arr.dtype.kind not in "fc":
        return arr
    bad = ~np.isfinite(arr)
    n_bad = int(bad.sum())
    if n_bad == 0:
        return arr
    logger.warning("%d NaN or infinite values in %s were replaced by 0.", n_bad, name)
    arr = np.array(arr, copy=True)
    arr[bad] = 0
    return arr


def as_index_array(arr, name):
    """Return an int64 copy of an index array that may be stored as floats (``-1`` = padding).

    Raises
    ------
    DataFormatError
        If a floating-point value is not finite or not an integer.

    """
    arr = np.asarray(arr)
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise DataFormatError(f"{name} should contain integers.")
    elif arr.dtype.kind not in "iub":
        raise DataFormatError(f"{name} should contain integers, not {arr.dtype}.")
    return arr.astype(np.int64)


def iter_chunks(n, chunk_size):
    """Yield ``(start, stop)`` bounds covering ``range(n)`` in chunks of `chunk_size`."""
    for start in range(0, n, chunk_size):
        yield start, min(n, start + chunk_size)


#: Part of the available memory that :func:`prefetch_files` may fill with a dataset's files.
PREFETCH_MEMORY_FRACTION = 0.5
#: Bytes read at a time by :func:`prefetch_files` (its only memory; it stops soon when told).
PREFETCH_STEP = 16 * 1024 * 1024


def _available_memory():
    """The ``MemAvailable`` of ``/proc/meminfo`` in bytes, or None where there is none."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def read_ahead(path, stop=None, step=None):
    """Read a file sequentially into a reused buffer, for the page cache to keep it.

    Parameters
    ----------
    path : str or Path
    stop : threading.Event or None
        Stops the reading when set.
    step : int
        Bytes per read (:data:`PREFETCH_STEP` by default).

    Returns
    -------
    n_bytes : int
        The number of bytes read.

    """
    buffer, total = bytearray(step or PREFETCH_STEP), 0
    with open(path, "rb", buffering=0) as f:
        while not (stop is not None and stop.is_set()):
            n = f.readinto(buffer)
            if not n:
                break
            total += n
    return total


def prefetch_files(arrays, fraction=PREFETCH_MEMORY_FRACTION):
    """Read the files behind memory-mapped arrays into the page cache, in the background.

    The features of 20 M spikes (gigabytes) are read a few thousand scattered rows at a time,
    cluster after cluster: from a cold page cache each row is a disk seek, and a selection
    waits for hundreds of them. Reading the whole files once, sequentially, on a daemon thread
    (:func:`read_ahead`, about 0.5 GB/s here) turns that into one sequential read in the
    background; the process's own memory does not grow (the pages are the kernel's cache, not
    mapped here; the thread reuses one :data:`PREFETCH_STEP` buffer). Nothing is done when the
    files exceed `fraction` of the available memory (they would only evict each other), or
    where the available memory is unknown. (``posix_fadvise(WILLNEED)`` is no substitute: the
    kernel reads only a few megabytes ahead per call.)

    Parameters
    ----------
    arrays : list
        Arrays (memory maps, or any views of them); others (None, in-memory arrays) are
        skipped.
    fraction : float
        Largest part of ``MemAvailable`` the files may take.

    Returns
    -------
    stop : threading.Event or None
        Set it to stop the prefetching (None if nothing was started).

    """
    paths = []
    for arr in arrays:
        base = _file_map(arr) if isinstance(arr, np.ndarray) else None
        if base is not None and base.filename not in paths:
            paths.append(base.filename)
    available = _available_memory()
    if not paths or available is None or sum(map(os.path.getsize, paths)) > fraction * available:
        return None
    import threading

    stop = threading.Event()

    def run():
        for path in paths:
            try:
                read_ahead(path, stop)
            except OSError as e:
                logger.debug("Could not prefetch %s: %s.", path, e)

    threading.Thread(target=run, name="phy-prefetch", daemon=True).start()
    return stop
