"""Dock widgets with a custom title bar: name, status text, and buttons.

The title bar shows the view name on the left, a status text in the middle (elided when too
long, the full text in the tooltip) and a group of buttons on the right: screenshot and close by
default. Views add their own buttons and checkboxes with :meth:`DockWidget.add_button` and
:meth:`DockWidget.add_checkbox`; they are inserted from right to left. Dragging the title bar
moves the dock, double-clicking it floats or docks it.

Closing a dock emits ``close_dock_widget(dock)`` on the event bus
(:data:`phy.utils.bus_events.CLOSE_DOCK_WIDGET`), after the ``on_close`` function given by its
owner (the GUI forgets the view there and emits ``close_view``). An exception raised by a title
bar button's callback is logged and shown in the title bar status, never propagated into Qt.

Button icons are either drawn by phy (screenshot, close) or glyphs of an icon font given by
their code point in hexadecimal (Font Awesome codes such as ``'f021'``). The icon font is the
first of ``static/fontawesome-webfont.ttf`` (beside this module) or an installed font family
named like Font Awesome; without one, the button shows its text (or name) instead.
"""

import logging
import re
from pathlib import Path

from phy.utils import bus_events as ev
from phy.utils.event import connect, emit

from .qt import (
    QCheckBox,
    QColor,
    QDockWidget,
    QFont,
    QFontDatabase,
    QHBoxLayout,
    QIcon,
    QLabel,
    QPainter,
    QPen,
    QPixmap,
    QPointF,
    QRectF,
    QSize,
    QSizePolicy,
    Qt,
    QToolButton,
    QWidget,
    _screenshot_path,
)
from .qt import screenshot as save_screenshot
from .threads import call_reporting_errors

logger = logging.getLogger(__name__)

#: Icon font file looked for beside this module.
ICON_FONT_PATH = Path(__file__).parent / "static" / "fontawesome-webfont.ttf"
_ICON_FONT_FAMILIES = []  # Cache: [family or None] once looked up.
_ICON_SIZE = 14
#: Icons drawn by phy, usable as ``add_button(icon=...)`` besides icon font code points.
_DRAWN_ICONS = ("screenshot", "close")


def icon_font_family():
    """Return the family name of the icon font used by title bar buttons, or None."""
    if not _ICON_FONT_FAMILIES:
        family = None
        if ICON_FONT_PATH.exists():
            font_id = QFontDatabase.addApplicationFont(str(ICON_FONT_PATH))
            families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            family = families[0] if families else None
        if family is None:
            family = next(
                (f for f in QFontDatabase().families() if "awesome" in f.lower()), None)
        _ICON_FONT_FAMILIES.append(family)
    return _ICON_FONT_FAMILIES[0]


def _glyph(icon):
    """The character of an icon given as 4 hexadecimal digits, or None if it is not one."""
    return chr(int(icon, 16)) if re.fullmatch(r"[0-9a-fA-F]{4}", icon or "") else None


def _drawn_icon(kind, color):
    """A small icon drawn with QPainter: ``'screenshot'`` (a camera) or ``'close'`` (a cross)."""
    pixmap = QPixmap(2 * _ICON_SIZE, 2 * _ICON_SIZE)
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    pen = QPen(color)
    pen.setWidthF(1.5)
    painter.setPen(pen)
    s = _ICON_SIZE
    if kind == "close":
        painter.drawLine(QPointF(.25 * s, .25 * s), QPointF(.75 * s, .75 * s))
        painter.drawLine(QPointF(.75 * s, .25 * s), QPointF(.25 * s, .75 * s))
    else:
        painter.drawRoundedRect(QRectF(.1 * s, .3 * s, .8 * s, .55 * s), 2, 2)
        painter.drawEllipse(QPointF(.5 * s, .575 * s), .17 * s, .17 * s)
        painter.drawLine(QPointF(.35 * s, .3 * s), QPointF(.42 * s, .18 * s))
        painter.drawLine(QPointF(.42 * s, .18 * s), QPointF(.58 * s, .18 * s))
        painter.drawLine(QPointF(.58 * s, .18 * s), QPointF(.65 * s, .3 * s))
    painter.end()
    return QIcon(pixmap)


class _ElidedLabel(QLabel):
    """A label showing as much of its text as fits, with an ellipsis, and the rest in a tooltip."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.setAlignment(Qt.AlignCenter)

    def setText(self, text):  # noqa: N802 (Qt API)
        """Set the full text."""
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self):  # noqa: N802 (Qt API)
        """Any width: the text is elided."""
        return QSize(0, super().minimumSizeHint().height())

    def elided_text(self):
        """The text as displayed: cut with an ellipsis to fit the width of the label."""
        return self.fontMetrics().elidedText(self.text(), Qt.ElideRight, self.width())

    def paintEvent(self, e):  # noqa: N802 (Qt API)
        """Draw the elided text."""
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(self.rect(), int(self.alignment()), self.elided_text())
        painter.end()


class _TitleButton(QToolButton):
    """A title bar button whose checked state follows an event of the event bus."""

    def on_state_changed(self, sender, checked):
        """Reflect a change made by other means than clicking this button."""
        self.blockSignals(True)
        self.setChecked(bool(checked))
        self.blockSignals(False)


class DockWidget(QDockWidget):
    """A dock widget with a custom title bar.

    The title bar has a status text at the middle, and a group of buttons on the right. By
    default, the buttons on the right are screenshot and close. New buttons can be added in
    this group, from right to left.

    Parameters
    ----------
    name : str
        Name of the dock (its title and object name, used to save the layout).
    parent : QWidget
        The main window.
    widget : QWidget
        The dock content.
    closable : bool
        Whether the close button is shown (and the dock can be closed).
    on_close : function
        Called with the dock when it is closed, before the bus event ``close_dock_widget``
        (the GUI uses it to forget the view and emit ``close_view``).

    Events
    ------
    close_dock_widget(dock)
        On the event bus, when the dock is closed (sender: the dock).

    """

    def __init__(self, name="", parent=None, widget=None, closable=True, on_close=None):
        super().__init__(name, parent)
        self.setObjectName(name)
        self._widgets = {}
        self._on_close = on_close
        self._make_title_bar(name)
        if widget is not None:
            self.setWidget(widget)
        if closable:
            self.add_button(self.close, name="close", icon="close", tooltip="Close this view")
        self.add_button(self.screenshot, name="screenshot", icon="screenshot",
                        tooltip="Save a screenshot of this view")

    @property
    def name(self):
        """Name of the dock."""
        return self.objectName()

    def _make_title_bar(self, name):
        bar = QWidget(self)
        bar.setObjectName("dock_title_bar")
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(6, 1, 1, 1)
        layout.setSpacing(2)
        self._name_label = QLabel(name, bar)
        font = self._name_label.font()
        font.setBold(True)
        self._name_label.setFont(font)
        self._status_label = _ElidedLabel(bar)
        self._status_label.setStyleSheet("color: palette(dark);")
        self._buttons_layout = QHBoxLayout()
        self._buttons_layout.setSpacing(1)
        layout.addWidget(self._name_label)
        layout.addWidget(self._status_label, 1)
        layout.addLayout(self._buttons_layout)
        self.setTitleBarWidget(bar)

    def _add_title_widget(self, widget, name):
        if name in self._widgets:
            raise ValueError(f"The dock {self.name!r} already has a title bar widget {name!r}.")
        self._widgets[name] = widget
        self._buttons_layout.insertWidget(0, widget)

    def add_button(self, callback=None, text=None, icon=None, checkable=False, checked=False,
                   event=None, name=None, tooltip=None):
        """Add a button to the dock title bar, to the left of the existing ones.

        Can be used as a decorator, ``@dock.add_button(icon='f021', name='refresh')``.

        Parameters
        ----------
        callback : function
            Callback function when the button is clicked: called without argument, or with the
            new checked state for a checkable button.
        text : str
            Text of the button.
        icon : str
            Icon of the button: a glyph of the icon font as a unicode code point with 4
            hexadecimal characters (Font Awesome codes such as ``'f021'``), or
            ``'screenshot'`` or ``'close'`` for the icons drawn by phy.
        checkable : boolean
            Whether the button is checkable.
        checked : boolean
            Whether the checkable button is initially checked.
        event : str
            Name of the event that is externally raised when the status of the button is
            changed, as ``emit(event, sender, checked)``. This is used to synchronize the
            button's checked status when the value changes via another mean than clicking on
            the button.
        name : str
            Name of the button (by default the text, else the callback name).
        tooltip : str
            Tooltip of the button (by default the first line of the callback's docstring).

        Returns
        -------
        button : QToolButton

        """
        if callback is None:
            return lambda f: self.add_button(
                f, text=text, icon=icon, checkable=checkable, checked=checked, event=event,
                name=name, tooltip=tooltip)
        name = name or text or getattr(callback, "__name__", None)
        button = _TitleButton(self)
        button.setObjectName(name or "")
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.NoFocus)
        self._set_button_face(button, text, icon, name)
        doc = (getattr(callback, "__doc__", None) or "").strip().split("\n")[0]
        button.setToolTip(tooltip or doc or text or name or "")
        button.setCheckable(checkable)
        button.setChecked(checkable and checked)
        what = f"the button {name} of {self.name}"
        if checkable:
            button.toggled.connect(lambda checked: self._call(callback, checked, what=what))
        else:
            button.clicked.connect(lambda _checked=False: self._call(callback, what=what))
        if event:
            connect(button.on_state_changed, event=event)
        self._add_title_widget(button, name)
        return button

    def _set_button_face(self, button, text, icon, name):
        """Show the icon (drawn, or from the icon font) or the text of a button."""
        if icon in _DRAWN_ICONS:
            button.setIcon(_drawn_icon(icon, QColor(self.palette().windowText().color())))
            button.setIconSize(QSize(_ICON_SIZE, _ICON_SIZE))
            return
        glyph = _glyph(icon) if icon else None
        if icon and glyph is None:
            raise ValueError(f"Invalid icon {icon!r}: give 4 hexadecimal digits such as 'f021'.")
        family = icon_font_family() if glyph else None
        if family is not None:
            button.setFont(QFont(family, 10))
            button.setText(glyph)
        else:
            button.setText(text or name or icon)

    def add_checkbox(self, callback=None, text=None, checked=False, name=None):
        """Add a checkbox to the dock title bar, to the left of the existing widgets.

        Parameters
        ----------
        callback : function
            Callback function when the checkbox is clicked, called with the checked state.
        text : str
            Text of the checkbox.
        checked : boolean
            Whether the checkbox is initially checked.
        name : str
            Name of the checkbox (by default the text, else the callback name).

        Returns
        -------
        checkbox : QCheckBox

        """
        if callback is None:
            return lambda f: self.add_checkbox(f, text=text, checked=checked, name=name)
        name = name or text or getattr(callback, "__name__", None)
        checkbox = QCheckBox(text or "", self)
        checkbox.setObjectName(name or "")
        checkbox.setFocusPolicy(Qt.NoFocus)
        checkbox.setChecked(checked)
        what = f"the checkbox {name} of {self.name}"
        checkbox.toggled.connect(lambda checked: self._call(callback, checked, what=what))
        self._add_title_widget(checkbox, name)
        return checkbox

    def _call(self, callback, *args, what=None):
        """Call a button's callback from Qt: an exception is logged and shown in the status."""
        call_reporting_errors(callback, *args, what=what, log=logger, show=self.set_status)

    def get_widget(self, name):
        """Get a dock title bar widget (button or checkbox) by its name."""
        return self._widgets[name]

    def set_status(self, text):
        """Set the status text of the widget."""
        self._status_label.setText(text)

    @property
    def status(self):
        """Current status text of the title bar."""
        return self._status_label.text()

    def screenshot(self, dir=None):
        """Save a screenshot of the dock content to ``<dir>/<name>_<date>.png`` and return its path.

        The folder is ``~/.phy/screenshots/`` by default. The path is shown in the status bar
        of the main window.
        """
        path = save_screenshot(self.widget(), path=_screenshot_path(self.name, dir=dir))
        main = self.parentWidget()
        if main is not None and hasattr(main, "status_message"):
            main.status_message = f"Screenshot saved to {path}"
        return path

    def closeEvent(self, e):  # noqa: N802 (Qt API)
        """Qt slot when the window is closed: emit ``close_dock_widget`` (after ``on_close``)."""
        super().closeEvent(e)
        if not e.isAccepted():
            return
        if self._on_close is not None:
            call_reporting_errors(self._on_close, self, what=f"closing {self.name}", log=logger)
        call_reporting_errors(
            emit, ev.CLOSE_DOCK_WIDGET, self, what=f"closing {self.name}", log=logger)
