"""Lasso: draw a polygon with the mouse (Control + click) and find the points inside it.

The polygon is in the coordinates of the data in its box (NDC before pan/zoom and layout), so
:meth:`Lasso.in_polygon` takes positions in the same normalized coordinates as the visuals.
With a layout, the polygon belongs to the box of its first point. Control + left click adds a
point, Control + right click (or Escape) clears the polygon.

Like the :class:`~phy.plot.panzoom.PanZoom`, the lasso receives its input through the canvas'
``on_<event>`` methods (:meth:`BaseCanvas.attach_events`) and tells the outside on phy's event
bus: every change emits ``lasso_updated(canvas, polygon)``
(:data:`phy.utils.bus_events.LASSO_UPDATED`).
"""

import numpy as np

from phy.utils import bus_events as ev
from phy.utils.event import emit

from .transform import _positions
from .visuals import PolygonVisual


def points_in_polygon(points, polygon):
    """Return a boolean mask of the points inside a polygon (even-odd rule).

    Vectorized over the points; loops over the polygon edges.
    """
    points = _positions(points)
    polygon = _positions(polygon)
    x, y = points[:, 0], points[:, 1]
    inside = np.zeros(len(points), dtype=bool)
    if len(polygon) < 3:
        return inside
    for (x0, y0), (x1, y1) in zip(polygon, np.roll(polygon, -1, axis=0)):
        crosses = (y0 > y) != (y1 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_cross = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (x < x_cross)
    return inside


class Lasso:
    """Draw a polygon with the mouse and find the points that belong to the inside of the polygon.

    Attributes
    ----------
    box : int or tuple
        The box of the polygon in the canvas' layout (None without layout or polygon).

    """

    def __init__(self):
        self._points = []
        self.box = None
        self.canvas = None
        self.visual = None

    @property
    def polygon(self):
        """Coordinates of the polygon vertices, ``(n, 2)``."""
        return np.array(self._points, dtype=np.float64).reshape(-1, 2)

    @property
    def count(self):
        """Number of vertices in the polygon."""
        return len(self._points)

    def add(self, pos):
        """Add a point (in the polygon's coordinates) to the polygon."""
        x, y = np.asarray(pos, dtype=np.float64).ravel()[:2]
        self._points.append((x, y))
        self.update_lasso_visual()

    def clear(self):
        """Reset the lasso."""
        self._points = []
        self.box = None
        self.update_lasso_visual()

    def in_polygon(self, pos):
        """Return which points (``(n, 2)``, same coordinates as the polygon) are inside."""
        return points_in_polygon(pos, self.polygon)

    def attach(self, canvas):
        """Attach the lasso to a canvas."""
        self.canvas = canvas
        canvas.attach_events(self)
        self.create_lasso_visual()

    def create_lasso_visual(self):
        """Create the lasso visual."""
        self.visual = PolygonVisual(color=(1.0, 1.0, 1.0, 0.75))
        self.canvas.add_visual(self.visual, clearable=False)

    def update_lasso_visual(self):
        """Update the lasso visual with the current polygon."""
        if self.visual is not None and self.visual.canvas is not None:
            box_index = self.box if self.box is not None and self.count else None
            self.visual.set_data(pos=self.polygon, box_index=box_index)
        if self.canvas is not None:
            emit(ev.LASSO_UPDATED, self.canvas, self.polygon)

    def _to_polygon_coords(self, mouse_pos):
        """Box and polygon coordinates of a mouse position."""
        canvas = self.canvas
        box, ndc = None, canvas.pos_to_ndc(mouse_pos)
        if canvas.layout is not None:
            box = canvas.layout.box_map(mouse_pos)[0] if self.box is None else self.box
            ndc = canvas.layout.imap(ndc, box=box)[0]
        if canvas.panzoom is not None:
            ndc = canvas.panzoom.imap(ndc)[0]
        return box, ndc

    def on_mouse_click(self, e):
        """Add a polygon point with Control + left click; clear with Control + right click."""
        if "Control" not in e.modifiers:
            return
        if e.button == "Left":
            self.box, pos = self._to_polygon_coords(e.pos)
            self.add(pos)
        elif e.button == "Right":
            self.clear()

    def on_key_press(self, e):
        """Clear the polygon with Escape."""
        if e.key == "Escape" and self.count:
            self.clear()
