"""The OpenGL canvas: a ``QOpenGLWindow`` drawing visuals, with mouse and keyboard events.

A canvas holds visuals and *interacts* (layouts, pan/zoom). An interact adds GPU transforms
(``canvas.gpu_transforms``) and GLSL snippets (``canvas.inserter``) that the canvas inserts
into the shaders of each visual when the visual is added, then registers itself with
:meth:`BaseCanvas.add_interact` (which rebuilds the visuals already there) and receives the
canvas' internal events through its ``on_<event>(e)`` methods (:meth:`BaseCanvas.attach_events`).

Internal events, emitted with :meth:`BaseCanvas.emit` as a Bunch ``e``:

* ``mouse_press``, ``mouse_release``, ``mouse_click`` (a release close to the press),
  ``mouse_double_click``, ``mouse_move``: ``e.pos`` (x, y in pixels from the top left),
  ``e.button`` ('Left', 'Right', 'Middle' or None), ``e.buttons``, ``e.modifiers`` (tuple of
  'Shift', 'Control', 'Alt', 'Meta'); moves also have ``e.last_pos`` and ``e.press_pos``;
* ``mouse_wheel``: ``e.pos``, ``e.delta`` ((dx, dy) in wheel notches, dy > 0 away from the user),
  ``e.modifiers``;
* ``pinch``: ``e.pos``, ``e.scale`` (relative change of scale), from a touchpad zoom gesture;
* ``key_press``, ``key_release``: ``e.key`` ('Left', '+', 'R', 'Escape'...), ``e.modifiers``,
  ``e.text``;
* ``resize``: ``e.width``, ``e.height``;
* ``visual_set_data``: ``e.visual``, after a visual's ``set_data()``.

The Qt event handlers that emit the internal events are in :mod:`phy.plot.canvas_events`.

In the phy GUI, a canvas is shown in a dock through ``QWidget.createWindowContainer(canvas)``.

A canvas requests its own OpenGL 3.3 core-profile format, so it works in any ``QApplication``
(made by :func:`phy.gui.create_app`, pytest-qt, IPython's ``%gui qt`` or a plugin). No exception
escapes its Qt overrides (``initializeGL``, ``paintGL``, the event handlers): an error is logged
at ERROR (drawing errors with the shader sources and their line numbers), given to the
application's exception hook (:func:`phy.gui.qt.report_exception`; pytest-qt's fails the test)
and shown over the canvas. :meth:`BaseCanvas.read_pixels` raises drawing errors to its caller.
A visual that failed to draw is skipped until it is rebuilt.
"""

import logging
import threading
from collections import deque

import numpy as np

from phy.gui.qt import (
    GL_VERSION,
    QColor,
    QFont,
    QImage,
    QMetaObject,
    QOpenGLWindow,
    QPainter,
    QRect,
    Qt,
    report_exception,
    surface_format,
)
from phy.utils import Bunch, unconnect

from .canvas_events import CanvasEventsMixin, qt_guarded
from .gloo import FrameBuffer, Program, ShaderError, gl_info, numbered_source
from .gloo.gl import (
    GL_BLEND,
    GL_COLOR_BUFFER_BIT,
    GL_DEPTH_BUFFER_BIT,
    GL_DEPTH_TEST,
    GL_FRAMEBUFFER,
    GL_LEQUAL,
    GL_ONE,
    GL_ONE_MINUS_SRC_ALPHA,
    GL_PROGRAM_POINT_SIZE,
    GL_SRC_ALPHA,
    glBindFramebuffer,
    glBlendFuncSeparate,
    glClear,
    glClearColor,
    glDepthFunc,
    glEnable,
    glViewport,
)
from .inserter import GLSLInserter, transform_hooks
from .transform import TransformChain

logger = logging.getLogger(__name__)

#: Size of a new canvas, before it is shown or laid out.
DEFAULT_SIZE = (800, 600)


class BaseCanvas(CanvasEventsMixin, QOpenGLWindow):
    """Base canvas class, deriving from ``QOpenGLWindow``.

    The canvas is an OpenGL-powered rectangular window where one adds visuals and attaches
    interaction (pan/zoom, lasso) and layout (subplot) companion objects.

    Attributes
    ----------
    visuals : list
        One Bunch per visual: ``visual``, ``clearable``, ``exclude_origins``, ``key``,
        ``overlay``.
    interacts : list
        The attached interacts (layouts, pan/zoom) whose transforms visuals get.
    gpu_transforms : TransformChain
        The GPU transforms of the interacts, with their origins.
    inserter : GLSLInserter
        The GLSL snippets of the interacts, and the GPU transforms.
    panzoom : PanZoom
        The pan/zoom interact, if any (set by ``PanZoom.attach``).
    layout : BaseLayout
        The layout, if any (set by ``BaseLayout.attach``).
    background_color : 4-tuple
    error_message : str
        The message of the last drawing error, shown over the canvas (None if none).

    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each canvas asks for its OpenGL 3.3 core context itself, whoever made the application.
        self.setFormat(surface_format())
        self.resize(*DEFAULT_SIZE)
        self.visuals = []
        self.interacts = []
        self.gpu_transforms = TransformChain()
        self.inserter = GLSLInserter()
        self.inserter.add_gpu_transforms(self.gpu_transforms)
        self.panzoom = None
        self.layout = None
        self.background_color = (0.0, 0.0, 0.0, 1.0)
        self.error_message = None
        self._attached = []
        self._next_paint = []
        self._update_queue = deque()
        self._lazy = False
        self._painting = False
        self._fbo = None
        self._gl_error = None
        self._pixel_ratio = None
        self._press_pos = None
        self._last_pos = None

    # Size
    # ---------------------------------------------------------------------------------------------

    def get_size(self):
        """Return the window size in (logical) pixels."""
        return self.width(), self.height()

    @property
    def pixel_ratio(self):
        """Device pixel ratio: physical pixels per logical pixel (2 on most HiDPI screens)."""
        return float(self.devicePixelRatio())

    def framebuffer_size(self):
        """Size of the framebuffer in physical pixels."""
        r = self.pixel_ratio
        return max(1, round(self.width() * r)), max(1, round(self.height() * r))

    def pos_to_ndc(self, pos):
        """Convert a position in pixels into normalized device coordinates (no pan/zoom)."""
        w, h = self.get_size()
        x, y = np.asarray(pos, dtype=np.float64)
        return np.array([2.0 * x / max(w, 1) - 1.0, 1.0 - 2.0 * y / max(h, 1)])

    def window_to_ndc(self, mouse_pos):
        """Convert a mouse position in pixels into NDC, taking pan and zoom into account."""
        ndc = self.pos_to_ndc(mouse_pos)
        return self.panzoom.imap(ndc)[0] if self.panzoom is not None else ndc

    # Events
    # ---------------------------------------------------------------------------------------------

    def attach_events(self, obj):
        """Attach an object whose ``on_<event>(e)`` methods receive the internal events."""
        if not any(obj is o for o in self._attached):
            self._attached.append(obj)

    def detach_events(self, obj):
        """Stop sending the internal events to an object."""
        self._attached = [o for o in self._attached if o is not obj]

    def emit(self, name, **kwargs):
        """Raise an internal event and call ``on_<name>(e)`` on attached objects."""
        e = Bunch(type=name, **kwargs)
        for obj in list(self._attached):
            f = getattr(obj, f"on_{name}", None)
            if f is not None:
                f(e)
        return e

    @qt_guarded
    def resizeEvent(self, e):
        """Emit a resize(width, height) event when resizing the window."""
        super().resizeEvent(e)
        width, height = e.size().width(), e.size().height()
        for entry in self.visuals:
            entry.visual.on_resize(width, height)
        self.emit("resize", width=width, height=height)

    # Interacts
    # ---------------------------------------------------------------------------------------------

    def add_interact(self, interact):
        """Register an interact (after it added its transforms and snippets to the canvas).

        The programs of the visuals already added are rebuilt with the new transforms, and the
        interact receives the internal events.
        """
        if not any(interact is i for i in self.interacts):
            self.interacts.append(interact)
        self.attach_events(interact)
        for entry in self.visuals:
            self.build_program(entry.visual)

    def remove_interact(self, interact):
        """Remove an interact, its transforms and its snippets, and rebuild the visuals."""
        self.interacts = [i for i in self.interacts if i is not interact]
        self.detach_events(interact)
        self.gpu_transforms.remove(interact)
        self.inserter.remove(interact)
        for entry in self.visuals:
            self.build_program(entry.visual)

    def _excluded(self, entry):
        """The interacts excluded by a visual entry (all of them without a transform hook)."""
        if entry.exclude_origins == "all" or not entry.has_transform_hook:
            return tuple(self.interacts)
        return entry.exclude_origins

    def _interacts_of(self, visual):
        excluded = self._excluded(self._entry(visual))
        return [i for i in self.interacts if not any(i is o for o in excluded)]

    def visuals_of(self, interact):
        """The visuals that an interact applies to (those not excluding it)."""
        return [
            e.visual for e in self.visuals
            if not any(interact is o for o in self._excluded(e))]

    # Visuals
    # ---------------------------------------------------------------------------------------------

    def _entry(self, visual):
        for entry in self.visuals:
            if entry.visual is visual:
                return entry
        raise ValueError(f"{visual} is not in this canvas.")

    def has_visual(self, visual):
        """Return whether a visual belongs to the canvas."""
        return any(e.visual is visual for e in self.visuals)

    def get_visual(self, key):
        """Get a visual from its key (None if there is none)."""
        for entry in self.visuals:
            if entry.key is not None and entry.key == key:
                return entry.visual
        return None

    def add_visual(self, visual, clearable=True, exclude_origins=(), key=None, overlay=False):
        """Add a visual to the canvas and build its program with the attached interacts.

        Parameters
        ----------
        visual : BaseVisual
        clearable : bool
            Whether the visual is removed by :meth:`clear`.
        exclude_origins : list-like or 'all'
            Interacts that should not apply to that visual (e.g. a visual outside the
            subplots, or not following pan and zoom); ``'all'``: none of the interacts, present
            or future, apply to it (the visual is drawn in window NDC).
        key : str
            An optional key to identify the visual (see :meth:`get_visual`).
        overlay : bool
            Whether the visual is drawn after all the others, whenever they were added (in
            front of the data: axes labels).

        Notes
        -----
        Adding a visual already in the canvas does nothing. A visual whose vertex shader has no
        transform hook (``gl_Position = transform(...);``) is drawn as it is, in window NDC: no
        interact applies to it.

        """
        if self.has_visual(visual):
            return
        if key is not None and self.get_visual(key) is not None:
            raise ValueError(f"There is already a visual with the key {key!r} in the canvas.")
        if exclude_origins != "all":
            exclude_origins = tuple(exclude_origins)
        visual.canvas = self
        self.visuals.append(Bunch(
            visual=visual, clearable=clearable, exclude_origins=exclude_origins, key=key,
            overlay=bool(overlay), has_transform_hook=True))
        self.build_program(visual)

    def build_program(self, visual):
        """(Re)build the program of a visual of the canvas with the current interacts."""
        entry = self._entry(visual)
        entry.has_transform_hook = bool(transform_hooks(visual.vertex_shader))
        vertex, fragment = (visual.inserter + self.inserter).insert_into_shaders(
            visual.vertex_shader, visual.fragment_shader, exclude_origins=self._excluded(entry))
        if visual.program is None:
            visual.program = Program(vertex, fragment)
        else:
            visual.program.set_shaders(vertex, fragment)
        visual.program.queue = self._update_queue if self._lazy else None
        for interact in self._interacts_of(visual):
            interact.update_visual(visual)
        visual.on_resize(*self.get_size())
        self._clear_error_if_none_failing()
        self.update()

    def remove(self, *visuals):
        """Remove some visuals objects from the canvas and free their OpenGL objects."""
        entries = [e for e in self.visuals if any(e.visual is v for v in visuals)]
        self.visuals = [e for e in self.visuals if not any(e is x for x in entries)]
        programs = [e.visual.program for e in entries if e.visual.program is not None]
        self._with_context(lambda: [p.delete() for p in programs])
        for entry in entries:
            entry.visual.canvas = None
            entry.visual.program = None
        self._clear_error_if_none_failing()
        self.update()

    def clear(self):
        """Remove all visuals except those marked ``clearable=False``."""
        self.remove(*(e.visual for e in self.visuals if e.clearable))

    def _with_context(self, f):
        """Call f with the OpenGL context current (or not at all if there is no context)."""
        if self._painting:
            return f()
        if not self.isValid():
            return None
        self.makeCurrent()
        try:
            return f()
        finally:
            self.doneCurrent()

    # Lazy mode
    # ---------------------------------------------------------------------------------------------

    def set_lazy(self, lazy):
        """When the lazy mode is enabled, all program updates are deferred to the next paint.

        Then ``set_data()`` may run in another thread: its updates are queued and applied on
        the GUI thread at the next frame. Call after the visuals have been added, before
        ``set_data()``.
        """
        self._lazy = bool(lazy)
        for entry in self.visuals:
            if entry.visual.program is not None:
                entry.visual.program.queue = self._update_queue if self._lazy else None

    def iter_update_queue(self):
        """Iterate through (and empty) the program updates queued in lazy mode.

        Yields ``(program, name, data)`` tuples.
        """
        while self._update_queue:
            yield self._update_queue.popleft()

    def on_next_paint(self, f):
        """Register a function to be called at the next frame refresh (in paintGL())."""
        self._next_paint.append(f)

    def update(self):
        """Schedule a repaint of the canvas (from any thread)."""
        if threading.current_thread() is threading.main_thread():
            super().update()
        else:
            QMetaObject.invokeMethod(self, "update", Qt.QueuedConnection)

    # Painting
    # ---------------------------------------------------------------------------------------------

    def initializeGL(self):
        """Create the scene: check that the context has OpenGL 3.3 (else show why not)."""
        info = gl_info()
        logger.debug("OpenGL %s on %s.", info["version"], info["renderer"])
        fmt = self.context().format()
        if (fmt.majorVersion(), fmt.minorVersion()) < GL_VERSION:
            self._gl_error = RuntimeError(
                f"phy needs OpenGL {GL_VERSION[0]}.{GL_VERSION[1]} core profile, this context "
                f"has {info['version']} ({info['renderer']}).")
            self.error_message = str(self._gl_error)
            report_exception(self._gl_error, "Cannot draw in this canvas", logger=logger)

    def _paint(self):
        """Draw all visuals into the bound framebuffer; return ``(message, error)`` of failures.

        A visual that fails is skipped until it is rebuilt; the error is shown in the canvas.
        """
        if self._gl_error is not None:
            raise self._gl_error
        self._painting = True
        try:
            callbacks, self._next_paint = self._next_paint, []
            for f in callbacks:
                f()
            for program, name, data in self.iter_update_queue():
                program.set_value(name, data)
            if self.pixel_ratio != self._pixel_ratio:
                self._pixel_ratio = self.pixel_ratio
                for entry in self.visuals:
                    entry.visual.on_resize(*self.get_size())
            glViewport(0, 0, *self.framebuffer_size())
            glClearColor(*self.background_color)
            glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT)
            glEnable(GL_BLEND)
            glBlendFuncSeparate(
                GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA)
            glEnable(GL_DEPTH_TEST)
            glDepthFunc(GL_LEQUAL)
            glEnable(GL_PROGRAM_POINT_SIZE)
            errors = []
            for entry in sorted(self.visuals, key=lambda e: e.overlay):  # Overlays last.
                visual = entry.visual
                if visual.program is None or visual.program.error is not None:
                    continue
                try:
                    visual.on_draw()
                except Exception as e:
                    errors.append((self._drawing_error(visual, e), e))
            return errors
        finally:
            self._painting = False

    def _drawing_error(self, visual, error):
        """Mark a visual as failing, show the error; return the message to log (with sources)."""
        program = visual.program
        program.error = error
        summary = "\n".join(str(error).splitlines()[:3])
        self.error_message = f"Error while drawing {type(visual).__name__}:\n{summary}"
        if isinstance(error, ShaderError):
            return f"Error while drawing {visual}"  # The error message holds the sources.
        return (
            f"Error while drawing {visual} (vertex shader source:\n"
            f"{numbered_source(program.vertex_shader)}\n\nfragment shader source:\n"
            f"{numbered_source(program.fragment_shader)}\n)")

    def _clear_error_if_none_failing(self):
        if self._gl_error is None and not any(
                e.visual.program is not None and e.visual.program.error is not None
                for e in self.visuals):
            self.error_message = None

    def _paint_error(self, painter):
        """Paint the error message over the canvas."""
        try:
            font = QFont("DejaVu Sans Mono")
            font.setPixelSize(11)
            painter.setFont(font)
            painter.setPen(QColor(255, 64, 64))
            w, h = self.get_size()
            painter.drawText(
                QRect(4, 4, max(w - 8, 1), max(h - 8, 1)),
                int(Qt.AlignLeft | Qt.AlignTop | Qt.TextWordWrap), self.error_message)
        finally:
            painter.end()

    def paintGL(self):
        """Draw all visuals, and the error message if any; never raises.

        Errors are logged and given to the application's exception hook
        (:func:`phy.gui.qt.report_exception`: pytest-qt's fails the test), and shown in the
        canvas. An exception escaping ``paintGL`` would abort or hang the process.
        """
        try:
            errors = [] if self._gl_error is not None else self._paint()
        except Exception as e:  # A paint callback or a queued update failed.
            self.error_message = f"Error while painting the canvas:\n{e}"
            errors = [("Error while painting the canvas", e)]
        for message, error in errors:
            report_exception(error, message, logger=logger)
        if self.error_message:
            self._paint_error(QPainter(self))

    def _render_offscreen(self):
        if not self.isValid():
            raise RuntimeError(
                "The canvas has no OpenGL context yet: show it and wait until it is exposed.")
        self.makeCurrent()
        try:
            size = self.framebuffer_size()
            if self._fbo is None:
                self._fbo = FrameBuffer(*size)
            else:
                self._fbo.resize(*size)
            self._fbo.activate()
            errors = self._paint()
            pixels = self._fbo.read()
        finally:
            glBindFramebuffer(GL_FRAMEBUFFER, self.defaultFramebufferObject())
            self.doneCurrent()
        for message, error in errors:
            logger.error("%s: %s", message, error)
        return pixels, (errors[0][1] if errors else None)

    def read_pixels(self):
        """Render the canvas offscreen and return its pixels.

        A drawing error is logged (with the shader sources) and raised.

        Returns
        -------
        pixels : ndarray
            ``(height, width, 4)`` uint8 RGBA array in physical pixels, first row at the top.

        """
        pixels, error = self._render_offscreen()
        if error is not None:
            raise error
        return pixels

    def grabFramebuffer(self):
        """Render the canvas offscreen and return it as a ``QImage`` (for screenshots)."""
        pixels, error = self._render_offscreen()
        height, width = pixels.shape[:2]
        image = QImage(pixels.data, width, height, 4 * width, QImage.Format_RGBA8888).copy()
        image.setDevicePixelRatio(self.pixel_ratio)
        if self.error_message:
            self._paint_error(QPainter(image))
        if error is not None:
            raise error
        return image

    def close(self):
        """Remove all visuals (freeing their OpenGL objects) and close the window.

        Everything listening to this canvas, on the event bus (its axes following the pan/zoom,
        say) or through :meth:`attach_events`, is disconnected.
        """
        unconnect(self)
        self._attached = []
        self.remove(*(e.visual for e in self.visuals))
        if self._fbo is not None:
            fbo, self._fbo = self._fbo, None
            self._with_context(fbo.delete)
        return super().close()
