import logging

import pytest

from phy.gui.actions import Actions, key_sequence
from phy.gui.qt import QApplication, QKeySequence, Qt, QWidget
from phy.utils.bus_events import IS_BUSY
from phy.utils.event import connect

# Every key binding of SHORTCUTS.md (keyboard only).
SHORTCUTS = [
    "?", ":", "ctrl+q", "ctrl+s", "h", "esc", "home", "end", "l", "g", "k", "alt+g", "alt+m",
    "alt+n", "alt+u", "ctrl+g", "ctrl+m", "ctrl+n", "ctrl+u", "ctrl+alt+g", "ctrl+alt+m",
    "ctrl+alt+n", "ctrl+alt+u", "space", "shift+space", "down", "up", "ctrl+alt+space",
    "ctrl+space", "backspace", "ctrl+z", "ctrl+shift+z", "ctrl+y", "alt+r", "ctrl+r", "a",
    "shift+a", "ctrl++", "ctrl+-", "c", "ctrl+shift++", "ctrl+shift+-", "ctrl+alt++",
    "ctrl+alt+-", "alt+left", "alt+right", "shift+alt+left", "shift+alt+right", "alt+t",
    "alt+home", "alt+end", "alt+pgdown", "alt+pgup", "alt+up", "alt+down", "alt+-", "alt++",
    "alt+o", "alt+s", "alt+l", "ctrl+up", "ctrl+down", "ctrl+right", "ctrl+left", "shift+right",
    "shift+left", "shift+up", "shift+down", "w", "shift+w", "m", "o", "ctrl+l", "r", "+", "-",
]


def test_every_default_shortcut_parses(qapp):
    sequences = [key_sequence(shortcut) for shortcut in SHORTCUTS]
    assert all(sequence.count() == 1 for sequence in sequences)
    assert len({sequence.toString() for sequence in sequences}) == len(set(SHORTCUTS))


def test_key_sequences(qapp):
    assert key_sequence("ctrl+shift+z") == QKeySequence("Ctrl+Shift+Z")
    assert key_sequence("alt+pgdown") == QKeySequence(Qt.ALT | Qt.Key_PageDown)
    assert key_sequence("ctrl++") == QKeySequence(Qt.CTRL | Qt.Key_Plus)
    assert key_sequence("?") == QKeySequence(Qt.Key_Question)
    assert key_sequence(QKeySequence.Save) == QKeySequence(QKeySequence.Save)
    for invalid in ("ctrl+foo", "hyper+a", "ctrl+"):
        with pytest.raises(ValueError, match="shortcut"):
            key_sequence(invalid)


@pytest.fixture
def gui(make_gui):
    return make_gui(name="ActionsGUI")


@pytest.fixture
def actions(gui):
    return Actions(gui, name="Clustering", menu="&Clustering",
                   default_shortcuts={"merge": "g", "redo": ("ctrl+shift+z", "ctrl+y")},
                   default_snippets={"merge": "mg"})


def test_add_and_run(gui, actions):
    calls = []

    @actions.add
    def merge(*ids):
        """Merge the clusters.

        More details.
        """
        calls.append(ids)

    @actions.add(shortcut="ctrl+z", name="undo_last")
    def undo():
        calls.append("undo")

    assert merge.__name__ == "merge"  # the decorator returns the function
    actions.run("merge", 3, 5)
    actions.run("undo_last")
    assert calls == [(3, 5), "undo"]
    assert actions.names == ["merge", "undo_last"]
    assert "merge" in actions and "undo" not in actions
    assert actions.shortcuts == {"merge": "g", "undo_last": "ctrl+z"}
    qaction = actions.get("merge")
    assert qaction.text() == "Merge"
    assert qaction.shortcut() == QKeySequence("G")
    assert qaction.statusTip() == "Merge the clusters."
    assert actions.action_for_alias("mg") == "merge"
    assert actions.get("nothing") is None
    actions.run("mg", 8)  # by snippet
    assert calls[-1] == (8,)
    with pytest.raises(ValueError, match="No action 'nothing'"):
        actions.run("nothing")


def test_adding_an_existing_name_is_a_no_op(gui, actions):
    calls = []
    actions.add(lambda: calls.append("first"), name="merge")
    qaction = actions.get("merge")
    actions.add(lambda: calls.append("second"), name="merge", shortcut="x")
    actions.run("merge")
    assert calls == ["first"]
    assert actions.get("merge") is qaction and actions.names == ["merge"]
    assert [a.text() for a in gui.get_menu("Clustering").actions()] == ["Merge"]


def test_actions_are_attributes(gui, actions):
    """phy 2 scripts call ``actions.split(...)``; the attribute goes with ``remove()``."""
    calls = []

    @actions.add
    def split(spike_ids):
        """Split."""
        calls.append(spike_ids)

    actions.add(lambda *ids: calls.append(ids), name="Select Clusters")
    actions.add(calls.append, name="toggle", checkable=True)
    actions.add(lambda: calls.append("run?"), name="run")  # a member name stays the member
    assert actions.split([1, 2]) is None and calls == [[1, 2]]
    assert actions.split.__doc__ == "Split."
    actions.select_clusters(3, 4)
    assert calls[-1] == (3, 4)
    actions.toggle(True)
    assert calls[-1] is True and actions.get("toggle").isChecked()
    actions.run("run")
    assert calls[-1] == "run?"
    actions.remove("split")
    assert not hasattr(actions, "split")
    actions.remove_all()
    assert not hasattr(actions, "select_clusters") and not hasattr(actions, "toggle")
    assert callable(actions.run)


def test_ampersand_marks_the_alias(gui, actions):
    calls = []
    actions.add(lambda: calls.append("test"), name="tes&t")
    assert actions.names == ["test"]
    assert actions.action_for_alias("t") == "test"
    assert actions.get("test").text() == "Tes&t"  # the menu mnemonic
    actions.run("t")
    actions.test()
    assert calls == ["test", "test"]
    actions.add(lambda: None, name="ali&as", alias="explicit")
    assert actions.action_for_alias("explicit") == "alias"


def test_error_in_triggered_action_is_logged_and_shown(qtbot, gui, actions, activate, caplog):
    def merge():
        raise RuntimeError("cannot merge")

    actions.add(merge)
    actions.add(lambda: None, name="split")
    activate(gui)
    with caplog.at_level(logging.ERROR, logger="phy.gui.actions"):
        qtbot.keyClick(gui, Qt.Key_G)  # would abort the process if it escaped into Qt
        actions.get("merge").trigger()  # the menu entry
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert messages == ["Error in the action Clustering.merge: cannot merge"] * 2
    assert all(r.exc_info for r in caplog.records)  # with the traceback
    assert gui.status_message == "Error in the action Clustering.merge: cannot merge"
    with pytest.raises(RuntimeError, match="cannot merge"):
        actions.run("merge")  # called from Python: the caller gets the exception


def test_menus(gui, actions):
    actions.add(lambda: None, name="merge")
    actions.separator()
    actions.add(lambda: None, name="split", submenu="Split")
    actions.add(lambda: None, name="elsewhere", menu="&Other")
    menu = gui.get_menu("Clustering")
    assert [a.text() for a in menu.actions()][:2] == ["Merge", ""]
    assert menu.actions()[1].isSeparator()
    assert [a.text() for a in gui.get_submenu("Clustering", "Split").actions()] == ["Split"]
    assert [a.text() for a in gui.get_menu("Other").actions()] == ["Elsewhere"]


def test_shortcuts_trigger_actions(qtbot, gui, actions, activate):
    calls = []
    actions.add(lambda: calls.append("merge"), name="merge")
    actions.add(lambda: calls.append("redo"), name="redo")
    actions.add(lambda: calls.append("label"), name="label", shortcut="alt+pgdown")
    activate(gui)
    qtbot.keyClick(gui, Qt.Key_G)
    qtbot.keyClick(gui, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.keyClick(gui, Qt.Key_Y, Qt.ControlModifier)
    qtbot.keyClick(gui, Qt.Key_PageDown, Qt.AltModifier)
    assert calls == ["merge", "redo", "redo", "label"]
    actions.disable("merge")
    qtbot.keyClick(gui, Qt.Key_G)
    assert calls[-1] == "label"
    actions.enable()
    qtbot.keyClick(gui, Qt.Key_G)
    assert calls[-1] == "merge"


def test_default_gui_shortcuts(qtbot, gui, activate, dialogs, capsys):
    saved = []
    connect(lambda sender: saved.append(sender), event="request_save")
    activate(gui)
    qtbot.keyClick(gui, Qt.Key_S, Qt.ControlModifier)
    assert saved == [gui]
    qtbot.keyClick(gui, "?")
    assert dialogs.calls[-1].kind == "message_box" and "phy" in dialogs.calls[-1].message
    qtbot.keyClick(gui, Qt.Key_H)
    out = capsys.readouterr().out
    assert "Keyboard shortcuts for File" in out and "Snippets for File" in out
    lines = out.splitlines()
    assert any(line.startswith("- save ") and line.endswith(": ctrl+s") for line in lines)
    assert ["-", "enable_snippet_mode", ":", ":"] in [line.split() for line in lines]
    qtbot.keyClick(gui, Qt.Key_Q, Qt.ControlModifier)
    assert not gui.isVisible()


def test_user_overrides(qtbot, make_gui, activate):
    gui = make_gui(name="OverrideGUI",
                   user_shortcuts={"merge": "m", "Clustering.split": None, "undo": ["u", "z"]},
                   user_snippets={"merge": "fuse"})
    actions = Actions(gui, name="Clustering", default_shortcuts={"merge": "g", "split": "k"})
    calls = []
    for name in ("merge", "split", "undo"):
        actions.add(lambda name=name: calls.append(name), name=name)
    assert actions.shortcuts == {"merge": "m", "undo": ("u", "z")}
    assert actions.action_for_alias("fuse") == "merge"
    activate(gui)
    for key in (Qt.Key_G, Qt.Key_K, Qt.Key_M, Qt.Key_Z):
        qtbot.keyClick(gui, key)
    assert calls == ["merge", "undo"]


def test_user_overrides_from_config(make_gui, config_dir):
    (config_dir / "phy_config.py").write_text(
        "c = get_config()\nc.ConfigGUI.shortcuts = {'save': 'ctrl+alt+s'}\n"
        "c.ConfigGUI.snippets = {'exit': 'quit'}\n")
    gui = make_gui(name="ConfigGUI")
    assert gui.file_actions.shortcuts["save"] == "ctrl+alt+s"
    assert gui.file_actions.action_for_alias("quit") == "exit"


def test_checkable(qtbot, gui, actions):
    states = []
    actions.add(states.append, name="toggle", checkable=True, checked=True)
    qaction = actions.get("toggle")
    assert qaction.isCheckable() and qaction.isChecked()
    qaction.trigger()
    assert states == [False] and not qaction.isChecked()
    actions.run("toggle")
    assert states == [False, True] and qaction.isChecked()
    actions.run("toggle", False)
    assert states == [False, True, False] and not qaction.isChecked()
    actions.set_checked("toggle", True)  # shows the state, does not run the callback
    assert states == [False, True, False] and qaction.isChecked()
    actions.set_checked("absent", True)


def test_prompt(gui, actions, dialogs):
    calls = []
    actions.add(lambda *args: calls.append(args), name="merge", prompt=True,
                prompt_default=lambda: "3 5", docstring="Merge some clusters.")
    dialogs.answers.extend([("3-5 7", True), ("ignored", False)])
    actions.get("merge").trigger()
    actions.get("merge").trigger()
    assert calls == [((3, 4, 5), 7)]
    question = dialogs.calls[0]
    assert question.kind == "input_dialog"
    assert question.text == "3 5" and question.sentence == "Merge some clusters."
    assert actions.get("merge").text() == "Merge..."


def test_prompt_one_argument(gui, actions, dialogs):
    calls = []
    actions.add(calls.append, name="filter", prompt=True, n_args=1)
    dialogs.answers.extend(["n_spikes > 100 && group != 'noise'", "1-3", '"quoted"'])
    for _ in range(3):
        actions.get("filter").trigger()
    assert calls == ["n_spikes > 100 && group != 'noise'", (1, 2, 3), "quoted"]


def test_prompt_invalid_arguments(gui, actions, dialogs, caplog):
    calls = []
    actions.add(lambda a, b: calls.append((a, b)), name="label", prompt=True, n_args=2)
    dialogs.answers.extend(["only_one", '"unterminated', "group good"])
    with caplog.at_level(logging.WARNING, logger="phy.gui.actions"):
        for _ in range(3):
            actions.get("label").trigger()
    assert calls == [("group", "good")]
    assert "Invalid arguments for label: 1 given, expected label(a, b)" in caplog.text
    assert "Invalid arguments for label: Unterminated" in caplog.text


def test_set_busy(gui, actions):
    events = []
    connect(lambda sender, busy: events.append(busy), event=IS_BUSY)
    cursors = []

    def work():
        cursor = QApplication.overrideCursor()
        cursors.append(cursor.shape() if cursor else None)

    actions.add(work, set_busy=True)
    actions.add(work, name="quick")
    actions.run("work")
    actions.run("quick")
    assert events == [True, False]
    assert cursors == [Qt.WaitCursor, None]


def test_remove(gui, actions):
    actions.add(lambda: None, name="merge")
    actions.add(lambda: None, name="split")
    qaction = actions.get("merge")
    assert qaction in gui.actions() and qaction in gui.get_menu("Clustering").actions()
    actions.remove("merge")
    assert qaction not in gui.actions()
    assert [a.text() for a in gui.get_menu("Clustering").actions()] == ["Split"]
    actions.remove_all()
    assert actions.names == [] and gui.get_menu("Clustering").actions() == []


def test_show_shortcuts(gui, actions, capsys):
    actions.add(lambda: None, name="merge")
    actions.add(lambda: None, name="redo")
    actions.add(lambda: None, name="hidden", shortcut="x", show_shortcut=False)
    actions.add(lambda: None, name="no_key")
    actions.show_shortcuts()
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Keyboard shortcuts for Clustering",
        "- merge" + " " * 35 + ": g",
        "- redo" + " " * 36 + ": ctrl+shift+z, ctrl+y",
        "",
        "Snippets for Clustering",
        "- merge" + " " * 36 + ":mg",
        "- no_key" + " " * 35 + ":no_key",
        "- redo" + " " * 37 + ":redo",
    ]


def test_shortcut_conflict_warning(gui, actions, caplog):
    with caplog.at_level(logging.WARNING, logger="phy.gui.actions"):
        actions.add(lambda: None, name="one", shortcut="ctrl+s")
    assert "also used by File.save" in caplog.text


def test_view_actions(qtbot, gui, activate):
    """Actions of a view only work when the view has the focus."""
    views = [QWidget(), QWidget()]
    calls = []
    for i, view in enumerate(views):
        view.setFocusPolicy(Qt.StrongFocus)
        gui.add_view(view)
        Actions(gui, name=f"View{i}", view=view).add(
            lambda i=i: calls.append(i), name="next", shortcut="n")
    activate(gui)
    views[1].setFocus()
    qtbot.waitUntil(views[1].hasFocus)
    qtbot.keyClick(views[1], Qt.Key_N)
    views[0].setFocus()
    qtbot.waitUntil(views[0].hasFocus)
    qtbot.keyClick(views[0], Qt.Key_N)
    assert calls == [1, 0]


def test_docstring_in_status_bar(gui, actions):
    @actions.add
    def merge():
        """Merge the selected clusters."""

    actions.get("merge").showStatusText(gui)  # what hovering the menu item does
    assert gui.status_message == "Merge the selected clusters."
    gui.status_message = "locked message"
    gui.lock_status()
    actions.get("merge").showStatusText(gui)
    assert gui.status_message == "locked message"
    gui.unlock_status()


def test_shortcut_from_floating_dock(qtbot, gui, actions, activate):
    calls = []
    actions.add(lambda: calls.append("merge"), name="merge")
    view = QWidget()
    view.setFocusPolicy(Qt.StrongFocus)
    dock = gui.add_view(view, floating=True)
    activate(gui)
    activate(dock)
    qtbot.keyClick(view, Qt.Key_G)
    assert calls == ["merge"]


def test_phy2_style_script(gui, capsys):
    """Actions used the way phy 2 scripts and plugins use them."""
    actions = Actions(gui, name="MyActions")
    res = []

    def _action(*args):
        res.append(args)

    actions.add(_action, "tes&t")
    actions.add(_action, "test")  # adding an action twice has no effect

    @actions.add(shortcut="alt+h")
    def show_my_shortcuts():
        actions.show_shortcuts()

    actions.show_my_shortcuts()
    out = capsys.readouterr().out
    assert "show_my_shortcuts" in out and ": alt+h" in out
    actions.run("t", 1)
    actions.test(2)
    assert res == [(1,), (2,)]
    assert "test" in actions and "unknown" not in actions
    with pytest.raises(ValueError):
        actions.run("unknown")
    actions.remove_all()
    assert actions.names == [] and not hasattr(actions, "test")
