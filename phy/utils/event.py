"""The process-wide event bus: publish/subscribe with sender filtering.

Any object can emit an event with ``emit(event, sender, *args)``; every callback connected to
that event (and to that sender, or to any sender) is called as ``callback(sender, *args)``.

Bound methods are held by weak reference: when the object they are bound to is garbage
collected (a closed view, say), its callbacks disappear from the bus by themselves. Plain
functions and lambdas are held strongly until :func:`unconnect` or :func:`reset`.

Examples
--------
>>> @connect
... def on_select(sender, cluster_ids):
...     print(cluster_ids)
>>> emit('select', None, [1, 2])
[1, 2]
[None]

"""

import logging
import weakref
from contextlib import contextmanager

logger = logging.getLogger(__name__)


class _Connection:
    """One callback connected to one event, with an optional sender filter."""

    __slots__ = ("event", "_callback", "_sender", "has_sender")

    def __init__(self, event, callback, sender):
        self.event = event
        self._callback = _weak_or_strong(callback, method=True)
        self.has_sender = sender is not None
        self._sender = _weak_or_strong(sender) if self.has_sender else None

    @property
    def callback(self):
        """The callback, or None if the object it was bound to is gone."""
        return self._callback()

    @property
    def sender(self):
        """The sender filter, or None if the sender is gone (or there is no filter)."""
        return self._sender() if self.has_sender else None

    @property
    def alive(self):
        """Whether neither the callback's object nor the sender filter was garbage collected."""
        return self.callback is not None and (not self.has_sender or self.sender is not None)

    def accepts(self, event, sender):
        """Whether this connection receives `event` emitted by `sender`."""
        return self.event == event and (not self.has_sender or self.sender is sender)

    def concerns(self, item):
        """Whether this connection is `item`, bound to `item`, or filters on `item`."""
        callback = self.callback
        if callback is None:
            return True
        if callback == item or getattr(callback, "__self__", None) is item:
            return True
        return self.has_sender and self.sender is item


def _weak_or_strong(obj, method=False):
    """Return a callable giving back `obj`: a weak reference where possible."""
    if method and hasattr(obj, "__self__") and hasattr(obj, "__func__"):
        return weakref.WeakMethod(obj)
    if not method:
        try:
            return weakref.ref(obj)
        except TypeError:
            pass
    return lambda: obj


def _event_name(f):
    """Event name derived from a callback name: ``on_select`` gives ``select``."""
    name = getattr(f, "__name__", "")
    if not name.startswith("on_"):
        raise ValueError(
            f"Cannot infer the event name of {f!r}: name it `on_<event>` or pass `event=`.")
    return name[3:]


class EventBus:
    """A publish/subscribe registry. The module functions use one process-wide instance."""

    def __init__(self):
        self._connections = []
        self._silent = 0

    def connect(self, f=None, event=None, sender=None):
        """Connect a callback to an event.

        Parameters
        ----------
        f : callable
            Called as ``f(sender, *args, **kwargs)``. Bound methods are held weakly.
        event : str
            The event name; by default derived from the function name (``on_select``: ``select``).
        sender : object
            Only receive the events emitted by this object (held weakly when possible).

        Returns
        -------
        f : callable
            The function, so that ``connect`` can be used as a decorator, also as
            ``@connect(sender=x)`` or ``@connect(event='select')``.

        """
        if f is None:
            return lambda g: self.connect(g, event=event, sender=sender)
        event = event or _event_name(f)
        self._connections.append(_Connection(event, f, sender))
        return f

    def unconnect(self, *items):
        """Disconnect callbacks.

        Each item is a function to disconnect, or an object: every method bound to it and every
        connection filtering on it as a sender is removed. Without items, nothing happens.
        """
        for item in items:
            self._connections = [c for c in self._connections if not c.concerns(item)]

    def emit(self, event, sender, *args, single=False, **kwargs):
        """Call the callbacks connected to `event` and to `sender` (or to any sender).

        Parameters
        ----------
        event : str
        sender : object
        single : bool
            Return the first non-None result instead of the list of results.

        Returns
        -------
        results : list, or the first non-None result if `single` is True.

        """
        if self._silent:
            return None if single else []
        self._connections = [c for c in self._connections if c.alive]
        results = []
        for connection in list(self._connections):
            if not connection.accepts(event, sender):
                continue
            callback = connection.callback
            if callback is None:
                continue
            logger.log(5, "Emit %s from %s to %s.", event, type(sender).__name__, callback)
            results.append(callback(sender, *args, **kwargs))
        if single:
            return next((r for r in results if r is not None), None)
        return results

    @contextmanager
    def silent(self):
        """Context manager in which no event is emitted."""
        self._silent += 1
        try:
            yield
        finally:
            self._silent -= 1

    def reset(self):
        """Remove every connection."""
        self._connections = []
        self._silent = 0

    def connected(self, event=None):
        """Return the live callbacks, optionally only those of one event."""
        return [
            c.callback for c in self._connections
            if c.alive and (event is None or c.event == event)]


_BUS = EventBus()

connect = _BUS.connect
unconnect = _BUS.unconnect
emit = _BUS.emit
silent = _BUS.silent
reset = _BUS.reset
connected = _BUS.connected
