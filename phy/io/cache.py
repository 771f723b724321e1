"""A disk cache for arrays derived from data files, validated against the files they came from.

Derived arrays (spikes grouped per template or cluster, best channels, validation results...)
are expensive to compute on large datasets and cheap to memory-map once written.
:class:`ArrayCache` keeps each *group* of arrays in ``<cache_dir>/<group>/``: one ``.npy`` file
per array and a ``meta.json`` recording, for every source file, its size, modification and
status-change times and inode (so a file rewritten with the same size and mtime is detected),
the parameters of the computation and a format version. A group is reused only if all of them
still match; otherwise it is recomputed. Arrays are written under temporary names with their
disk blocks reserved first, renamed when complete, and ``meta.json`` is written last (and removed
first): an interrupted computation or a full disk never leaves a group that looks valid.

The cache is never needed: without a cache directory, with ``PHY_DISABLE_CACHE``, with a
read-only folder or a full disk (a logged warning), the same computations run in memory. A
cache opened with ``write=False`` reads valid groups and writes nothing.

Usage::

    def compute(writer):
        out = writer.empty("order", (n,), np.uint32)  # memory-mapped in the cache
        out[:] = ...                                  # fill it (in chunks for big arrays)
        return {"n_groups": 12}                       # small JSON values

    arrays = cache.get("spikes", sources=[path1, path2], compute=compute, params={...})
    arrays.order, arrays.n_groups
"""

import errno
import logging
import os
import shutil
import stat
import uuid
from pathlib import Path

import numpy as np

from phy.utils import Bunch, load_json, save_json

logger = logging.getLogger(__name__)

#: Bump when the layout of cached groups changes: older groups are then recomputed.
CACHE_VERSION = 2

#: Errors meaning that the disk cannot take the cache (the computation then runs in memory).
DISK_ERRORS = frozenset(
    (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG))


def fingerprint(paths):
    """Identify the state of files: ``[[name, size, mtime_ns, ctime_ns, inode], ...]``.

    The status-change time and the inode change whenever a file is rewritten (in place or
    replaced), even if its size and modification time are then restored. Missing files give
    None values.
    """
    out = []
    for path in paths:
        path = Path(path)
        try:
            st = path.stat()
            out.append([path.name, int(st.st_size), int(st.st_mtime_ns), int(st.st_ctime_ns),
                        int(st.st_ino)])
        except FileNotFoundError:
            out.append([path.name, None, None, None, None])
    return out


def _reserve(path):
    """Allocate the disk blocks of a file now.

    A full disk then raises ENOSPC here, instead of a SIGBUS when the memory map of a sparse
    file is written.
    """
    if not hasattr(os, "posix_fallocate"):  # pragma: no cover
        return
    with open(path, "r+b") as f:
        try:
            os.posix_fallocate(f.fileno(), 0, os.fstat(f.fileno()).st_size)
        except OSError as e:
            if e.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
                raise


def writable_dir(path):
    """Whether files can be created in a directory (or in its nearest existing ancestor).

    The process must have write access *and* the directory must have a write permission bit,
    so that a folder marked read-only is respected even by the superuser.
    """
    path = Path(path).absolute()
    while not path.exists():
        if path.parent == path:
            return False
        path = path.parent
    if not path.is_dir():
        return False
    mode = path.stat().st_mode
    return os.access(path, os.W_OK) and bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


class _Writer:
    """Creates the arrays of one group, in memory or as memory maps in the cache folder."""

    def __init__(self, group_dir=None):
        self.group_dir = group_dir
        self.arrays = {}
        self._tmp = {}

    def empty(self, name, shape, dtype):
        """Return a new writable array `name` to fill (memory-mapped in the cache if any)."""
        if self.group_dir is None or int(np.prod(shape)) == 0:
            arr = np.zeros(shape, dtype=dtype)
        else:
            tmp = self.group_dir / f".{name}.{uuid.uuid4().hex[:12]}.tmp"
            self._tmp[name] = tmp
            arr = np.lib.format.open_memmap(tmp, mode="w+", dtype=dtype, shape=tuple(shape))
            _reserve(tmp)
        self.arrays[name] = arr
        return arr

    def save(self, name, arr):
        """Store an array computed in memory."""
        out = self.empty(name, np.shape(arr), np.asarray(arr).dtype)
        out[...] = arr
        return out

    def finish(self):
        """Move the memory maps to their final names and return the arrays, read-only."""
        out = {}
        for name, arr in self.arrays.items():
            if name in self._tmp:
                arr.flush()
                del arr
                self.arrays[name] = None
                path = self.group_dir / f"{name}.npy"
                os.replace(self._tmp.pop(name), path)
                out[name] = np.load(path, mmap_mode="r")
            else:
                out[name] = arr
        return out

    def discard(self):
        """Remove temporary files after a failure."""
        self.arrays.clear()
        for tmp in self._tmp.values():
            if tmp.exists():
                tmp.unlink()
        self._tmp.clear()


class ArrayCache:
    """Groups of derived arrays stored in a cache folder and validated against their sources.

    Parameters
    ----------
    cache_dir : str or Path or None
        The folder of the cache (created when the first group is written). None or the
        environment variable ``PHY_DISABLE_CACHE`` make every computation run in memory; an
        unwritable folder too, with a warning.
    write : bool
        Whether new groups are written. With False, valid groups already in `cache_dir` are
        read and nothing is ever created or removed.

    """

    def __init__(self, cache_dir=None, write=True):
        self.cache_dir = None
        self._write = False
        if cache_dir is None or os.environ.get("PHY_DISABLE_CACHE"):
            return
        self.cache_dir = Path(cache_dir)
        if not write:
            return
        if not writable_dir(self.cache_dir):
            logger.warning("The cache folder %s is not writable: derived arrays stay in memory.",
                           self.cache_dir)
            return
        self._write = True

    @property
    def enabled(self):
        """Whether new groups are written on disk."""
        return self._write

    def _prepare(self):
        """Create the cache folder and its ``.gitignore`` (before writing the first group)."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        gitignore = self.cache_dir / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n")

    def _meta(self, sources, params):
        return {"version": CACHE_VERSION, "sources": fingerprint(sources),
                "params": params or {}}

    def load(self, group, sources, params=None):
        """Return the cached arrays of a group if they are valid, else None."""
        if self.cache_dir is None:
            return None
        group_dir = self.cache_dir / group
        meta = load_json(group_dir / "meta.json")
        expected = self._meta(sources, params)
        if not meta or any(meta.get(k) != v for k, v in expected.items()):
            return None
        try:
            arrays = {name: np.load(group_dir / f"{name}.npy", mmap_mode="r")
                      for name in meta.get("arrays", [])}
        except (OSError, ValueError) as e:
            logger.debug("Invalid cache group %s: %s", group, e)
            return None
        return Bunch(arrays, **meta.get("values", {}))

    def get(self, group, sources, compute, params=None):
        """Return the arrays of a group, computing and caching them if needed.

        Parameters
        ----------
        group : str
            Name of the group (a sub-folder of the cache).
        sources : list of Path
            The files the arrays are derived from.
        compute : function
            ``compute(writer)`` creates the arrays with ``writer.empty(name, shape, dtype)``
            or ``writer.save(name, array)``, and returns a dictionary of small JSON-serializable
            values (or None).
        params : dict
            JSON-serializable parameters of the computation (part of the validation key).

        Returns
        -------
        arrays : Bunch
            The arrays (read-only memory maps when cached) and the values.

        """
        cached = self.load(group, sources, params)
        if cached is not None:
            return cached
        meta = self._meta(sources, params)
        if self._write:
            group_dir = self.cache_dir / group
            try:
                return self._compute_on_disk(compute, meta, group_dir)
            except OSError as e:
                if e.errno not in DISK_ERRORS:
                    raise
                logger.warning("Could not write the cache %s (%s): derived arrays stay in "
                               "memory.", group_dir, e.strerror or e)
                self._write = False
        arrays, values = self._compute(compute, _Writer())
        return Bunch(arrays, **values)

    def _compute_on_disk(self, compute, meta, group_dir):
        """Compute a group into its folder; on any failure, the folder is removed."""
        self._prepare()
        shutil.rmtree(group_dir, ignore_errors=True)
        group_dir.mkdir(parents=True)
        try:
            arrays, values = self._compute(compute, _Writer(group_dir))
            meta.update(arrays=sorted(arrays), values=values)
            save_json(group_dir / "meta.json", meta)
        except BaseException:
            shutil.rmtree(group_dir, ignore_errors=True)
            raise
        return Bunch(arrays, **values)

    @staticmethod
    def _compute(compute, writer):
        """Run a computation: ``(arrays, values)``, temporary files removed on failure."""
        try:
            values = compute(writer) or {}
            return writer.finish(), values
        except BaseException:
            writer.discard()
            raise

    def clear(self, group):
        """Invalidate and remove a cached group."""
        if self._write and (self.cache_dir / group).exists():
            shutil.rmtree(self.cache_dir / group)
