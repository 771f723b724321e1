"""A file that holds the arrays of old undo steps out of memory: :class:`SpillFile`.

The :class:`~phy.cluster.history.History` keeps the differences of its actions (the spike ids
each one moved) so that they can be undone. In a long session on a large dataset these add up;
beyond a memory bound, the history *spills* the steps farthest from its cursor: every NumPy
array of their difference is appended to a spill file and replaced by a small
:class:`SpilledArray` reference, and the arrays are read back when the step is undone or
redone. A spilled difference keeps its structure (dicts, lists, tuples): only its arrays move.

The spill file lives for one session (it is truncated when opened): the durable record of the
actions is the journal (:mod:`phy.cluster.journal`).
"""

import os
from pathlib import Path

import numpy as np


class SpilledArray:
    """A reference to an array written in a :class:`SpillFile` (offset, dtype, shape)."""

    __slots__ = ("offset", "dtype", "shape")

    def __init__(self, offset, dtype, shape):
        self.offset, self.dtype, self.shape = offset, dtype, shape


def map_arrays(obj, f):
    """Return `obj` with every NumPy array (or spilled reference) ``x`` replaced by ``f(x)``.

    Dicts (and their subclasses, such as ``Bunch``), lists and tuples are walked recursively;
    any other value is kept as is.
    """
    if isinstance(obj, (np.ndarray, SpilledArray)):
        return f(obj)
    if isinstance(obj, dict):
        return type(obj)((k, map_arrays(v, f)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(map_arrays(v, f) for v in obj)
    return obj


def array_bytes(obj):
    """Total number of bytes of the NumPy arrays held in `obj` (walked as in `map_arrays`)."""
    total = [0]

    def count(arr):
        total[0] += arr.nbytes if isinstance(arr, np.ndarray) else 0
        return arr

    map_arrays(obj, count)
    return total[0]


class SpillFile:
    """An append-only binary file of arrays, read back by reference.

    Parameters
    ----------
    path : str or Path
        The file (created, or truncated: its previous contents belong to an ended session).

    """

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "w+b")  # noqa: SIM115 (kept open for the session)
        self._size = 0

    @property
    def size(self):
        """Number of bytes written so far."""
        return self._size

    def _write(self, arr):
        arr = np.ascontiguousarray(arr)
        ref = SpilledArray(self._size, arr.dtype.str, arr.shape)
        self._file.seek(self._size)
        self._file.write(arr.tobytes())
        self._size += arr.nbytes
        return ref

    def _read(self, ref):
        dtype = np.dtype(ref.dtype)
        count = int(np.prod(ref.shape, dtype=np.int64))
        data = os.pread(self._file.fileno(), count * dtype.itemsize, ref.offset)
        return np.frombuffer(data, dtype=dtype).reshape(ref.shape)  # read-only

    def dump(self, obj):
        """Write the arrays of `obj` and return `obj` with references instead of them."""
        out = map_arrays(obj, lambda a: self._write(a) if isinstance(a, np.ndarray) else a)
        self._file.flush()
        return out

    def load(self, obj):
        """Return `obj` with its references replaced by the arrays read back."""
        return map_arrays(obj, lambda a: self._read(a) if isinstance(a, SpilledArray) else a)

    def close(self):
        """Close and delete the file."""
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)
