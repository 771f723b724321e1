import pytest

from phy.gui.dialogs import (
    QtDialogs,
    ScriptedDialogs,
    get_dialog_provider,
    input_dialog,
    message_box,
    prompt,
    set_dialog_provider,
)
from phy.gui.qt import QApplication, QInputDialog, QMessageBox, QTimer


def test_scripted_dialogs(dialogs):
    assert get_dialog_provider() is dialogs
    dialogs.answers.extend(["no", "some text", ("", False), None])
    message_box("Hello", level="warning")
    assert prompt("Sure?") == "no"
    assert input_dialog("Title", "Enter", text="default") == ("some text", True)
    assert input_dialog("Title", "Enter") == ("", False)
    assert prompt("Close?", buttons=("save", "discard")) is None
    assert [c.kind for c in dialogs.calls] == [
        "message_box", "prompt", "input_dialog", "input_dialog", "prompt"]
    assert dialogs.calls[0].message == "Hello" and dialogs.calls[0].level == "warning"
    assert dialogs.calls[2].text == "default"


def test_scripted_dialogs_errors():
    dialogs = ScriptedDialogs(["maybe"])
    with pytest.raises(ValueError, match="not one of"):
        dialogs.prompt("?")
    with pytest.raises(RuntimeError, match="no answer left"):
        dialogs.prompt("?")


def test_set_dialog_provider_checks_methods(dialogs):
    with pytest.raises(TypeError, match="lacks"):
        set_dialog_provider(object())
    assert set_dialog_provider(dialogs) is dialogs


def _answer_modal(qtbot, answer):
    """Answer the next modal dialog with `answer(dialog)` once it is shown."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, poll)
        else:
            answer(dialog)
    QTimer.singleShot(0, poll)


def test_qt_prompt(qtbot):
    _answer_modal(qtbot, lambda box: box.button(QMessageBox.No).click())
    assert QtDialogs().prompt("Really?", buttons=("yes", "no")) == "no"
    _answer_modal(qtbot, lambda box: box.button(QMessageBox.YesToAll).click())
    assert QtDialogs().prompt("All?", buttons=("yes_to_all", "cancel")) == "yes_to_all"


def test_qt_message_box(qtbot):
    texts = []

    def accept(box):
        texts.append((box.windowTitle(), box.text(), box.icon()))
        box.accept()

    _answer_modal(qtbot, accept)
    QtDialogs().message_box("Done.", title="Info", level="information")
    assert texts == [("Info", "Done.", QMessageBox.Information)]


def test_qt_input_dialog(qtbot):
    def answer(dialog):
        assert isinstance(dialog, QInputDialog)
        assert dialog.textValue() == "3 5"
        dialog.setTextValue("7 8")
        dialog.accept()

    _answer_modal(qtbot, answer)
    assert QtDialogs().input_dialog("Merge", "Clusters:", text="3 5") == ("7 8", True)
    _answer_modal(qtbot, lambda dialog: dialog.reject())
    assert QtDialogs().input_dialog("Merge", "Clusters:")[1] is False


def test_qt_dialogs_invalid(qapp):
    with pytest.raises(ValueError, match="Unknown dialog button"):
        QtDialogs().prompt("?", buttons=("yes", "perhaps"))
    with pytest.raises(ValueError, match="level"):
        QtDialogs().message_box("?", level="fatal")
