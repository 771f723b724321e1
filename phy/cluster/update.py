"""The record of one clustering or metadata change: :class:`UpdateInfo`."""

from phy.utils import Bunch


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

    """

    def __init__(self, **kwargs):
        super().__init__(
            description=None, history=None, spike_ids=[], added=[], deleted=[],
            descendants=[], metadata_changed=[], metadata_value=None, undo_state=None,
            largest_old_cluster=None)
        self.update(kwargs)

    def copy(self):
        """Return a new UpdateInfo instance, a shallow copy of this one."""
        return UpdateInfo(**self)

    def __repr__(self):
        desc = self.description or "nothing"
        if self.history:
            desc = f"{self.history} {desc}"
        if self.metadata_changed:
            return (f"<UpdateInfo {desc} {list(self.metadata_changed)} "
                    f"= {self.metadata_value!r}>")
        return f"<UpdateInfo {desc} {list(self.deleted)} -> {list(self.added)}>"
