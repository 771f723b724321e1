"""Histogram views: one histogram per selected cluster (ISI, firing rate, any statistic).

:class:`HistogramView` takes a ``cluster_stat(cluster_id)`` function returning a Bunch with
``data`` (a 1D array: the values to histogram), and optionally ``plot`` (a 1D array drawn as a
line over the histogram, across its x range, in the units of the histogram's density) and
``text`` (shown in the upper left corner of the histogram). The selected clusters are stacked
vertically, each in its colour, above the labels of their shared x axis (no pan and zoom: the
x range is set by the actions and control+wheel; the heights by the scaling).

Histogram rule (FORMATS §4.6): ``n_bins`` bin *edges* from ``x_min`` to ``x_max`` (so
``n_bins - 1`` bins), normalised to unit area. ``x_min`` / ``x_max`` left to None are the data
minimum / maximum of the first selected cluster. They are stored in seconds (the data unit) and
shown and typed in ``bin_unit`` (``'s'`` or ``'ms'``).

Actions (their snippets start with the view's ``alias_char``: ``:isib 2`` for the ISI view):
``set_bin_size`` (``:<a>b``), ``set_n_bins`` (``:<a>n``), ``set_x_min`` (``:<a>min``),
``set_x_max`` (``:<a>max``); ``increase`` / ``decrease`` / ``reset_scaling`` scale the histogram
heights; control+wheel widens or narrows the x range (``x_max``).
"""

import numpy as np

from phy.gui.settings import Setting
from phy.plot import HistogramVisual, Stacked, TextVisual, ThickLineVisual
from phy.plot.visuals.text import DEFAULT_FONT_SIZE, font_pixel_size, glyph_atlas
from phy.utils import Bunch

from ..stats import histogram_density
from .base import ManualClusteringView
from .mixins import SCALING_SETTING, ScalingMixin, _wheel_steps

#: Height of the tallest bin of a histogram, as a fraction of its box (at scaling 1).
FILL = 0.9
#: Factor of one control+wheel notch on the x range.
WINDOW_INCREMENT = 1.1
#: Height of the strip of the x axis labels below the histograms, in lines of text.
AXIS_LINES = 1.6
_UNITS = {"s": 1.0, "ms": 1e3}
_LABEL_COLOR = (1.0, 1.0, 1.0, 0.8)
_PLOT_COLOR = (1.0, 1.0, 1.0, 0.9)


def _snippets(alias_char):
    """The default snippets of a histogram view whose snippets start with `alias_char`."""
    return {"set_bin_size": f"{alias_char}b", "set_n_bins": f"{alias_char}n",
            "set_x_min": f"{alias_char}min", "set_x_max": f"{alias_char}max"}


def _positive(name, value):
    value = float(value)
    if not value > 0:
        raise ValueError(f"The {name} must be positive, got {value}.")
    return value


class HistogramView(ScalingMixin, ManualClusteringView):
    """A histogram for every selected cluster, along with a possible plot and some text.

    To be overriden (see :class:`ISIView`, :class:`FiringRateView`), or given any statistic.

    Constructor
    -----------
    cluster_stat : function
        Maps cluster_id to Bunch(data (1D array), plot (1D array), text).

    Attributes
    ----------
    n_bins : int
        Number of bin edges (``n_bins - 1`` bins).
    x_min, x_max : float or None
        Range of the histograms, in seconds (None: the data range of the first cluster).

    """

    #: Most clusters shown (the first ones of the selection).
    max_n_clusters = 20
    #: First characters of the view's snippets.
    alias_char = "h"
    #: Unit of the bin size and of the x range in the actions and the axis: 's' or 'ms'.
    bin_unit = "s"
    #: Defaults of a new view.
    default_n_bins = 100
    default_x_min = None
    default_x_max = None
    default_snippets = _snippets(alias_char)
    state_attrs = ("n_bins", "x_min", "x_max", "scaling")
    settings = (
        Setting("x_min", "X min ({bin_unit})", float, decimals=4, setter="set_x_min",
                getter=lambda view: view._x_range()[0] * view._unit),
        Setting("x_max", "X max ({bin_unit})", float, decimals=4, setter="set_x_max",
                getter=lambda view: view._x_range()[1] * view._unit),
        Setting("n_bins", "Number of bin edges", int, 2, 1_000_000, setter="set_n_bins"),
        Setting("bin_size", "Bin size ({bin_unit})", float, 1e-4, decimals=4,
                setter="set_bin_size", persisted_by=("n_bins", "x_min", "x_max")),
        SCALING_SETTING,
    )

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "default_snippets" not in cls.__dict__:
            cls.default_snippets = _snippets(cls.alias_char)

    def __init__(self, cluster_stat=None, **kwargs):
        super().__init__(**kwargs)
        if cluster_stat is None:
            raise ValueError(f"{type(self).__name__} needs a `cluster_stat` function.")
        self.cluster_stat = cluster_stat
        self.n_bins = self.default_n_bins
        self.x_min, self.x_max = self.default_x_min, self.default_x_max
        self.canvas.set_layout("boxed", box_bounds=self._box_bounds(1))
        self.canvas.layout.add_boxes(self.canvas)
        self.canvas.enable_axes(data_bounds=(0, 0, 1, 1), show_y=False)
        self.hist_visual = HistogramVisual()
        self.plot_visual = ThickLineVisual(width=1.5)
        self.text_visual = TextVisual(color=_LABEL_COLOR)
        for visual in (self.hist_visual, self.plot_visual, self.text_visual):
            self.canvas.add_visual(visual)

    # Units and parameters
    # ---------------------------------------------------------------------------------------------

    @property
    def _unit(self):
        return _UNITS[self.bin_unit]

    def _x_range(self, data=None):
        """``(x_min, x_max)`` in seconds: the set values, else those of the last drawing."""
        shown = self._data if data is None else data
        x_min = self.x_min if self.x_min is not None else (shown.x_min if shown else 0.0)
        x_max = self.x_max if self.x_max is not None else (shown.x_max if shown else 1.0)
        return x_min, x_max

    @property
    def bin_size(self):
        """Return the bin size (in seconds or milliseconds depending on self.bin_unit)."""
        x_min, x_max = self._x_range()
        return (x_max - x_min) / (self.n_bins - 1) * self._unit

    def set_bin_size(self, bin_size):
        """Set the bin size in the histogram."""
        x_min, x_max = self._x_range()
        bin_size = _positive("bin size", bin_size) / self._unit
        self.set_n_bins(int(round((x_max - x_min) / bin_size)) + 1)

    def set_n_bins(self, n_bins):
        """Set the number of bins in the histogram."""
        self.n_bins = int(np.clip(int(n_bins), 2, 1_000_000))
        self.plot()

    def _set_range(self, x_min, x_max):
        if x_min is not None and x_max is not None and not x_max > x_min:
            raise ValueError(
                f"The histogram range must have x_min < x_max, got [{x_min * self._unit:g}, "
                f"{x_max * self._unit:g}] {self.bin_unit}.")
        self.x_min, self.x_max = x_min, x_max
        self.plot()

    def set_x_min(self, x_min):
        """Set the minimum value on the x axis for the histogram."""
        self._set_range(float(x_min) / self._unit, self._x_range()[1])

    def set_x_max(self, x_max):
        """Set the maximum value on the x axis for the histogram."""
        self._set_range(self._x_range()[0], float(x_max) / self._unit)

    def on_mouse_wheel(self, e):
        """Control+wheel widens or narrows the x range (``x_max``)."""
        super().on_mouse_wheel(e)
        steps = _wheel_steps(e)
        if e.modifiers == ("Control",) and steps:
            x_min, x_max = self._x_range()
            self.set_x_max(
                (x_min + (x_max - x_min) * WINDOW_INCREMENT ** -np.sign(steps)) * self._unit)

    # Preparing and drawing
    # ---------------------------------------------------------------------------------------------

    def _auto_range(self, stats):
        """The range of the histograms: the set values, else the first cluster's data range."""
        data = np.asarray(stats[0].data, dtype=np.float64) if stats else np.zeros(0)
        x_min, x_max = self.x_min, self.x_max
        if x_min is None:
            x_min = float(data.min()) if data.size else 0.0
        if x_max is None:
            x_max = float(data.max()) if data.size else x_min + 1.0
            x_max = x_max if x_max > x_min else x_min + 1.0
        return x_min, x_max

    def prepare(self, cluster_ids):
        """The histograms, plots and texts of the first ``max_n_clusters`` selected clusters."""
        cluster_ids = list(cluster_ids)[:self.max_n_clusters]
        stats = [self.cluster_stat(cluster_id) for cluster_id in cluster_ids]
        x_min, x_max = self._auto_range(stats)
        hists = np.zeros((len(stats), max(self.n_bins - 1, 1)))
        for i, stat in enumerate(stats):
            hists[i] = histogram_density(stat.data, x_min, x_max, self.n_bins)[0]
        return Bunch(
            cluster_ids=cluster_ids, hists=hists, x_min=x_min, x_max=x_max,
            plots=[stat.get("plot") for stat in stats],
            texts=[stat.get("text") for stat in stats])

    def _box_bounds(self, n):
        """Bounds of `n` full-width boxes stacked above the strip of the x axis labels."""
        ratio = self.canvas.pixel_ratio
        glyph_height = glyph_atlas(font_pixel_size(DEFAULT_FONT_SIZE, ratio)).glyph_size[1] / ratio
        strip = 2 * AXIS_LINES * glyph_height / max(self.canvas.get_size()[1], 1)
        bottom = min(-1 + strip, 0.0)
        bounds = Stacked.get_box_bounds(max(n, 1))
        bounds[:, 1::2] = bottom + (bounds[:, 1::2] + 1) / 2 * (1 - bottom)
        return bounds

    def on_resize(self, e):
        """Keep the strip of the x axis labels a constant height in pixels."""
        self.canvas.layout.box_bounds = self._box_bounds(self.canvas.layout.n_boxes)

    def _ylim(self, data):
        """The histogram value at the top of each box."""
        return data.hists.max(axis=1, initial=0) / (FILL * self.scaling)

    def draw(self, data):
        """Draw the histograms stacked vertically, their plots and texts, and the x axis."""
        n = len(data.cluster_ids)
        self.canvas.layout.box_bounds = self._box_bounds(n)
        boxes = np.arange(n)
        ylim = self._ylim(data)
        colors = np.array([self.selected_color(i) for i in range(n)]).reshape(-1, 4)
        # The boxes do not clip: the bars are cut at the top of their box.
        self.canvas.update_visual(
            self.hist_visual, hist=np.minimum(data.hists, ylim[:, np.newaxis]), color=colors,
            ylim=ylim, box_index=boxes)
        self._draw_plots(data, ylim)
        labels = [" ".join(str(s) for s in (c, t) if s is not None and s != "")
                  for c, t in zip(data.cluster_ids, data.texts)]
        self.canvas.update_visual(
            self.text_visual, pos=np.tile([-1.0, 1.0], (n, 1)), text=labels,
            anchor=(1.3, -1.5), box_index=boxes)
        u = self._unit
        self.canvas.axes.reset_data_bounds((data.x_min * u, 0, data.x_max * u, 1))

    def _draw_plots(self, data, ylim):
        """The optional plots over the histograms, across their width, in density units."""
        plots = [(i, np.asarray(p, dtype=np.float64).ravel())
                 for i, p in enumerate(data.plots) if p is not None and np.size(p) > 1]
        pos = [np.column_stack([np.linspace(-1, 1, len(y)), np.clip(2 * y / ylim[i] - 1, -1, 1)])
               for i, y in plots]
        self.canvas.update_visual(
            self.plot_visual, pos=np.vstack(pos) if pos else np.zeros((0, 2)),
            plot_sizes=[len(y) for _, y in plots], color=_PLOT_COLOR,
            box_index=np.array([i for i, _ in plots]))

    def update_status(self):
        """Show the bin size and the x range in the dock title bar."""
        x_min, x_max = (v * self._unit for v in self._x_range())
        self.set_dock_status(
            f"{self.bin_size:.3g} {self.bin_unit} bins, [{x_min:.3g}, {x_max:.3g}] "
            f"{self.bin_unit}")

    # GUI
    # ---------------------------------------------------------------------------------------------

    def attach(self, gui):
        """Attach the view to the GUI, with the bin size, number of bins and range actions."""
        super().attach(gui)
        u = self.bin_unit
        self.actions.add(
            self.set_bin_size, prompt=True, prompt_default=lambda: f"{self.bin_size:g}",
            docstring=f"Set the bin size of the histograms ({u}).")
        self.actions.add(
            self.set_n_bins, prompt=True, prompt_default=lambda: str(self.n_bins))
        self.actions.add(
            self.set_x_min, prompt=True,
            prompt_default=lambda: f"{self._x_range()[0] * self._unit:g}",
            docstring=f"Set the minimum value on the x axis ({u}).")
        self.actions.add(
            self.set_x_max, prompt=True,
            prompt_default=lambda: f"{self._x_range()[1] * self._unit:g}",
            docstring=f"Set the maximum value on the x axis ({u}).")
        self.actions.separator()


class ISIView(HistogramView):
    """Histogram view showing the interspike intervals.

    ``cluster_stat(cluster_id)`` returns ``Bunch(data=np.diff(spike_times))`` (seconds) of all
    the spikes of the cluster. Bin size and range in milliseconds; snippets ``:isib``,
    ``:isin``, ``:isimin``, ``:isimax``.
    """

    alias_char = "isi"
    bin_unit = "ms"
    default_n_bins = 50
    default_x_min = 0.0
    default_x_max = 0.05


class FiringRateView(HistogramView):
    """Histogram view showing the time-dependent firing rate.

    ``cluster_stat(cluster_id)`` returns ``Bunch(data=spike_times)`` (seconds) of all the spikes
    of the cluster; set ``x_max`` to the recording duration (else the last spike time of the
    first cluster is used). Snippets ``:frb``, ``:frn``, ``:frmin``, ``:frmax`` (seconds).
    """

    alias_char = "fr"
    bin_unit = "s"
    default_n_bins = 200
    default_x_min = 0.0
    state_attrs = ("n_bins", "scaling")
    local_state_attrs = ("x_min", "x_max")
