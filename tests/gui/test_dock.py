import logging

import pytest

from phy.gui.dock import DockWidget, icon_font_family
from phy.gui.qt import QImage, QLabel, Qt, QWidget
from phy.utils.bus_events import CLOSE_DOCK_WIDGET
from phy.utils.event import connect, emit


@pytest.fixture
def dock(qtbot):
    content = QLabel("content")
    content.setStyleSheet("background: rgb(0, 0, 128);")
    dock = DockWidget("MyView", widget=content)
    dock.resize(400, 200)
    qtbot.addWidget(dock)
    with qtbot.waitExposed(dock):
        dock.show()
    return dock


def test_title_bar(dock):
    assert dock.name == "MyView" and dock.objectName() == "MyView"
    assert dock.titleBarWidget() is not None
    dock.set_status("3 clusters")
    assert dock.status == "3 clusters"
    assert dock.get_widget("screenshot").toolTip() == "Save a screenshot of this view"
    assert not dock.get_widget("close").icon().isNull()


def test_buttons_right_to_left(qtbot, dock):
    def refresh():
        """Refresh the view."""

    dock.add_button(refresh, text="Refresh")
    dock.add_checkbox(lambda checked: None, text="Overlap")
    qtbot.waitUntil(lambda: dock.get_widget("Overlap").isVisible())
    xs = [dock.get_widget(n).mapTo(dock, dock.get_widget(n).rect().topLeft()).x()
          for n in ("Overlap", "Refresh", "screenshot", "close")]
    assert xs == sorted(xs)
    assert dock.get_widget("Refresh").toolTip() == "Refresh the view."
    with pytest.raises(ValueError, match="already has"):
        dock.add_button(refresh, text="Refresh")


def test_button_click(qtbot, dock):
    calls = []
    button = dock.add_button(lambda: calls.append("clicked"), text="Go")
    qtbot.mouseClick(button, Qt.LeftButton)
    assert calls == ["clicked"]
    assert button.text() == "Go"


def test_checkable_button_synchronized_by_event(qtbot, dock):
    states = []

    @dock.add_button(checkable=True, checked=True, event="auto_update_changed", text="auto")
    def toggle_auto(checked):
        states.append(checked)

    button = dock.get_widget("auto")
    assert button.isChecked()
    qtbot.mouseClick(button, Qt.LeftButton)
    assert states == [False] and not button.isChecked()
    emit("auto_update_changed", None, True)  # changed by other means: no callback
    assert button.isChecked() and states == [False]


def test_checkbox(qtbot, dock):
    states = []
    checkbox = dock.add_checkbox(states.append, text="Overlap", checked=False, name="overlap")
    assert dock.get_widget("overlap") is checkbox
    checkbox.click()
    assert states == [True]


def test_icon_buttons(dock):
    button = dock.add_button(lambda: None, icon="f021", name="refresh")
    if icon_font_family() is None:
        assert button.text() == "refresh"  # no icon font installed: the name shows
    else:
        assert button.text() == "\uf021" and button.font().family() == icon_font_family()
    with pytest.raises(ValueError, match="Invalid icon"):
        dock.add_button(lambda: None, icon="refresh-icon", name="bad")


def test_elided_status(qtbot, dock):
    text = "cluster " * 100
    dock.set_status(text)
    label = dock._status_label
    assert label.toolTip() == text
    assert dock.width() == 400  # a long status does not widen the dock
    assert 0 < label.width() < 400
    shown = label.elided_text()
    assert shown.endswith("\u2026") and text.startswith(shown[:-1])
    assert label.fontMetrics().horizontalAdvance(shown) <= label.width()
    dock.set_status("short")
    assert label.elided_text() == "short"


def test_screenshot_button(qtbot, dock, config_dir):
    qtbot.mouseClick(dock.get_widget("screenshot"), Qt.LeftButton)
    (path,) = (config_dir / "screenshots").glob("MyView_*.png")
    image = QImage(str(path))
    assert image.pixelColor(image.width() // 2, 5).getRgb()[:3] == (0, 0, 128)


def test_close_button_emits_close_dock_widget(qtbot, dock):
    closed = []
    connect(lambda sender: closed.append(sender), event=CLOSE_DOCK_WIDGET)
    qtbot.mouseClick(dock.get_widget("close"), Qt.LeftButton)
    assert closed == [dock] and not dock.isVisible()


def test_on_close_runs_before_the_bus_event(qtbot):
    order = []
    dock = DockWidget("Mine", widget=QWidget(), on_close=lambda d: order.append(("on_close", d)))
    qtbot.addWidget(dock)
    connect(lambda sender: order.append(("event", sender)), event=CLOSE_DOCK_WIDGET)
    dock.show()
    dock.close()
    assert order == [("on_close", dock), ("event", dock)]


def test_button_callback_error_is_logged_and_shown(qtbot, dock, caplog):
    def refresh():
        raise RuntimeError("cannot refresh")

    button = dock.add_button(refresh, name="refresh", text="R")
    checkbox = dock.add_checkbox(lambda checked: 1 / 0, text="box")
    with caplog.at_level(logging.ERROR, logger="phy.gui.dock"):
        qtbot.mouseClick(button, Qt.LeftButton)  # would abort the process if it escaped
        assert "cannot refresh" in caplog.text
        assert dock.status == "Error in the button refresh of MyView: cannot refresh"
        checkbox.setChecked(True)
    assert "division by zero" in caplog.text


def test_not_closable(qtbot):
    dock = DockWidget("Fixed", widget=QWidget(), closable=False)
    qtbot.addWidget(dock)
    with pytest.raises(KeyError):
        dock.get_widget("close")
