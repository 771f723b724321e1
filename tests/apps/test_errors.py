import io
import logging
import os
import subprocess
import sys

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
