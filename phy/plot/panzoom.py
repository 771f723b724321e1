"""Pan and zoom: a GPU transform ``(position + pan) * zoom`` driven by the mouse and keyboard.

Interactivity:

* keyboard arrows to pan, ``+`` and ``-`` to zoom, ``R`` to reset;
* left button drag to pan, right button drag to zoom (around the press position);
* mouse wheel or touchpad pinch to zoom (around the mouse position);
* double-click to reset.

With an ``aspect`` (width / height), the zoom is corrected for the window's shape so that data
units have that aspect on screen. Constraints (``xmin``... or ``constrain_bounds``) keep the
visible range within bounds (in the coordinates before pan/zoom), and ``zmin``/``zmax`` bound
the zoom level.

Like the :class:`~phy.plot.lasso.Lasso`, the pan/zoom receives its input through the canvas'
``on_<event>`` methods (:meth:`BaseCanvas.attach_events`) and tells the outside on phy's event
bus: after each change it emits ``pan_zoom(canvas, pan, zoom)``
(:data:`phy.utils.bus_events.PAN_ZOOM`), which :class:`~phy.plot.axes.Axes` follows.

Precision at deep zoom: the pan is a float64 on the CPU and reaches the GPU split in two
float32 uniforms, ``u_pan`` (the pan rounded to float32) and ``u_pan_lo`` (the rest), added as
``(position + u_pan) + u_pan_lo``. A position close to the view centre is then translated
exactly (the first sum cancels without rounding), so a zoom of a million keeps positions in
place to a fraction of a pixel instead of jumping by float32 steps.
"""

import numpy as np

from phy.utils import bus_events as ev
from phy.utils.event import emit

from .transform import Scale, Translate, _positions
from .visuals.utils import split_high_low

#: Pan step of the arrow keys, in NDC.
KEY_PAN_STEP = 0.1
#: Zoom coefficient: :meth:`PanZoom.zoom_delta` multiplies the zoom by ``exp(1.5 * c * d)``.
ZOOM_COEFF = 1.5
#: Zoom step of the + and - keys (`d` of :meth:`PanZoom.zoom_delta`).
KEY_ZOOM_STEP = 0.15
#: Zoom per wheel notch (`d` of :meth:`PanZoom.zoom_delta`).
WHEEL_ZOOM_STEP = 0.075
#: Zoom per NDC unit of right-button drag (`c` of :meth:`PanZoom.zoom_delta`).
DRAG_ZOOM_COEFF = 4.0 / 3.0


class PanZoom:
    """Pan and zoom interact. Support mouse and keyboard interactivity.

    Parameters
    ----------
    aspect : float
        Aspect ratio (width / height) to keep while panning and zooming (None: free).
    pan : 2-tuple
        Initial pan.
    zoom : 2-tuple
        Initial zoom.
    zmin : float
        Minimum zoom allowed.
    zmax : float
        Maximum zoom allowed.
    xmin, xmax, ymin, ymax : float
        Range allowed for the visible area (None: unbounded).
    constrain_bounds : 4-tuple
        Equivalent to (xmin, ymin, xmax, ymax).
    pan_var_name : str
        Name of the pan GLSL variable name.
    zoom_var_name : str
        Name of the zoom GLSL variable name.
    enable_mouse_wheel : boolean
        Whether to enable the mouse wheel for zooming.

    Attributes
    ----------
    xmin, xmax, ymin, ymax : float or None
        The range allowed for the visible area, in data coordinates (None: unbounded).
    zmin, zmax : float
        The minimum and maximum zoom allowed.

    Example
    -------
    ::

        pz = PanZoom()
        pz.attach(canvas)
        canvas.add_visual(visual)

    """

    def __init__(
            self, aspect=None, pan=(0.0, 0.0), zoom=(1.0, 1.0), zmin=1e-5, zmax=1e5,
            xmin=None, xmax=None, ymin=None, ymax=None, constrain_bounds=None,
            pan_var_name="u_pan", zoom_var_name="u_zoom", enable_mouse_wheel=True):
        if constrain_bounds is not None:
            xmin, ymin, xmax, ymax = constrain_bounds
        self.xmin, self.xmax, self.ymin, self.ymax = xmin, xmax, ymin, ymax
        self.zmin, self.zmax = zmin, zmax
        self._aspect = aspect
        self.pan_var_name = pan_var_name
        self.zoom_var_name = zoom_var_name
        self.enable_mouse_wheel = enable_mouse_wheel
        self.canvas = None
        self._default_pan = np.asarray(pan, dtype=np.float64).copy()
        self._default_zoom = np.broadcast_to(np.asarray(zoom, dtype=np.float64), (2,)).copy()
        self._pan = self._default_pan.copy()
        self._zoom = self._default_zoom.copy()
        self._translate = Translate(gpu_var=pan_var_name, lo_gpu_var=f"{pan_var_name}_lo")
        self._scale = Scale(gpu_var=zoom_var_name)
        self._constrain()

    # Properties
    # ---------------------------------------------------------------------------------------------

    @property
    def pan(self):
        """Pan translation, a list ``[x, y]``."""
        return [float(v) for v in self._pan]

    @pan.setter
    def pan(self, value):
        self.set_pan_zoom(pan=value)

    @property
    def zoom(self):
        """Zoom level, a list ``[x, y]``."""
        return [float(v) for v in self._zoom]

    @zoom.setter
    def zoom(self, value):
        self.set_pan_zoom(zoom=value)

    @property
    def aspect(self):
        """Aspect (width/height) kept on screen, or None."""
        return self._aspect

    @aspect.setter
    def aspect(self, value):
        self._aspect = value
        self.update()

    @property
    def size(self):
        """Window size of the canvas (1x1 before the pan/zoom is attached to one)."""
        return self.canvas.get_size() if self.canvas is not None else (1, 1)

    def _aspect_correction(self):
        """Zoom factors making data units keep the aspect ratio on screen."""
        if self._aspect is None:
            return np.ones(2)
        w, h = self.size
        window_aspect = w / max(h, 1)
        if window_aspect > self._aspect:
            return np.array([self._aspect / window_aspect, 1.0])
        return np.array([1.0, window_aspect / self._aspect])

    @property
    def _effective_zoom(self):
        return self._zoom * self._aspect_correction()

    def set_constrain_bounds(self, bounds):
        """Set the (xmin, ymin, xmax, ymax) constraints of the visible range."""
        self.xmin, self.ymin, self.xmax, self.ymax = bounds
        self._constrain()
        self.update()

    # Transforms
    # ---------------------------------------------------------------------------------------------

    def map(self, arr):
        """Apply the current panzoom transformation to a position array."""
        return (_positions(arr) + self._pan) * self._effective_zoom

    def imap(self, arr):
        """Apply the current panzoom inverse transformation to a position array."""
        return _positions(arr) / self._effective_zoom - self._pan

    def get_range(self):
        """Return the bounds (xmin, ymin, xmax, ymax) currently visible."""
        (x0, y0), (x1, y1) = self.imap([[-1.0, -1.0], [1.0, 1.0]])
        return (x0, y0, x1, y1)

    def _pos_to_ndc(self, pos):
        """Window NDC of a position in pixels (from the top left) in a window of `size`."""
        w, h = self.size
        x, y = np.asarray(pos, dtype=np.float64)
        return np.array([2.0 * x / max(w, 1) - 1.0, 1.0 - 2.0 * y / max(h, 1)])

    def window_to_ndc(self, pos):
        """Return the mouse coordinates in NDC, taking panzoom into account.

        Before the pan/zoom is attached to a canvas, the window is 1x1 pixel.
        """
        return self.imap(self._pos_to_ndc(pos))[0]

    # Changing pan and zoom
    # ---------------------------------------------------------------------------------------------

    def _constrain(self):
        self._zoom = np.clip(self._zoom, self.zmin, self.zmax)
        lows, highs = (self.xmin, self.ymin), (self.xmax, self.ymax)
        for axis in range(2):
            low, high = lows[axis], highs[axis]
            if low is not None and high is not None:  # Cannot zoom out beyond the bounds.
                min_zoom = 2.0 / (high - low) / self._aspect_correction()[axis]
                self._zoom[axis] = max(self._zoom[axis], min_zoom)
        half = 1.0 / self._effective_zoom
        for axis in range(2):
            low, high = lows[axis], highs[axis]
            # Visible range: [-half - pan, half - pan] within [low, high].
            pan = self._pan[axis]
            if high is not None:
                pan = max(pan, half[axis] - high)
            if low is not None:
                pan = min(pan, -half[axis] - low)
            self._pan[axis] = pan

    def set_pan_zoom(self, pan=None, zoom=None):
        """Set at once the pan and zoom."""
        if pan is not None:
            self._pan = np.asarray(pan, dtype=np.float64).copy()
        if zoom is not None:
            self._zoom = np.broadcast_to(np.asarray(zoom, dtype=np.float64), (2,)).copy()
        self._constrain()
        self.update()

    def pan_delta(self, d):
        """Pan the view by a given amount, in NDC of the window."""
        self.set_pan_zoom(pan=self._pan + np.asarray(d, dtype=np.float64) / self._effective_zoom)

    def zoom_delta(self, d, p=(0.0, 0.0), c=1.0):
        """Zoom the view by a given amount.

        The zoom of each axis is multiplied by ``exp(1.5 * c * d)`` (`d` a scalar or
        ``(dx, dy)``), keeping the point `p` (in window NDC) fixed on the screen. With an
        `aspect`, both axes are zoomed by one common factor, that of the larger of ``|dx|`` and
        ``|dy|``, so that the aspect is kept.
        """
        p = np.asarray(p, dtype=np.float64)
        d = np.broadcast_to(np.asarray(d, dtype=np.float64), (2,))
        if self._aspect is not None:
            d = np.full(2, d[np.argmax(np.abs(d))])
        old = self._effective_zoom
        self._zoom = np.clip(self._zoom * np.exp(ZOOM_COEFF * c * d), self.zmin, self.zmax)
        self.set_pan_zoom(pan=self._pan + p / self._effective_zoom - p / old)

    def set_range(self, bounds, keep_aspect=False):
        """Zoom to fit a box (xmin, ymin, xmax, ymax)."""
        x0, y0, x1, y1 = bounds
        size = np.array([x1 - x0, y1 - y0], dtype=np.float64)
        size = np.where(size > 0, size, 1.0)
        zoom = 2.0 / size / self._aspect_correction()
        if keep_aspect:
            zoom = np.full(2, zoom.min())
        self.set_pan_zoom(pan=(-0.5 * (x0 + x1), -0.5 * (y0 + y1)), zoom=zoom)

    def reset(self):
        """Reset the view."""
        self.set_pan_zoom(pan=self._default_pan, zoom=self._default_zoom)

    # Canvas
    # ---------------------------------------------------------------------------------------------

    def attach(self, canvas):
        """Attach this interact to a canvas (its transforms go before the layout's)."""
        self.canvas = canvas
        canvas.panzoom = self
        canvas.gpu_transforms.add([self._translate, self._scale], origin=self, index=0)
        canvas.inserter.insert_vert(
            f"uniform vec2 {self.pan_var_name};\nuniform vec2 {self._translate.lo_gpu_var};\n"
            f"uniform vec2 {self.zoom_var_name};", "header", origin=self)
        canvas.add_interact(self)
        self.update()

    def update_visual(self, visual):
        """Update a visual with the current pan and zoom values.

        The uniforms that the visual's program does not declare (e.g. a visual whose vertex
        shader has no transform hook) are skipped.
        """
        pan, pan_lo = split_high_low(self._pan)
        visual.program.set_declared({
            self.pan_var_name: pan, self._translate.lo_gpu_var: pan_lo,
            self.zoom_var_name: self._effective_zoom})

    def update(self):
        """Update all visuals in the attached canvas, and emit ``pan_zoom`` on the bus."""
        self._translate.amount = self._pan.copy()
        self._scale.amount = self._effective_zoom
        if self.canvas is None:
            return
        for visual in self.canvas.visuals_of(self):
            self.update_visual(visual)
        emit(ev.PAN_ZOOM, self.canvas, self.pan, self.zoom)
        self.canvas.update()

    # Events
    # ---------------------------------------------------------------------------------------------

    def _ndc_delta(self, pos, last_pos):
        w, h = self.size
        return np.array([2.0 * (pos[0] - last_pos[0]) / max(w, 1),
                         -2.0 * (pos[1] - last_pos[1]) / max(h, 1)])

    def on_mouse_move(self, e):
        """Pan with a left drag, zoom with a right drag (no modifier key)."""
        if e.modifiers or e.press_pos is None:
            return
        d = self._ndc_delta(e.pos, e.last_pos)
        if e.button == "Left":
            self.pan_delta(d)
        elif e.button == "Right":
            self.zoom_delta(d, p=self._pos_to_ndc(e.press_pos), c=DRAG_ZOOM_COEFF)

    def on_mouse_wheel(self, e):
        """Zoom with the mouse wheel, around the mouse position."""
        if not self.enable_mouse_wheel or e.modifiers:
            return
        self.zoom_delta(WHEEL_ZOOM_STEP * e.delta[1], p=self._pos_to_ndc(e.pos))

    def on_pinch(self, e):
        """Zoom with a touchpad pinch gesture, around its position."""
        self.zoom_delta(np.log1p(e.scale) / ZOOM_COEFF, p=self._pos_to_ndc(e.pos))

    def on_mouse_double_click(self, e):
        """Reset the view by double clicking anywhere in the canvas."""
        self.reset()

    def on_key_press(self, e):
        """Pan and zoom with the keyboard: arrows, + and -, R to reset."""
        if e.modifiers:
            return
        steps = {"Left": (-1, 0), "Right": (1, 0), "Up": (0, 1), "Down": (0, -1)}
        if e.key in steps:
            # The arrow moves the view (the camera), so the content goes the other way.
            self.pan_delta(-KEY_PAN_STEP * np.array(steps[e.key], dtype=np.float64))
        elif e.key in ("+", "="):
            self.zoom_delta(KEY_ZOOM_STEP)
        elif e.key == "-":
            self.zoom_delta(-KEY_ZOOM_STEP)
        elif e.key == "R":
            self.reset()

    def on_resize(self, e):
        """Resize event: update the aspect correction."""
        self._constrain()
        self.update()
