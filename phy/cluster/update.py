"""The record of one clustering or metadata change: :class:`UpdateInfo`."""

from collections.abc import ItemsView, ValuesView

from phy.utils import Bunch


class Lazy:
    """A field value of an :class:`UpdateInfo` computed on its first access.

    An action can change millions of spikes (a split of spikes spread over every cluster gives
    every spike a new cluster); listing them costs more than the action itself, so the action
    gives a function computing the list, called only if a handler reads the field.

    Parameters
    ----------
    func : callable
        Called without arguments, once; it must not depend on state that later actions change.

    """

    __slots__ = ("_func", "_value")

    def __init__(self, func):
        self._func = func
        self._value = None

    def value(self):
        """The value (computed on the first call)."""
        if self._func is not None:
            self._value, self._func = self._func(), None
        return self._value


class UpdateInfo(Bunch):
    """Object created every time the dataset is modified via a clustering or metadata action.

    It is passed to the callbacks of the ``cluster`` event. Derive from :class:`Bunch`: every
    field is also a dictionary key.

    Parameters
    ----------
    description : str
        ``merge``, ``assign``, or ``metadata_<field>`` for metadata changes.
    history : str
        ``undo``, ``redo``, or None for a new action.
    spike_ids : array-like
        All spike ids affected by the clustering action (sorted).
    added : list
        New cluster ids.
    deleted : list
        Cluster ids deleted by the action. There are no modified clusters: every change
        deletes clusters and adds new ones.
    descendants : list
        Pairs ``(old_cluster_id, new_cluster_id)``, the history of the clusters.
    metadata_changed : list
        Cluster ids whose metadata changed.
    metadata_value : object
        The new metadata value of the clusters in `metadata_changed` (None when an undo
        restores several different values).
    undo_state : object
        State attached to the action when it was done (the supervisor stores the cluster
        selection there); given back by the undo and the redo of that action.
    largest_old_cluster : int
        The deleted cluster that contributed the most spikes to the new clusters (None for
        metadata changes), used for label inheritance.

    Notes
    -----
    A field may be given as a :class:`Lazy`: it is computed when it is first read, through
    item or attribute access, ``get``, ``values``, ``items``, ``dict(up)`` or ``**up``.

    """

    def __init__(self, **kwargs):
        super().__init__(
            description=None, history=None, spike_ids=[], added=[], deleted=[],
            descendants=[], metadata_changed=[], metadata_value=None, undo_state=None,
            largest_old_cluster=None)
        self.update(kwargs)

    def __getitem__(self, key):
        value = super().__getitem__(key)
        return value.value() if isinstance(value, Lazy) else value

    def __iter__(self):
        # Defining __iter__ turns off dict's internal fast copy: dict(up) and **up read the
        # values through __getitem__, so that lazy fields are computed.
        return super().__iter__()

    def get(self, key, default=None):
        """The value of a field, or `default`."""
        return self[key] if key in self else default

    def values(self):
        """The field values (lazy fields computed)."""
        return ValuesView(self)

    def items(self):
        """The (field, value) pairs (lazy fields computed)."""
        return ItemsView(self)

    def copy(self):
        """Return a new UpdateInfo instance, a shallow copy of this one (lazy fields shared)."""
        new = UpdateInfo()
        dict.update(new, dict.items(self))
        return new

    def __repr__(self):
        desc = self.description or "nothing"
        if self.history:
            desc = f"{self.history} {desc}"
        if self.metadata_changed:
            return (f"<UpdateInfo {desc} {list(self.metadata_changed)} "
                    f"= {self.metadata_value!r}>")
        return f"<UpdateInfo {desc} {list(self.deleted)} -> {list(self.added)}>"
