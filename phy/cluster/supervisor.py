"""The supervisor: the clustering actions and the cluster tables in a GUI.

:class:`Supervisor` holds a :class:`~phy.cluster.curation.Curation` (the headless action core:
clustering, metadata, undo, the cluster rows) and its :class:`~phy.cluster.wizard.Wizard`
(the cluster selection and the navigation). It shows the wizard's two row stores in a
:class:`ClusterView` and a :class:`SimilarityView` (the very rows the wizard walks), turns the
user's selections in the tables into the cluster selection, adds the actions, shortcuts and
snippets to the GUI, asks for values in dialogs, and coalesces the ``select`` events so that
rapid key presses only process the latest selection.
"""

import logging

from phy.gui.dialogs import input_dialog, message_box, prompt
from phy.gui.qt import QTimer
from phy.utils import Bunch, connect, emit, unconnect
from phy.utils import bus_events as ev

from .actions import ClusteringActions
from .curation import Curation
from .tables import ClusterView, SimilarityView

logger = logging.getLogger(__name__)


class Supervisor:
    """Component that brings manual clustering facilities to a GUI.

    * :class:`Clustering` instance: merge, split, undo, redo;
    * :class:`ClusterMeta` instance: change cluster metadata (e.g. group);
    * cluster selection, and the wizard walking through the clusters;
    * the clustering actions, snippets and shortcuts;
    * two tables: :class:`ClusterView` and :class:`SimilarityView`.

    Parameters
    ----------
    spike_clusters : array-like
        Spike-clusters assignments.
    cluster_groups : dict
        Maps a cluster id to a group name (noise, mua, good, None for unsorted).
    cluster_metrics : dict
        Maps a metric name to a function ``cluster_id => value``.
    cluster_labels : dict
        Maps a label name to a dictionary ``{cluster_id: value}``.
    similarity : function
        Maps a cluster id to a list of pairs ``[(similar_cluster_id, similarity), ...]``.
    new_cluster_id : function
        Takes no argument and returns a brand new cluster id (smallest cluster id not used in
        the cache).
    sort : 2-tuple
        Initial sort as a pair ``(column_name, order)`` where order is ``asc`` or ``desc``.
    context : Context
        Handles the cache.
    select_delay : int
        Minimal delay between two ``select`` events, in milliseconds: the selections requested
        meanwhile are coalesced and only the latest one is emitted.
    on_clustering : function
        Called with the new :class:`Clustering` before the cluster rows are computed (metric
        functions reading the live clustering need it then).

    Attributes
    ----------
    curation : Curation
        The action core.
    wizard : Wizard
        The cluster selection and the navigation.

    Events
    ------
    select(cluster_ids)
        When clusters are selected in the cluster view or similarity view.
    cluster(up)
        When a clustering action occurs, changing the spike clusters assignment or the
        cluster metadata.
    attach_gui(gui)
        When the Supervisor instance is attached to the GUI.
    request_split()
        When the user requests to split (typically, a lasso has been drawn before).
    color_mapping_changed()
        When the color mapping changed.
    save_clustering(spike_clusters, cluster_groups, *cluster_labels)
        When the user wants to save the spike cluster assignments and the cluster metadata.

    """

    def __init__(self, spike_clusters=None, cluster_groups=None, cluster_metrics=None,
                 cluster_labels=None, similarity=None, new_cluster_id=None, sort=None,
                 context=None, select_delay=200, on_clustering=None):
        self._select_delay = select_delay
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.wizard.flush())
        self.gui = None
        self.actions = None
        self.curation = Curation(
            spike_clusters=spike_clusters, cluster_groups=cluster_groups,
            cluster_metrics=cluster_metrics, cluster_labels=cluster_labels,
            similarity=similarity, new_cluster_id=new_cluster_id, sort=sort, context=context,
            sender=self, schedule=self._schedule, prompt_value=self._prompt_value,
            on_clustering=on_clustering)
        self.wizard = self.curation.wizard
        # The supervisor coalesces the select events itself: the tables emit them at once.
        self.cluster_view = ClusterView(store=self.wizard.cluster_rows, debounce_events=())
        self.similarity_view = SimilarityView(
            store=self.wizard.similarity_rows, debounce_events=(),
            similar_rows=self.curation.similar_rows)
        connect(self._on_table_select, event=ev.SELECT, sender=self.cluster_view)
        connect(self._on_table_select, event=ev.SELECT, sender=self.similarity_view)
        connect(self._on_cluster, event=ev.CLUSTER, sender=self)
        connect(self._on_request_select, event=ev.REQUEST_SELECT)
        connect(self._on_select_more, event=ev.SELECT_MORE)
        connect(self._on_request_select_similar, event=ev.REQUEST_SELECT_SIMILAR)

    def _schedule(self, flush):
        """Emit at once when idle; otherwise wait for `select_delay` ms without requests."""
        if self._timer.isActive() or self._select_delay <= 0:
            self._timer.start(max(0, self._select_delay))
        else:
            flush()
            self._timer.start(self._select_delay)  # the quiet period after an emission

    def _prompt_value(self, title, message):
        text, ok = input_dialog(title, message)
        return text if ok and text != "" else None

    def _on_table_select(self, sender, cluster_ids, **kwargs):
        """The user selected rows in a table (the table's store has the new selection)."""
        self.wizard.sync()

    def _on_request_select(self, sender, cluster_ids):
        """A view asks to select clusters (a click in the raster view...)."""
        self.wizard.set_selection(cluster_ids)

    def _on_select_more(self, sender, cluster_ids):
        """A view asks to add clusters to the selection of the cluster view."""
        best = self.selected_clusters
        self.wizard.set_selection(
            best + [c for c in cluster_ids if c not in best], self.selected_similar)

    def _on_request_select_similar(self, sender, cluster_ids):
        """A view asks to add clusters to the selection of the similarity view."""
        similar = self.selected_similar
        self.wizard.set_selection(
            self.selected_clusters, similar + [c for c in cluster_ids if c not in similar])

    def _on_cluster(self, sender, up):
        """A label field created by the user gets its sort and color actions."""
        if self.actions is not None:
            for field in self.fields:
                self.actions.add_sort_action(field)
                self.actions.add_color_field_action(field)

    # Clustering and metadata (the action core)
    # -------------------------------------------------------------------------------------------

    @property
    def clustering(self):
        """The :class:`Clustering`."""
        return self.curation.clustering

    @property
    def cluster_meta(self):
        """The :class:`ClusterMeta`."""
        return self.curation.cluster_meta

    @property
    def history(self):
        """The undo :class:`History` shared by the clustering and the metadata."""
        return self.curation.history

    @property
    def context(self):
        """The cache of the dataset."""
        return self.curation.context

    @property
    def color_selector(self):
        """The :class:`ClusterColorSelector` of the cluster colors."""
        return self.curation.color_selector

    @property
    def cluster_ids(self):
        """The ids of all clusters."""
        return self.curation.cluster_ids

    @property
    def fields(self):
        """List of all cluster label names."""
        return self.curation.fields

    @property
    def columns(self):
        """The columns of the cluster view."""
        return self.curation.columns

    @property
    def cluster_info(self):
        """The cluster view table as a list of per-cluster dictionaries."""
        return self.curation.cluster_info

    @property
    def all_cluster_ids(self):
        """The sorted list of cluster ids as they are currently shown in the cluster view."""
        return list(self.wizard.cluster_rows.ids)

    @property
    def state(self):
        """GUI state, with the cluster view and similarity view states."""
        return Bunch(cluster_view=self.cluster_view.state,
                     similarity_view=self.similarity_view.state)

    def n_spikes(self, cluster_id):
        """Number of spikes in a given cluster."""
        return self.curation.n_spikes(cluster_id)

    def get_labels(self, field):
        """Return the labels of all clusters, for a given label name."""
        return self.curation.get_labels(field)

    def is_dirty(self):
        """Return whether there are any pending changes."""
        return self.curation.is_dirty()

    def merge(self, cluster_ids=None, to=None):
        """Merge the selected clusters."""
        return self.curation.merge(cluster_ids, to=to)

    def split(self, spike_ids=None, spike_clusters_rel=0):
        """Make a new cluster out of the specified spikes."""
        return self.curation.split(spike_ids, spike_clusters_rel=spike_clusters_rel)

    def label(self, name, value=None, cluster_ids=None):
        """Assign a label to some clusters."""
        return self.curation.label(name, value, cluster_ids=cluster_ids)

    def move(self, group, which):
        """Assign a cluster group to some clusters."""
        return self.curation.move(group, which)

    def undo(self):
        """Undo the last action."""
        return self.curation.undo()

    def redo(self):
        """Undo the last undone action."""
        return self.curation.redo()

    def change_color_field(self, color_field):
        """Change the color field (the name of the cluster view column used for the colors)."""
        self.curation.change_color_field(color_field)

    def change_colormap(self, colormap):
        """Change the colormap."""
        self.curation.change_colormap(colormap)

    def toggle_categorical_colormap(self, checked):
        """Use a categorical or continuous colormap."""
        self.curation.toggle_categorical_colormap(checked)

    def toggle_logarithmic_colormap(self, checked):
        """Use a logarithmic transform or not for the colormap."""
        self.curation.toggle_logarithmic_colormap(checked)

    def toggle_spike_reorder(self, checked):
        """Toggle spike time reordering."""
        self.curation.toggle_spike_reorder(checked)

    def save(self):
        """Save the manual clustering back to disk.

        This method emits the ``save_clustering(spike_clusters, groups, *labels)`` event; the
        handlers save the data to disk. The session is marked saved only if a handler is
        connected and none raised; otherwise the user is told that nothing was saved.

        Returns
        -------
        saved : bool

        """
        saved = self.curation.save()
        if not saved:
            error = self.curation.save_error or "see the log for the reason"
            message_box(f"The changes could not be saved: {error}", title="Not saved",
                        level="critical")
        return saved

    # Selection (the wizard)
    # -------------------------------------------------------------------------------------------

    @property
    def selected(self):
        """Selected clusters in the cluster and similarity views."""
        return self.wizard.selected

    @property
    def selected_clusters(self):
        """Selected clusters in the cluster view only."""
        return self.wizard.best

    @property
    def selected_similar(self):
        """Selected clusters in the similarity view only."""
        return self.wizard.similar

    def select(self, *cluster_ids, callback=None):
        """Select a list of clusters."""
        return self.wizard.select(*cluster_ids, callback=callback)

    def next_best(self, callback=None):
        """Select the next best cluster in the cluster view."""
        return self.wizard.next_best(callback=callback)

    def previous_best(self, callback=None):
        """Select the previous best cluster in the cluster view."""
        return self.wizard.previous_best(callback=callback)

    def next(self, callback=None):
        """Select the next cluster in the similarity view."""
        return self.wizard.next(callback=callback)

    def previous(self, callback=None):
        """Select the previous cluster in the similarity view."""
        return self.wizard.previous(callback=callback)

    def first(self, callback=None):
        """Select the first cluster of the cluster view."""
        return self.wizard.first(callback=callback)

    def last(self, callback=None):
        """Select the last cluster of the cluster view."""
        return self.wizard.last(callback=callback)

    def reset_wizard(self, callback=None):
        """Reset the wizard."""
        return self.wizard.reset_wizard(callback=callback)

    def select_first_similar(self, callback=None):
        """Select the first cluster of the similarity view."""
        return self.wizard.select_first_similar(callback=callback)

    def unselect_similar(self, callback=None):
        """Select only the clusters in the cluster view."""
        return self.wizard.unselect_similar(callback=callback)

    def sort(self, column, sort_dir="desc"):
        """Sort the cluster view by a given column, in a given order (asc or desc)."""
        self.cluster_view.sort_by(column, sort_dir)

    def filter(self, text=""):
        """Filter the clusters using a Javascript expression on the column names."""
        self.cluster_view.filter(text)

    # GUI
    # -------------------------------------------------------------------------------------------

    def attach(self, gui):
        """Attach to the GUI: add the tables, the actions, and save on ``request_save``."""
        self.gui = gui
        gui.add_view(self.cluster_view, position="left", closable=False)
        gui.add_view(self.similarity_view, position="left", closable=False)
        self.cluster_view.set_state(gui.state.get_view_state(self.cluster_view))
        self.actions = ClusteringActions(self, gui)
        connect(self._on_request_save, event=ev.REQUEST_SAVE, sender=gui)
        connect(self._on_gui_close, event=ev.CLOSE, sender=gui)
        connect(self._on_close_view, event=ev.CLOSE_VIEW)
        emit(ev.ATTACH_GUI, self, gui)

    def _on_request_save(self, sender):
        self.save()

    def _on_close_view(self, view, gui):
        if view is self.cluster_view:
            gui.state.update_view_state(view, view.state)

    def _on_gui_close(self, gui):
        """Ask whether to save the changes before closing; False cancels the closing."""
        self.block()
        if not self.is_dirty():
            return None
        answer = prompt("Do you want to save your changes before closing?",
                        buttons=("save", "discard", "cancel"), title="Unsaved changes")
        if answer == "save":
            return None if self.save() else False
        return None if answer == "discard" else False

    def block(self):
        """Block until there are no pending actions (used in the automated testing suite).

        The pending ``select`` event is emitted, and the tables' pending events too.
        """
        self._timer.stop()
        self.wizard.flush()
        for table in (self.cluster_view, self.similarity_view):
            if table.debouncer.is_waiting:
                table.debouncer.trigger()

    def close(self):
        """Stop the pending events, disconnect from the event bus, close unattached tables."""
        self._timer.stop()
        self.wizard.cancel()
        if self.gui is None:
            for table in (self.cluster_view, self.similarity_view):
                table.close()
                table.deleteLater()
        unconnect(self._on_table_select, self._on_cluster, self._on_request_save,
                  self._on_gui_close, self._on_close_view)
