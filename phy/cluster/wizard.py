"""The headless core of the supervisor: clustering, metadata, selection and the wizard.

:class:`Wizard` owns the :class:`Clustering`, the :class:`ClusterMeta` and their shared undo
:class:`History`, the one authoritative cluster selection (the *best* clusters, selected in the
cluster view, and the *similar* clusters, selected in the similarity view), and a headless
:class:`TableModel` for each of the two tables (rows, sort, filter, shown order, skipped rows).
It implements every clustering action and decides what is selected afterwards. It imports no
Qt: it runs, and is tested, without a display.

Subclassing
-----------
:class:`phy.cluster.Supervisor` derives from it to add the Qt tables, the GUI actions and the
dialogs. A subclass overrides these hooks:

* ``_make_schedule()``: the ``schedule`` function of the :class:`LatestOnly` emitting the
  ``select`` events (the base class emits them at once; the supervisor coalesces rapid
  requests so that only the latest selection is processed);
* ``_selection_changed()``: show the new selection (select the rows in the tables);
* ``_columns_changed()``: show the new columns (a label field created by the user);
* ``_prompt_value(title, message)``: ask the user for a value (the base class has no user:
  it returns None, and the action is cancelled);
* ``_request_split()``: return the spikes to split when none are given (by default the answer
  of the ``request_split`` event).

The supervisor also listens to the two :class:`TableModel` instances, ``cluster_model`` and
``similarity_model``, to mirror their changes in the Qt tables.
"""

import logging

from phy.gui.table_rows import first_id, next_id
from phy.utils import Bunch, ClusterColorSelector, emit
from phy.utils import bus_events as ev

from .clustering import Clustering
from .history import History
from .metadata import ClusterMeta
from .table_model import TableModel

logger = logging.getLogger(__name__)


#: The cluster groups, as assigned by the ``move_*`` actions.
GROUPS = ("good", "mua", "noise", "unsorted")


class LatestOnly:
    """Coalesce rapid requests: only the latest pending request is processed.

    Parameters
    ----------
    process : function
        Called with the arguments of the latest request.
    schedule : function
        ``schedule(flush)`` arranges for ``flush`` to be called later (for example after a
        short quiet period). Without it, requests are processed at once.

    """

    def __init__(self, process, schedule=None):
        self._process = process
        self._schedule = schedule
        self._pending = None

    @property
    def pending(self):
        """Whether a request waits to be processed."""
        return self._pending is not None

    def submit(self, *args, **kwargs):
        """Request a processing; replaces the pending request, if any."""
        self._pending = (args, kwargs)
        if self._schedule is None:
            self.flush()
        else:
            self._schedule(self.flush)

    def flush(self):
        """Process the pending request now (nothing happens if there is none)."""
        if self._pending is None:
            return
        (args, kwargs), self._pending = self._pending, None
        self._process(*args, **kwargs)

    def cancel(self):
        """Drop the pending request."""
        self._pending = None


def _as_id_list(cluster_ids):
    """A list of Python ints from None, an int, or an iterable (possibly nested once)."""
    if cluster_ids is None:
        return []
    if isinstance(cluster_ids, (int,)) or getattr(cluster_ids, "ndim", None) == 0:
        return [int(cluster_ids)]
    out = []
    for c in cluster_ids:
        nested = isinstance(c, (list, tuple)) or getattr(c, "ndim", 0) > 0
        out.extend(_as_id_list(c) if nested else [int(c)])
    return out


class Wizard:
    """Clustering, cluster metadata, the cluster selection and the wizard, without Qt.

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

    """

    def __init__(self, spike_clusters=None, cluster_groups=None, cluster_metrics=None,
                 cluster_labels=None, similarity=None, new_cluster_id=None, sort=None,
                 context=None):
        self.context = context
        self.history = History()
        new_id = new_cluster_id() if callable(new_cluster_id) else new_cluster_id
        self.clustering = Clustering(
            spike_clusters if spike_clusters is not None else [], new_cluster_id=new_id,
            history=self.history)
        self.cluster_meta = ClusterMeta(history=self.history)
        self.cluster_meta.add_field("group")
        self.cluster_meta.from_dict({c: {"group": g} for c, g in (cluster_groups or {}).items()})
        for name, values in (cluster_labels or {}).items():
            self.cluster_meta.add_field(name)
            self.cluster_meta.from_dict({c: {name: v} for c, v in values.items()})
        self.cluster_metrics = dict(cluster_metrics or {})
        self.similarity = similarity
        self.best, self.similar = [], []
        self._similarity_stale = False
        self.cluster_model = TableModel(sort=sort or ("n_spikes", "desc"))
        self.similarity_model = TableModel(sort=("similarity", "desc"))
        self.cluster_model.set_rows([self.cluster_info(c) for c in self.clustering.cluster_ids])
        self.color_selector = ClusterColorSelector(
            fields=self._color_fields(), cluster_ids=self.clustering.cluster_ids)
        self._select_scheduler = LatestOnly(self._emit_select, self._make_schedule())

    # Hooks (overridden by the Qt supervisor)
    # -------------------------------------------------------------------------------------------

    def _make_schedule(self):
        """The ``schedule`` function of the select emissions (None: emit at once)."""
        return None

    def _selection_changed(self):
        """Show the new selection (no-op without tables)."""

    def _columns_changed(self):
        """Show the new columns (no-op without tables)."""

    def _prompt_value(self, title, message):
        """Ask the user for a value; without a user, None (the action is cancelled)."""
        return None

    def _request_split(self):
        """The spikes to split when none are given: the answer to ``request_split``."""
        return emit(ev.REQUEST_SPLIT, self, single=True)

    # Properties
    # -------------------------------------------------------------------------------------------

    @property
    def selected_clusters(self):
        """The clusters selected in the cluster view."""
        return list(self.best)

    @property
    def selected_similar(self):
        """The clusters selected in the similarity view."""
        return list(self.similar)

    @property
    def selected(self):
        """All selected clusters: those of the cluster view, then of the similarity view."""
        return self.best + [c for c in self.similar if c not in self.best]

    @property
    def cluster_ids(self):
        """The ids of all clusters."""
        return self.clustering.cluster_ids

    @property
    def fields(self):
        """The label fields (``group`` first)."""
        return self.cluster_meta.fields

    @property
    def columns(self):
        """The columns of the cluster view."""
        return ["id", *self.cluster_metrics, "n_spikes", *self.fields]

    @property
    def similarity_columns(self):
        """The columns of the similarity view."""
        return ["id", "similarity", *self.columns[1:]]

    def n_spikes(self, cluster_id):
        """Number of spikes in a given cluster."""
        return self.clustering.n_spikes_in(cluster_id)

    def get_labels(self, field):
        """Return the labels of all clusters, for a given label name."""
        return {c: self.cluster_meta.get(field, c) for c in self.clustering.cluster_ids.tolist()}

    def cluster_info(self, cluster_id):
        """The row of a cluster in the tables: id, metrics, n_spikes and labels."""
        cluster_id = int(cluster_id)
        row = {"id": cluster_id}
        row.update({name: f(cluster_id) for name, f in self.cluster_metrics.items()})
        row["n_spikes"] = self.n_spikes(cluster_id)
        row.update({field: self.cluster_meta.get(field, cluster_id) for field in self.fields})
        return row

    def _color_fields(self):
        fields = {"n_spikes": self.n_spikes}
        fields.update(self.cluster_metrics)
        fields.update({f: (lambda c, f=f: self.cluster_meta.get(f, c)) for f in self.fields})
        return fields

    def is_dirty(self):
        """Return whether there are changes not saved yet."""
        return self.history.is_dirty

    # Selection
    # -------------------------------------------------------------------------------------------

    def _similar_rows(self, cluster_id):
        """Rows of the clusters similar to a cluster (existing ones, not selected as best)."""
        if cluster_id is None or self.similarity is None:
            return []
        rows, seen = [], set(self.best)
        for c, s in self.similarity(cluster_id) or []:
            c = int(c)
            if c in seen or c not in self.cluster_model:
                continue
            seen.add(c)
            rows.append({**self.cluster_model.get(c), "similarity": s})
        return rows

    def _set_selection(self, best, similar=()):
        """Change the selection and emit ``select``.

        The similarity view is refilled when the best clusters change (or the clusters
        changed). `similar` may be ``'first'``: the first cluster of the new similarity view.
        """
        best = [c for c in _as_id_list(best) if c in self.cluster_model]
        if best != self.best or self._similarity_stale:
            self.best = best
            self.similarity_model.set_rows(self._similar_rows(best[0] if best else None))
            self._similarity_stale = False
        if isinstance(similar, str) and similar == "first":
            model = self.similarity_model
            similar = first_id(model.ids, model.skipped)
        self.similar = [c for c in _as_id_list(similar) if c not in best]
        self._selection_changed()
        self._select_scheduler.submit(self.selected)

    def _emit_select(self, cluster_ids):
        emit(ev.SELECT, self, cluster_ids)

    def select(self, *cluster_ids, callback=None):
        """Select a list of clusters (in the cluster view)."""
        self._set_selection(cluster_ids)
        return self._done(callback)

    def _done(self, callback):
        if callback is not None:
            callback(self.selected)
        return self.selected

    def _best_step(self, direction):
        model = self.cluster_model
        return next_id(model.ids, self.best, model.skipped, direction)

    def next_best(self, callback=None):
        """Select the next best cluster in the cluster view (skipping ignored groups)."""
        cluster_id = self._best_step(+1)
        if cluster_id is not None:
            self._set_selection([cluster_id])
        return self._done(callback)

    def previous_best(self, callback=None):
        """Select the previous best cluster in the cluster view (skipping ignored groups)."""
        cluster_id = self._best_step(-1)
        if cluster_id is not None:
            self._set_selection([cluster_id])
        return self._done(callback)

    def _similar_step(self, direction):
        model = self.similarity_model
        return next_id(model.ids, self.similar, model.skipped, direction)

    def next(self, callback=None):
        """Select the next cluster in the similarity view (the best one stays selected)."""
        if not self.best:
            return self.next_best(callback=callback)
        cluster_id = self._similar_step(+1)
        if cluster_id is not None:
            self._set_selection(self.best, [cluster_id])
        return self._done(callback)

    def previous(self, callback=None):
        """Select the previous cluster in the similarity view."""
        cluster_id = self._similar_step(-1)
        if cluster_id is not None:
            self._set_selection(self.best, [cluster_id])
        return self._done(callback)

    def first(self, callback=None):
        """Select the first cluster of the cluster view (skipping ignored groups)."""
        model = self.cluster_model
        cluster_id = first_id(model.ids, model.skipped)
        if cluster_id is not None:
            self._set_selection([cluster_id])
        return self._done(callback)

    def last(self, callback=None):
        """Select the last cluster of the cluster view (skipping ignored groups)."""
        model = self.cluster_model
        cluster_id = first_id(model.ids[::-1], model.skipped)
        if cluster_id is not None:
            self._set_selection([cluster_id])
        return self._done(callback)

    def reset_wizard(self, callback=None):
        """Reset the wizard: select the first cluster of the cluster view."""
        return self.first(callback=callback)

    def select_first_similar(self, callback=None):
        """Select the first cluster of the similarity view."""
        model = self.similarity_model
        cluster_id = first_id(model.ids, model.skipped)
        if cluster_id is not None:
            self._set_selection(self.best, [cluster_id])
        return self._done(callback)

    def unselect_similar(self, callback=None):
        """Unselect the clusters of the similarity view."""
        self._set_selection(self.best, [])
        return self._done(callback)

    # Sort, filter, colors
    # -------------------------------------------------------------------------------------------

    def sort(self, column, sort_dir="desc"):
        """Sort the cluster view by a given column, in a given order (asc or desc)."""
        if sort_dir not in ("asc", "desc"):
            raise ValueError(f"The sort direction must be 'asc' or 'desc', not {sort_dir!r}.")
        self.cluster_model.sort_by(column, sort_dir)

    def filter(self, text=""):
        """Filter the clusters using a JavaScript expression on the column names."""
        self.cluster_model.filter(text)

    def _color_mapping_changed(self, **kwargs):
        self.color_selector.set_color_mapping(**kwargs)
        emit(ev.COLOR_MAPPING_CHANGED, self)

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
        emit(ev.TOGGLE_SPIKE_REORDER, self, checked)

    # Actions
    # -------------------------------------------------------------------------------------------

    def _apply(self, up):
        """Update the tables and the colors after a change, then emit ``cluster(up)``."""
        if up.added or up.deleted:
            self.cluster_model.remove(up.deleted)
            self.similarity_model.remove(up.deleted)
            self.cluster_model.add([self.cluster_info(c) for c in up.added])
            self.color_selector.set_cluster_ids(self.clustering.cluster_ids)
            self._similarity_stale = True
        if up.metadata_changed:
            field = up.description[len("metadata_"):]
            if field not in self.color_selector.fields:
                self._new_field(field)
            rows = [{"id": c, field: self.cluster_meta.get(field, c)}
                    for c in up.metadata_changed]
            self.cluster_model.change(rows)
            self.similarity_model.change(rows)
        emit(ev.CLUSTER, self, up)

    def _new_field(self, field):
        """A label field created by the user: a new column, a new color field."""
        self.color_selector.add_field(field, lambda c: self.cluster_meta.get(field, c))
        self._columns_changed()

    def _record(self, up, before):
        """Attach the selections before and after an action to it, for undo and redo."""
        self.history.set_undo_state(Bunch(before=before, after=(self.best, self.similar)))
        return up

    def merge(self, cluster_ids=None, to=None):
        """Merge the selected clusters (or the given ones).

        The merged cluster is selected, with its most similar cluster.

        Returns
        -------
        up : UpdateInfo, or None if fewer than two clusters were given.

        """
        cluster_ids = _as_id_list(cluster_ids) or self.selected
        if len(set(cluster_ids)) < 2:
            logger.info("Select at least two clusters to merge.")
            return None
        before = (self.best, self.similar)
        up = self.clustering.merge(cluster_ids, to=to)
        self.cluster_meta.set_from_descendants(up.descendants, up.largest_old_cluster)
        self._apply(up)
        self._set_selection(up.added, "first")
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
        before = (self.best, self.similar)
        up = self.clustering.split(spike_ids, spike_clusters_rel=spike_clusters_rel)
        self.cluster_meta.set_from_descendants(up.descendants, up.largest_old_cluster)
        self._apply(up)
        self._set_selection(up.added)
        logger.info("Split %d spikes into clusters %s.", len(spike_ids), up.added)
        return self._record(up, before)

    def label(self, name, value=None, cluster_ids=None):
        """Assign a label to some clusters (by default the selected ones).

        Without a value, the user is asked for one.

        Returns
        -------
        up : UpdateInfo, or None if cancelled or no cluster is selected.

        """
        cluster_ids = _as_id_list(cluster_ids) or self.selected
        if value is None:
            value = self._prompt_value(f"Label {name}", f"Value of {name} for {cluster_ids}:")
        if value is None or not cluster_ids:
            return None
        before = (self.best, self.similar)
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
        if isinstance(which, str) and which not in ("best", "similar", "all"):
            raise ValueError(f"Cannot move {which!r}: use 'best', 'similar', 'all' or ids.")
        cluster_ids = {"best": self.best, "similar": self.similar, "all": self.selected}.get(
            which) if isinstance(which, str) else _as_id_list(which)
        if not cluster_ids:
            return None
        before = (self.best, self.similar)
        up = self.cluster_meta.set("group", cluster_ids, group)
        self._apply(up)
        if which == "similar":
            cluster_id = self._similar_step(+1)
            self._set_selection(self.best, [cluster_id] if cluster_id is not None else [])
        elif which in ("best", "all"):
            cluster_id = self._best_step(+1)
            self._set_selection([cluster_id] if cluster_id is not None else self.best)
        return self._record(up, before)

    def _history_step(self, up):
        if up is None:
            return None
        self._apply(up)
        state = up.undo_state or Bunch(before=([], []), after=([], []))
        self._set_selection(*(state.before if up.history == "undo" else state.after))
        return up

    def undo(self):
        """Undo the last action (clustering or metadata); restore the selection before it."""
        return self._history_step(self.history.undo())

    def redo(self):
        """Redo the last undone action; restore the selection after it."""
        return self._history_step(self.history.redo())

    def save(self):
        """Save the manual clustering back to disk.

        Emits ``save_clustering(spike_clusters, groups, *labels)`` where ``groups`` is
        ``{cluster_id: group}`` and each label is a pair ``(field, {cluster_id: value})``: the
        caller reacts to this event and writes the files.
        """
        groups = self.get_labels("group")
        labels = [(f, self.get_labels(f)) for f in self.fields if f != "group"]
        emit(ev.SAVE_CLUSTERING, self, self.clustering.spike_clusters, groups, *labels)
        self.history.mark_saved()
