"""The catalogue of phy's event bus: every event, its sender and its payload, declared once.

Every event emitted on the process-wide bus (:mod:`phy.utils.event`) is named here, and code
emits and connects with these constants, never with string literals. A callback receives the
sender first, then the payload: ``callback(sender, *args, **kwargs)``.

Queries are not events: a component that needs an answer from another one gets a function to
call (the supervisor's ``similarity`` function, say), not an event whose result it collects.

Canvas-internal events (``mouse_click``, ``key_press``, ``resize``, … raised by
``BaseCanvas.emit`` and received by the ``on_<name>`` methods of the objects attached with
``BaseCanvas.attach_events``) are a canvas's own input mechanism and are not listed here: the
interacts (``PanZoom``, ``Lasso``) take their input there, and tell the outside here.

Examples
--------
>>> from phy.utils import connect
>>> from phy.utils.bus_events import SELECT
>>> @connect(event=SELECT)
... def show(sender, cluster_ids, **kwargs):
...     print(cluster_ids)

"""

# --- The GUI window (sender: the ``GUI``) ---------------------------------------------------

#: ``close(gui)``: the window is about to close; a callback returning False cancels it.
CLOSE = "close"
#: ``show(gui)``: the window is shown.
SHOW = "show"
#: ``add_view(gui, view)``: a view was added to the window.
ADD_VIEW = "add_view"
#: ``close_view(view, gui)``: a view was closed (sender: the view, payload: the GUI, as in
#: phy 2), also for every view when the window closes.
CLOSE_VIEW = "close_view"
#: ``close_dock_widget(dock)``: a dock widget was closed (sender: the ``DockWidget``, no
#: payload), after the ``close_view`` of its view.
CLOSE_DOCK_WIDGET = "close_dock_widget"
#: ``request_save(gui)``: the user asked to save (File > Save).
REQUEST_SAVE = "request_save"

# --- The controllers (sender: the controller) -------------------------------------------------

#: ``controller_ready(controller)``: a controller is built (model, metrics, similarity
#: functions, view creators and plugins), before its supervisor and GUI exist.
CONTROLLER_READY = "controller_ready"

#: ``gui_ready(controller, gui)``: a controller created its GUI, with its views and the
#: supervisor attached (the event plugins connect to, in ``attach_to_controller``).
GUI_READY = "gui_ready"

#: ``progress(sender, message, fraction)``: a long step advanced (``fraction`` from 0 to 1);
#: sender: the file or object being processed; the GUI shows ``message`` in its status bar.
PROGRESS = "progress"

# --- Actions (sender: the ``Actions``) --------------------------------------------------------

#: ``is_busy(actions, busy)``: an action added with ``set_busy`` starts (True) or ends (False).
IS_BUSY = "is_busy"

# --- HTML widgets and tables (sender: the widget) ---------------------------------------------

#: ``ready(widget)``: the page of an ``HTMLWidget`` (or ``Table``) is loaded and its bridge runs.
READY = "ready"
#: ``table_sort(table, ids)``: a table was sorted; ``ids`` are the shown ids in the new order.
TABLE_SORT = "table_sort"
#: ``table_filter(table, ids)``: a table was filtered; ``ids`` are the shown ids.
TABLE_FILTER = "table_filter"

# --- Canvases and plot interactions (sender: the canvas) --------------------------------------

#: ``lasso_updated(canvas, polygon)``: the lasso polygon of a canvas changed.
LASSO_UPDATED = "lasso_updated"
#: ``pan_zoom(canvas, pan, zoom)``: the pan/zoom of a canvas changed; `pan` and `zoom` are
#: ``[x, y]`` lists (``PanZoom.pan`` and ``PanZoom.zoom``).
PAN_ZOOM = "pan_zoom"

# --- The supervisor (sender: the ``Supervisor``, or a cluster table for ``select``) -----------

#: ``select(cluster_ids, **kwargs)``: clusters were selected in the cluster or similarity view.
SELECT = "select"
#: ``cluster(up)``: a clustering action changed the spike-cluster assignments or the metadata;
#: ``up`` is the ``UpdateInfo``.
CLUSTER = "cluster"
#: ``attach_gui(gui)``: the supervisor was attached to a GUI.
ATTACH_GUI = "attach_gui"
#: ``request_split()``: the user asked to split; a callback returns the spike ids to split
#: (typically those inside the lasso).
REQUEST_SPLIT = "request_split"
#: ``color_mapping_changed()``: the cluster colour mapping changed (sender: the supervisor, or
#: a view switching the colour field with shift+wheel).
COLOR_MAPPING_CHANGED = "color_mapping_changed"
#: ``save_clustering(spike_clusters, cluster_groups, *cluster_labels)``: the user asked to save.
SAVE_CLUSTERING = "save_clustering"
#: ``toggle_spike_reorder(checked)``: spike reordering in the views was toggled.
TOGGLE_SPIKE_REORDER = "toggle_spike_reorder"
#: ``request_similar_clusters(cluster_id)``: kept for phy 2 plugins listening to the similarity
#: view; phy itself computes the similarity rows with a direct call.
REQUEST_SIMILAR_CLUSTERS = "request_similar_clusters"

# --- Cluster views (sender: the view; the supervisor answers the selection requests) ---------

#: ``select_time(view, time)``: the user picked a time in seconds (alt+click in the amplitude
#: view); the trace view goes there.
SELECT_TIME = "select_time"
#: ``request_select(cluster_ids)``: a click on clusters in a view (raster, template, cluster
#: scatter; control+click on a spike in the trace view) asks to select them in the cluster
#: view, instead of the current selection.
REQUEST_SELECT = "request_select"
#: ``select_more(cluster_ids)``: a click in a view asks to add clusters to the clusters
#: selected in the cluster view.
SELECT_MORE = "select_more"
#: ``request_select_similar(cluster_ids)``: a click in a view asks to add clusters to the
#: clusters selected in the similarity view.
REQUEST_SELECT_SIMILAR = "request_select_similar"
#: ``channel_click(view, channel_id=, key=, button=)``: a channel was clicked in the waveform
#: view (control+click: ``button='Left'``, control+right click: ``'Right'``; ``key``: the number
#: key held, or None) or in the trace view (shift+click, shift+right click); the feature view
#: then shows that channel as its first (``'Left'``) or second (``'Right'``) channel, or as
#: channel ``key - 1``.
CHANNEL_CLICK = "channel_click"
#: ``select_feature(view, dim=, channel_id=, pc=)``: a dimension of the feature view was chosen
#: with alt+click (left: the x dimension of the subplot, right: its y dimension); ``dim`` is the
#: grid name (``'0A'``, ``'time'``), ``channel_id`` its channel (for an attribute, the channel
#: of the other dimension, or None) and ``pc`` its principal component (None for an attribute).
SELECT_FEATURE = "select_feature"
#: ``raw_data_filter_changed(view, name)``: the trace view's display filter changed (alt+r, its
#: settings, its restored state); the waveform view applies the same filter.
RAW_DATA_FILTER_CHANGED = "raw_data_filter_changed"
