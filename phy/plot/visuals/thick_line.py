"""Thick antialiased polylines: many of them, of any width, in one draw call.

For mean waveforms, highlighted traces and axes, where ``GL_LINES`` (one physical pixel wide,
aliased) is too thin. Each segment is a quad (four vertices, a triangle strip) that the vertex
shader expands across the segment in pixels, after the GPU transforms (pan/zoom, layouts); the
fragment shader antialiases its edges and rounds its ends, so that consecutive segments join
smoothly. All quads are drawn with one ``glMultiDrawArrays`` call.

The width is in logical pixels: on a HiDPI screen (device pixel ratio 2) a 2-pixel line is 4
physical pixels wide.

Positions keep their float64 precision at deep zoom, as in the other plots: they are normalized
on the CPU in float64, then uploaded as two float32 attributes, the rounding and the rest, which
the vertex shader adds after the GPU transforms (``glsl/precise.glsl``).
"""

import numpy as np

from .plot import PlotVisual, _as_signals, _plot_sizes
from .utils import as_values, precise_positions

#: Default line width, in logical pixels.
DEFAULT_WIDTH = 2.0


def snap_to_pixels(ndc, n_pixels, width, keep_inside=False):
    """Snap the window NDC coordinates of lines `width` physical pixels wide, out of `n_pixels`.

    The lines then cover whole pixels, crisp: an odd width centred on a pixel, an even one
    between two. With `keep_inside`, a line on (or beyond) the window edge is moved inside.
    """
    p = (np.asarray(ndc, dtype=np.float64) + 1.0) * 0.5 * n_pixels
    p = np.floor(p) + 0.5 if round(width) % 2 else np.round(p)
    if keep_inside:
        half = 0.5 * round(width)
        p = np.clip(p, half, max(n_pixels - half, half))
    return p / n_pixels * 2.0 - 1.0


def _segments(sizes):
    """Indices of the first point of each segment, and the polyline of each segment."""
    sizes = np.asarray(sizes, dtype=np.int64)
    n_segments = np.maximum(sizes - 1, 0)
    plot = np.repeat(np.arange(len(sizes)), n_segments)
    first_point = np.cumsum(sizes) - sizes
    first_segment = np.cumsum(n_segments) - n_segments
    start = first_point[plot] + np.arange(len(plot)) - first_segment[plot]
    return start, plot


class ThickLineVisual(PlotVisual):
    """Thick antialiased polylines, with a width in logical pixels.

    Constructor
    -----------
    width : float
        The default line width, in logical pixels.

    Parameters
    ----------
    x : array-like (1D), or list of 1D arrays for different polylines
        By default, regularly spaced across the whole width (ignoring the x data bounds).
    y : array-like (1D), or list of 1D arrays, or 2D array (one polyline per row)
    color : array-like (2D, shape[-1] == 4)
        One color for all polylines, or one per polyline.
    width : scalar or array-like (1D)
        One width for all polylines, or one per polyline, in logical pixels.
    depth : array-like (1D)
        One depth per polyline, in [-1, 1], higher in front.
    masks : array-like (1D)
        Similar to an alpha channel, but for color saturation instead of transparency.
    data_bounds : array-like (2D, shape[1] == 4)
        One rectangle for all polylines, or one per polyline.
    plot_sizes : array-like (1D)
        With 1D `x` and `y` (or `pos`), the number of points of each polyline.
    pos : array-like (2D)
        Instead of `x` and `y`: the ``(n, 2)`` positions of all polylines, concatenated.

    Notes
    -----
    Segments overlap at the joins: with a translucent color, the joins are a little darker.
    A polyline of a single point draws nothing.

    """

    _shader = "thick_line"

    def __init__(self, width=DEFAULT_WIDTH):
        super().__init__()
        self.width = float(width)
        self.set_primitive_type("triangle_strip")

    def validate(self, width=None, **kwargs):
        """Validate the requested data before passing it to set_data()."""
        data = super().validate(**kwargs)
        data.width = as_values(self, "width", width, len(data.plot_sizes), self.width)
        return data

    def vertex_count(self, y=None, pos=None, plot_sizes=None, **kwargs):
        """Number of vertices for the requested data: four per segment."""
        if pos is not None:
            sizes = _plot_sizes(self, plot_sizes, len(pos), "positions")
        elif y is not None:
            sizes = _as_signals(self, "y", y, plot_sizes)[1]
        else:
            return 0
        return int(4 * np.maximum(sizes - 1, 0).sum())

    def vertex_counts(self, data):
        """Number of vertices of each polyline: four per segment."""
        return 4 * np.maximum(np.asarray(data.plot_sizes, dtype=np.int64) - 1, 0)

    def _item_rows(self, data):
        """Per-polyline texture rows: the color, then (depth, mask, width, 0)."""
        rows = super()._item_rows(data)
        rows[1::2, 2] = data.width
        return rows

    def _program_data(self, data):
        start, plot = _segments(data.plot_sizes)
        pos = np.asarray(data.pos, dtype=np.float64)
        # Vertices 0, 1 of a segment are at its start, 2, 3 at its end.
        this = np.stack([start, start, start + 1, start + 1], axis=1).ravel()
        other = np.stack([start + 1, start + 1, start, start], axis=1).ravel()
        n = len(start)
        self.draw_ranges = (4 * np.arange(n), np.full(n, 4))
        return {
            **precise_positions(pos[this]), **precise_positions(pos[other], "a_other"),
            "a_plot_index": np.repeat(plot, 4).astype(np.float32),
            "u_plot_data": self._plot_data(data)["u_plot_data"],
        }

