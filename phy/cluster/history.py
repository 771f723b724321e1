"""A linear undo/redo history shared by the objects that record actions in it.

:class:`Clustering` and :class:`ClusterMeta` each record their actions in a :class:`History`;
the supervisor gives them the same instance, so that undo and redo follow the order of the
actions of both kinds.

Writing an object that records actions in a history
---------------------------------------------------
An *owner* records an action with ``history.add(owner, diff)`` after doing it, where `diff`
is whatever the owner needs to revert and replay the action (store the difference, never the
whole state, so that undo and redo cost what the action cost). It implements:

* ``_undo_diff(diff)``: revert the action, return an :class:`UpdateInfo`;
* ``_redo_diff(diff)``: do the action again, return an :class:`UpdateInfo`.

The history sets the ``history`` (``undo`` or ``redo``) and ``undo_state`` fields of the
returned UpdateInfo.

Listening to the actions
------------------------
``history.connect(listener)`` calls ``listener(event, entry)`` after each ``add``, ``undo``
and ``redo`` (with the entry concerned, a Bunch with ``owner`` and ``diff``) and after
``mark_saved`` (with the last applied entry, or None): the journal
(:mod:`phy.cluster.journal`) writes every action to disk that way, before the action's result
is shown.

Memory bound
------------
With :meth:`History.bound_memory`, the arrays of the differences (the spike ids of each
action) take at most `max_bytes` in memory: beyond, the steps farthest from the cursor spill
to a file (:mod:`phy.cluster.spill`) and are read back when undone or redone.
"""

from phy.utils import Bunch

from .spill import SpillFile, array_bytes


class History:
    """An undo/redo stack of actions recorded by one or several owners.

    Adding an action after some undos drops the undone actions (they can no longer be
    redone).
    """

    def __init__(self):
        self._entries = []
        self._index = 0  # number of applied entries
        self._saved = None  # the last applied entry when mark_saved() was called
        self._listeners = []
        self._max_bytes = None
        self._spill = None  # the SpillFile, with a memory bound
        self._bytes = 0  # bytes of the arrays of the entries in memory

    def __len__(self):
        return len(self._entries)

    @property
    def index(self):
        """Number of actions currently applied (the position of the cursor)."""
        return self._index

    @property
    def can_undo(self):
        """Whether there is an action to undo."""
        return self._index > 0

    @property
    def can_redo(self):
        """Whether there is an undone action to redo."""
        return self._index < len(self._entries)

    @property
    def memory_bytes(self):
        """Bytes of the arrays of the differences held in memory (spilled ones excluded)."""
        return self._bytes

    def connect(self, listener):
        """Call ``listener(event, entry)`` after every ``add``, ``undo``, ``redo``, ``saved``.

        And ``reset`` when :meth:`pop_owner` removed the actions of an owner (the entry's
        ``owner``), before the owner reverts them.
        """
        self._listeners.append(listener)

    def disconnect(self, listener):
        """Stop calling a listener."""
        self._listeners.remove(listener)

    def _notify(self, event, entry):
        for listener in list(self._listeners):
            listener(event, entry)

    def bound_memory(self, max_bytes, spill_path):
        """Keep at most `max_bytes` of differences in memory, spilling the others to a file.

        Parameters
        ----------
        max_bytes : int or None
            The bound (None: unbounded, the spill file is closed and deleted).
        spill_path : str or Path
            The spill file (truncated: it belongs to this session).

        """
        for entry in self._entries:  # back in memory before the spill file changes
            self._load(entry)
        if self._spill is not None:
            self._spill.close()
            self._spill = None
        self._max_bytes = max_bytes
        if max_bytes is not None:
            self._spill = SpillFile(spill_path)
            self._enforce_bound()

    def close(self):
        """End of the session: forget every step and delete the spill file."""
        self._entries, self._index, self._bytes, self._saved = [], 0, 0, None
        if self._spill is not None:
            self._spill.close()
            self._spill = None

    def _load(self, entry):
        if entry.spilled:
            entry.diff, entry.spilled = self._spill.load(entry.diff), False
            self._bytes += entry.nbytes

    def _enforce_bound(self):
        """Spill the entries farthest from the cursor until the bound holds."""
        if self._max_bytes is None or self._bytes <= self._max_bytes:
            return
        order = sorted(range(len(self._entries)), key=lambda i: -abs(i + 0.5 - self._index))
        for i in order:
            entry = self._entries[i]
            if entry.spilled or not entry.nbytes:
                continue
            entry.diff, entry.spilled = self._spill.dump(entry.diff), True
            self._bytes -= entry.nbytes
            if self._bytes <= self._max_bytes:
                return

    def add(self, owner, diff, undo_state=None):
        """Record an action just done by `owner`, dropping the undone actions."""
        self._bytes -= sum(e.nbytes for e in self._entries[self._index:] if not e.spilled)
        del self._entries[self._index:]
        entry = Bunch(owner=owner, diff=diff, undo_state=undo_state,
                      nbytes=array_bytes(diff), spilled=False)
        self._entries.append(entry)
        self._index += 1
        self._bytes += entry.nbytes
        self._notify("add", entry)
        self._enforce_bound()

    def last(self):
        """The last applied entry (a Bunch with `owner`, `diff`, `undo_state`), or None."""
        return self._entries[self._index - 1] if self._index else None

    def set_undo_state(self, undo_state):
        """Attach a state to the last applied action (given back by its undo and redo)."""
        entry = self.last()
        if entry is None:
            raise RuntimeError("There is no action to attach an undo state to.")
        entry.undo_state = undo_state

    def undo(self):
        """Undo the last applied action.

        Returns
        -------
        up : UpdateInfo, or None if there is nothing to undo.

        """
        if not self.can_undo:
            return None
        entry = self._entries[self._index - 1]
        self._load(entry)
        up = entry.owner._undo_diff(entry.diff)
        self._index -= 1
        up.history, up.undo_state = "undo", entry.undo_state
        self._notify("undo", entry)
        self._enforce_bound()
        return up

    def redo(self):
        """Redo the last undone action.

        Returns
        -------
        up : UpdateInfo, or None if there is nothing to redo.

        """
        if not self.can_redo:
            return None
        entry = self._entries[self._index]
        self._load(entry)
        up = entry.owner._redo_diff(entry.diff)
        self._index += 1
        up.history, up.undo_state = "redo", entry.undo_state
        self._notify("redo", entry)
        self._enforce_bound()
        return up

    def pop_owner(self, owner):
        """Remove every action of `owner`; return the diffs of its applied ones, latest first.

        The caller reverts them (used to reset one owner without touching the others).
        """
        for entry in self._entries:
            if entry.owner is owner:
                self._load(entry)
        self._bytes -= sum(e.nbytes for e in self._entries if e.owner is owner)
        applied = [e.diff for e in self._entries[:self._index] if e.owner is owner][::-1]
        kept_applied = [e for e in self._entries[:self._index] if e.owner is not owner]
        kept_undone = [e for e in self._entries[self._index:] if e.owner is not owner]
        self._entries = kept_applied + kept_undone
        self._index = len(kept_applied)
        self._notify("reset", Bunch(owner=owner, diff=None))
        return applied

    def mark_saved(self):
        """Remember the current state as saved (see :attr:`is_dirty`)."""
        self._saved = self.last()
        self._notify("saved", self._saved)

    @property
    def is_dirty(self):
        """Whether the applied actions differ from those applied at the last save."""
        return self.last() is not self._saved
