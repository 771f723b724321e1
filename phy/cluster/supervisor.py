"""The supervisor: the clustering model, the cluster tables and the clustering actions in a GUI.

:class:`Supervisor` is the Qt side of :class:`phy.cluster.wizard.Wizard`: the wizard holds the
state and decides; the supervisor shows it in a :class:`ClusterView` and a
:class:`SimilarityView`, turns the user's clicks in the tables into selections, adds the
actions, shortcuts and snippets to the GUI, asks for values in dialogs, and coalesces the
``select`` events so that rapid key presses only process the latest selection.
"""

import logging

from phy.gui.dialogs import input_dialog, prompt
from phy.gui.qt import QTimer
from phy.utils import bus_events as ev
from phy.utils import connect, emit, unconnect

from .actions import ClusteringActions
from .tables import ClusterView, SimilarityView
from .wizard import Wizard

logger = logging.getLogger(__name__)


# Keyword argument marking the table selections made by the supervisor itself.
_FROM_SUPERVISOR = "from_supervisor"


class Supervisor(Wizard):
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

    def __init__(self, *args, select_delay=200, **kwargs):
        self._select_delay = select_delay
        self._timer = None
        self.cluster_view = self.similarity_view = None
        self.gui = None
        self.actions = None
        super().__init__(*args, **kwargs)
        self.cluster_view = ClusterView(
            data=self.cluster_model.rows, columns=self.columns, sort=self.cluster_model.sort)
        self.similarity_view = SimilarityView(
            columns=self.similarity_columns, sort=self.similarity_model.sort)
        self.cluster_model.listeners.append(self._on_cluster_rows)
        self.similarity_model.listeners.append(self._on_similarity_rows)
        self._connect()

    # Hooks of the wizard
    # -------------------------------------------------------------------------------------------

    def _make_schedule(self):
        """Emit at once when idle; otherwise wait for `select_delay` ms without requests."""
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self._select_scheduler.flush())

        def schedule(flush):
            if self._timer.isActive() or self._select_delay <= 0:
                self._timer.start(max(0, self._select_delay))
            else:
                flush()
                self._timer.start(self._select_delay)  # the quiet period after an emission
        return schedule

    def _selection_changed(self):
        """Select the rows of the new selection in the two tables."""
        self.cluster_view.select(self.best, **{_FROM_SUPERVISOR: True})
        self.similarity_view.select(self.similar, **{_FROM_SUPERVISOR: True})

    def _columns_changed(self):
        self.cluster_view.set_columns(self.columns)
        self.similarity_view.set_columns(self.similarity_columns)
        if self.actions is not None:
            for field in self.fields:
                self.actions.add_sort_action(field)
                self.actions.add_color_field_action(field)

    def _prompt_value(self, title, message):
        text, ok = input_dialog(title, message)
        return text if ok and text != "" else None

    # Tables
    # -------------------------------------------------------------------------------------------

    @staticmethod
    def _sync_order(model, table):
        """Take the order of the table (it may have a filter typed in its box)."""
        table.get_ids(callback=lambda ids, v=model.version: model.set_order(ids, version=v))

    def _on_cluster_rows(self, method, *args):
        getattr(self.cluster_view, method)(*args)
        self._sync_order(self.cluster_model, self.cluster_view)

    def _on_similarity_rows(self, method, *args):
        if method == "remove_all_and_add":
            self.similarity_view.reset(self.best)
        else:
            getattr(self.similarity_view, method)(*args)
        self._sync_order(self.similarity_model, self.similarity_view)

    def _connect(self):
        connect(self._on_table_select, event=ev.SELECT, sender=self.cluster_view)
        connect(self._on_table_select, event=ev.SELECT, sender=self.similarity_view)
        connect(self._on_request_similar_clusters, event=ev.REQUEST_SIMILAR_CLUSTERS,
                sender=self.similarity_view)
        for table in (self.cluster_view, self.similarity_view):
            connect(self._on_table_order, event="table_sort", sender=table)
            connect(self._on_table_order, event="table_filter", sender=table)

    def _on_request_similar_clusters(self, sender, cluster_id):
        return self.similarity_model.rows

    def _on_table_select(self, sender, cluster_ids, **kwargs):
        """The user selected rows in a table."""
        if kwargs.get(_FROM_SUPERVISOR):
            return
        if sender is self.cluster_view:
            self._set_selection(cluster_ids)
        else:
            self._set_selection(self.best, cluster_ids)

    def _on_table_order(self, sender, ids):
        """The user sorted or filtered a table: its order is the one the wizard walks."""
        model = self.cluster_model if sender is self.cluster_view else self.similarity_model
        model.set_order(ids)
        if sender is self.cluster_view:
            sender.get_current_sort(
                callback=lambda sort: setattr(model, "sort", sort if sort[0] else None))

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
            self.save()
        elif answer != "discard":
            return False
        return None

    def block(self):
        """Block until there are no pending actions (used in the automated testing suite).

        The pending ``select`` event is emitted, and the tables' pending events too.
        """
        self._timer.stop()
        self._select_scheduler.flush()
        for table in (self.cluster_view, self.similarity_view):
            if table.debouncer.is_waiting:
                table.debouncer.trigger()

    def close(self):
        """Stop the pending events, disconnect from the event bus, close unattached tables."""
        self._timer.stop()
        self._select_scheduler.cancel()
        if self.gui is None:
            for table in (self.cluster_view, self.similarity_view):
                table.close()
                table.deleteLater()
        unconnect(self._on_table_select, self._on_table_order,
                  self._on_request_similar_clusters, self._on_request_save,
                  self._on_gui_close, self._on_close_view)
