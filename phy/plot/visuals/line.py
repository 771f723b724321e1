"""Line segments and polygon outlines."""

import numpy as np

from phy.utils import Bunch

from ..transform import NDC
from ..visual import BaseVisual
from .utils import as_bounds, as_colors, as_positions, check_no_kwargs


class LineVisual(BaseVisual):
    """Line segments.

    Parameters
    ----------
    pos : array-like (2D)
        One segment ``(x0, y0, x1, y1)`` per row.
    color : array-like (2D, shape[1] == 4)
        One color for all segments, or one per segment.
    data_bounds : array-like (2D, shape[1] == 4)

    """

    def __init__(self):
        super().__init__()
        self.set_shader("line")
        self.set_primitive_type("lines")

    def validate(self, pos=None, color=None, data_bounds=None, **kwargs):
        """Validate the requested data before passing it to set_data()."""
        check_no_kwargs(self, kwargs)
        pos = np.asarray(pos if pos is not None else np.zeros((0, 4)), dtype=np.float64)
        if pos.ndim == 1 and pos.shape == (4,):
            pos = pos[np.newaxis]
        if pos.ndim != 2 or pos.shape[1] != 4:
            raise ValueError(f"LineVisual: `pos` must have shape (n, 4), got {pos.shape}.")
        n = len(pos)
        bounds = as_bounds(self, data_bounds, n)
        if isinstance(bounds, np.ndarray) and bounds.ndim == 2:
            bounds = np.repeat(bounds, 2, axis=0)
        pos = self.transform_positions(pos.reshape(-1, 2), bounds).reshape(-1, 4)
        return Bunch(pos=pos, color=as_colors(self, color, n), data_bounds=NDC)

    def vertex_count(self, pos=None, **kwargs):
        """Number of vertices for the requested data."""
        return 2 * len(np.atleast_2d(pos)) if pos is not None else 0

    def vertex_counts(self, data):
        """Two vertices per segment."""
        return np.full(len(data.pos), 2, dtype=np.int64)

    def _program_data(self, data):
        return {
            "a_position": data.pos.reshape(-1, 2),
            "a_color": np.repeat(data.color, 2, axis=0),
        }


class PolygonVisual(BaseVisual):
    """Polygon outlines (closed line loops), all drawn in one call.

    Constructor
    -----------
    color : 4-tuple
        The color of the outlines.

    Parameters
    ----------
    pos : array-like (2D)
        The polygon vertices, shape ``(n, 2)``.
    data_bounds : array-like (2D, shape[1] == 4)
    poly_sizes : array-like (1D)
        Number of vertices of each polygon concatenated in `pos` (one polygon by default).

    """

    def __init__(self, color=None):
        super().__init__()
        self.color = tuple(as_colors(self, color, 1, default=(1.0, 1.0, 1.0, 0.75))[0])
        self.set_shader("polygon")
        self.set_primitive_type("line_loop")

    def validate(self, pos=None, data_bounds=None, poly_sizes=None, **kwargs):
        """Validate the requested data before passing it to set_data()."""
        check_no_kwargs(self, kwargs)
        pos = as_positions(self, pos=pos if pos is not None else np.zeros((0, 2)))
        sizes = np.asarray([len(pos)] if poly_sizes is None else poly_sizes, dtype=np.int64)
        if sizes.sum() != len(pos):
            raise ValueError(
                f"PolygonVisual: `poly_sizes` must add up to the number of vertices "
                f"({len(pos)}), got {sizes.sum()}.")
        pos = self.transform_positions(pos, as_bounds(self, data_bounds, len(pos)))
        return Bunch(pos=pos, poly_sizes=sizes, data_bounds=NDC)

    def vertex_count(self, pos=None, **kwargs):
        """Number of vertices for the requested data."""
        return len(pos) if pos is not None else 0

    def vertex_counts(self, data):
        """Number of vertices of each polygon."""
        return np.asarray(data.poly_sizes, dtype=np.int64)

    def _program_data(self, data):
        sizes = data.poly_sizes
        self.draw_ranges = (np.cumsum(sizes) - sizes, sizes)
        return {"a_position": data.pos, "u_color": self.color}
