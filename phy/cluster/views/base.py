"""The base of the cluster views: how a view gets, prepares and draws the selected clusters.

Subclass :class:`ManualClusteringView` and override two methods:

* ``prepare(cluster_ids)`` -- **worker thread**. Compute everything the view shows for the
  selected clusters and return it as one plain data record (a :class:`~phy.utils.Bunch` of
  NumPy arrays and numbers). Pure: NumPy only, no Qt, no OpenGL, no canvas; it may read the
  view's parameters (``self.marker_size``...) and the data functions given to the constructor,
  and must not change the view.
* ``draw(data)`` -- **GUI thread**. Turn the record into visuals: ``visual.reset_batch()``,
  ``visual.add_batch_data(...)``, ``self.canvas.update_visual(visual)``. Keep it light: the
  heavy work belongs to ``prepare``.

The lifecycle of a view:

1. ``attach(gui)`` docks the view, restores its ``state`` from the GUI state, adds its actions
   (``toggle_auto_update``, ``screenshot``, the mixins' actions) to a submenu of *View*, and
   connects it to the event bus: the supervisor's ``select``, ``cluster`` and (lasso views)
   ``request_split``.
2. A selection (``select`` on the bus, or ``view.on_select(cluster_ids=...)``) records
   ``view.cluster_ids`` and calls ``plot()``: ``prepare`` runs on a worker thread of the Qt
   thread pool when the GUI was made with ``enable_threading=True`` (the default), else at
   once; ``draw`` runs on the GUI thread with the result, then ``update_status()``.
3. Stale results are dropped: a view prepares one selection at a time; a selection made
   meanwhile waits (only the newest one), and the result of the older one is not drawn.
4. An exception in ``prepare`` or ``draw`` is logged with its traceback and its message shown
   in the view's dock title bar; the view keeps working and the next selection clears it.
5. Closing the view (its dock, or the GUI) saves ``state`` (``state_attrs`` in the global GUI
   state, ``local_state_attrs`` in the dataset's local state), disconnects the view from the
   bus, removes its actions and closes its canvas.

What a subclass may touch: ``self.canvas`` (a :class:`~phy.plot.PlotCanvas`: layout, pan/zoom,
visuals), ``self.cluster_ids``, ``self.name``, ``self.gui``, ``self.actions`` (after
``super().attach(gui)``, to add its own actions), ``set_dock_status``, ``plot()`` (a parameter
that changes the data: prepare again) and ``redraw()`` (a parameter that changes only the
drawing: draw the last record again). Colours: ``self.selected_color(i)`` is the colour of the
i-th selected cluster, the one of the cluster tables. User parameters: ``settings``, a tuple of
:class:`~phy.gui.settings.Setting` (their attributes in ``state_attrs`` or
``local_state_attrs``), shown by the *Settings...* entry of the view's menu in a dialog that
applies them through the view's own setters (``apply_settings``). Mouse and keys: the canvas
sends its events to the view's ``on_mouse_click(e)``, ``on_key_press(e)``... methods (see
:mod:`phy.plot.canvas`); an ``on_mouse_wheel`` override calls ``super().on_mouse_wheel(e)``.
The views follow the supervisor's ``select``; the cluster tables' own ``select`` events (the
raw clicks, which the supervisor coalesces) are ignored.

Mixins of :mod:`phy.cluster.views.mixins` (put them before ``ManualClusteringView`` in the
bases):

* :class:`MarkerSizeMixin` -- ``marker_size``, ``increase_marker_size`` /
  ``decrease_marker_size`` / ``reset_marker_size``, alt+wheel;
* :class:`ScalingMixin` -- ``scaling``, ``increase`` / ``decrease`` / ``reset_scaling``;
* :class:`LassoMixin` -- control+click draws a lasso; ``on_request_split`` returns every spike
  of the selected clusters inside it. The view provides ``get_clusters_data(load_all=True)``.

phy 2 views that override ``on_select(cluster_ids=None, **kwargs)`` and draw there directly
still work: ``on_select`` always runs on the GUI thread.

Example
-------
A scatter plot of one 2D feature of the selected clusters, showing at most 2,500 spikes per
cluster, with a lasso that splits on all the spikes::

    import numpy as np

    from phy.cluster.views import LassoMixin, ManualClusteringView, MarkerSizeMixin
    from phy.plot import ScatterVisual
    from phy.utils import Bunch

    class FeatureScatterView(LassoMixin, MarkerSizeMixin, ManualClusteringView):
        state_attrs = ('marker_size',)
        default_shortcuts = {'increase_marker_size': 'ctrl+shift++'}

        def __init__(self, features, bounds, **kwargs):
            super().__init__(**kwargs)
            self.features = features  # cluster_id -> Bunch(pos (n, 2), spike_ids (n,))
            self.bounds = bounds  # (xmin, ymin, xmax, ymax) of all features
            self.visual = ScatterVisual()
            self.canvas.add_visual(self.visual)
            self.canvas.enable_panzoom()

        def get_clusters_data(self, load_all=None):
            out = []
            for cluster_id in self.cluster_ids:
                b = self.features(cluster_id)
                step = 1 if load_all else max(1, len(b.spike_ids) // 2500)
                out.append(Bunch(pos=b.pos[::step], spike_ids=b.spike_ids[::step],
                                 data_bounds=self.bounds))
            return out

        def prepare(self, cluster_ids):
            return Bunch(clusters=self.get_clusters_data())

        def draw(self, data):
            self.visual.reset_batch()
            for i, b in enumerate(data.clusters):
                self.visual.add_batch_data(pos=b.pos, color=self.selected_color(i, .5),
                                           size=self.marker_size, data_bounds=b.data_bounds)
            if not data.clusters:
                self.visual.add_batch_data(pos=np.zeros((0, 2)))
            self.canvas.update_visual(self.visual)

        def update_status(self):
            self.set_dock_status(f"clusters {self.cluster_ids}")

Used as ``FeatureScatterView(features, bounds).attach(gui)``, or alone:
``view.show(); view.on_select(cluster_ids=[3, 5])``.
"""

import functools
import logging

from phy.gui.actions import Actions
from phy.gui.qt import Qt, screenshot
from phy.gui.settings import apply_settings
from phy.gui.settings_dialog import SettingsDialog
from phy.gui.threads import Worker, call_reporting_errors, thread_pool
from phy.plot import PlotCanvas
from phy.utils import Bunch, connect, selected_cluster_color, unconnect
from phy.utils import bus_events as ev

from ..tables import ClusterView

logger = logging.getLogger(__name__)


class ManualClusteringView:
    """Base class for clustering views.

    Typical property objects:

    * ``self.canvas``: a :class:`~phy.plot.PlotCanvas` instance.
    * ``self.default_shortcuts``: a dictionary with the default keyboard shortcuts of the
      view's actions.
    * ``self.shortcuts``: the actual keyboard shortcuts of the view (can be passed to the
      view's constructor).
    * ``self.state_attrs``: a tuple with all attributes that are automatically saved in the
      view's global GUI state.
    * ``self.local_state_attrs``: like above, but for the local GUI state
      (dataset-dependent).
    * ``self.settings``: a tuple of :class:`~phy.gui.settings.Setting`, the user parameters
      shown by the *Settings...* dialog of the view's menu (their attributes are in the
      state attributes, so that they persist).

    Parameters
    ----------
    shortcuts : dict
        Keyboard shortcuts of the view's actions, over ``default_shortcuts``.
    snippets : dict
        Snippets of the view's actions, over ``default_snippets``.

    Attributes
    ----------
    cluster_ids : list
        The selected clusters shown (or being prepared).
    auto_update : bool
        Whether the view follows the cluster selection.
    name : str
        The view name in the GUI (``MyView``, ``MyView (1)``...); the class name before
        ``attach``.
    gui, dock, actions : GUI, DockWidget, Actions
        Set by ``attach`` (None before).

    """

    default_shortcuts = {}
    default_snippets = {}
    state_attrs = ()
    local_state_attrs = ()
    settings = ()

    def __init__(self, shortcuts=None, snippets=None):
        self.shortcuts = {**self.default_shortcuts, **(shortcuts or {})}
        self.snippets = {**self.default_snippets, **(snippets or {})}
        self.cluster_ids = []
        self.auto_update = True
        self.name = type(self).__name__
        self.gui = self.dock = self.actions = None
        self.canvas = PlotCanvas()
        self.canvas.setObjectName(self.name)
        self.canvas.attach_events(self)
        self._threaded = False
        self._closed = False
        self._generation = 0  # Increases with each plot(): older results are stale.
        self._running = None  # The request being prepared on a worker thread.
        self._next = None  # The newest request waiting for the running one.
        self._signals = None  # Keeps the running worker's signals alive.
        self._data = None  # The last record drawn, for redraw().
        self._last_selection = None  # The last selection received from the bus.
        self._settings_dialog = None  # The settings dialog, while it is open.

    # Preparing and drawing: what a subclass overrides
    # ---------------------------------------------------------------------------------------------

    def prepare(self, cluster_ids):
        """Return the data record of the selected clusters (worker thread; to override).

        Pure NumPy: no Qt, no OpenGL; read the view's parameters, never change the view. Called
        for every selection, the empty one included. The default prepares nothing (None), for
        views that draw in an ``on_select`` override, as in phy 2.

        Parameters
        ----------
        cluster_ids : list
            The selected clusters (a copy of ``self.cluster_ids``).

        Returns
        -------
        data : Bunch
            Everything ``draw()`` needs.

        """
        return None

    def draw(self, data):
        """Draw a data record returned by ``prepare()`` (GUI thread; to override).

        The default draws nothing.
        """

    def update_status(self):
        """May call ``self.set_dock_status()`` to update the view's status in the dock title bar.

        Called after each successful drawing. To override.
        """

    def get_clusters_data(self, load_all=None):
        """Return a list of Bunch instances, with attributes ``pos`` and ``spike_ids``.

        To override in views with a lasso (see :class:`LassoMixin`).

        Parameters
        ----------
        load_all : bool
            Whether to return all the spikes of the selected clusters, not only those shown.

        """
        raise NotImplementedError(
            f"{type(self).__name__} does not implement get_clusters_data(load_all=...).")

    def on_cluster(self, up):
        """Callback function when a clustering action occurs. May be overriden.

        Note: this method is called before ``on_select()`` so as to give a chance to the view to
        update itself before the selection of the new clusters.

        This method is mostly only useful to views that show all clusters and not just the
        selected clusters (template view, raster view).
        """

    def on_mouse_wheel(self, e):
        """Mouse wheel in the canvas (the mixins use it; call ``super()`` when overriding)."""

    # Selection
    # ---------------------------------------------------------------------------------------------

    def on_select_threaded(self, sender, cluster_ids, gui=None, **kwargs):
        """Receive the ``select`` event of the bus and update the view if ``auto_update``.

        The ``select`` events of the cluster tables themselves are ignored: the supervisor
        coalesces them and emits the selection to show. The preparation runs on a worker thread
        (see :meth:`plot`); this method runs on the GUI thread. ``gui`` is accepted for phy 2
        emitters and not used.
        """
        if self._closed or isinstance(sender, ClusterView) or cluster_ids is None:
            return
        self._last_selection = list(cluster_ids)
        if self.auto_update:
            self.on_select(cluster_ids=cluster_ids, **kwargs)

    def on_select(self, cluster_ids=None, **kwargs):
        """Callback function when clusters are selected. May be overriden.

        Records ``self.cluster_ids`` and calls :meth:`plot`. Runs on the GUI thread: a phy 2
        override may draw directly.
        """
        self.cluster_ids = list(cluster_ids) if cluster_ids is not None else []
        self.plot()

    def plot(self, **kwargs):
        """Update the view with the current cluster selection.

        ``prepare(cluster_ids, **kwargs)`` runs on a worker thread when threading is on (else
        at once), then ``draw(data)`` on the GUI thread, unless a newer ``plot()`` was requested
        meanwhile. Keyword arguments are passed on to ``prepare``; the selection passes none.
        """
        if self._closed:
            return
        self._generation += 1
        request = Bunch(generation=self._generation, cluster_ids=list(self.cluster_ids),
                        kwargs=kwargs)
        if not self._threaded:
            self._finish(request, self._prepare(request))
        elif self._running is not None:
            self._next = request  # Replaces an older waiting request: it is stale.
        else:
            self._start(request)

    @property
    def is_busy(self):
        """Whether a selection is being prepared or waits to be drawn."""
        return self._running is not None or self._next is not None

    def redraw(self):
        """Draw the last data record again, after a change of a drawing parameter."""
        if self._data is not None and not self._closed:
            self._draw(self._data)

    def selected_color(self, i, alpha=1.0):
        """RGBA colour of the i-th selected cluster (``self.cluster_ids[i]``), as in the tables."""
        return selected_cluster_color(i, alpha=alpha)

    def _prepare(self, request):
        """Run ``prepare`` (any thread): return ``(data, error message or None)``."""
        errors = []
        data = call_reporting_errors(
            self.prepare, request.cluster_ids, **request.kwargs,
            what=f"{self.name}, preparing clusters {request.cluster_ids}", log=logger,
            show=errors.append)
        return data, (errors[0] if errors else None)

    def _start(self, request):
        """Prepare a request on a worker thread; its result comes back to the GUI thread."""
        self._running = request
        worker = Worker(self._prepare, request)
        self._signals = worker.signals
        worker.signals.result.connect(
            functools.partial(self._on_prepared, request), Qt.QueuedConnection)
        thread_pool().start(worker)

    def _on_prepared(self, request, outcome):
        """GUI thread: start the waiting request, if any, and draw this one if not stale."""
        self._running = self._signals = None
        waiting, self._next = self._next, None
        if waiting is not None and not self._closed:
            self._start(waiting)
        self._finish(request, outcome)

    def _finish(self, request, outcome):
        """GUI thread: draw a prepared record (or show the error), unless it is stale."""
        if self._closed or request.generation != self._generation:
            logger.log(5, "%s: drop the stale result of %s.", self.name, request.cluster_ids)
            return
        data, error = outcome
        if error is not None:
            self.set_dock_status(error)
            return
        self._draw(data)

    def _draw(self, data):
        """GUI thread: draw, keep the record for redraw(), update the status (errors shown)."""
        def draw():
            self.draw(data)
            self._data = data
            self.canvas.update()
            self.set_dock_status("")
            self.update_status()

        call_reporting_errors(
            draw, what=f"{self.name}, drawing clusters {self.cluster_ids}", log=logger,
            show=self.set_dock_status)

    # GUI
    # ---------------------------------------------------------------------------------------------

    def attach(self, gui):
        """Attach the view to the GUI.

        Perform the following:

        - Add the view to the GUI.
        - Update the view's attribute from the GUI state
        - Add the default view actions (auto_update, screenshot)
        - Bind the on_select() method to the select event raised by the supervisor. This runs
          on a background thread not to block the GUI thread.

        """
        self.gui = gui
        self._threaded = bool(gui.enable_threading)
        gui.add_view(self)  # Sets self.name and self.dock.
        self.canvas.setObjectName(self.name)
        gui.state.add_local_keys([f"{self.name}.{attr}" for attr in self.local_state_attrs])
        self.set_state(gui.state.get_view_state(self))

        self.actions = Actions(
            gui, name=self.name, menu="&View", submenu=self.name,
            default_shortcuts=self.shortcuts, default_snippets=self.snippets)
        gui.get_submenu("&View", self.name).menuAction().setVisible(True)
        self.actions.add(self.toggle_auto_update, checkable=True, checked=self.auto_update,
                         show_shortcut=False)
        self.actions.add(self.screenshot, show_shortcut=False)
        if self.settings:
            self.actions.add(self.show_settings, name="settings", show_shortcut=False)
            self.actions.get("settings").setText("Settings\u2026")
        self.actions.separator()

        connect(self.on_select_threaded, event=ev.SELECT)
        connect(self._on_cluster_event, event=ev.CLUSTER)
        connect(self._on_close_view, event=ev.CLOSE_VIEW, sender=self)

    def _on_cluster_event(self, sender, up):
        if not self._closed:
            self.on_cluster(up)

    def _on_close_view(self, view, gui):
        self.close()

    def _set_checked(self, name, checked):
        """Keep the menu entry of a checkable action in line with a toggle called from Python."""
        if self.actions is not None:
            self.actions.set_checked(name, checked)

    def toggle_auto_update(self, checked):
        """When on, the view is automatically updated when the cluster selection changes.

        Turning it back on shows the latest selection.
        """
        self.auto_update = bool(checked)
        self._set_checked("toggle_auto_update", self.auto_update)
        latest = self._last_selection
        if self.auto_update and latest is not None and latest != self.cluster_ids:
            self.on_select(cluster_ids=latest)

    def screenshot(self, dir=None):
        """Save a PNG screenshot of the view into a given directory.

        By default, the screenshots are saved in the ``screenshots`` folder of the GUI's
        configuration directory (``~/.phy/screenshots/``).

        Returns
        -------
        path : Path

        """
        if dir is None and self.gui is not None:
            dir = self.gui.config_dir / "screenshots"
        path = screenshot(self.canvas, dir=dir)
        if self.gui is not None:
            self.gui.status_message = f"Screenshot saved to {path}"
        return path

    def show_settings(self):
        """Open the settings dialog of the view: its parameters, applied on OK.

        The dialog is not modal; while it is open, the action raises it.

        Returns
        -------
        dialog : SettingsDialog

        """
        dialog = self._settings_dialog
        if dialog is None:
            dialog = SettingsDialog(
                self, self.settings, title=f"{self.name} settings", apply=self.apply_settings,
                parent=self.gui)
            dialog.setAttribute(Qt.WA_DeleteOnClose)
            dialog.finished.connect(self._on_settings_closed)
            self._settings_dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _on_settings_closed(self, result):
        self._settings_dialog = None

    def apply_settings(self, values):
        """Apply new values of the view's settings (all or none), as the dialog's OK does.

        The toggles' menu entries follow, and the view state in the GUI state is updated.

        Parameters
        ----------
        values : dict
            ``{setting key: value in the unit shown}``.

        Raises
        ------
        ValueError
            If the view refuses a value (nothing is changed then).

        """
        applied = apply_settings(self, self.settings, values)
        for setting in applied:
            if setting.kind is bool and setting.setter is not None:
                self._set_checked(setting.setter, setting.get(self))
        if self.gui is not None:
            self.gui.state.update_view_state(self, self.state)

    def set_dock_status(self, text):
        """Set the status in the dock title bar."""
        if self.dock is not None:
            self.dock.set_status(text)

    @property
    def state(self):
        """View state, a Bunch automatically persisted in the GUI state. To be overriden.

        Saved when the view or the GUI closes. By default, the attributes listed in
        ``state_attrs`` and ``local_state_attrs``.
        """
        return Bunch({attr: getattr(self, attr)
                      for attr in (*self.state_attrs, *self.local_state_attrs)})

    def set_state(self, state):
        """Set the view state.

        The passed object is the persisted ``self.state`` bunch.

        May be overriden.
        """
        for key, value in state.items():
            setattr(self, key, value)

    def show(self):
        """Show the underlying canvas."""
        self.canvas.show()

    def close(self):
        """Close the view: save its state, disconnect it, remove its actions, close the canvas.

        The state goes to the GUI state (saved with it). Pending results are dropped.
        """
        if self._closed:
            return
        if self._settings_dialog is not None:
            self._settings_dialog.close()
        if self.gui is not None:
            self.gui.state.update_view_state(self, self.state)
        self._closed = True
        self._next = None
        unconnect(self)
        if self.actions is not None:
            self.actions.remove_all()
            if self.actions in self.gui.action_groups:
                self.gui.action_groups.remove(self.actions)
            self.gui.get_submenu("&View", self.name).menuAction().setVisible(False)
        self.canvas.detach_events(self)
        self.canvas.close()
