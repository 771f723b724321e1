"""Qt's mouse, wheel, touch and key events of a canvas, as the canvas' internal events.

:class:`CanvasEventsMixin` overrides the Qt event handlers of :class:`phy.plot.BaseCanvas` and
emits its internal events (``mouse_press``, ``mouse_click``, ``mouse_wheel``, ``pinch``,
``key_press``...: see :mod:`phy.plot.canvas`) with ``emit``; :func:`qt_guarded` keeps any
exception inside a Qt override (reported and shown over the canvas, never raised into Qt).
"""

import functools
import logging

import numpy as np

from phy.gui.qt import QEvent, Qt, report_exception

logger = logging.getLogger("phy.plot.canvas")

#: Maximum distance in pixels between a press and a release for a click.
CLICK_DISTANCE = 3

_BUTTONS = ((Qt.LeftButton, "Left"), (Qt.RightButton, "Right"), (Qt.MiddleButton, "Middle"))
_MODIFIERS = (
    (Qt.ShiftModifier, "Shift"), (Qt.ControlModifier, "Control"), (Qt.AltModifier, "Alt"),
    (Qt.MetaModifier, "Meta"))
_KEYS = {
    Qt.Key_Left: "Left", Qt.Key_Right: "Right", Qt.Key_Up: "Up", Qt.Key_Down: "Down",
    Qt.Key_Plus: "+", Qt.Key_Minus: "-", Qt.Key_Equal: "=", Qt.Key_Escape: "Escape",
    Qt.Key_Return: "Enter", Qt.Key_Enter: "Enter", Qt.Key_Space: "Space", Qt.Key_Tab: "Tab",
    Qt.Key_Backspace: "Backspace", Qt.Key_Delete: "Delete", Qt.Key_Home: "Home",
    Qt.Key_End: "End", Qt.Key_PageUp: "PageUp", Qt.Key_PageDown: "PageDown",
    Qt.Key_Shift: "Shift", Qt.Key_Control: "Control", Qt.Key_Alt: "Alt", Qt.Key_Meta: "Meta",
}


def qt_guarded(method):
    """Decorate a Qt override so that an exception is reported and shown, never raised.

    An exception escaping a Qt virtual method aborts (or hangs) the process with PyQt.
    """

    @functools.wraps(method)
    def wrapped(self, *args):
        try:
            return method(self, *args)
        except Exception as e:
            self.error_message = f"Error in {method.__name__}:\n{e}"
            report_exception(e, f"Error in {type(self).__name__}.{method.__name__}", logger=logger)
            self.update()

    return wrapped


def _button_name(button):
    return next((name for b, name in _BUTTONS if button == b), None)


def _modifiers(modifiers):
    return tuple(name for m, name in _MODIFIERS if modifiers & m)


def key_name(key, text=""):
    """Name of a Qt key code: 'Left', '+', 'A', '1', 'F5'... (the text for other keys)."""
    if key in _KEYS:
        return _KEYS[key]
    if Qt.Key_A <= key <= Qt.Key_Z or Qt.Key_0 <= key <= Qt.Key_9:
        return chr(key)
    if Qt.Key_F1 <= key <= Qt.Key_F35:
        return f"F{key - Qt.Key_F1 + 1}"
    return text or None


class CanvasEventsMixin:
    """The Qt event handlers of a canvas: each emits an internal event (``self.emit``).

    The canvas sets ``_press_pos`` and ``_last_pos`` (None) in its constructor.
    """

    def _mouse_kwargs(self, e):
        pos = (e.localPos().x(), e.localPos().y())
        buttons = tuple(name for b, name in _BUTTONS if e.buttons() & b)
        return dict(
            pos=pos, button=_button_name(e.button()), buttons=buttons,
            modifiers=_modifiers(e.modifiers()))

    @qt_guarded
    def mousePressEvent(self, e):
        """Emit an internal mouse_press event."""
        kwargs = self._mouse_kwargs(e)
        self._press_pos = self._last_pos = kwargs["pos"]
        self.emit("mouse_press", **kwargs)

    @qt_guarded
    def mouseReleaseEvent(self, e):
        """Emit an internal mouse_release event, and mouse_click if the mouse did not move."""
        kwargs = self._mouse_kwargs(e)
        press_pos, self._press_pos = self._press_pos, None
        self.emit("mouse_release", press_pos=press_pos, **kwargs)
        if press_pos is not None and np.hypot(
                kwargs["pos"][0] - press_pos[0], kwargs["pos"][1] - press_pos[1]) <= CLICK_DISTANCE:
            self.emit("mouse_click", **kwargs)

    @qt_guarded
    def mouseMoveEvent(self, e):
        """Emit an internal mouse_move event."""
        kwargs = self._mouse_kwargs(e)
        kwargs["button"] = kwargs["buttons"][0] if kwargs["buttons"] else None
        last_pos = self._last_pos if self._last_pos is not None else kwargs["pos"]
        self._last_pos = kwargs["pos"]
        self.emit("mouse_move", last_pos=last_pos, press_pos=self._press_pos, **kwargs)

    @qt_guarded
    def mouseDoubleClickEvent(self, e):
        """Emit an internal mouse_double_click event."""
        self.emit("mouse_double_click", **self._mouse_kwargs(e))

    @qt_guarded
    def wheelEvent(self, e):
        """Emit an internal mouse_wheel event."""
        delta = e.angleDelta()
        self.emit(
            "mouse_wheel", pos=(e.position().x(), e.position().y()),
            delta=(delta.x() / 120.0, delta.y() / 120.0), modifiers=_modifiers(e.modifiers()))

    def event(self, e):
        """Touch event: emit an internal pinch event for a touchpad zoom gesture."""
        if e.type() == QEvent.NativeGesture and e.gestureType() == Qt.ZoomNativeGesture:
            self._pinch(e)
            return True
        return super().event(e)

    @qt_guarded
    def _pinch(self, e):
        self.emit("pinch", pos=(e.localPos().x(), e.localPos().y()), scale=e.value())

    @qt_guarded
    def keyPressEvent(self, e):
        """Emit an internal key_press event."""
        self.emit(
            "key_press", key=key_name(e.key(), e.text()), modifiers=_modifiers(e.modifiers()),
            text=e.text())

    @qt_guarded
    def keyReleaseEvent(self, e):
        """Emit an internal key_release event."""
        self.emit(
            "key_release", key=key_name(e.key(), e.text()), modifiers=_modifiers(e.modifiers()),
            text=e.text())
