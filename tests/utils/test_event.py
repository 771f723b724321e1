import gc

import pytest

from phy.utils import connect, emit, reset, silent, unconnect
from phy.utils.event import EventBus, connected


def test_connect_decorator_infers_event_name():
    calls = []

    @connect
    def on_select(sender, ids):
        calls.append((sender, ids))

    assert emit("select", "s", [1, 2]) == [None]
    assert calls == [("s", [1, 2])]


def test_connect_requires_event_name():
    with pytest.raises(ValueError, match="on_<event>"):
        connect(lambda sender: None)


def test_emit_order_and_results_and_single():
    connect(lambda sender: None, event="e")
    connect(lambda sender: 1, event="e")
    connect(lambda sender: 2, event="e")
    assert emit("e", None) == [None, 1, 2]
    assert emit("e", None, single=True) == 1
    assert emit("other", None) == []
    assert emit("other", None, single=True) is None


def test_events_filtered_by_sender():
    a, b = object(), object()
    received = []

    @connect(sender=a)
    def on_ev(sender, x):
        received.append(("a", x))

    connect(lambda sender, x: received.append(("any", x)), event="ev")
    emit("ev", a, 1)
    emit("ev", b, 2)
    assert received == [("a", 1), ("any", 1), ("any", 2)]


def test_kwargs_forwarded():
    connect(lambda sender, x, y=0: x + y, event="add")
    assert emit("add", None, 1, y=2) == [3]


class _View:
    def __init__(self):
        self.received = []

    def on_select(self, sender, ids):
        self.received.append(ids)


def test_bound_method_held_weakly():
    view = _View()
    connect(view.on_select)
    emit("select", None, [1])
    assert view.received == [[1]]
    del view
    gc.collect()
    assert connected("select") == []
    assert emit("select", None, [2]) == []


def test_unconnect_function_and_object():
    view = _View()
    connect(view.on_select)
    f = connect(lambda sender, ids: "f", event="select")
    unconnect(view)
    assert emit("select", None, [1]) == ["f"]
    assert view.received == []
    unconnect(f)
    assert emit("select", None, [1]) == []


def test_unconnect_sender():
    sender = object()
    connect(lambda s: 1, event="e", sender=sender)
    connect(lambda s: 2, event="e")
    unconnect(sender)
    assert emit("e", sender) == [2]


def test_silent_suppresses_and_restores_even_on_error():
    connect(lambda sender: 1, event="e")
    with silent():
        assert emit("e", None) == []
    with pytest.raises(RuntimeError):
        with silent():
            raise RuntimeError
    assert emit("e", None) == [1]


def test_reset_clears_everything():
    connect(lambda sender: 1, event="e")
    reset()
    assert emit("e", None) == []


def test_callback_may_connect_during_emit():
    bus = EventBus()

    def first(sender):
        bus.connect(lambda s: "late", event="e")
        return "first"

    bus.connect(first, event="e")
    assert bus.emit("e", None) == ["first"]
    assert bus.emit("e", None) == ["first", "late"]


def test_callback_exceptions_propagate():
    def on_boom(sender):
        raise ValueError("boom")

    connect(on_boom)
    with pytest.raises(ValueError, match="boom"):
        emit("boom", None)
