"""The cluster scatter view: every cluster as a disc placed by two cluster metrics.

By default, the amplitude on x, the depth on y and the firing rate as the disc size; any numeric
column of the cluster view can be chosen (snippets ``:csx NAME``, ``:csy NAME``, ``:css NAME``).
A click selects a cluster, control+click adds it to the selection, shift+click adds it to the
similarity view's selection; control+click outside the discs draws a lasso, which selects the
clusters inside it (control+right click or Escape clears it).
"""

import numpy as np

from phy.gui.settings import Setting
from phy.plot import NDC, Range, ScatterVisual
from phy.utils import Bunch, emit
from phy.utils import bus_events as ev

from .all_clusters import AllClustersMixin
from .base import ManualClusteringView
from .mixins import MARKER_SIZE_SETTING, MarkerSizeMixin

#: Relative margin around the discs, so that the extreme ones are not cut.
MARGIN = 0.08


def _is_number(value):
    return isinstance(value, (int, float, np.number)) and not isinstance(value, bool)


def _bounds(values):
    """``(min, max)`` of the finite values, widened by the margin (and where flat)."""
    values = values[np.isfinite(values)]
    if not values.size:
        return -1.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    pad = (hi - lo) * MARGIN if hi > lo else max(abs(lo) * 0.5, 1.0)
    return lo - pad, hi + pad


class ClusterScatterView(AllClustersMixin, MarkerSizeMixin, ManualClusteringView):
    """Show all clusters in a customizable scatter plot.

    Constructor
    -----------
    cluster_info : function
        Maps a cluster id to a dictionary of its metrics and labels (the row of the cluster
        view), for example ``{'amp': 52.1, 'depth': 1200., 'fr': 4.3, 'group': 'good'}``.
    cluster_ids : array-like
        The list of all clusters to show initially.
    cluster_color_selector : ClusterColorSelector
        The object managing the color mapping.
    x_axis, y_axis, size : str
        The metrics giving the x and y position and the size of the discs.

    """

    default_shortcuts = {
        "increase_marker_size": "ctrl+shift++",
        "decrease_marker_size": "ctrl+shift+-",
    }
    default_snippets = {"set_x_axis": "csx", "set_y_axis": "csy", "set_size": "css"}
    state_attrs = ("x_axis", "y_axis", "size", "marker_size")
    settings = (
        *(Setting(attr, label, str, choices=lambda view: view.metrics(), setter=f"set_{attr}")
          for attr, label in (("x_axis", "X axis"), ("y_axis", "Y axis"), ("size", "Size"))),
        MARKER_SIZE_SETTING,
    )
    default_marker_size = 10.0
    click_events = {
        (): ev.REQUEST_SELECT, ("Control",): ev.SELECT_MORE,
        ("Shift",): ev.REQUEST_SELECT_SIMILAR}

    def __init__(self, cluster_info=None, cluster_ids=None, cluster_color_selector=None,
                 x_axis="amp", y_axis="depth", size="fr", **kwargs):
        super().__init__(**kwargs)
        self.cluster_info = cluster_info
        self.x_axis, self.y_axis, self.size = x_axis, y_axis, size
        self.init_all_clusters(cluster_ids, cluster_color_selector)
        self._drawn = None  # The record drawn: the clusters, their positions and sizes.
        self.canvas.enable_panzoom()
        self.canvas.enable_axes()
        self.canvas.enable_lasso()
        # The view decides which control+clicks go to the lasso (those outside the discs).
        self.canvas.detach_events(self.canvas.lasso)
        self.visual = ScatterVisual(marker="disc")
        self.canvas.add_visual(self.visual)

    # Data
    # ---------------------------------------------------------------------------------------------

    def metrics(self, infos=None):
        """The names of the numeric columns of the clusters."""
        if infos is None:
            infos = [self.cluster_info(c) for c in self.all_cluster_ids.tolist()]
        return sorted({k for info in infos for k, v in info.items() if _is_number(v)})

    def _values(self, infos, name):
        """The values of a metric for all clusters, NaN where missing."""
        if name not in self.metrics(infos):
            raise ValueError(
                f"ClusterScatterView: unknown metric {name!r} (known: "
                f"{', '.join(self.metrics(infos))}).")
        return np.array([
            float(info[name]) if _is_number(info.get(name)) else np.nan for info in infos])

    def prepare(self, cluster_ids):
        """The position and size of every cluster, and the data bounds."""
        ids = self.all_cluster_ids.copy()
        infos = [self.cluster_info(c) for c in ids.tolist()]
        if not infos:
            return Bunch(cluster_ids=ids, pos=np.zeros((0, 2)), size=np.zeros(0),
                         data_bounds=(-1.0, -1.0, 1.0, 1.0))
        x, y, s = (self._values(infos, name) for name in (self.x_axis, self.y_axis, self.size))
        (xmin, xmax), (ymin, ymax) = _bounds(x), _bounds(y)
        s = s - np.nanmin(s) if np.isfinite(s).any() else np.zeros_like(s)
        s = np.nan_to_num(s / s.max() if np.nanmax(s) > 0 else s)
        pos = np.c_[np.nan_to_num(x, nan=xmin), np.nan_to_num(y, nan=ymin)]
        return Bunch(cluster_ids=ids, pos=pos, size=np.sqrt(s),
                     data_bounds=(xmin, ymin, xmax, ymax))

    def draw(self, data):
        """Draw the discs, the selected clusters on top in their selection colours."""
        self._drawn = data
        colors = self.cluster_colors(data.cluster_ids)
        selected = np.isin(data.cluster_ids, self.cluster_ids)
        order = np.r_[np.nonzero(~selected)[0], np.nonzero(selected)[0]]
        self.visual.set_data(
            pos=data.pos[order], color=colors[order], size=self.disc_sizes(data)[order],
            data_bounds=data.data_bounds)
        self.canvas.axes.reset_data_bounds(data.data_bounds)

    def disc_sizes(self, data):
        """Disc diameters in pixels: from half to twice the marker size."""
        return self.marker_size * (0.5 + 1.5 * data.size)

    def on_clusters_changed(self, up):
        """Show the new clusters (only 1 value per cluster: everything is prepared again)."""
        self.plot()

    def update_color(self, selected_clusters=None):
        """Update the colours of the clusters (a new colour scheme)."""
        self.redraw()

    def _set_axis(self, attr, name):
        infos = [self.cluster_info(c) for c in self.all_cluster_ids.tolist()]
        self._values(infos, name)  # Checks the name.
        setattr(self, attr, name)
        self.plot()

    def set_x_axis(self, name):
        """Set the metric on the x axis."""
        self._set_axis("x_axis", name)

    def set_y_axis(self, name):
        """Set the metric on the y axis."""
        self._set_axis("y_axis", name)

    def set_size(self, name):
        """Set the metric giving the disc size."""
        self._set_axis("size", name)

    # Mouse
    # ---------------------------------------------------------------------------------------------

    def _window_positions(self):
        """Positions of the discs drawn in window NDC (pan and zoom applied)."""
        data = self._drawn
        ndc = Range(data.data_bounds, NDC).apply(np.asarray(data.pos, dtype=np.float64))
        return ndc, self.canvas.panzoom.map(ndc)

    def cluster_at(self, pos):
        """The cluster whose disc is under a mouse position (the closest one), or None."""
        data = self._drawn
        if data is None or not len(data.cluster_ids):
            return None
        w, h = self.canvas.get_size()
        mouse = self.canvas.pos_to_ndc(pos)
        pixels = (self._window_positions()[1] - mouse) * [w / 2, h / 2]
        distance = np.hypot(pixels[:, 0], pixels[:, 1])
        i = int(np.argmin(distance))
        radius = self.disc_sizes(data)[i] / 2 + 2
        return int(data.cluster_ids[i]) if distance[i] <= radius else None

    def on_mouse_click(self, e):
        """Select clusters; control+click outside the discs draws the lasso."""
        lasso = self.canvas.lasso
        if "Control" in e.modifiers and (e.button == "Right" or self.cluster_at(e.pos) is None):
            lasso.on_mouse_click(e)
            if lasso.count >= 3:
                inside = lasso.in_polygon(self._window_positions()[0])
                if inside.any():
                    emit(ev.REQUEST_SELECT, self, self._drawn.cluster_ids[inside].tolist())
            return
        super().on_mouse_click(e)

    def on_key_press(self, e):
        """Escape clears the lasso."""
        self.canvas.lasso.on_key_press(e)

    def attach(self, gui):
        """Attach the view to the GUI, with the actions choosing the metrics; draw."""
        super().attach(gui)
        for f in (self.set_x_axis, self.set_y_axis, self.set_size):
            self.actions.add(f, prompt=True, n_args=1)
        self.plot()

    def update_status(self):
        """Show the metrics on the axes and of the disc size."""
        self.set_dock_status(f"x: {self.x_axis}, y: {self.y_axis}, size: {self.size}")
