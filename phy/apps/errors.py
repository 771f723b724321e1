"""Logging and error handling of the phy applications.

The command line installs a console handler (:func:`add_default_handler`) and, once a dataset is
open, a log file in the dataset folder (:func:`add_file_handler`). While the GUI runs,
:func:`capture_exceptions` logs the uncaught exceptions instead of letting them abort the
session (:func:`exceptionHandler`) and shows every logged error in a dialog
(:class:`QtDialogLogger`).

Headless: this module imports no Qt; the dialog code (:mod:`phy.apps.error_dialog`) is imported
when the first error is shown.
"""

import logging
import sys
import traceback
from contextlib import contextmanager, suppress
from pathlib import Path

#: The logger of the phy package: every module logs below it.
logger = logging.getLogger("phy")

_LOG_FORMAT = "%(asctime)s.%(msecs)03d [%(levelname).1s] %(module)s:%(lineno)d %(message)s"
_FILE_FORMAT = "%(asctime)s [%(levelname).1s] %(name)s:%(lineno)d %(message)s"

def format_exception(etype, value, tb, limit=None, chain=True):
    """Format a stack trace and the exception information.

    The lines of :func:`traceback.format_exception` (each ends in a newline): printed
    together, they are what :func:`traceback.print_exception` prints.
    """
    return traceback.format_exception(etype, value, tb, limit=limit, chain=chain)


#: Attribute set on an exception once a :class:`QtDialogLogger` has shown it.
_SHOWN = "_phy_error_shown"


def _level(level):
    """A logging level given as a name (``'INFO'``, case-insensitive) or a number."""
    if isinstance(level, str):
        value = logging.getLevelName(level.upper())
        if not isinstance(value, int):
            raise ValueError(
                f"Unknown logging level {level!r}: use DEBUG, INFO, WARNING, ERROR or CRITICAL.")
        return value
    return int(level)


def _phy_logger(logger=None):
    """The given logger, or the ``phy`` logger."""
    return logger if logger is not None else logging.getLogger("phy")


def _add_handler(handler, level, logger, fmt, datefmt=None):
    """Set up a handler and add it to a logger, lowering the logger's level if needed."""
    level = _level(level)
    handler.setFormatter(logging.Formatter(fmt, datefmt=datefmt))
    handler.setLevel(level)
    logger = _phy_logger(logger)
    handler._phy_previous_level = logger.level  # restored by remove_handler()
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)
    return handler


def add_default_handler(level="INFO", logger=None, stream=None):
    """Install a console handler on a logger (the command line does; the library never does).

    Parameters
    ----------
    level : str or int
        ``'DEBUG'``, ``'INFO'``... or the number of a logging level.
    logger : logging.Logger
        By default the ``phy`` logger.
    stream : file-like
        By default ``sys.stderr``.

    Returns
    -------
    handler : logging.StreamHandler

    """
    return _add_handler(
        logging.StreamHandler(stream or sys.stderr), level, logger, _LOG_FORMAT, "%H:%M:%S")


def add_file_handler(path, level="DEBUG", logger=None):
    """Also write the logs to a file (appended to), e.g. ``phy.log`` in the dataset folder.

    Parameters
    ----------
    path : str or Path
        The log file.
    level : str or int
        The lowest level written, by default every message.
    logger : logging.Logger
        By default the ``phy`` logger.

    Returns
    -------
    handler : logging.FileHandler or None
        None when the file cannot be written (a read-only dataset folder, say): a warning says
        so and the logs go to the console only.

    """
    path = Path(path)
    try:
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as e:
        _phy_logger(logger).warning(
            "Cannot write the log file %s (%s): the logs go to the console only.", path,
            e.strerror or e)
        return None
    return _add_handler(handler, level, logger, _FILE_FORMAT)


def remove_handler(handler, logger=None):
    """Remove a handler added by :func:`add_default_handler` or :func:`add_file_handler`.

    The logger gets back the level it had before the handler was added (remove the handlers
    in the reverse order of their addition). ``None`` (a log file that could not be opened) is
    accepted and ignored.
    """
    if handler is None:
        return
    logger = _phy_logger(logger)
    logger.removeHandler(handler)
    handler.close()
    if hasattr(handler, "_phy_previous_level"):
        logger.setLevel(handler._phy_previous_level)


def exceptionHandler(exception_type, exception, traceback):  # noqa: N802 (API name)
    """Exception hook: log an uncaught exception with its traceback at ERROR level.

    Installed as ``sys.excepthook`` by :func:`capture_exceptions`, it keeps an exception raised
    in a Qt callback from ending the session. An exception already shown by a
    :class:`QtDialogLogger` (logged where it was caught, then handed to the hook) is logged
    again at DEBUG level only. ``KeyboardInterrupt`` goes to Python's default hook.
    """
    if issubclass(exception_type, KeyboardInterrupt):
        sys.__excepthook__(exception_type, exception, traceback)
        return
    exc_info = (exception_type, exception, traceback)
    if getattr(exception, _SHOWN, False):
        logger.debug("Exception already reported: %s", exception, exc_info=exc_info)
        return
    logger.error("An error has occurred (%s): %s", exception_type.__name__, exception,
                 exc_info=exc_info)


def _summary(record):
    """The one-paragraph text of a log record: its message, and its exception if not in it."""
    message = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        text = f"{type(error).__name__}: {error}"
        if str(error) not in message:
            message = f"{message}\n{text}"
    return message


class QtDialogLogger(logging.Handler):
    """Logging handler showing the logged errors in a message box.

    The box is not modal: the session goes on while it is open. Errors logged while it is open
    are added to it (the box counts them and keeps the last ones with their tracebacks) rather
    than opening one box per error. Safe to use from any thread; never raises. Without a Qt
    application, the records are ignored (the console handler shows them).

    Parameters
    ----------
    level : int or str
        The lowest level shown, ``ERROR`` by default.

    """

    def __init__(self, level="ERROR"):
        super().__init__(_level(level))
        self._emitting = False
        self._dialog = None

    def emit(self, record):
        """Show the record in the error dialog (or add it to the open one)."""
        if self._emitting:  # an error while showing an error: the console has it
            return
        self._emitting = True
        try:
            error = record.exc_info[1] if record.exc_info else None
            if error is not None:
                with suppress(AttributeError, TypeError):  # an exception without __dict__
                    setattr(error, _SHOWN, True)
            details = "".join(format_exception(*record.exc_info)) if error is not None else ""
            if self._dialog is None:
                from .error_dialog import ErrorDialog

                self._dialog = ErrorDialog.create()
            if self._dialog is not None:
                self._dialog.post(_summary(record), details)
        except Exception:  # never raise out of a logging call
            self.handleError(record)
        finally:
            self._emitting = False

    @property
    def dialog(self):
        """The :class:`~phy.apps.error_dialog.ErrorDialog`, once an error has been shown."""
        return self._dialog


@contextmanager
def capture_exceptions():
    """Log exceptions instead of crashing the GUI, and display an error dialog on errors.

    Within the block, ``sys.excepthook`` is :func:`exceptionHandler` and a
    :class:`QtDialogLogger` is attached to the ``phy`` logger; both are removed on exit.
    Exceptions raised by the block itself propagate.

    Yields
    ------
    handler : QtDialogLogger

    """
    handler = QtDialogLogger()
    previous_hook = sys.excepthook
    sys.excepthook = exceptionHandler
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        sys.excepthook = previous_hook
        logger.removeHandler(handler)
        handler.close()
