"""Scatter visuals: one marker per point, drawn as point sprites.

The markers are signed distance functions in GLSL (``glsl/markers/<name>.glsl``), antialiased
over one pixel. Marker sizes are in logical pixels (scaled by the device pixel ratio). Colors and
masks are normalized uint8 attributes (a color costs 4 bytes per point). Positions are precise at
deep zoom (float32 rounding and rest, 16 bytes per point, see ``glsl/precise.glsl``).
"""

import numpy as np

from phy.utils import Bunch

from ..transform import NDC
from ..visual import BaseVisual, load_glsl
from .utils import (
    as_bounds,
    as_colors,
    as_positions,
    as_values,
    check_no_kwargs,
    precise_positions,
    to_uint8,
)

#: The available markers.
MARKERS = (
    "arrow", "asterisk", "chevron", "clover", "club", "cross", "diamond", "disc", "ellipse",
    "hbar", "heart", "infinity", "pin", "ring", "spade", "square", "tag", "triangle", "vbar")

#: Default marker size, in pixels.
DEFAULT_MARKER_SIZE = 10.0


def marker_glsl(marker):
    """GLSL code of the function ``float marker(vec2 p, float r)`` of a marker."""
    if marker not in MARKERS:
        raise ValueError(f"Unknown marker {marker!r}: use one of {', '.join(MARKERS)}.")
    return load_glsl("markers/shapes.glsl") + "\n" + load_glsl(f"markers/{marker}.glsl")


class _MarkerVisual(BaseVisual):
    """Common code of the scatter visuals: a marker, one vertex per point."""

    _shader = None
    _position_dtype = np.float64

    def __init__(self, marker=None):
        super().__init__()
        self.marker = marker or "disc"
        self.set_shader(self._shader)
        self.inserter.insert_frag(marker_glsl(self.marker), "header")
        self.set_primitive_type("points")

    def vertex_count(self, x=None, y=None, pos=None, **kwargs):
        """Number of vertices for the requested data."""
        return len(as_positions(self, pos=pos, x=x, y=y))

    def vertex_counts(self, data):
        """One vertex per point."""
        return np.ones(len(data.pos), dtype=np.int64)

    def _positions(self, x, y, pos, data_bounds):
        pos = as_positions(self, pos=pos, x=x, y=y)
        return self.transform_positions(pos, as_bounds(self, data_bounds, len(pos)))


class ScatterVisual(_MarkerVisual):
    """Scatter visual, displaying a fixed marker at various positions, colors, and sizes.

    Constructor
    -----------
    marker : str
        One of :data:`MARKERS` (default: disc), used for all points.

    Parameters
    ----------
    x : array-like (1D)
    y : array-like (1D)
    pos : array-like (2D)
    color : array-like (2D, shape[1] == 4)
    size : array-like (1D)
        Marker sizes, in pixels.
    depth : array-like (1D)
        In [-1, 1], higher in front.
    data_bounds : array-like (2D, shape[1] == 4)

    """

    _shader = "scatter"

    def validate(
            self, x=None, y=None, pos=None, color=None, size=None, depth=None, data_bounds=None,
            **kwargs):
        """Validate the requested data before passing it to set_data()."""
        check_no_kwargs(self, kwargs)
        pos = self._positions(x, y, pos, data_bounds)
        n = len(pos)
        return Bunch(
            pos=pos, color=as_colors(self, color, n),
            size=as_values(self, "size", size, n, DEFAULT_MARKER_SIZE),
            depth=as_values(self, "depth", depth, n, 0.0), data_bounds=NDC)

    def _program_data(self, data):
        return {
            **precise_positions(data.pos), "a_color": to_uint8(data.color), "a_size": data.size,
            "a_depth": data.depth}

    def set_color(self, color):
        """Change the color of the markers."""
        self.program["a_color"] = to_uint8(as_colors(self, color, self.n_vertices))
        self.canvas.update()

    def set_marker_size(self, marker_size):
        """Change the size of the markers."""
        self.program["a_size"] = as_values(self, "size", marker_size, self.n_vertices, 0)
        self.canvas.update()


class UniformScatterVisual(_MarkerVisual):
    """Scatter visual with a fixed marker color and size.

    Constructor
    -----------
    marker : str
    color : 4-tuple
    size : scalar

    Parameters
    ----------
    x : array-like (1D)
    y : array-like (1D)
    pos : array-like (2D)
    masks : array-like (1D)
        Similar to an alpha channel, but for color saturation instead of transparency.
    data_bounds : array-like (2D, shape[1] == 4)

    """

    _shader = "uniform_scatter"

    def __init__(self, marker=None, color=None, size=None):
        super().__init__(marker=marker)
        self.color = tuple(as_colors(self, color, 1)[0])
        self.marker_size = float(DEFAULT_MARKER_SIZE if size is None else size)

    def validate(self, x=None, y=None, pos=None, masks=None, data_bounds=None, **kwargs):
        """Validate the requested data before passing it to set_data()."""
        check_no_kwargs(self, kwargs)
        pos = self._positions(x, y, pos, data_bounds)
        return Bunch(
            pos=pos, masks=as_values(self, "masks", masks, len(pos), 1.0), data_bounds=NDC)

    def _program_data(self, data):
        return {
            **precise_positions(data.pos), "a_mask": to_uint8(data.masks), "u_color": self.color,
            "u_size": self.marker_size}
