"""Line plots: many plots of various lengths in one visual, drawn in one call.

All plots are concatenated in one vertex buffer and drawn as line strips with
``glMultiDrawArrays`` (one range per plot). Per-plot data (color, depth, mask) lives in a small
texture indexed by a per-vertex plot index, so a vertex costs 20 bytes (plus the box index):
its position, precise at deep zoom (float32 rounding and rest, see ``glsl/precise.glsl``), and
its plot index.
"""

import numpy as np

from phy.utils import Bunch

from ..transform import NDC
from ..visual import BaseVisual
from .utils import (
    as_bounds,
    as_colors,
    as_values,
    check_no_kwargs,
    get_linear_x,
    item_texture,
    precise_positions,
    to_uint8,
)


def _plot_sizes(visual, plot_sizes, n, what):
    """Check that plot sizes (one plot by default) add up to `n`."""
    sizes = np.asarray([n] if plot_sizes is None else plot_sizes, dtype=np.int64).ravel()
    if sizes.sum() != n or np.any(sizes < 0):
        raise ValueError(
            f"{type(visual).__name__}: `plot_sizes` must add up to the number of {what} ({n}), "
            f"got {sizes.sum()}.")
    return sizes


def _as_signals(visual, name, values, plot_sizes):
    """Return (flat float64 array, plot sizes) from a 2D array, a list of 1D arrays or 1D."""
    if isinstance(values, (list, tuple)) and values and np.ndim(values[0]) == 1:
        arrays = [np.asarray(v, dtype=np.float64) for v in values]
        sizes = np.array([len(a) for a in arrays], dtype=np.int64)
        return np.concatenate(arrays), sizes
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 2:
        return values.ravel(), np.full(values.shape[0], values.shape[1], dtype=np.int64)
    if values.ndim != 1:
        raise ValueError(
            f"{type(visual).__name__}: `{name}` must be 1D, 2D or a list of 1D arrays, got "
            f"shape {values.shape}.")
    return values, _plot_sizes(visual, plot_sizes, len(values), f"samples of `{name}`")


def _linear_x(sizes):
    """X from -1 to 1 for each plot of the given sizes, concatenated (0 for one sample)."""
    sizes = np.asarray(sizes, dtype=np.int64)
    if len(sizes) and sizes[0] > 1 and np.all(sizes == sizes[0]):
        return get_linear_x(len(sizes), sizes[0]).ravel()
    offsets = np.repeat(np.cumsum(sizes) - sizes, sizes)
    steps = np.repeat(np.maximum(sizes - 1, 1), sizes)
    x = -1.0 + 2.0 * (np.arange(int(sizes.sum())) - offsets) / steps
    return np.where(np.repeat(sizes, sizes) == 1, 0.0, x)


class PlotVisual(BaseVisual):
    """Plot visual, with multiple line plots of various sizes and colors.

    Parameters
    ----------
    x : array-like (1D), or list of 1D arrays for different plots
        By default, regularly spaced across the whole width (ignoring the x data bounds).
    y : array-like (1D), or list of 1D arrays, or 2D array (one plot per row)
    color : array-like (2D, shape[-1] == 4)
        One color for all plots, or one per plot.
    depth : array-like (1D)
        One depth per plot, in [-1, 1], higher in front.
    masks : array-like (1D)
        Similar to an alpha channel, but for color saturation instead of transparency.
    data_bounds : array-like (2D, shape[1] == 4)
        One rectangle for all plots, or one per plot.
    plot_sizes : array-like (1D)
        With 1D `x` and `y` (or `pos`), the number of samples of each plot concatenated in them.
    pos : array-like (2D)
        Instead of `x` and `y`: the ``(n, 2)`` positions of all plots, concatenated.

    """

    _shader = "plot"
    _position_dtype = np.float64

    def __init__(self):
        super().__init__()
        self.set_shader(self._shader)
        self.set_primitive_type("line_strip")

    def _validate_xy(self, x, y, pos, data_bounds, plot_sizes):
        """Normalized ``(n, 2)`` float64 positions of all plots, and the plot sizes."""
        name = type(self).__name__
        if pos is not None:  # Concatenated positions (e.g. validated data).
            pos = np.asarray(pos)
            if pos.ndim != 2 or pos.shape[1] != 2:
                raise ValueError(f"{name}: `pos` must have shape (n, 2), got {pos.shape}.")
            sizes = _plot_sizes(self, plot_sizes, len(pos), "positions")
            bounds = as_bounds(self, data_bounds, len(sizes))
        else:
            if y is None:
                raise ValueError(f"{name}: `y` is required.")
            y, sizes = _as_signals(self, "y", y, plot_sizes)
            bounds = as_bounds(self, data_bounds, len(sizes))
            if x is None:
                x = _linear_x(sizes)
                bounds = self._y_only_bounds(bounds, y)
            else:
                x = _as_signals(self, "x", x, plot_sizes)[0]
                if len(x) != len(y) and np.all(sizes == len(x)):
                    x = np.tile(x, len(sizes))  # The same x for all plots.
                if len(x) != len(y):
                    raise ValueError(
                        f"{name}: `x` and `y` have different numbers of samples "
                        f"({len(x)} and {len(y)}).")
            pos = np.column_stack([x, y])
        if isinstance(bounds, np.ndarray) and bounds.ndim == 2:
            bounds = np.repeat(bounds, sizes, axis=0)
        return self.transform_positions(pos, bounds), sizes

    def _y_only_bounds(self, bounds, y):
        """Data bounds normalizing y only (x being already in NDC)."""
        if bounds is None:
            bounds = self.data_range.from_bounds
        elif isinstance(bounds, str):
            ymin, ymax = (y.min(), y.max()) if len(y) else (-1.0, 1.0)
            bounds = (-1.0, ymin - 1, 1.0, ymax + 1) if ymin == ymax else (-1.0, ymin, 1.0, ymax)
        bounds = np.array(bounds, dtype=np.float64)
        bounds[..., 0], bounds[..., 2] = -1.0, 1.0
        return bounds

    def validate(
            self, x=None, y=None, color=None, depth=None, masks=None, data_bounds=None,
            plot_sizes=None, pos=None, **kwargs):
        """Validate the requested data before passing it to set_data()."""
        check_no_kwargs(self, kwargs)
        pos, sizes = self._validate_xy(x, y, pos, data_bounds, plot_sizes)
        n = len(sizes)
        return Bunch(
            pos=pos, plot_sizes=sizes, color=as_colors(self, color, n),
            depth=as_values(self, "depth", depth, n, 0.0),
            masks=as_values(self, "masks", masks, n, 1.0), data_bounds=NDC)

    def vertex_count(self, y=None, pos=None, **kwargs):
        """Number of vertices for the requested data (``y``, or ``pos`` of validated data)."""
        if pos is not None:
            return len(pos)
        return int(_as_signals(self, "y", y, kwargs.get("plot_sizes"))[1].sum())

    def vertex_counts(self, data):
        """Number of vertices of each plot."""
        return np.asarray(data.plot_sizes, dtype=np.int64)

    def _item_rows(self, data):
        """Per-plot texture rows: the color, then (depth, mask, 0, 0)."""
        extra = np.zeros((len(data.plot_sizes), 4), dtype=np.float32)
        extra[:, 0], extra[:, 1] = data.depth, data.masks
        return np.stack([data.color, extra], axis=1).reshape(-1, 4)

    def _program_data(self, data):
        sizes = data.plot_sizes
        self.draw_ranges = (np.cumsum(sizes) - sizes, sizes)
        return {
            **precise_positions(data.pos),
            "a_plot_index": np.repeat(np.arange(len(sizes), dtype=np.float32), sizes),
            **self._plot_data(data),
        }

    def _plot_data(self, data):
        """The program's per-plot data (and no per-vertex colors); kept for set_color()."""
        self._data = Bunch({k: v for k, v in data.items() if k != "pos"})
        return {"u_plot_data": item_texture(self._item_rows(data)), **self._vertex_colors(None)}

    def _vertex_colors(self, colors):
        """The program's per-vertex colors (None: the plot colors)."""
        return {
            "u_vertex_colors": item_texture(
                to_uint8(colors if colors is not None else np.zeros((1, 4)))),
            "u_has_vertex_colors": colors is not None}

    def set_color(self, color):
        """Update the visual's color: one for all plots, one per plot, or one per vertex.

        Per-vertex colors (an ``(n_vertices, 4)`` array) cost 4 bytes per vertex on the GPU, and
        last until the next ``set_data()`` or ``set_color()``.
        """
        n_plots = len(self._data.plot_sizes)
        color = np.asarray(color, dtype=np.float32)
        per_vertex = color.ndim == 2 and len(color) == self.n_vertices != n_plots
        vertex_colors = as_colors(self, color, self.n_vertices) if per_vertex else None
        values = self._vertex_colors(vertex_colors)
        if not per_vertex:
            self._data.color = as_colors(self, color, n_plots)
            values["u_plot_data"] = item_texture(self._item_rows(self._data))
        for name, value in values.items():
            self.program[name] = value
        self.canvas.update()


class UniformPlotVisual(PlotVisual):
    """A plot visual with a uniform color.

    Constructor
    -----------
    color : 4-tuple
    depth : scalar

    Parameters
    ----------
    x : array-like (1D), or list of 1D arrays for different plots
    y : array-like (1D), or list of 1D arrays, for different plots
    masks : array-like (1D)
        Similar to an alpha channel, but for color saturation instead of transparency.
    data_bounds : array-like (2D, shape[1] == 4)
    plot_sizes : array-like (1D)
    pos : array-like (2D)

    """

    _shader = "uniform_plot"

    def __init__(self, color=None, depth=None):
        super().__init__()
        self.color = tuple(as_colors(self, color, 1)[0])
        self.depth = float(depth or 0.0)

    def validate(
            self, x=None, y=None, masks=None, data_bounds=None, plot_sizes=None, pos=None,
            **kwargs):
        """Validate the requested data before passing it to set_data()."""
        check_no_kwargs(self, kwargs)
        pos, sizes = self._validate_xy(x, y, pos, data_bounds, plot_sizes)
        return Bunch(
            pos=pos, plot_sizes=sizes,
            masks=as_values(self, "masks", masks, len(sizes), 1.0), data_bounds=NDC)

    def _item_rows(self, data):
        rows = np.zeros((len(data.plot_sizes), 4), dtype=np.float32)
        rows[:, 0] = data.masks
        return rows

    def _vertex_colors(self, colors):
        return {}  # One color for all.

    def _program_data(self, data):
        return {**super()._program_data(data), "u_color": self.color, "u_depth": self.depth}

    def set_color(self, color):
        """Update the visual's color."""
        self.color = tuple(as_colors(self, color, 1)[0])
        self.program["u_color"] = self.color
        self.canvas.update()
