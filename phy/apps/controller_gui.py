"""The GUI of a controller: :class:`GUIMixin` (``create_gui``, ``at_least_one_view``, layout).

``create_gui`` builds the :class:`~phy.gui.GUI` named after the controller (``gui_name``),
with its state in the configuration directory and the dataset's ``.phy/state.json`` (local
part), attaches the supervisor, creates the views with ``view_creator`` (as many as the state's
``view_count``, by default one of each), arranges the docks in the default layout when the
state has none, emits ``gui_ready(controller, gui)`` for the plugins, and selects the first
cluster of the cluster view.

While the GUI is open, long steps show in its status bar: the ``progress`` events of the bus
(the first open of a large dataset) and :meth:`GUIMixin.busy` blocks (save, first selection),
which also show a busy cursor.
"""

import functools
import logging
from collections import Counter
from contextlib import contextmanager

from phy.utils import bus_events as ev
from phy.utils import connect, emit, unconnect

logger = logging.getLogger(__name__)

#: The default dock layout: columns from left to right, each a list of rows from top to bottom;
#: a tuple in a column is a row of docks side by side. Views absent from the GUI are skipped.
DEFAULT_LAYOUT = (
    ("ClusterScatterView", "ClusterView", "SimilarityView"),
    ("WaveformView", "TemplateView", "AmplitudeView"),
    ("FeatureView", "TemplateFeatureView", "CorrelogramView", ("ISIView", "FiringRateView")),
    ("TraceView", "RasterView", "ProbeView", "IPythonView"),
)
#: Relative widths of the layout's columns (phy 2.1's default proportions).
COLUMN_WIDTHS = (0.33, 0.22, 0.25, 0.20)
#: Relative heights of the views within a column (1 by default).
ROW_HEIGHTS = {"ClusterScatterView": 0.8, "ClusterView": 1.3, "SimilarityView": 1.1,
               "WaveformView": 1.4, "FeatureView": 1.2, "CorrelogramView": 1.4,
               "ISIView": 0.6, "TraceView": 3.0}


def arrange_docks(gui, layout=DEFAULT_LAYOUT):
    """Arrange the docks of a GUI in columns (see :data:`DEFAULT_LAYOUT`).

    Views of the GUI not named in the layout stay where they are; only the first view of each
    class is placed. The columns get the widths of :data:`COLUMN_WIDTHS` and the rows the
    heights of :data:`ROW_HEIGHTS`, relative to the window's size.
    """
    from phy.gui.qt import Qt

    docks = {}
    for view in gui.views:
        docks.setdefault(type(view).__name__, view.dock)

    def row_docks(row):
        return [docks[n] for n in (row if isinstance(row, tuple) else (row,)) if n in docks]

    columns = [[r for r in (row_docks(row) for row in column) if r] for column in layout]
    columns = [c for c in columns if c]
    if not columns:
        return
    first = columns[0][0][0]
    gui.addDockWidget(Qt.LeftDockWidgetArea, first)
    previous = first
    for column in columns[1:]:  # the columns, from left to right
        gui.splitDockWidget(previous, column[0][0], Qt.Horizontal)
        previous = column[0][0]
    for column in columns:
        above = column[0][0]
        for row in column[1:]:  # the rows of each column, from top to bottom
            gui.splitDockWidget(above, row[0], Qt.Vertical)
            above = row[0]
        for row in column:  # the docks side by side within a row
            for left, right in zip(row, row[1:]):
                gui.splitDockWidget(left, right, Qt.Horizontal)
    _resize_docks(gui, columns, {id(dock): name for name, dock in docks.items()})


def _resize_docks(gui, columns, names):
    """Give the arranged columns and rows their relative sizes (in pixels of the window).

    `names` maps ``id(dock)`` to the class name of the dock's view.
    """
    from phy.gui.qt import Qt

    widths = [COLUMN_WIDTHS[i] if i < len(COLUMN_WIDTHS) else COLUMN_WIDTHS[-1]
              for i in range(len(columns))]
    total = sum(widths)
    gui.resizeDocks([c[0][0] for c in columns],
                    [int(gui.width() * w / total) for w in widths], Qt.Horizontal)
    for column in columns:
        heights = [ROW_HEIGHTS.get(names[id(row[0])], 1.) for row in column]
        gui.resizeDocks([row[0] for row in column],
                        [int(gui.height() * h / sum(heights)) for h in heights], Qt.Vertical)


class GUIMixin:
    """The GUI part of :class:`~phy.apps.base.BaseController`."""

    #: The dock layout of a GUI without a saved layout.
    default_layout = DEFAULT_LAYOUT
    #: How long a final status message ("Saved...") stays in the status bar, in milliseconds.
    status_timeout = 5000

    def at_least_one_view(self, view_name):
        """Add a view of a given type if there is not already one.

        To be called before creating a GUI: the view is added to the requested views.
        """
        self._requested_views = getattr(self, "_requested_views", set()) | {view_name}

    def create_gui(self, default_views=None, **kwargs):
        """Create the GUI.

        Parameters
        ----------
        default_views : list
            List of views to add in the GUI, optional. By default, all views from the view
            count of the GUI state are added (the packaged default state's, on first run), or
            one of each view of ``view_creator`` without a view count.
        **kwargs
            Passed to :class:`~phy.gui.GUI` (``size``, ``position``...).

        Returns
        -------
        gui : GUI

        """
        from phy.gui import GUI

        supervisor = self.create_supervisor()
        view_count = Counter(default_views) if default_views is not None else kwargs.pop(
            "view_count", None)
        gui = GUI(
            name=self.gui_name, subtitle=str(self.dir_path), config_dir=self.config_dir,
            local_path=self.cache_dir / "state.json", default_state_path=self.default_state_path,
            view_creator=self.view_creator, view_count=view_count,
            default_views=list(self.view_creator), enable_threading=self.enable_threading,
            **kwargs)
        self.gui = gui
        supervisor.attach(gui)
        self._add_controller_actions(gui)
        gui.create_views()
        for name in sorted(getattr(self, "_requested_views", ())):
            if not gui.view_count.get(name) and name in self.view_creator:
                gui.create_and_add_view(name)
        if not gui.state.get("geometry_state"):
            arrange_docks(gui, self.default_layout)
        connect(self._on_gui_close, event=ev.CLOSE, sender=gui)
        connect(self._on_progress, event=ev.PROGRESS)
        emit(ev.GUI_READY, self, gui)
        if not supervisor.selected:  # a first start shows a cluster, not empty views
            with self.busy("Selecting the first cluster..."):
                supervisor.first()
        self.prefetch_features()
        return gui

    def _add_controller_actions(self, gui):
        """Add the controller's actions: Select > Similarity, and View > Toggle spike reorder.

        The spike reordering only when the model has reordered spike times.
        """
        select = self.supervisor.actions.select
        for name in self.similarity_functions:
            select.add(functools.partial(self._on_similarity_action, name),
                       name=f"similarity_{name}", submenu="Similarity", checkable=True,
                       checked=name == self.similarity, show_shortcut=False,
                       docstring=f"Show the clusters most similar by {name} similarity.")
        if getattr(self.model, "spike_times_reordered", None) is None:
            return
        from phy.gui.actions import Actions

        self.actions = Actions(gui, name="Controller", menu="&View")
        self.actions.add(self.toggle_spike_reorder, checkable=True, checked=self.spike_reorder,
                         show_shortcut=False)

    def _on_similarity_action(self, name, checked=True):
        self.similarity = name

    def _check_similarity_action(self):
        """Check the Select > Similarity action of the current similarity function only."""
        actions = self.supervisor.actions if self.supervisor is not None else None
        if self.gui is None or actions is None:
            return
        for name in self.similarity_functions:
            actions.select.set_checked(f"similarity_{name}", name == self.similarity)

    # Busy state and progress
    # ---------------------------------------------------------------------------------------------

    def show_status(self, message, timeout=0):
        """Show a message in the status bar of the GUI now, for `timeout` ms.

        With ``timeout=0`` the message stays until the next one. Nothing without a GUI.
        """
        if self.gui is None:
            return
        bar = self.gui.statusBar()
        bar.showMessage(message, timeout)
        bar.repaint()  # shown during a long computation, without running the event loop

    @contextmanager
    def busy(self, message, done=None):
        """Run a block with a busy cursor and `message` in the status bar and the console.

        `done` (the message after the block) stays for :attr:`status_timeout` ms; without
        it, or if the block raises, the status bar is cleared.
        """
        from phy.gui.qt import busy_cursor

        logger.info(message)
        self.show_status(message)
        with busy_cursor():
            try:
                yield
            except BaseException:
                self.show_status("")
                raise
        if done:
            logger.info(done)
        self.show_status(done or "", self.status_timeout if done else 0)

    def _on_progress(self, sender, message, fraction):
        """A long step advanced: show it in the status bar (for a while once complete)."""
        self.show_status(message, self.status_timeout if fraction >= 1 else 0)

    def _on_gui_close(self, gui):
        """Keep the next cluster id with the dataset when the GUI closes."""
        self._save_new_cluster_id()
        unconnect(self._on_progress)
