import logging

import pytest

from phy.gui.actions import Actions
from phy.gui.qt import Qt, QWidget


@pytest.fixture
def gui(make_gui, activate):
    gui = make_gui(name="SnippetGUI")
    gui.add_view(QWidget())
    activate(gui)
    return gui


@pytest.fixture
def calls(gui):
    calls = []
    actions = Actions(gui, name="Clustering", default_shortcuts={"merge": "g"})
    actions.add(lambda *args: calls.append(("my_action",) + args), name="my_action")
    actions.add(lambda *args: calls.append(("merge",) + args), name="merge", alias="mg")
    actions.add(lambda expr: calls.append(("filter", expr)), name="filter", alias="f", n_args=1)
    actions.add(lambda: calls.append(("split",)), name="split")
    gui._test_actions = actions
    return calls


def test_snippet_mode_end_to_end(qtbot, gui, calls):
    snippets = gui.snippets
    cursor = snippets.cursor
    qtbot.keyClick(gui, ":")
    assert snippets.is_mode_on()
    assert gui.status_message == ":" + cursor
    qtbot.keyClicks(gui, "my_action string 3-6")
    assert snippets.command == ":my_action string 3-6"
    assert gui.status_message == ":my_action string 3-6" + cursor
    qtbot.keyClick(gui, Qt.Key_Return)
    assert calls == [("my_action", "string", (3, 4, 5, 6))]
    assert not snippets.is_mode_on()
    assert gui.status_message == ""


def test_snippet_keys_do_not_trigger_shortcuts(qtbot, gui, calls):
    qtbot.keyClick(gui, ":")
    qtbot.keyClicks(gui, "mg 1,2 g")  # 'g' is the merge shortcut: typed, not run
    assert calls == []
    qtbot.keyClick(gui, Qt.Key_Backspace)
    qtbot.keyClick(gui, Qt.Key_Backspace)
    qtbot.keyClick(gui, Qt.Key_Enter)
    assert calls == [("merge", (1, 2))]
    qtbot.keyClick(gui, Qt.Key_G)  # back to normal: the shortcut runs
    assert calls == [("merge", (1, 2)), ("merge",)]


def test_escape_and_backspace_leave(qtbot, gui, calls):
    snippets = gui.snippets
    qtbot.keyClick(gui, ":")
    qtbot.keyClicks(gui, "split")
    qtbot.keyClick(gui, Qt.Key_Escape)
    assert not snippets.is_mode_on() and calls == []
    qtbot.keyClick(gui, ":")
    qtbot.keyClick(gui, Qt.Key_Backspace)
    assert not snippets.is_mode_on()
    # Ctrl combinations type nothing.
    qtbot.keyClick(gui, ":")
    qtbot.keyClick(gui, Qt.Key_A, Qt.ControlModifier)
    assert snippets.command == ":"
    snippets.mode_off()


def test_status_locked_in_snippet_mode(qtbot, gui, calls):
    qtbot.keyClick(gui, ":")
    gui.status_message = "something else"
    assert gui.status_message == ":" + gui.snippets.cursor
    qtbot.keyClick(gui, Qt.Key_Escape)
    gui.status_message = "something else"
    assert gui.status_message == "something else"


def test_run(gui, calls, caplog):
    snippets = gui.snippets
    snippets.run(":f n_spikes > 100 && group != 'noise'")
    snippets.run("merge 3-4 '5'")  # by name
    assert calls == [("filter", "n_spikes > 100 && group != 'noise'"), ("merge", (3, 4), "5")]
    with caplog.at_level(logging.WARNING, logger="phy.gui"):
        snippets.run(":unknown 1")
        assert gui.status_message == "Unknown snippet :unknown."
        snippets.run(":split 1 2")
        assert gui.status_message.startswith("Wrong number of arguments for split")
        snippets.run(':mg "oops')
        assert gui.status_message.startswith("Invalid arguments for merge")
        snippets.run(":")
        gui._test_actions.disable("split")
        snippets.run(":split")
        assert gui.status_message == "The action split is disabled."
    assert len(calls) == 2


def test_snippet_in_floating_dock(qtbot, gui, calls, activate):
    """Snippets typed while a floating dock is the active window."""
    view = QWidget()
    dock = gui.add_view(view, floating=True)
    activate(dock)
    qtbot.keyClick(view, ":")
    assert gui.snippets.is_mode_on()
    qtbot.keyClicks(view, "mg 7")
    qtbot.keyClick(view, Qt.Key_Return)
    assert calls == [("merge", 7)]
