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
"""

from phy.utils import Bunch


class History:
    """An undo/redo stack of actions recorded by one or several owners.

    Adding an action after some undos drops the undone actions (they can no longer be
    redone).
    """

    def __init__(self):
        self._entries = []
        self._index = 0  # number of applied entries
        self._saved = None  # the last applied entry when mark_saved() was called

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

    def add(self, owner, diff, undo_state=None):
        """Record an action just done by `owner`, dropping the undone actions."""
        del self._entries[self._index:]
        self._entries.append(Bunch(owner=owner, diff=diff, undo_state=undo_state))
        self._index += 1

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
        up = entry.owner._undo_diff(entry.diff)
        self._index -= 1
        up.history, up.undo_state = "undo", entry.undo_state
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
        up = entry.owner._redo_diff(entry.diff)
        self._index += 1
        up.history, up.undo_state = "redo", entry.undo_state
        return up

    def pop_owner(self, owner):
        """Remove every action of `owner`; return the diffs of its applied ones, latest first.

        The caller reverts them (used to reset one owner without touching the others).
        """
        applied = [e.diff for e in self._entries[:self._index] if e.owner is owner][::-1]
        kept_applied = [e for e in self._entries[:self._index] if e.owner is not owner]
        kept_undone = [e for e in self._entries[self._index:] if e.owner is not owner]
        self._entries = kept_applied + kept_undone
        self._index = len(kept_applied)
        return applied

    def mark_saved(self):
        """Remember the current state as saved (see :attr:`is_dirty`)."""
        self._saved = self.last()

    @property
    def is_dirty(self):
        """Whether the applied actions differ from those applied at the last save."""
        return self.last() is not self._saved
