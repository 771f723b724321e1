"""GUI routines: the Qt application, the main window, docks, actions, tables and the console."""

from .qt import create_app, require_qt, run_app  # noqa: F401
