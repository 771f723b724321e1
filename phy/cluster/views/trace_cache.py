"""A small cache of the trace view's prepared windows, filled ahead of time on worker threads.

Reading and filtering a window is what scrolling costs (a 1 s window of 384 channels at 30 kHz:
~250 ms, mostly the filter). The trace view keeps its last windows in a :class:`WindowCache`
and, after each drawing, prepares the next and the previous windows on the Qt thread pool, so
that a jump by one window finds its traces ready.
"""

import logging
import threading
from collections import OrderedDict

from phy.gui.threads import Worker, thread_pool

logger = logging.getLogger(__name__)


class WindowCache:
    """A thread-safe least-recently-used cache of computed values, with prefetching.

    A key computed by one thread is not computed again by another one asking for it meanwhile:
    that one waits for the result.

    Parameters
    ----------
    size : int
        Number of values kept (the least recently used one goes first).

    """

    def __init__(self, size=4):
        if size < 1:
            raise ValueError(f"The window cache needs a positive size, got {size}.")
        self.size = int(size)
        self.closed = False
        self._lock = threading.Lock()
        self._items = OrderedDict()
        self._computing = {}  # key: Event set once the value is stored (or failed).
        self._queued = set()  # Keys of the prefetches not started yet.
        self._generation = 0  # Increases with clear(): values computed before are dropped.

    def __contains__(self, key):
        with self._lock:
            return key in self._items

    def __len__(self):
        with self._lock:
            return len(self._items)

    def get(self, key, compute):
        """The value of a key: from the cache, or ``compute()`` (stored, unless cleared since).

        Parameters
        ----------
        key : hashable
        compute : function
            Called without arguments on the calling thread when the key is missing.

        """
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
                event = self._computing.get(key)
                if event is None:
                    event = self._computing[key] = threading.Event()
                    generation = self._generation
                    break
            event.wait()  # Another thread computes it: take its value (or compute if it failed).
        value, stored = None, False
        try:
            value, stored = compute(), True
            return value
        finally:
            with self._lock:
                if stored and generation == self._generation and not self.closed:
                    self._items[key] = value
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
                if self._computing.get(key) is event:
                    del self._computing[key]
                event.set()

    def prefetch(self, key, compute):
        """Compute a missing key on a worker thread of the Qt thread pool; never blocks.

        Returns whether a worker was started (not when the key is cached, being computed or
        queued, nor once the cache is closed). A prefetch that fails is logged (debug level)
        only: the same error will show when the window is asked for.
        """
        with self._lock:
            if (self.closed or key in self._items or key in self._computing
                    or key in self._queued):
                return False
            self._queued.add(key)
        thread_pool().start(Worker(self._prefetch, key, compute))
        return True

    def _prefetch(self, key, compute):
        """Worker thread: compute a queued key, unless the cache was closed meanwhile."""
        with self._lock:
            self._queued.discard(key)
            if self.closed:
                return
        try:
            self.get(key, compute)
        except Exception:
            logger.debug("Prefetching %s failed.", key, exc_info=True)

    def clear(self):
        """Forget every value; the values being computed will not be stored."""
        with self._lock:
            self._items.clear()
            self._generation += 1

    def close(self):
        """Clear the cache and stop prefetching: the queued prefetches do nothing."""
        with self._lock:
            self.closed = True
        self.clear()
