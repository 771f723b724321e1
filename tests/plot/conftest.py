"""Fixtures of the phy.plot tests.

Canvases are shown in a window container (as in the GUI) and rendered offscreen with
``canvas.read_pixels()`` (the same drawing code as ``paintGL``), at 100x100 pixels.
``snapshot(canvas)`` wraps the pixels with helpers to find what was drawn.
"""

import numpy as np
import pytest

#: Size of the test canvases, in pixels.
CANVAS_SIZE = 100


class Pixels:
    """RGBA pixels of a render (first row at the top) with helpers."""

    def __init__(self, array):
        self.array = array

    def at(self, x, y):
        """RGBA at column x, row y."""
        return tuple(int(v) for v in self.array[y, x])

    def drawn(self, threshold=40):
        """Mask of the pixels that differ from the black background."""
        return self.array[..., :3].max(axis=2) > threshold

    def matching(self, rgb, tolerance=60):
        """Mask of the pixels close to a color (0-255)."""
        diff = np.abs(self.array[..., :3].astype(int) - np.asarray(rgb)[:3])
        return diff.max(axis=2) <= tolerance

    @staticmethod
    def bbox(mask):
        """(row_min, row_max, col_min, col_max) of a mask, or None if empty."""
        rows, cols = np.nonzero(mask)
        if not len(rows):
            return None
        return rows.min(), rows.max(), cols.min(), cols.max()

    @staticmethod
    def centroid(mask):
        """(x, y) centroid of a mask, in pixels."""
        rows, cols = np.nonzero(mask)
        return cols.mean() + 0.5, rows.mean() + 0.5


def _top_level(app):
    """Top-level widgets and windows alive, after running the deferred deletions."""
    from phy.gui.qt import QEvent

    app.sendPostedEvents(None, QEvent.DeferredDelete)
    app.processEvents()
    return [*app.topLevelWidgets(), *app.topLevelWindows()]


@pytest.fixture(autouse=True)
def _no_leaked_windows(request):
    """Fail a Qt test that leaves top-level widgets or windows behind."""
    if "qapp" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("qapp")
    before = _top_level(app)
    yield
    leaked = [w for w in _top_level(app) if not any(w is b for b in before)]
    if leaked:
        pytest.fail(f"The test leaked top-level widgets or windows: {leaked}.")


@pytest.fixture
def canvas_factory(qtbot):
    """Factory of shown canvases ``make(cls=PlotCanvas, size=(100, 100))``, closed afterwards."""
    from phy.gui.qt import QWidget
    from phy.plot import PlotCanvas

    made = []

    def make(cls=PlotCanvas, size=(CANVAS_SIZE, CANVAS_SIZE)):
        canvas = cls()
        container = QWidget.createWindowContainer(canvas)
        container.resize(*size)
        container.show()
        made.append((canvas, container))
        qtbot.waitUntil(lambda: canvas.isValid() and canvas.get_size() == tuple(size))
        return canvas

    yield make
    for canvas, container in made:
        canvas.close()
        container.close()
        container.deleteLater()


@pytest.fixture
def canvas(canvas_factory):
    """A shown 100x100 PlotCanvas."""
    return canvas_factory()


@pytest.fixture
def snapshot():
    """``snapshot(canvas)``: render a canvas offscreen and return its :class:`Pixels`."""
    return lambda canvas: Pixels(canvas.read_pixels())


@pytest.fixture
def gl_draw(canvas):
    """``gl_draw(program, mode, **kwargs)``: draw a gloo program alone, return its Pixels."""
    from phy.plot.gloo import FrameBuffer
    from phy.plot.gloo.gl import (
        GL_BLEND,
        GL_COLOR_BUFFER_BIT,
        GL_DEPTH_TEST,
        GL_FRAMEBUFFER,
        GL_PROGRAM_POINT_SIZE,
        glBindFramebuffer,
        glClear,
        glClearColor,
        glDisable,
        glEnable,
        glViewport,
    )

    def draw(program, mode="points", **kwargs):
        canvas.makeCurrent()
        fbo = FrameBuffer(CANVAS_SIZE, CANVAS_SIZE)
        try:
            fbo.activate()
            glViewport(0, 0, CANVAS_SIZE, CANVAS_SIZE)
            glClearColor(0, 0, 0, 1)
            glClear(GL_COLOR_BUFFER_BIT)
            glEnable(GL_PROGRAM_POINT_SIZE)
            glDisable(GL_DEPTH_TEST)
            glDisable(GL_BLEND)
            program.draw(mode, **kwargs)
            return Pixels(fbo.read())
        finally:
            fbo.delete()
            glBindFramebuffer(GL_FRAMEBUFFER, canvas.defaultFramebufferObject())
            canvas.doneCurrent()

    return draw


class EventSender:
    """Send real Qt mouse and keyboard events to a canvas (through the Qt event dispatch)."""

    def __init__(self):
        from phy.gui.qt import QApplication, Qt

        self._send = QApplication.sendEvent
        self._buttons = {"Left": Qt.LeftButton, "Right": Qt.RightButton, None: Qt.NoButton}
        self._modifiers = {
            "Shift": Qt.ShiftModifier, "Control": Qt.ControlModifier, "Alt": Qt.AltModifier}

    def _mods(self, modifiers):
        from phy.gui.qt import Qt

        value = Qt.NoModifier
        for m in modifiers:
            value |= self._modifiers[m]
        return value

    def _mouse(self, canvas, kind, pos, button, buttons, modifiers):
        from phy.gui.qt import QEvent, QMouseEvent, QPointF

        kinds = {
            "press": QEvent.MouseButtonPress, "release": QEvent.MouseButtonRelease,
            "move": QEvent.MouseMove, "double_click": QEvent.MouseButtonDblClick}
        event = QMouseEvent(
            kinds[kind], QPointF(*pos), self._buttons[button], self._buttons[buttons],
            self._mods(modifiers))
        self._send(canvas, event)

    def press(self, canvas, pos, button="Left", modifiers=()):
        self._mouse(canvas, "press", pos, button, button, modifiers)

    def release(self, canvas, pos, button="Left", modifiers=()):
        self._mouse(canvas, "release", pos, button, None, modifiers)

    def move(self, canvas, pos, buttons=None, modifiers=()):
        self._mouse(canvas, "move", pos, None, buttons, modifiers)

    def click(self, canvas, pos, button="Left", modifiers=()):
        self.press(canvas, pos, button, modifiers)
        self.release(canvas, pos, button, modifiers)

    def double_click(self, canvas, pos, button="Left"):
        self._mouse(canvas, "double_click", pos, button, button, ())

    def drag(self, canvas, start, end, button="Left", modifiers=(), steps=4):
        self.press(canvas, start, button, modifiers)
        for i in range(1, steps + 1):
            t = i / steps
            pos = (start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
            self.move(canvas, pos, button, modifiers)
        self.release(canvas, end, button, modifiers)

    def wheel(self, canvas, pos, notches=1):
        from phy.gui.qt import QPoint, QPointF, Qt, QWheelEvent

        event = QWheelEvent(
            QPointF(*pos), QPointF(*pos), QPoint(0, 0), QPoint(0, int(120 * notches)),
            Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
        self._send(canvas, event)

    def pinch(self, canvas, pos, scale):
        from phy.gui.qt import QNativeGestureEvent, QPointF, Qt

        p = QPointF(*pos)
        self._send(canvas, QNativeGestureEvent(Qt.ZoomNativeGesture, p, p, p, scale, 0, 0))

    def key(self, canvas, key, modifiers=(), text=""):
        from phy.gui.qt import QEvent, QKeyEvent

        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            self._send(canvas, QKeyEvent(kind, key, self._mods(modifiers), text))


@pytest.fixture
def send():
    """Send Qt mouse and keyboard events to a canvas: ``send.click(canvas, (x, y))``..."""
    return EventSender()
