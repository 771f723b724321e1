"""A file that holds the arrays of old undo steps out of memory: :class:`SpillFile`.

The :class:`~phy.cluster.history.History` keeps the differences of its actions (the spike ids
each one moved) so that they can be undone. In a long session on a large dataset these add up;
beyond a memory bound, the history *spills* the steps farthest from its cursor: each
difference (its arrays and its structure, pickled) is appended to a spill file and replaced by
a :class:`Spilled` reference (two integers), and read back when the step is undone or redone.

The spill file lives for one session (it is truncated when opened): the durable record of the
actions is the journal (:mod:`phy.cluster.journal`).
"""

import os
import pickle
from pathlib import Path

import numpy as np


class Spilled:
    """A reference to a difference written in a :class:`SpillFile` (offset and size)."""

    __slots__ = ("offset", "size")

    def __init__(self, offset, size):
        self.offset, self.size = offset, size


def array_bytes(obj):
    """Total number of bytes of the NumPy arrays held in `obj` (dicts, lists, tuples walked)."""
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, dict):
        return sum(array_bytes(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(array_bytes(v) for v in obj)
    return 0


class SpillFile:
    """An append-only file of differences, read back by reference.

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

    def dump(self, obj):
        """Write a difference; return its :class:`Spilled` reference."""
        data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        ref = Spilled(self._size, len(data))
        self._file.seek(self._size)
        self._file.write(data)
        self._file.flush()
        self._size += len(data)
        return ref

    def load(self, ref):
        """Read back the difference of a reference."""
        return pickle.loads(os.pread(self._file.fileno(), ref.size, ref.offset))  # noqa: S301 (our file)

    def close(self):
        """Close and delete the file."""
        if not self._file.closed:
            self._file.close()
        self.path.unlink(missing_ok=True)
