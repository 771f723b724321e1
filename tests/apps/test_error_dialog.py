"""The error dialog of phy.apps.QtDialogLogger (phy/apps/error_dialog.py)."""

import logging
import sys
import threading

import pytest

from phy.apps import QtDialogLogger, capture_exceptions

from .test_errors import _raise

logger = logging.getLogger("phy.apps.test")


# --- The error dialog ----------------------------------------------------------------------


def _boxes(qapp):
    from phy.gui.qt import QMessageBox

    return [w for w in qapp.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _close(qtbot, handler):
    handler.dialog.box.close()
    qtbot.waitUntil(lambda: handler.dialog.box is None)


def _shown(qtbot, handler):
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.box is not None)
    return handler.dialog.box


@pytest.fixture
def captured(qtbot):
    """``capture_exceptions()``'s handler; the error box closed at the end."""
    with capture_exceptions() as handler:
        yield handler
    if handler.dialog is not None and handler.dialog.box is not None:
        _close(qtbot, handler)


def test_dialog_shows_the_error(qtbot, qapp, captured):
    logger.warning("only a warning")  # below ERROR: no dialog
    assert captured.dialog is None
    logger.error("Cannot load %s", "spike_times.npy")
    box = _shown(qtbot, captured)
    assert _boxes(qapp) == [box]
    assert box.windowTitle() == "An error has occurred"
    assert box.text() == "Cannot load spike_times.npy"
    assert not box.isModal()


def test_dialog_coalesces_a_burst_with_tracebacks(qtbot, qapp, captured):
    for i in range(50):
        sys.excepthook(*_raise(ValueError(f"error {i}")))
    qtbot.waitUntil(lambda: captured.dialog.count == 50)
    assert len(_boxes(qapp)) == 1
    box = captured.dialog.box
    assert box.text().startswith("50 errors have occurred. The last one:")
    assert box.text().endswith("(ValueError): error 49")
    details = box.detailedText()
    assert "error 49" in details and "error 30" in details and "error 29" not in details
    assert "Traceback (most recent call last)" in details and "in _raise" in details
    _close(qtbot, captured)
    # After closing, the next error opens a new box counting from one.
    logger.error("a new error")
    assert _shown(qtbot, captured).text() == "a new error"
    assert captured.dialog.count == 1


def test_error_reported_by_a_qt_override_shown_once(qtbot, captured, caplog):
    from phy.gui.qt import report_exception

    error = _raise(ZeroDivisionError("division by zero"))[1]
    report_exception(error, "Error while painting the canvas")  # logs, then calls the hook
    box = _shown(qtbot, captured)
    qtbot.wait(50)
    assert captured.dialog.count == 1
    assert box.text() == "Error while painting the canvas: division by zero"
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1


def test_dialog_from_another_thread(qtbot, qapp, captured):
    thread = threading.Thread(target=lambda: logger.error("error in a worker thread"))
    thread.start()
    thread.join()
    box = _shown(qtbot, captured)
    assert box.text() == "error in a worker thread"
    assert box.thread() is qapp.thread()


def test_dialog_logger_never_raises(qtbot, captured, capsys):
    # A record whose message cannot be formatted: logging's report, nothing raised.
    captured.handle(logging.makeLogRecord(
        {"msg": "%d spikes", "args": ("not a number",), "levelno": logging.ERROR}))
    qtbot.wait(20)
    assert "not a number" in capsys.readouterr().err
    assert captured.dialog is None or captured.dialog.box is None


def test_dialog_logger_without_qt_application(monkeypatch):
    from phy.apps import error_dialog

    monkeypatch.setattr(error_dialog.QApplication, "instance", staticmethod(lambda: None))
    handler = QtDialogLogger()
    handler.handle(logging.makeLogRecord({"msg": "no app", "levelno": logging.ERROR}))
    assert handler.dialog is None
