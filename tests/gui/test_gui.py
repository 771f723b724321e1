import logging

import numpy as np
import pytest

from phy.gui.dock import DockWidget
from phy.gui.gui import DEFAULT_SIZE
from phy.gui.qt import (
    QApplication,
    QEvent,
    QImage,
    QLabel,
    QMessageBox,
    Qt,
    QTimer,
    QWidget,
    screenshot,
)
from phy.utils import load_json
from phy.utils.bus_events import ADD_VIEW, CLOSE, CLOSE_DOCK_WIDGET, CLOSE_VIEW, SHOW
from phy.utils.event import connect


class ColorView(QLabel):
    """A view showing a coloured label."""

    def __init__(self, color="rgb(200, 30, 30)"):
        super().__init__("view")
        self.setStyleSheet(f"background: {color};")


class RedView(ColorView):
    pass


class BlueView(ColorView):
    def __init__(self):
        super().__init__("rgb(30, 30, 200)")


class CanvasView:
    """A view object that is not a widget but has a canvas."""

    def __init__(self):
        self.canvas = QWidget()


class AttachedView(QWidget):
    """A view that attaches itself, at the bottom."""

    def attach(self, gui):
        self.attached_to = gui
        gui.add_view(self, position="bottom", closable=False)


VIEW_CREATOR = {"RedView": RedView, "BlueView": BlueView, "AttachedView": AttachedView,
                "NoView": lambda: None}


@pytest.fixture
def gui(make_gui):
    return make_gui(name="TestGUI", view_creator=VIEW_CREATOR)


def test_title_position_size(make_gui):
    gui = make_gui(name="MyGUI", subtitle="/data/params.py", position=(20, 30), size=(640, 480))
    assert gui.windowTitle() == "MyGUI - /data/params.py"
    assert (gui.x(), gui.y()) == (20, 30)
    assert (gui.width(), gui.height()) == (640, 480)
    assert gui.enable_threading
    assert make_gui().windowTitle() == "GUI"


def test_default_size_fills_the_screen_up_to_phy_layout_size(make_gui, qapp):
    gui = make_gui()
    available = qapp.primaryScreen().availableGeometry()
    assert gui.width() == min(DEFAULT_SIZE[0], available.width()) > 600
    assert gui.height() == min(DEFAULT_SIZE[1], available.height()) > 400


def test_default_views_numbered(make_gui):
    gui = make_gui(name="TestGUI", view_creator=VIEW_CREATOR,
                   default_views=["RedView", "RedView", "BlueView", "NoView"])
    added = []
    connect(lambda sender, view: added.append(view), event=ADD_VIEW)
    gui.create_views()
    gui.create_views()  # creates only what is missing
    assert [v.name for v in gui.views] == ["RedView", "RedView (1)", "BlueView"]
    assert added == gui.views
    assert gui.view_count == {"RedView": 2, "BlueView": 1}
    assert gui.list_views(RedView) == gui.views[:2]
    assert gui.list_views("BlueView", RedView) == gui.views
    assert gui.list_views(ColorView) == gui.views
    assert gui.get_view(RedView, 1).name == "RedView (1)"
    assert gui.get_view("BlueView") is gui.views[2]
    assert gui.get_view(RedView, 2) is None
    assert gui.views[0].dock.name == "RedView"
    assert gui.views[0].dock.widget() is gui.views[0]


def test_view_count_argument(make_gui):
    gui = make_gui(name="TestGUI", view_creator=VIEW_CREATOR, view_count={"BlueView": 2},
                   default_views=["RedView"])
    gui.create_views()
    assert gui.view_count == {"BlueView": 2}


def test_add_views(gui):
    canvas_view = CanvasView()
    dock = gui.add_view(canvas_view, position="left", floatable=False)
    assert dock.widget() is canvas_view.canvas
    assert canvas_view.name == "CanvasView"
    assert gui.dockWidgetArea(dock) == Qt.LeftDockWidgetArea
    assert not dock.features() & dock.DockWidgetFloatable
    attached = gui.create_and_add_view("AttachedView")
    assert attached.attached_to is gui
    assert gui.dockWidgetArea(attached.dock) == Qt.BottomDockWidgetArea
    assert not attached.dock.features() & dock.DockWidgetClosable
    assert gui.create_and_add_view("NoView") is None
    with pytest.raises(ValueError, match="Invalid view position"):
        gui.add_view(QWidget(), position="middle")
    with pytest.raises(TypeError, match="not a QWidget"):
        gui.add_view(object())
    with pytest.raises(ValueError, match="Unknown view"):
        gui.create_and_add_view("Missing")


def test_views_added_and_closed_at_run_time(qtbot, gui, activate):
    closed = []
    # Connected before the docks exist: still called after close_view.
    connect(lambda dock: closed.append(("close_dock_widget", dock)), event=CLOSE_DOCK_WIDGET)
    connect(lambda view, gui_: closed.append(("close_view", view, gui_)), event=CLOSE_VIEW)
    activate(gui)
    gui.view_actions.get("add_RedView").trigger()
    gui.view_actions.run("add_RedView")
    first, second = gui.views
    assert [v.name for v in gui.views] == ["RedView", "RedView (1)"]
    dock = first.dock
    qtbot.mouseClick(dock.get_widget("close"), Qt.LeftButton)
    assert closed == [("close_view", first, gui), ("close_dock_widget", dock)]
    assert gui.views == [second]
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    assert gui.findChild(DockWidget, "RedView") is None  # the dock was deleted
    third = gui.create_and_add_view("RedView")
    assert third.name == "RedView"  # the free name is reused
    assert [a.text() for a in gui.get_menu("View").actions()] == [
        "Add AttachedView", "Add BlueView", "Add NoView", "Add RedView"]


def test_menus(gui):
    assert [a.text() for a in gui.menuBar().actions()] == ["&File", "&View", "&Help"]
    plugins = gui.get_menu("&Plugins")
    edit = gui.get_menu("&Edit")
    assert gui.get_menu("Edit") is edit
    gui.get_menu("&Select")
    gui.get_menu("Early", insert_before="&File")
    assert [a.text() for a in gui.menuBar().actions()] == [
        "Early", "&File", "&Edit", "&Select", "&View", "&Plugins", "&Help"]
    sub = gui.get_submenu("&Edit", "Move")
    assert gui.get_submenu("Edit", "Move") is sub
    assert sub.menuAction() in edit.actions()
    gui.remove_menu("Edit")
    gui.remove_menu("Early")
    assert [a.text() for a in gui.menuBar().actions()] == [
        "&File", "&Select", "&View", "&Plugins", "&Help"]
    assert gui.get_submenu("Edit", "Move") is not sub
    assert gui.get_menu("Plugins") is plugins


def test_status_bar(gui):
    gui.status_message = "hello"
    assert gui.status_message == "hello"
    gui.lock_status()
    gui.status_message = "ignored"
    assert gui.status_message == "hello"
    gui.unlock_status()
    gui.status_message = 3
    assert gui.status_message == "3"


def test_dialog_returns_an_unshown_message_box(qtbot, gui, dialogs):
    """phy 2's GUI.dialog: a QMessageBox parented to the GUI, not shown, never blocking."""
    shown = []

    def close_shown_boxes():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.isVisible():
                shown.append(widget)
                widget.done(0)

    # If dialog() ran a modal loop, this timer would end it (and the test would fail).
    QTimer.singleShot(200, close_shown_boxes)
    box = gui.dialog("Something happened.")
    assert isinstance(box, QMessageBox)
    assert box.parent() is gui
    assert box.text() == "Something happened."
    assert box.windowTitle() == "TestGUI"
    assert not box.isVisible()
    assert dialogs.calls == []
    qtbot.wait(300)
    assert shown == []


def test_show_and_close_events(qtbot, gui, activate, config_dir):
    gui.create_and_add_view("RedView")
    events = []
    connect(lambda sender: events.append(("show", sender)), event=SHOW)
    connect(lambda view, gui_: events.append(("close_view", view.name)), event=CLOSE_VIEW)
    veto = [True]

    @connect(event=CLOSE)
    def on_close(sender):
        events.append(("close", sender))
        if veto[0]:
            return False

    activate(gui)
    gui.close()
    assert gui.isVisible()  # the close was cancelled
    assert not (config_dir / "TestGUI" / "state.json").exists()
    veto[0] = False
    gui.close()
    assert not gui.isVisible()
    assert events == [("show", gui), ("close", gui), ("close", gui), ("close_view", "RedView")]
    state = load_json(config_dir / "TestGUI" / "state.json")
    assert state["view_count"] == {"RedView": 1}
    assert set(state["geometry_state"]) == {"geometry", "state"}


def test_errors_while_closing_never_escape_into_qt(qtbot, gui, activate, caplog, config_dir):
    view = gui.create_and_add_view("RedView")

    @connect(event=CLOSE)
    def on_close(sender):
        raise RuntimeError("plugin bug")

    @connect(sender=view)
    def on_close_view(view_, gui_):
        raise ValueError("view bug")

    activate(gui)
    with caplog.at_level(logging.ERROR, logger="phy.gui.gui"):
        gui.close()  # the first failure cancels (unsaved work may be at stake)
        assert gui.isVisible()
        assert gui.status_message == (
            "Error while closing TestGUI: plugin bug. Close again to close anyway.")
        gui.close()
    assert not gui.isVisible()
    assert "Closing anyway" in caplog.text and "view bug" in caplog.text
    assert (config_dir / "TestGUI" / "state.json").exists()  # the state is still saved


def test_closing_a_view_whose_handler_raises_removes_it(qtbot, gui, activate, caplog):
    view = gui.create_and_add_view("RedView")
    connect(lambda view_, gui_: 1 / 0, event=CLOSE_VIEW)
    activate(gui)
    with caplog.at_level(logging.ERROR, logger="phy.gui.dock"):
        qtbot.mouseClick(view.dock.get_widget("close"), Qt.LeftButton)
    assert gui.views == [] and "division by zero" in caplog.text


def test_views_save_their_state_on_close(gui, activate):
    view = gui.create_and_add_view("BlueView")
    senders = []

    @connect(sender=view)  # phy 2's way: the sender is the view, then the GUI follows
    def on_close_view(view_, gui_):
        senders.append((view_, gui_))
        gui_.state.update_view_state(view_, {"zoom": 2.0})

    activate(gui)
    gui.close()
    assert senders == [(view, gui)]
    assert load_json(gui.state.path)["BlueView"] == {"zoom": 2.0}


def test_dock_floated_closed_and_restored(qtbot, make_gui, activate, config_dir):
    """Add docks, float one and close another, close the GUI; a new GUI restores the layout."""
    gui = make_gui(name="LayoutGUI", view_creator=VIEW_CREATOR, size=(600, 400),
                   default_views=["RedView", "BlueView", "BlueView"])
    gui.create_views()
    activate(gui)
    red, blue, blue1 = gui.views
    red.dock.setFloating(True)
    red.dock.setGeometry(50, 60, 220, 150)
    qtbot.mouseClick(blue1.dock.get_widget("close"), Qt.LeftButton)
    assert gui.view_count == {"RedView": 1, "BlueView": 1}
    gui.close()

    gui2 = make_gui(name="LayoutGUI", view_creator=VIEW_CREATOR,
                    default_views=["RedView", "BlueView", "BlueView"])
    gui2.create_views()
    assert sorted(v.name for v in gui2.views) == ["BlueView", "RedView"]
    activate(gui2)
    red2, blue2 = gui2.get_view(RedView), gui2.get_view(BlueView)
    assert red2.dock.isFloating() and not blue2.dock.isFloating()
    assert red2.dock.size() == red.dock.size()
    assert gui2.size() == gui.size()


def test_screenshot_of_gui_with_docks(qtbot, make_gui, activate, tmp_path):
    gui = make_gui(name="ShotGUI", view_creator=VIEW_CREATOR, size=(400, 300),
                   default_views=["RedView", "BlueView"])
    gui.create_views()
    activate(gui)
    path = screenshot(gui, path=tmp_path / "gui.png")
    image = QImage(str(path))
    colors = np.array([
        image.pixelColor(x, y).getRgb()[:3]
        for x in range(0, image.width(), 10) for y in range(0, image.height(), 10)])
    # Tolerance: the test X screen may have a 16-bit colour depth.
    for expected in ((200, 30, 30), (30, 30, 200)):
        assert (np.abs(colors - expected).max(axis=1) <= 8).sum() > 50


def test_leak_check_detects_top_level_widgets(qapp, top_level_leaks):
    before = list(qapp.topLevelWidgets())
    widget = QWidget()
    assert any(w is widget for w in top_level_leaks(before))
    widget.deleteLater()
    del widget
    assert top_level_leaks(before) == []
