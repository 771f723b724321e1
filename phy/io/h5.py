"""HDF5 helpers of the kwik format: open files, read and write attributes (FORMATS §3.2).

String attributes are written as fixed-length byte-string arrays of shape ``(1,)``, lists of
strings as byte-string arrays, booleans as integers and ``None`` as an empty string, as klusta
did. They are read back from any of these forms (and from scalar byte strings, ``str`` and
variable-length strings) as Python values.
"""

from pathlib import Path

import numpy as np

from .dat import RawDataReader
from .npy import DataFormatError


def open_h5(filename, mode=None):
    """Open an HDF5 file and return a native h5py ``File`` (``mode`` default ``'r'``).

    Raises :class:`DataFormatError` naming the file if it is missing or not HDF5.
    """
    import h5py

    path = Path(filename)
    mode = mode or "r"
    if mode in ("r", "r+") and not path.is_file():
        raise DataFormatError(f"The file {path} does not exist.")
    try:
        return h5py.File(path, mode)
    except OSError as e:
        raise DataFormatError(f"Cannot open {path} as an HDF5 file: {e}.") from None


def _decode_string(value):
    if isinstance(value, (bytes, np.bytes_)):
        value = bytes(value).decode("utf-8", errors="replace")
    return str(value).replace("\x00", "")


def decode_attr(value):
    """A kwik attribute as a Python value.

    Strings decoded and NUL-stripped, ``(1,)`` string arrays as a string, string arrays as a
    list, numeric scalars as Python numbers, numeric arrays as arrays.
    """
    if isinstance(value, (bytes, np.bytes_, str)):
        return _decode_string(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SUO":
            strings = [_decode_string(v) for v in value.ravel()]
            return strings[0] if value.shape == (1,) else strings
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def encode_attr(value):
    """A Python value as a kwik attribute (see the module docstring)."""
    if value is None:
        value = ""
    if isinstance(value, (bool, np.bool_)):
        return np.int64(value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return np.array([data], dtype=f"S{max(1, len(data))}")
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        data = [v.encode("utf-8") for v in value]
        return np.array(data, dtype=f"S{max(1, max(len(d) for d in data))}")
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return np.int64(value)
    if isinstance(value, (float, np.floating)):
        return np.float64(value)
    return np.asarray(value)


def read_attrs(node):
    """All the attributes of an HDF5 node, decoded (:func:`decode_attr`)."""
    return {key: decode_attr(node.attrs[key]) for key in node.attrs}


def write_attrs(node, **kwargs):
    """Set attributes of an HDF5 node, encoded (:func:`encode_attr`)."""
    for key, value in kwargs.items():
        node.attrs[key] = encode_attr(value)


def int_names(group):
    """The integer-named children of an HDF5 group, sorted numerically (as ints)."""
    if group is None:
        return []
    return sorted(int(k) for k in group.keys() if k.lstrip("-").isdigit())


class H5Array:
    """A chunked or compressed HDF5 dataset seen as a read-only array, read by rows.

    ``a[i:j]`` reads a slice; ``a[rows]`` and ``a[rows, ...]`` with an integer array (any
    order, repeats allowed) read the distinct rows once, in increasing order (what HDF5 needs),
    then apply the rest of the index in memory.
    """

    def __init__(self, dataset):
        self.dataset = dataset
        self.shape, self.dtype, self.ndim = dataset.shape, dataset.dtype, dataset.ndim

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, item):
        rows, rest = (item[0], item[1:]) if isinstance(item, tuple) else (item, ())
        if isinstance(rows, (slice, int, np.integer)):
            data = self.dataset[rows]
            return data[((slice(None),) if isinstance(rows, slice) else ()) + rest]
        rows = np.asarray(rows, dtype=np.int64)
        unique, inverse = np.unique(rows.ravel(), return_inverse=True)
        data = self.dataset[unique] if len(unique) else np.zeros(
            (0,) + self.shape[1:], dtype=self.dtype)
        data = data[inverse.reshape(rows.shape)]
        return data[(slice(None),) * rows.ndim + rest] if rest else data


def h5_array(dataset, path):
    """A read-only array on an HDF5 dataset of the file `path`.

    A contiguous, uncompressed dataset is memory-mapped at its byte offset (FORMATS §3.2);
    any other is an :class:`H5Array` reading rows on demand.
    """
    offset = dataset.id.get_offset() if dataset.chunks is None else None
    if offset is None or dataset.compression is not None or not dataset.size:
        return H5Array(dataset)
    return np.memmap(path, dtype=dataset.dtype, mode="r", offset=offset, shape=dataset.shape)


def read_kwd(kwd_handle):
    """Read all the traces of a ``.raw.kwd`` file, recordings concatenated in time.

    Parameters
    ----------
    kwd_handle : h5py.File or str or Path
        The open ``.raw.kwd`` file (or its path, opened read-only); each recording ``R`` is the
        ``(n_samples, n_channels)`` dataset ``/recordings/<R>/data``.

    Returns
    -------
    traces : RawDataReader
        A read-only ``(n_samples, n_channels)`` array: memory-mapped where the datasets are
        contiguous (FORMATS §3.2), read by rows otherwise.

    Raises
    ------
    DataFormatError
        If the file has no recording, or a recording no ``data`` dataset.

    """
    f = kwd_handle if hasattr(kwd_handle, "filename") else open_h5(kwd_handle)
    path = Path(f.filename)
    recordings = int_names(f["recordings"]) if "recordings" in f else []
    if not recordings:
        raise DataFormatError(f"{path} holds no recording (/recordings/<R>/data).")
    missing = [r for r in recordings if f"recordings/{r}/data" not in f]
    if missing:
        raise DataFormatError(f"{path}: recording {missing[0]} has no `data` dataset.")
    arrays = [h5_array(f[f"recordings/{r}/data"], path) for r in recordings]
    return RawDataReader(arrays, paths=[path])
