"""A disk cache for arrays derived from data files, validated against the files they came from.

Derived arrays (normalised copies of sorter files, spikes sorted per template or cluster, best
channels...) are expensive to compute on large datasets and cheap to memory-map once written.
:class:`ArrayCache` keeps each *group* of arrays in ``<cache_dir>/<group>/``: one ``.npy`` file
per array and a ``meta.json`` recording the size and modification time of every source file,
the parameters of the computation and a format version. A group is reused only if all of them
still match; otherwise it is recomputed. ``meta.json`` is written last and removed first, so an
interrupted computation is never mistaken for a valid one.

Without a cache directory (read-only dataset, ``PHY_DISABLE_CACHE``), the same computations run
in memory.

Usage::

    def compute(writer):
        out = writer.empty("order", (n,), np.int64)   # memory-mapped in the cache
        out[:] = ...                                  # fill it (in chunks for big arrays)
        return {"n_groups": 12}                       # small JSON values

    arrays = cache.get("spikes", sources=[path1, path2], compute=compute, params={...})
    arrays.order, arrays.n_groups
"""

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
CACHE_VERSION = 1


def fingerprint(paths):
    """Return ``[[name, size, mtime_ns], ...]`` for the given files (None values if missing)."""
    out = []
    for path in paths:
        path = Path(path)
        try:
            st = path.stat()
            out.append([path.name, int(st.st_size), int(st.st_mtime_ns)])
        except FileNotFoundError:
            out.append([path.name, None, None])
    return out


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
        The folder of the cache (created if needed). None, an unwritable folder or the
        environment variable ``PHY_DISABLE_CACHE`` make every computation run in memory.

    """

    def __init__(self, cache_dir=None):
        self.cache_dir = None
        if cache_dir is None or os.environ.get("PHY_DISABLE_CACHE"):
            return
        cache_dir = Path(cache_dir)
        if not writable_dir(cache_dir):
            logger.info("Cache folder %s not writable: derived arrays stay in memory.", cache_dir)
            return
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            probe = cache_dir / f".probe.{uuid.uuid4().hex[:8]}.tmp"
            probe.write_bytes(b"")
            probe.unlink()
            gitignore = cache_dir / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
        except OSError as e:
            logger.info("Cache folder %s not writable (%s): derived arrays stay in memory.",
                        cache_dir, e)
            return
        self.cache_dir = cache_dir

    @property
    def enabled(self):
        """Whether arrays are cached on disk."""
        return self.cache_dir is not None

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
        if self.cache_dir is not None:
            group_dir = self.cache_dir / group
            try:
                if group_dir.exists():
                    shutil.rmtree(group_dir)
                group_dir.mkdir(parents=True)
                return self._compute(compute, _Writer(group_dir), meta, group_dir)
            except OSError as e:
                logger.warning("Could not write the cache %s (%s): computing in memory.",
                               group_dir, e)
        return self._compute(compute, _Writer(), meta, None)

    def _compute(self, compute, writer, meta, group_dir):
        try:
            values = compute(writer) or {}
            arrays = writer.finish()
        except BaseException:
            writer.discard()
            raise
        if group_dir is not None:
            meta.update(arrays=sorted(arrays), values=values)
            save_json(group_dir / "meta.json", meta)
        return Bunch(arrays, **values)

    def clear(self, group):
        """Invalidate and remove a cached group."""
        if self.cache_dir is not None and (self.cache_dir / group).exists():
            shutil.rmtree(self.cache_dir / group)
