"""Cluster metadata (group and labels) with undoable changes: :class:`ClusterMeta`."""

import logging
from collections import defaultdict

from phy.utils import Bunch

from .history import History
from .update import UpdateInfo

logger = logging.getLogger(__name__)


def _is_empty(value):
    """Whether a label value counts as "no value" (None or the empty string)."""
    return value is None or (isinstance(value, str) and value == "")


def _as_cluster_list(clusters):
    """A list of Python int cluster ids from an int or an iterable of ints."""
    if isinstance(clusters, (int,)) or getattr(clusters, "ndim", None) == 0:
        return [int(clusters)]
    return [int(c) for c in clusters]


class ClusterMeta:
    """Handle cluster metadata changes.

    Each field (``group``, or any label) maps cluster ids to values; clusters without a value
    get the field's default.

    Parameters
    ----------
    history : History
        The undo history to record the changes in (the supervisor shares one with
        :class:`Clustering`); by default a private one.

    """

    def __init__(self, history=None):
        self._fields = {}  # name -> default value
        self._data = {}  # name -> {cluster_id: value}
        self._history = history if history is not None else History()

    @property
    def history(self):
        """The undo history where the changes are recorded."""
        return self._history

    @property
    def fields(self):
        """List of fields."""
        return list(self._fields)

    def add_field(self, name, default_value=None):
        """Add a field with an optional default value (no effect if it exists already)."""
        if name not in self._fields:
            self._fields[name] = default_value
            self._data[name] = {}

    def _check_field(self, field):
        if field not in self._fields:
            raise ValueError(f"Unknown cluster metadata field `{field}` "
                             f"(known fields: {', '.join(self._fields) or 'none'}).")

    def get(self, field, cluster):
        """Retrieve the value of one cluster for a given field (the default if unset)."""
        self._check_field(field)
        return self._data[field].get(int(cluster), self._fields[field])

    def _raw(self, field, cluster):
        """The value set for a cluster (None if unset), ignoring the default."""
        return self._data[field].get(cluster)

    def _assign(self, field, clusters, values):
        data = self._data[field]
        for c, v in zip(clusters, values):
            if v is None:
                data.pop(c, None)
            else:
                data[c] = v

    def set(self, field, clusters, value, add_to_stack=True):
        """Set the value of one or several clusters.

        Parameters
        ----------
        field : str
            The field to set (added if it does not exist).
        clusters : int or list
            The cluster ids to change.
        value : object
            The new value for these clusters (None removes it).
        add_to_stack : bool
            Whether the change is recorded in the undo history.

        Returns
        -------
        up : UpdateInfo

        """
        self.add_field(field)
        clusters = _as_cluster_list(clusters)
        old = [self._raw(field, c) for c in clusters]
        self._assign(field, clusters, [value] * len(clusters))
        diff = Bunch(field=field, clusters=clusters, old=old, new=value)
        if add_to_stack:
            self._history.add(self, diff)
        return self._update_info(field, clusters, value)

    @staticmethod
    def _update_info(field, clusters, value):
        return UpdateInfo(description=f"metadata_{field}", metadata_changed=list(clusters),
                          metadata_value=value)

    def _undo_diff(self, diff):
        self._assign(diff.field, diff.clusters, diff.old)
        distinct = {repr(v) for v in diff.old}
        value = diff.old[0] if len(distinct) == 1 else None
        return self._update_info(diff.field, diff.clusters, value)

    def _redo_diff(self, diff):
        self._assign(diff.field, diff.clusters, [diff.new] * len(diff.clusters))
        return self._update_info(diff.field, diff.clusters, diff.new)

    def undo(self):
        """Undo the last change of the history (with a shared history, of either kind).

        Returns
        -------
        up : UpdateInfo, or None if there is nothing to undo.

        """
        return self._history.undo()

    def redo(self):
        """Redo the last undone change of the history.

        Returns
        -------
        up : UpdateInfo, or None if there is nothing to redo.

        """
        return self._history.redo()

    def set_from_descendants(self, descendants, largest_old_cluster=None):
        """Give new clusters the metadata of the clusters they come from (not undoable).

        For every field, each new cluster looks at the non-empty values of its parents: a
        single distinct value is inherited; several distinct values give the value of
        `largest_old_cluster` if it is one of its parents. A new cluster that already has a
        value keeps it.

        Parameters
        ----------
        descendants : list
            Pairs ``(old_cluster_id, new_cluster_id)``.
        largest_old_cluster : int
            The old cluster that contributed the most spikes, used to break ties.

        Returns
        -------
        changed : dict
            ``{field: [new cluster ids that got a value]}``.

        """
        parents = defaultdict(list)
        for old, new in descendants:
            parents[int(new)].append(int(old))
        changed = {}
        for field, data in self._data.items():
            for new, olds in parents.items():
                if not _is_empty(data.get(new)):
                    continue
                values = {}
                for old in olds:
                    v = data.get(old)
                    if not _is_empty(v):
                        values.setdefault(repr(v), v)
                if len(values) == 1:
                    data[new] = next(iter(values.values()))
                elif len(values) > 1 and largest_old_cluster in olds and not _is_empty(
                        data.get(largest_old_cluster)):
                    data[new] = data[largest_old_cluster]
                else:
                    continue
                changed.setdefault(field, []).append(new)
        return changed

    def to_dict(self, field):
        """Export a field to a ``{cluster_id: value}`` dictionary (clusters with a value)."""
        self._check_field(field)
        return dict(self._data[field])

    def from_dict(self, dic):
        """Import data from a ``{cluster_id: {field: value}}`` dictionary (not undoable)."""
        for cluster, values in dic.items():
            for field, value in values.items():
                self.add_field(field)
                self._assign(field, [int(cluster)], [value])
