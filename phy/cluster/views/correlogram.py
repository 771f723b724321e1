"""Correlogram view: the auto- and cross-correlograms of the selected clusters.

An ``n x n`` grid for ``n`` selected clusters: the autocorrelogram of cluster ``i`` in the box
``(i, i)``, in the cluster's colour, and the cross-correlogram ``ccg[i, j]`` (spikes of ``j``
after spikes of ``i`` on the right half) in the box ``(i, j)``, in a desaturated blend of both
colours. Each box also shows the baseline (the expected count per bin for independent Poisson
trains, from ``firing_rate``) as a horizontal line, and the refractory period as two vertical
lines at the edges of the bins within ``±refractory_period`` of zero lag (FORMATS §4.5).

Each correlogram is scaled to its own maximum, or all of them to the global maximum
(``toggle_normalization``, ``n``). Bin and window sizes: ``set_bin`` (``:cb MS``, alt+wheel),
``set_window`` (``:cw MS``, control+wheel, ``increase`` / ``decrease`` / ``reset_scaling``),
``set_refractory_period`` (``:cr MS``).
"""

import numpy as np

from phy.gui.settings import Setting
from phy.plot import HistogramVisual, TextVisual, ThickLineVisual
from phy.utils import Bunch

from .base import ManualClusteringView
from .mixins import ScalingMixin, _wheel_steps

#: Factor of one alt+wheel notch on the bin size.
BIN_INCREMENT = 1.1
_REFRACTORY_COLOR = (1.0, 1.0, 1.0, 0.5)
_BASELINE_COLOR = (1.0, 1.0, 1.0, 0.35)
_LABEL_COLOR = (1.0, 1.0, 1.0, 0.8)
# Bin and window sizes (seconds) and refractory period (milliseconds) allowed (FORMATS §4.5).
_SIZE_RANGE = (1e-6, 1e3)
_REFRACTORY_RANGE = (0.1, 100.0)


def cross_color(color_i, color_j, saturation=0.4):
    """The desaturated blend of two RGBA colours, for the cross-correlogram of two clusters.

    Parameters
    ----------
    color_i, color_j : 4-tuple
        RGBA colours in [0, 1].
    saturation : float
        0 gives the grey of the same luminance, 1 the plain mean of both colours.

    Returns
    -------
    color : tuple
        RGBA, the mean alpha.

    """
    mean = 0.5 * (np.asarray(color_i, dtype=np.float64) + np.asarray(color_j, dtype=np.float64))
    grey = mean[:3] @ (0.299, 0.587, 0.114)
    rgb = grey + saturation * (mean[:3] - grey)
    return (*rgb.tolist(), float(mean[3]))


class CorrelogramView(ScalingMixin, ManualClusteringView):
    """A view showing the autocorrelogram of the selected clusters, and all cross-correlograms.

    The cross-correlograms of every pair of selected clusters, in an n x n grid.

    Constructor
    -----------
    correlograms : function
        Maps (cluster_ids, bin_size, window_size) to an (n_clusters, n_clusters, n_bins) array.
    firing_rate : function
        Maps (cluster_ids, bin_size) to an (n_clusters, n_clusters) array

    Attributes
    ----------
    bin_size, window_size, refractory_period : float
        In seconds.
    uniform_normalization : bool
        Whether all correlograms are scaled to the global maximum instead of their own.
    show_labels : bool
        Whether the cluster ids are shown in the boxes.

    """

    #: Most clusters shown (the first ones of the selection).
    max_n_clusters = 20
    #: Defaults of a new view, in seconds.
    default_bin_size = 1e-3
    default_window_size = 50e-3
    default_refractory_period = 2e-3
    default_shortcuts = {"toggle_normalization": "n"}
    default_snippets = {"set_bin": "cb", "set_window": "cw", "set_refractory_period": "cr"}
    state_attrs = (
        "bin_size", "window_size", "refractory_period", "uniform_normalization", "show_labels")
    settings = (
        Setting("bin_size", "Bin size (ms)", float, _SIZE_RANGE[0] * 1e3, _SIZE_RANGE[1] * 1e3,
                scale=1e3, setter="set_bin"),
        Setting("window_size", "Window size (ms)", float, _SIZE_RANGE[0] * 1e3,
                _SIZE_RANGE[1] * 1e3, scale=1e3, setter="set_window"),
        Setting("refractory_period", "Refractory period (ms)", float, *_REFRACTORY_RANGE,
                scale=1e3, setter="set_refractory_period"),
        Setting("uniform_normalization", "Same scale for all correlograms", bool,
                setter="toggle_normalization"),
        Setting("show_labels", "Show labels", bool, setter="toggle_labels"),
    )

    def __init__(self, correlograms=None, firing_rate=None, **kwargs):
        super().__init__(**kwargs)
        if correlograms is None or firing_rate is None:
            raise ValueError(
                "CorrelogramView needs the `correlograms` and `firing_rate` functions.")
        self.correlograms = correlograms
        self.firing_rate = firing_rate
        self.bin_size = self.default_bin_size
        self.window_size = self.default_window_size
        self.refractory_period = self.default_refractory_period
        self.uniform_normalization = False
        self.show_labels = True
        self.canvas.set_layout("grid", shape=(1, 1))
        self.canvas.layout.add_boxes(self.canvas)
        self.canvas.enable_panzoom()
        self.correlogram_visual = HistogramVisual()
        self.line_visual = ThickLineVisual(width=1.0)
        self.label_visual = TextVisual(color=_LABEL_COLOR)
        for visual in (self.correlogram_visual, self.line_visual, self.label_visual):
            self.canvas.add_visual(visual)

    # Parameters
    # ---------------------------------------------------------------------------------------------

    def _set_sizes(self, bin_size, window_size):
        """Set the bin and window sizes (seconds), clipped to the allowed range; prepare again."""
        bin_size, window_size = np.clip((bin_size, window_size), *_SIZE_RANGE).tolist()
        if not bin_size < window_size:
            raise ValueError(
                f"The correlogram bin size ({bin_size * 1e3:g} ms) must be smaller than the "
                f"window size ({window_size * 1e3:g} ms).")
        self.bin_size, self.window_size = bin_size, window_size
        self.plot()

    def set_bin(self, bin_size):
        """Set the correlogram bin size (in milliseconds).

        Example: 1

        """
        self._set_sizes(float(bin_size) * 1e-3, self.window_size)

    def set_window(self, window_size):
        """Set the correlogram window size (in milliseconds).

        Example: 100

        """
        self._set_sizes(self.bin_size, float(window_size) * 1e-3)

    def set_refractory_period(self, value):
        """Set the refractory period (in milliseconds)."""
        self.refractory_period = float(np.clip(float(value), *_REFRACTORY_RANGE)) * 1e-3
        self.redraw()

    @property
    def scaling(self):
        """The window size relative to its default (changed by increase/decrease)."""
        return self.window_size / self.default_window_size

    @scaling.setter
    def scaling(self, value):
        value = float(np.clip(value, *self.scaling_bounds))
        self._set_sizes(self.bin_size, value * self.default_window_size)

    def increase(self):
        """Increase the window size."""
        super().increase()

    def decrease(self):
        """Decrease the window size."""
        super().decrease()

    def reset_scaling(self):
        """Reset the window size to the default value."""
        super().reset_scaling()

    def on_mouse_wheel(self, e):
        """Change the bin size with alt+wheel, the window size with control+wheel."""
        super().on_mouse_wheel(e)
        steps = np.sign(_wheel_steps(e))
        if not steps:
            return
        if e.modifiers == ("Alt",):
            bin_size = self.bin_size * BIN_INCREMENT ** steps
            if bin_size < self.window_size:
                self._set_sizes(bin_size, self.window_size)
        elif e.modifiers == ("Control",):
            window_size = self.window_size * self.scaling_increment ** steps
            if window_size > self.bin_size:
                self._set_sizes(self.bin_size, window_size)

    def toggle_normalization(self, checked):
        """Change the normalization of the correlograms."""
        self.uniform_normalization = bool(checked)
        self.redraw()

    def toggle_labels(self, checked):
        """Show or hide all labels."""
        self.show_labels = bool(checked)
        self.label_visual.visible = self.show_labels
        self.canvas.update()

    # Preparing and drawing
    # ---------------------------------------------------------------------------------------------

    def prepare(self, cluster_ids):
        """The correlograms and baselines of the first ``max_n_clusters`` selected clusters."""
        cluster_ids = list(cluster_ids)[:self.max_n_clusters]
        n = len(cluster_ids)
        bin_size, window_size = self.bin_size, self.window_size
        if not n:
            return Bunch(cluster_ids=[], correlograms=np.zeros((0, 0, 1)),
                         firing_rate=np.zeros((0, 0)), bin_size=bin_size)
        ccg = np.asarray(self.correlograms(cluster_ids, bin_size, window_size))
        if ccg.ndim != 3 or ccg.shape[:2] != (n, n):
            raise ValueError(
                f"`correlograms` returned an array of shape {ccg.shape} for {n} clusters, "
                f"expected ({n}, {n}, n_bins).")
        baseline = np.broadcast_to(
            np.asarray(self.firing_rate(cluster_ids, bin_size), dtype=np.float64), (n, n))
        return Bunch(cluster_ids=cluster_ids, correlograms=ccg, firing_rate=baseline,
                     bin_size=bin_size)

    def _ylim(self, ccg):
        """Count at the top of each box: its own maximum, or the global one."""
        ylim = ccg.max(axis=2, initial=0).astype(np.float64)
        return np.full_like(ylim, ylim.max(initial=0)) if self.uniform_normalization else ylim

    def _colors(self, n):
        """``(n, n, 4)`` colours: the cluster colours on the diagonal, blends elsewhere."""
        colors = [self.selected_color(i) for i in range(n)]
        return np.array([[colors[i] if i == j else cross_color(colors[i], colors[j])
                          for j in range(n)] for i in range(n)]).reshape(n, n, 4)

    def _refractory_edges(self, data):
        """Box x (NDC) of the bin edges enclosing the lags within the refractory period."""
        n_bins = data.correlograms.shape[2]
        half, rp = n_bins // 2, int(round(self.refractory_period / data.bin_size))
        edges = np.clip([half - rp, half + rp + 1], 0, n_bins)
        return -1.0 + 2.0 * edges / n_bins

    def draw(self, data):
        """Draw the correlograms in an n x n grid, with baselines, refractory lines, labels."""
        ids = data.cluster_ids
        n = len(ids)
        self.canvas.layout.shape = (max(n, 1), max(n, 1))
        rows, cols = (a.ravel() for a in np.indices((n, n)))
        boxes = np.column_stack([rows, cols])
        ccg = data.correlograms
        ylim = self._ylim(ccg)
        self.canvas.update_visual(
            self.correlogram_visual, hist=ccg.reshape(n * n, ccg.shape[2]),
            color=self._colors(n).reshape(-1, 4), ylim=ylim.ravel(), box_index=boxes)

        # Two refractory lines and one baseline per box, two points each.
        left, right = self._refractory_edges(data)
        y = np.clip(2.0 * data.firing_rate.ravel() / np.where(ylim > 0, ylim, 1).ravel() - 1,
                    -1, 1)
        ones = np.ones(n * n)
        segments = np.stack([
            np.column_stack([left * ones, -ones, left * ones, ones]),
            np.column_stack([right * ones, -ones, right * ones, ones]),
            np.column_stack([-ones, y, ones, y])], axis=1)  # (n * n, 3, 4)
        colors = np.tile([_REFRACTORY_COLOR, _REFRACTORY_COLOR, _BASELINE_COLOR], (n * n, 1))
        self.canvas.update_visual(
            self.line_visual, pos=segments.reshape(-1, 2), plot_sizes=np.full(3 * n * n, 2),
            color=colors, box_index=np.repeat(boxes, 3, axis=0))

        labels = [str(ids[i]) if i == j else f"{ids[i]}x{ids[j]}" for i, j in zip(rows, cols)]
        self.canvas.update_visual(
            self.label_visual, pos=np.tile([-1.0, 1.0], (n * n, 1)), text=labels,
            anchor=(1.3, -1.5), box_index=boxes)

    def update_status(self):
        """Show the window and bin sizes in the dock title bar."""
        self.set_dock_status(f"{self.window_size * 1e3:.1f} ms ({self.bin_size * 1e3:.1f} ms)")

    # GUI
    # ---------------------------------------------------------------------------------------------

    def attach(self, gui):
        """Attach the view to the GUI."""
        super().attach(gui)
        self.actions.add(self.toggle_normalization, checkable=True,
                         checked=self.uniform_normalization)
        self.actions.add(self.toggle_labels, checkable=True, checked=self.show_labels)
        self.actions.separator()
        self.actions.add(self.set_bin, prompt=True,
                         prompt_default=lambda: f"{self.bin_size * 1e3:g}")
        self.actions.add(self.set_window, prompt=True,
                         prompt_default=lambda: f"{self.window_size * 1e3:g}")
        self.actions.add(self.set_refractory_period, prompt=True,
                         prompt_default=lambda: f"{self.refractory_period * 1e3:g}")
        self.actions.separator()
        self.label_visual.visible = self.show_labels
