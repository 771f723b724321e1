import logging

import pytest

from phy.gui import Snippets
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

    def fail(*args):
        raise RuntimeError(f"cannot fail {args}")

    actions.add(fail)
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


def test_mode_off_restores_the_status_message(qtbot, gui, calls):
    gui.status_message = "3 clusters selected"
    qtbot.keyClick(gui, ":")
    assert gui.status_message == ":" + gui.snippets.cursor
    qtbot.keyClicks(gui, "spl")
    qtbot.keyClick(gui, Qt.Key_Escape)
    assert gui.status_message == "3 clusters selected"
    qtbot.keyClick(gui, ":")
    qtbot.keyClicks(gui, "split")
    qtbot.keyClick(gui, Qt.Key_Return)
    assert calls == [("split",)]
    assert gui.status_message == "3 clusters selected"


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
    with caplog.at_level(logging.WARNING, logger="phy.gui.actions"):
        snippets.run(":unknown 1")
        assert gui.status_message == "Couldn't find action `unknown`."
        snippets.run(":split 1 2")
        assert gui.status_message == "Invalid arguments for split: 2 given, expected split()."
        snippets.run(':mg "oops')
        assert gui.status_message.startswith("Invalid arguments for merge: Unterminated quote")
        snippets.run(":")
        assert gui.status_message.startswith("Invalid snippet ':'")
        gui._test_actions.disable("split")
        snippets.run(":split")
        assert gui.status_message == "The action split is disabled."
    warnings = [r for r in caplog.records if r.name == "phy.gui.actions"]
    assert [r.levelno for r in warnings] == [logging.WARNING] * 5
    assert [r.getMessage() for r in warnings] == [
        "Couldn't find action `unknown`.",
        "Invalid arguments for split: 2 given, expected split().",
        "Invalid arguments for merge: Unterminated quote in '\"oops'.",
        "Invalid snippet ':': type a command name after the colon.",
        "The action split is disabled.",
    ]
    assert len(calls) == 2


def test_exception_in_the_action_is_logged_not_raised(qtbot, gui, calls, caplog):
    with caplog.at_level(logging.WARNING, logger="phy.gui.actions"):
        assert gui.snippets.run(":fail 1") is None
        qtbot.keyClick(gui, ":")  # typed: the exception must not escape the event filter
        qtbot.keyClicks(gui, "fail 2")
        qtbot.keyClick(gui, Qt.Key_Return)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == ["Error in the action Clustering.fail: cannot fail (1,)",
                      "Error in the action Clustering.fail: cannot fail (2,)"]
    assert gui.status_message == "Error in the action Clustering.fail: cannot fail (2,)"
    assert not gui.snippets.is_mode_on()


def test_second_snippets_replaces_the_first(qtbot, gui, calls):
    """Issue 15: a second Snippets(gui) takes over cleanly, ':' keeps working."""
    first = gui.snippets

    class MySnippets(Snippets):
        def run(self, snippet):
            calls.append(("mine", snippet))

    qtbot.keyClick(gui, ":")
    assert first.is_mode_on()
    second = MySnippets(gui)
    assert not first.is_mode_on()  # detached: mode off, status unlocked
    assert gui.snippets is second
    assert first.actions not in gui.action_groups
    assert first.actions.names == []
    shortcuts = [g.shortcuts.get("enable_snippet_mode") for g in gui.action_groups]
    assert shortcuts.count(":") == 1  # no ambiguous ':' shortcut
    qtbot.keyClick(gui, ":")
    assert second.is_mode_on()
    qtbot.keyClicks(gui, "mg 2")
    qtbot.keyClick(gui, Qt.Key_Return)
    assert calls == [("mine", ":mg 2")]
    third = Snippets(gui)  # plain snippets again: actions run
    qtbot.keyClick(gui, ":")
    assert third.is_mode_on() and not second.is_mode_on()
    qtbot.keyClicks(gui, "mg 3")
    qtbot.keyClick(gui, Qt.Key_Return)
    assert calls[-1] == ("merge", 3)


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


def test_snippets_importable_from_actions_as_in_phy2():
    from phy.gui.actions import Snippets as Phy2Snippets

    assert Phy2Snippets is Snippets
