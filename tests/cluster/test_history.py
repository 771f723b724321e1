import pytest

from phy.cluster import History, UpdateInfo


class Counter:
    """A toy owner: a number changed by undoable increments."""

    def __init__(self, history):
        self.value = 0
        self.history = history

    def add(self, n):
        self.value += n
        self.history.add(self, n)

    def _undo_diff(self, n):
        self.value -= n
        return UpdateInfo(description="add", metadata_value=-n)

    def _redo_diff(self, n):
        self.value += n
        return UpdateInfo(description="add", metadata_value=n)


def test_history_undo_redo():
    h = History()
    c = Counter(h)
    assert h.undo() is None and h.redo() is None
    c.add(1)
    c.add(10)
    assert c.value == 11 and h.index == 2 and len(h) == 2
    up = h.undo()
    assert c.value == 1 and up.history == "undo" and up.metadata_value == -10
    up = h.redo()
    assert c.value == 11 and up.history == "redo"
    assert h.redo() is None


def test_history_new_action_drops_redo():
    h = History()
    c = Counter(h)
    c.add(1)
    c.add(2)
    h.undo()
    c.add(5)
    assert not h.can_redo and len(h) == 2
    h.undo()
    h.undo()
    assert c.value == 0 and not h.can_undo


def test_history_shared_by_two_owners():
    h = History()
    a, b = Counter(h), Counter(h)
    a.add(1)
    b.add(2)
    a.add(3)
    h.undo()
    assert (a.value, b.value) == (1, 2)
    h.undo()
    assert (a.value, b.value) == (1, 0)
    h.redo()
    assert (a.value, b.value) == (1, 2)


def test_history_undo_state():
    h = History()
    c = Counter(h)
    with pytest.raises(RuntimeError):
        h.set_undo_state("nothing to attach to")
    c.add(1)
    h.set_undo_state({"selection": [3]})
    assert h.undo().undo_state == {"selection": [3]}
    assert h.redo().undo_state == {"selection": [3]}


def test_history_pop_owner():
    h = History()
    a, b = Counter(h), Counter(h)
    a.add(1)
    b.add(2)
    a.add(3)
    b.add(4)
    h.undo()  # b.add(4) undone
    assert h.pop_owner(a) == [3, 1]
    assert len(h) == 2 and h.index == 1
    assert h.redo().metadata_value == 4


def test_history_dirty():
    h = History()
    c = Counter(h)
    assert not h.is_dirty
    c.add(1)
    assert h.is_dirty
    h.mark_saved()
    assert not h.is_dirty
    h.undo()
    assert h.is_dirty
    h.redo()
    assert not h.is_dirty
