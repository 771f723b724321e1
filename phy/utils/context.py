"""Caching of function results on disk (joblib) and in memory, per dataset.

A :class:`Context` lives in a dataset's cache folder (``<dataset>/.phy/``). Expensive functions
of the selection (correlograms, features, waveforms) are cached on disk with
:meth:`Context.cache`; cheap per-cluster functions are cached in memory with
:meth:`Context.memcache` and their caches persisted with :meth:`Context.save_memcache`.
Setting the environment variable ``PHY_DISABLE_CACHE`` to a non-empty value disables caching.

Both accept bound methods: the object (``self``) is not part of the key, so it need not be
picklable and the results are shared by all the instances, and by all the Contexts on the same
folder (one cache folder holds the cache of one dataset). The cache is never needed: a folder
that cannot be written (read-only dataset, full disk) means a warning and a cache in memory.
"""

import errno
import functools
import inspect
import logging
import os
from pathlib import Path

import numpy as np

from .config import phy_config_dir
from .io import ensure_dir_exists, load_json, load_pickle, save_json, save_pickle, write_text

logger = logging.getLogger(__name__)

DISABLE_CACHE_ENV = "PHY_DISABLE_CACHE"

#: Errors meaning that the disk cannot take the cache.
_DISK_ERRORS = frozenset(
    (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG))


def _hashable(arg):
    """Turn a function argument into a hashable key (arrays by their content)."""
    if isinstance(arg, np.ndarray):
        return ("__ndarray__", arg.dtype.str, arg.shape, arg.tobytes())
    if isinstance(arg, (list, tuple)):
        return tuple(_hashable(a) for a in arg)
    if isinstance(arg, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in arg.items()))
    if isinstance(arg, np.generic):
        return arg.item()
    return arg


def _full_name(f):
    """``module.qualname`` of a function or bound method."""
    return f"{f.__module__}.{f.__qualname__}"


def _self_name(f):
    """The name of the ``self`` parameter of a bound method (None for a function)."""
    if not inspect.ismethod(f):
        return None
    return next(iter(inspect.signature(f.__func__).parameters), None)


def _memoize(f, cache):
    """Cache `f` in the dictionary `cache`, keyed by its arguments (not by a bound ``self``)."""

    @functools.wraps(f)
    def memoized(*args, **kwargs):
        key = _hashable(args) if not kwargs else (_hashable(args), _hashable(kwargs))
        if key not in cache:
            cache[key] = f(*args, **kwargs)
        return cache[key]

    memoized.clear_cache = cache.clear
    return memoized


class Context:
    """Handle function disk and memory caching with joblib.

    Parameters
    ----------
    cache_dir : str or Path
        The directory in which the cache will be created.
    verbose : int
        The verbosity level passed to joblib Memory.

    Examples
    --------
    >>> context = Context('/tmp/dataset/.phy')  # doctest: +SKIP
    >>> @context.memcache
    ... def my_function(x):
    ...     return x * x

    """

    def __init__(self, cache_dir, verbose=0):
        self.cache_dir = Path(cache_dir)
        self.verbose = verbose
        self._memcaches = {}
        self._disabled = bool(os.environ.get(DISABLE_CACHE_ENV))
        self.writable = self._prepare()
        self._memory = None
        if self.writable and not self._disabled:
            from joblib import Memory

            self._memory = Memory(location=str(self.cache_dir / "joblib"), verbose=verbose)

    def _prepare(self):
        """Create the cache folder and its ``.gitignore``; False (with a warning) if impossible."""
        try:
            ensure_dir_exists(self.cache_dir)
            gitignore = self.cache_dir / ".gitignore"
            if not gitignore.exists():
                write_text(gitignore, "*\n")
        except OSError as e:
            logger.warning("The cache folder %s cannot be written (%s): the cache stays in "
                           "memory.", self.cache_dir, e.strerror or e)
            return False
        return True

    @property
    def disabled(self):
        """Whether caching is disabled by ``PHY_DISABLE_CACHE``."""
        return self._disabled

    def cache(self, f):
        """Cache a function on disk, using the context's cache directory.

        The arguments must be picklable. For a bound method, the object is not part of the
        key: it need not be picklable, and the results are shared by all the instances (and
        all the Contexts on the same folder). Without a writable folder, the cache is in
        memory; a disk that fills up turns it to memory too, with a warning.
        """
        if self._disabled:
            return f
        if self._memory is None:
            return _memoize(f, self._memcaches.setdefault(_full_name(f), {}))
        name = _self_name(f)
        cached = self._memory.cache(f, ignore=[name] if name else [])
        fallback = _memoize(f, {})

        @functools.wraps(f)
        def disk_cached(*args, **kwargs):
            if self._memory is None:
                return fallback(*args, **kwargs)
            try:
                return cached(*args, **kwargs)
            except OSError as e:
                if e.errno not in _DISK_ERRORS:
                    raise
                logger.warning("Could not write the cache %s (%s): the cache stays in memory.",
                               self.cache_dir, e.strerror or e)
                self._memory = None
                return fallback(*args, **kwargs)

        return disk_cached

    def _memcache_path(self, name):
        return self.cache_dir / "memcache" / f"{name}.pkl"

    def memcache(self, f):
        """Cache a function in memory using an internal dictionary.

        Arguments must be hashable; NumPy arrays are keyed by their content. For a bound
        method, the object is not part of the key (the cache is shared by the instances).
        """
        if self._disabled:
            return f
        return _memoize(f, self._memcaches.setdefault(_full_name(f), {}))

    def save_memcache(self):
        """Save the memcache to disk using pickle (one file per function)."""
        for name, cache in self._memcaches.items():
            self._write(save_pickle, self._memcache_path(name), cache)

    def _write(self, save, path, data):
        """Save a file with a warning, not an exception, if the disk refuses it."""
        try:
            save(path, data)
        except OSError as e:
            logger.warning("Could not write %s: %s.", path, e.strerror or e)

    def load_memcache(self, name):
        """Load the memcache of a function (by its full name) from disk, if it exists.

        Returns
        -------
        cache : dict
            The in-memory cache of that function, now filled with the saved values.

        """
        cache = self._memcaches.setdefault(name, {})
        path = self._memcache_path(name)
        if path.exists():
            try:
                cache.update(load_pickle(path))
            except Exception as e:
                logger.warning("Could not load the memcache %s: %s", path, e)
        return cache

    def _location_dir(self, location):
        if location == "local":
            return self.cache_dir
        if location == "global":
            return phy_config_dir()
        raise ValueError(f"Location must be 'local' or 'global', not {location!r}.")

    def save(self, name, data, location="local", kind="json"):
        """Save a dictionary in a JSON/pickle file within the cache directory.

        Parameters
        ----------
        name : str
            The name of the object to save to disk.
        data : dict
            Any serializable dictionary that will be persisted to disk.
        location : str
            Can be ``local`` (the cache directory) or ``global`` (the user directory).
        kind : str
            Can be ``json`` or ``pickle``.

        """
        directory = self._location_dir(location)
        if kind not in ("json", "pickle"):
            raise ValueError(f"Kind must be 'json' or 'pickle', not {kind!r}.")
        save, ext = (save_json, "json") if kind == "json" else (save_pickle, "pkl")
        self._write(save, directory / f"{name}.{ext}", data)

    def load(self, name, location="local"):
        """Load a dictionary saved in the cache directory (``{}`` if there is none).

        Parameters
        ----------
        name : str
            The name of the object to load.
        location : str
            Can be ``local`` or ``global``.

        """
        directory = self._location_dir(location)
        json_path, pickle_path = Path(directory / f"{name}.json"), Path(directory / f"{name}.pkl")
        if json_path.exists():
            return load_json(json_path)
        if pickle_path.exists():
            return load_pickle(pickle_path)
        return {}

    def __repr__(self):
        return f"<Context {self.cache_dir}>"
