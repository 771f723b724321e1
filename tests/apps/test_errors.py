import io
import logging
import os
import subprocess
import sys
import threading

import pytest

from phy.apps import (
    QtDialogLogger,
    add_default_handler,
    add_file_handler,
    capture_exceptions,
    exceptionHandler,
    format_exception,
    remove_handler,
)

logger = logging.getLogger("phy.apps.test")


def test_import_phy_apps_is_headless():
    code = ("import sys, phy.apps; "
            "bad = [m for m in sys.modules if m.startswith(('PyQt5', 'OpenGL'))]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_default_handler_levels_by_name(tmp_path):
    phy_logger = logging.getLogger("phy")
    level = phy_logger.level
    stream = io.StringIO()
    handler = add_default_handler("debug", stream=stream)
    file_handler = add_file_handler(tmp_path / "phy.log", level=5)
    try:
        assert handler.level == logging.DEBUG and phy_logger.level == 5
        logger.debug("a debug message")
    finally:
        remove_handler(file_handler)
        assert phy_logger.level == logging.DEBUG
        remove_handler(handler)
    assert phy_logger.level == level  # the logger's level restored
    logger.info("after removal")
    assert "[D] test_errors:" in stream.getvalue() and "a debug message" in stream.getvalue()
    assert "after removal" not in stream.getvalue()
    assert add_default_handler(logging.WARNING, logger=logging.getLogger("other")).level == 30
    remove_handler(logging.getLogger("other").handlers[-1], logger=logging.getLogger("other"))
    with pytest.raises(ValueError, match="Unknown logging level 'LOUD'"):
        add_default_handler("LOUD")


def test_file_handler_writes_every_level(tmp_path):
    path = tmp_path / "phy.log"
    handler = add_file_handler(path)
    try:
        logger.debug("opening %s", "the dataset")
        logger.warning("something odd")
    finally:
        remove_handler(handler)
    logger.warning("not in the file")
    text = path.read_text()
    assert "[D] phy.apps.test:" in text and "opening the dataset" in text
    assert "[W] phy.apps.test:" in text and "something odd" in text
    assert "not in the file" not in text


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_file_handler_read_only_folder(tmp_path, caplog):  # pragma: no cover (as root)
    tmp_path.chmod(0o555)
    try:
        assert add_file_handler(tmp_path / "phy.log") is None
    finally:
        tmp_path.chmod(0o755)
    assert "Cannot write the log file" in caplog.text


def test_file_handler_unwritable_path(tmp_path, caplog):
    (tmp_path / "a_file").write_text("")
    path = tmp_path / "a_file" / "phy.log"
    with caplog.at_level(logging.WARNING, logger="phy"):
        assert add_file_handler(path) is None
    assert f"Cannot write the log file {path}" in caplog.text
    assert "console only" in caplog.text
    remove_handler(None)  # accepted


def _raise(error):
    try:
        raise error
    except Exception as e:
        return type(e), e, e.__traceback__


def test_exception_handler_logs_with_traceback(caplog):
    exc_info = _raise(ValueError("bad value"))
    exceptionHandler(*exc_info)
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.name == "phy"
    assert record.getMessage() == "An error has occurred (ValueError): bad value"
    assert record.exc_info[1] is exc_info[1]
    assert "in _raise" in caplog.text  # the traceback
    assert "".join(format_exception(*exc_info)).startswith("Traceback")


def test_exception_handler_keyboard_interrupt(monkeypatch, caplog):
    calls = []
    monkeypatch.setattr(sys, "__excepthook__", lambda *args: calls.append(args))
    exceptionHandler(KeyboardInterrupt, KeyboardInterrupt(), None)
    assert len(calls) == 1 and not caplog.records


def test_capture_exceptions_installs_and_restores():
    phy_logger = logging.getLogger("phy")
    hook = sys.excepthook
    with pytest.raises(RuntimeError, match="inside the block"):
        with capture_exceptions() as handler:
            assert isinstance(handler, QtDialogLogger) and handler.level == logging.ERROR
            assert sys.excepthook is exceptionHandler
            assert handler in phy_logger.handlers
            raise RuntimeError("inside the block")  # propagates
    assert sys.excepthook is hook
    assert handler not in phy_logger.handlers


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
