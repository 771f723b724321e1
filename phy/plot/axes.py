"""Axes: grid lines and tick labels at nice values that follow pan and zoom.

:class:`AxisLocator` computes tick values (1, 2, 2.5 or 5 times a power of ten) in the visible
data range; :class:`Axes` draws the grid lines and labels in window coordinates, recomputed on
the CPU at each ``pan_zoom`` bus event of the canvas (:data:`phy.utils.bus_events.PAN_ZOOM`).
"""

import math

import numpy as np

from phy.utils import bus_events as ev
from phy.utils.event import connect

from .transform import NDC, Range
from .visuals import TextVisual, ThickLineVisual
from .visuals.text import font_pixel_size, glyph_atlas
from .visuals.thick_line import snap_to_pixels

_NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
#: Width of the grid lines, in logical pixels.
GRID_WIDTH = 1.0


def nice_step(span, n_bins):
    """The nice step (1, 2, 2.5 or 5 times a power of ten) giving about `n_bins` bins."""
    raw = abs(span) / max(n_bins, 1)
    if not np.isfinite(raw) or raw <= 0:
        return 1.0
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in _NICE_STEPS if m * magnitude >= raw * (1 - 1e-9))


def nice_ticks(vmin, vmax, n_bins):
    """Tick values at multiples of a nice step within [vmin, vmax]."""
    step = nice_step(vmax - vmin, n_bins)
    first = math.ceil(vmin / step - 1e-9)
    last = math.floor(vmax / step + 1e-9)
    ticks = np.arange(first, last + 1) * step
    ticks[np.abs(ticks) < step * 1e-9] = 0.0
    return ticks, step


def format_ticks(ticks, step):
    """Tick labels with just enough decimals for the step."""
    ticks = np.asarray(ticks, dtype=np.float64)
    if len(ticks) and (np.abs(ticks).max() >= 1e6 or step < 1e-4):
        return [f"{t:.3g}" for t in ticks]
    exponent = math.floor(math.log10(step))
    decimals = max(0, -exponent + (1 if round(step / 10 ** exponent, 6) == 2.5 else 0))
    return [f"{t:.{decimals}f}" for t in ticks]


class AxisLocator:
    """Determine the location of ticks in a view.

    Parameters
    ----------
    nbinsx : int
        Number of ticks on the x axis (approximately).
    nbinsy : int
        Number of ticks on the y axis (approximately).
    data_bounds : 4-tuple
        Initial coordinates of the viewport, as (xmin, ymin, xmax, ymax), in data coordinates.
        These are the data coordinates of the lower left and upper right points of the window.

    """

    def __init__(self, nbinsx=8, nbinsy=6, data_bounds=None):
        self.data_bounds = tuple(data_bounds if data_bounds is not None else NDC)
        self.nbinsx, self.nbinsy = nbinsx, nbinsy
        self.set_view_bounds(NDC)

    def set_nbins(self, nbinsx=None, nbinsy=None):
        """Change the number of bins on the x and y axes."""
        self.nbinsx = nbinsx or self.nbinsx
        self.nbinsy = nbinsy or self.nbinsy
        self.set_view_bounds(self.view_bounds)

    def set_view_bounds(self, view_bounds=None):
        """Set the view bounds in normalized device coordinates (when panning and zooming).

        Updates ``xticks``, ``yticks`` (in data coordinates) and ``xtext``, ``ytext``.
        """
        self.view_bounds = tuple(view_bounds if view_bounds is not None else NDC)
        x0, y0, x1, y1 = self.view_bounds
        (dx0, dy0), (dx1, dy1) = Range(NDC, self.data_bounds).apply([[x0, y0], [x1, y1]])
        self.xticks, xstep = nice_ticks(min(dx0, dx1), max(dx0, dx1), self.nbinsx)
        self.yticks, ystep = nice_ticks(min(dy0, dy1), max(dy0, dy1), self.nbinsy)
        self.xtext = format_ticks(self.xticks, xstep)
        self.ytext = format_ticks(self.yticks, ystep)


class Axes:
    """Dynamic axes that move along the camera when panning and zooming.

    Parameters
    ----------
    data_bounds : 4-tuple
        The data coordinates of the initial viewport (when there is no panning and zooming).
    color : 4-tuple
        Color of the grid.
    show_x : boolean
        Whether to show the vertical grid lines (and the x tick labels).
    show_y : boolean
        Whether to show the horizontal grid lines (and the y tick labels).

    """

    def __init__(self, data_bounds=None, color=None, show_x=True, show_y=True):
        self.data_bounds = tuple(data_bounds if data_bounds is not None else NDC)
        self.color = tuple(color or (1.0, 1.0, 1.0, 0.25))
        self.show_x, self.show_y = show_x, show_y
        self.locator = AxisLocator(data_bounds=self.data_bounds)
        self.canvas = None
        self.grid_visual = self.text_visual = None

    def attach(self, canvas):
        """Add the axes to a canvas.

        Add the grid (antialiased lines, one logical pixel wide, on pixel centres so that they
        stay crisp) and text visuals to the canvas (outside of all interacts: their positions
        are computed in window coordinates), and follow the pan and zoom events of the canvas
        (``pan_zoom`` on the bus, sent by the canvas). The grid is drawn under the data, the
        labels over it (an overlay of the canvas, whatever visuals a view adds later).
        """
        self.canvas = canvas
        self.grid_visual = ThickLineVisual(width=GRID_WIDTH)
        self.text_visual = TextVisual(color=(1.0, 1.0, 1.0, 0.75))
        for visual, overlay in ((self.grid_visual, False), (self.text_visual, True)):
            canvas.add_visual(visual, clearable=False, exclude_origins="all", overlay=overlay)
        canvas.attach_events(self)
        connect(self._on_pan_zoom, event=ev.PAN_ZOOM, sender=canvas)
        self.update_visuals()

    def reset_data_bounds(self, data_bounds, do_update=True):
        """Reset the bounds of the view in data coordinates (when the view is recreated)."""
        self.data_bounds = tuple(data_bounds)
        self.locator.data_bounds = self.data_bounds
        if do_update:
            self.update_visuals()

    def _to_window(self, x, y):
        """Window NDC of data positions."""
        pos = Range(self.data_bounds, NDC).apply(np.column_stack([x, y]))
        panzoom = self.canvas.panzoom if self.canvas is not None else None
        return panzoom.map(pos) if panzoom is not None else pos

    def _glyph_size_ndc(self):
        """Size of a character of the labels, in NDC of the canvas."""
        ratio = self.canvas.pixel_ratio
        w, h = glyph_atlas(font_pixel_size(self.text_visual.font_size, ratio)).glyph_size
        width, height = self.canvas.get_size()
        return 2.0 * w / ratio / max(width, 1), 2.0 * h / ratio / max(height, 1)

    def update_visuals(self):
        """Update the grid and text visuals after updating the axis locator."""
        panzoom = self.canvas.panzoom
        self.locator.set_view_bounds(panzoom.get_range() if panzoom is not None else NDC)
        loc = self.locator
        x = self._to_window(loc.xticks, np.zeros(len(loc.xticks)))[:, 0] if self.show_x else []
        y = self._to_window(np.zeros(len(loc.yticks)), loc.yticks)[:, 1] if self.show_y else []
        nx, ny = len(x), len(y)
        ratio = self.canvas.pixel_ratio
        width, height = self.canvas.get_size()
        line_width = GRID_WIDTH * ratio
        gx = snap_to_pixels(x, width * ratio, line_width)
        gy = snap_to_pixels(y, height * ratio, line_width)
        segments = np.vstack([
            np.column_stack([gx, -np.ones(nx), gx, np.ones(nx)]),
            np.column_stack([-np.ones(ny), gy, np.ones(ny), gy])]).reshape(-1, 2)
        self.grid_visual.set_data(
            pos=segments, plot_sizes=np.full(nx + ny, 2), color=self.color)
        # Labels: x just above the bottom edge, y just right of the left edge; those that would
        # be cut by the window edges or overlap the x labels are left out.
        cw, ch = self._glyph_size_ndc()
        xtext = np.array(loc.xtext if self.show_x else [], dtype=object)
        ytext = np.array(loc.ytext if self.show_y else [], dtype=object)
        xwidth = np.array([len(t) * cw for t in xtext])
        keep_x = np.abs(np.asarray(x)) + xwidth / 2 <= 1
        bottom = -1 + 1.4 * ch if self.show_x else -1
        keep_y = (np.asarray(y) + ch / 2 <= 1) & (np.asarray(y) - ch / 2 >= bottom)
        positions = np.vstack([
            np.column_stack([np.asarray(x)[keep_x], -np.ones(keep_x.sum())]),
            np.column_stack([-np.ones(keep_y.sum()), np.asarray(y)[keep_y]])]).reshape(-1, 2)
        texts = list(xtext[keep_x]) + list(ytext[keep_y])
        anchors = np.array(
            [(0.0, 1.2)] * int(keep_x.sum()) + [(1.1, 0.0)] * int(keep_y.sum()),
            dtype=np.float32).reshape(-1, 2)
        self.text_visual.set_data(pos=positions, text=texts, anchor=anchors)

    def _on_pan_zoom(self, sender, pan, zoom):
        """Follow pan and zoom."""
        self.update_visuals()

    def on_resize(self, e):
        """Follow the window size (the visible range may change with an aspect ratio)."""
        self.update_visuals()
