"""The headless action core of the supervisor: :class:`Curation`.

A curation owns the :class:`Clustering`, the :class:`ClusterMeta` and their shared undo
:class:`History`, the cluster rows (id, metrics, ``n_spikes``, labels) and the colour mapping,
and implements every clustering action: merge, split, label, move, undo, redo, save. It holds
a :class:`~phy.cluster.wizard.Wizard` (the cluster selection and the navigation) and decides
what is selected after each action. It imports no Qt: it runs, and is tested, without a display.

What needs a user or a GUI is given to it as functions, not overridden: ``schedule`` (when the
``select`` notifications are emitted), ``prompt_value`` (ask the user for a label value) and
``request_split`` (the spikes to split when none are given).
"""

import logging

from phy.utils import Bunch, ClusterColorSelector, emit
from phy.utils import bus_events as ev

from .clustering import Clustering
from .history import History
from .metadata import ClusterMeta
from .wizard import Wizard, as_id_list

logger = logging.getLogger(__name__)

#: The cluster groups, as assigned by the ``move_*`` actions.
GROUPS = ("good", "mua", "noise", "unsorted")


class Curation:
    """Clustering, cluster metadata, the cluster rows and the clustering actions, without Qt.

    Parameters
    ----------
    spike_clusters : array-like
        Spike-clusters assignments.
    cluster_groups : dict
        Maps a cluster id to a group name (noise, mua, good, None for unsorted).
    cluster_metrics : dict
        Maps a metric name to a function ``cluster_id => value`` (table columns).
    cluster_labels : dict
        Maps a label name to a dictionary ``{cluster_id: value}``.
    similarity : function
        Maps a cluster id to a list of pairs ``[(similar_cluster_id, similarity), ...]``.
    new_cluster_id : function or int
        Returns a brand new cluster id (the smallest id not used in the cache).
    sort : tuple
        Initial sort of the cluster view, ``(column, 'asc' or 'desc')``.
    context : Context
        The cache of the dataset, available to plugins as ``supervisor.context``.
    sender : object
        The sender of the events on the bus (``select``, ``cluster``, ...): by default the
        curation itself; the supervisor passes itself.
    schedule : function
        When the ``select`` events are emitted (see :class:`~phy.cluster.wizard.LatestOnly`);
        None: at once.
    prompt_value : function
        ``prompt_value(title, message)`` asks the user for a value (None: cancelled). Without
        it, a label without a value is cancelled.
    request_split : function
        Returns the spikes to split when none are given; by default the answer of the
        ``request_split`` event.
    on_clustering : function
        Called with the new :class:`Clustering` before the cluster rows are computed (metric
        functions reading the live clustering need it then).

    Attributes
    ----------
    wizard : Wizard
        The cluster selection and the navigation.

    """

    def __init__(self, spike_clusters=None, cluster_groups=None, cluster_metrics=None,
                 cluster_labels=None, similarity=None, new_cluster_id=None, sort=None,
                 context=None, sender=None, schedule=None, prompt_value=None,
                 request_split=None, on_clustering=None):
        self.context = context
        self.save_error = None  # why the last save failed (an exception or a message)
        self._sender = sender if sender is not None else self
        self._prompt_value = prompt_value or (lambda title, message: None)
        self._request_split = request_split or (
            lambda: emit(ev.REQUEST_SPLIT, self._sender, single=True))
        self.history = History()
        new_id = new_cluster_id() if callable(new_cluster_id) else new_cluster_id
        self.clustering = Clustering(
            spike_clusters if spike_clusters is not None else [], new_cluster_id=new_id,
            history=self.history)
        if on_clustering is not None:  # before the cluster rows: the metrics may read it
            on_clustering(self.clustering)
        self.cluster_meta = ClusterMeta(history=self.history)
        self.cluster_meta.add_field("group")
        self.cluster_meta.from_dict({c: {"group": g} for c, g in (cluster_groups or {}).items()})
        for name, values in (cluster_labels or {}).items():
            self.cluster_meta.add_field(name)
            self.cluster_meta.from_dict({c: {name: v} for c, v in values.items()})
        self.cluster_metrics = dict(cluster_metrics or {})
        self.similarity = similarity
        self.wizard = Wizard(similar_rows=self.similar_rows, sort=sort,
                             notify=self._emit_select, schedule=schedule)
        self._set_columns()
        self.wizard.cluster_rows.set_rows([self.cluster_row(c) for c in self.cluster_ids])
        self.color_selector = ClusterColorSelector(
            fields=self._color_fields(), cluster_ids=self.clustering.cluster_ids)

    def _emit_select(self, cluster_ids):
        emit(ev.SELECT, self._sender, cluster_ids)

    # Rows
    # -------------------------------------------------------------------------------------------

    @property
    def cluster_ids(self):
        """The ids of all clusters."""
        return self.clustering.cluster_ids

    @property
    def fields(self):
        """List of all cluster label names (``group`` first)."""
        return self.cluster_meta.fields

    @property
    def columns(self):
        """The columns of the cluster view."""
        return ["id", *self.cluster_metrics, "n_spikes", *self.fields]

    @property
    def similarity_columns(self):
        """The columns of the similarity view."""
        return ["id", "similarity", *self.columns[1:]]

    def _set_columns(self):
        self.wizard.cluster_rows.set_columns(self.columns)
        self.wizard.similarity_rows.set_columns(self.similarity_columns)

    def n_spikes(self, cluster_id):
        """Number of spikes in a given cluster."""
        return self.clustering.n_spikes_in(cluster_id)

    def get_labels(self, field):
        """Return the labels of all clusters, for a given label name."""
        return {c: self.cluster_meta.get(field, c) for c in self.clustering.cluster_ids.tolist()}

    def cluster_row(self, cluster_id):
        """The row of a cluster in the tables: id, metrics, n_spikes and labels."""
        cluster_id = int(cluster_id)
        row = {"id": cluster_id}
        row.update({name: f(cluster_id) for name, f in self.cluster_metrics.items()})
        row["n_spikes"] = self.n_spikes(cluster_id)
        row.update({field: self.cluster_meta.get(field, cluster_id) for field in self.fields})
        return row

    @property
    def cluster_info(self):
        """The cluster view table as a list of per-cluster dictionaries, in its sort order.

        Every cluster is there, shown or hidden by the filter.
        """
        rows = self.wizard.cluster_rows
        return [rows.get(c) for c in rows.sorted_ids()]

    def similar_rows(self, cluster_id):
        """The rows of the clusters similar to a cluster, with their ``similarity``.

        The clusters given by the ``similarity`` function for `cluster_id`, in its order,
        existing ones only, without `cluster_id` itself.
        """
        if cluster_id is None or self.similarity is None:
            return []
        rows, seen, store = [], {int(cluster_id)}, self.wizard.cluster_rows
        for c, s in self.similarity(int(cluster_id)) or []:
            c = int(c)
            if c in seen or c not in store:
                continue
            seen.add(c)
            rows.append({**store.get(c), "similarity": s})
        return rows

    def is_dirty(self):
        """Return whether there are any pending changes (not saved yet)."""
        return self.history.is_dirty

    # Colors
    # -------------------------------------------------------------------------------------------

    def _color_fields(self):
        fields = {"n_spikes": self.n_spikes}
        fields.update(self.cluster_metrics)
        fields.update({f: (lambda c, f=f: self.cluster_meta.get(f, c)) for f in self.fields})
        return fields

    def _color_mapping_changed(self, **kwargs):
        self.color_selector.set_color_mapping(**kwargs)
        emit(ev.COLOR_MAPPING_CHANGED, self._sender)

    def change_color_field(self, color_field):
        """Change the color field (the column used for the cluster colors)."""
        self._color_mapping_changed(color_field=color_field)

    def change_colormap(self, colormap):
        """Change the colormap."""
        self._color_mapping_changed(colormap=colormap)

    def toggle_categorical_colormap(self, checked):
        """Use a categorical or continuous colormap."""
        self._color_mapping_changed(categorical=checked)

    def toggle_logarithmic_colormap(self, checked):
        """Use a logarithmic transform or not for the colormap."""
        self._color_mapping_changed(logarithmic=checked)

    def toggle_spike_reorder(self, checked):
        """Toggle spike time reordering (emits ``toggle_spike_reorder(checked)``)."""
        emit(ev.TOGGLE_SPIKE_REORDER, self._sender, checked)

    # Actions
    # -------------------------------------------------------------------------------------------

    def _apply(self, up):
        """Update the rows and the colors after a change, then emit ``cluster(up)``."""
        w = self.wizard
        if up.added or up.deleted:
            w.cluster_rows.remove(up.deleted)
            w.similarity_rows.remove(up.deleted)
            w.cluster_rows.add([self.cluster_row(c) for c in up.added])
            self.color_selector.set_cluster_ids(self.clustering.cluster_ids)
            w.invalidate_similar()
        if up.metadata_changed:
            field = up.description[len("metadata_"):]
            if field not in self.color_selector.fields:
                self.color_selector.add_field(field, lambda c: self.cluster_meta.get(field, c))
                self._set_columns()
            rows = [{"id": c, field: self.cluster_meta.get(field, c)}
                    for c in up.metadata_changed]
            w.cluster_rows.change(rows)
            w.similarity_rows.change(rows)
        emit(ev.CLUSTER, self._sender, up)

    def _selection(self):
        return (self.wizard.best, self.wizard.similar)

    def _record(self, up, before):
        """Attach the selections before and after an action to it, for undo and redo."""
        self.history.set_undo_state(Bunch(before=before, after=self._selection()))
        return up

    def merge(self, cluster_ids=None, to=None):
        """Merge the selected clusters (or the given ones).

        The merged cluster is selected, with its most similar cluster.

        Returns
        -------
        up : UpdateInfo, or None if fewer than two clusters were given.

        """
        cluster_ids = as_id_list(cluster_ids) or self.wizard.selected
        if len(set(cluster_ids)) < 2:
            logger.info("Select at least two clusters to merge.")
            return None
        before = self._selection()
        up = self.clustering.merge(cluster_ids, to=to)
        self.cluster_meta.set_from_descendants(up.descendants, up.largest_old_cluster)
        self._apply(up)
        self.wizard.set_selection(up.added, "first")
        logger.info("Merged clusters %s into %s.", cluster_ids, up.added[0])
        return self._record(up, before)

    def split(self, spike_ids=None, spike_clusters_rel=0):
        """Make new clusters out of the specified spikes (by default, those of the lasso).

        The new clusters are selected.

        Returns
        -------
        up : UpdateInfo, or None if there is no spike to split.

        """
        if spike_ids is None:
            spike_ids = self._request_split()
        if spike_ids is None or len(spike_ids) == 0:
            logger.info("No spikes to split.")
            return None
        before = self._selection()
        up = self.clustering.split(spike_ids, spike_clusters_rel=spike_clusters_rel)
        self.cluster_meta.set_from_descendants(up.descendants, up.largest_old_cluster)
        self._apply(up)
        self.wizard.set_selection(up.added)
        logger.info("Split %d spikes into clusters %s.", len(spike_ids), up.added)
        return self._record(up, before)

    def label(self, name, value=None, cluster_ids=None):
        """Assign a label to some clusters (by default the selected ones).

        Without a value, the user is asked for one.

        Returns
        -------
        up : UpdateInfo, or None if cancelled or no cluster is selected.

        """
        cluster_ids = as_id_list(cluster_ids) or self.wizard.selected
        if value is None:
            value = self._prompt_value(f"Label {name}", f"Value of {name} for {cluster_ids}:")
        if value is None or not cluster_ids:
            return None
        before = self._selection()
        up = self.cluster_meta.set(name, cluster_ids, value)
        self._apply(up)
        logger.info("Set %s=%s for clusters %s.", name, value, cluster_ids)
        return self._record(up, before)

    def move(self, group, which):
        """Assign a group to some clusters: ``best``, ``similar``, ``all``, or a list of ids.

        Then the next best cluster is selected (``best`` and ``all``), or the next similar
        cluster (``similar``).

        Returns
        -------
        up : UpdateInfo, or None if there is no cluster to move.

        """
        w = self.wizard
        if isinstance(which, str) and which not in ("best", "similar", "all"):
            raise ValueError(f"Cannot move {which!r}: use 'best', 'similar', 'all' or ids.")
        cluster_ids = {"best": w.best, "similar": w.similar, "all": w.selected}.get(
            which) if isinstance(which, str) else as_id_list(which)
        if not cluster_ids:
            return None
        before = self._selection()
        up = self.cluster_meta.set("group", cluster_ids, group)
        self._apply(up)
        if which == "similar":
            cluster_id = w.similarity_rows.next_id(+1)
            w.set_selection(w.best, [cluster_id] if cluster_id is not None else [])
        elif which in ("best", "all"):
            cluster_id = w.cluster_rows.next_id(+1)
            w.set_selection([cluster_id] if cluster_id is not None else w.best)
        return self._record(up, before)

    def _history_step(self, up):
        if up is None:
            return None
        self._apply(up)
        state = up.undo_state or Bunch(before=([], []), after=([], []))
        self.wizard.set_selection(*(state.before if up.history == "undo" else state.after))
        return up

    def undo(self):
        """Undo the last action (clustering or metadata); restore the selection before it."""
        return self._history_step(self.history.undo())

    def redo(self):
        """Redo the last undone action; restore the selection after it."""
        return self._history_step(self.history.redo())

    def save(self):
        """Save the manual clustering back to disk: emit ``save_clustering``.

        Emits ``save_clustering(spike_clusters, groups, *labels)`` where ``spike_clusters`` is
        the (read-only) array of the assignments, ``groups`` is ``{cluster_id: group}`` and
        each label is a pair ``(field, {cluster_id: value})``; the handlers write the files.
        The session is marked clean only if a handler is connected and none raised.

        Returns
        -------
        saved : bool
            Whether the files were written. If not (no handler, or a handler raised: the
            exception is not propagated), the error is logged, kept in ``save_error``, and
            the session stays dirty.

        """
        groups = self.get_labels("group")
        labels = [(f, self.get_labels(f)) for f in self.fields if f != "group"]
        spike_clusters = self.clustering.spike_clusters  # read-only: no copy needed
        self.save_error = None
        try:
            handlers = emit(ev.SAVE_CLUSTERING, self._sender, spike_clusters, groups, *labels)
        except Exception as e:  # noqa: BLE001 (reported: the session stays unsaved)
            logger.exception("Saving failed: the changes are not saved.")
            self.save_error = e
            return False
        if not handlers:
            logger.error("Nothing saved: no handler of the save_clustering event is connected.")
            self.save_error = "no handler of the save_clustering event is connected"
            return False
        self.history.mark_saved()
        return True
