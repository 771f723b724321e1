"""GUI routines: the Qt application, the main window, docks, actions, tables and the console.

The public names are imported lazily, on first access: ``import phy.gui.snippet_parser`` or
``import phy.gui.state`` does not import Qt, while ``from phy.gui import GUI`` does.
"""

from phy.utils.lazy import lazy_exports

#: Public name -> submodule defining it.
_EXPORTS = {
    "GUI": "gui",
    "Actions": "actions",
    "Snippets": "snippets",
    "GUIState": "state",
    "DockWidget": "dock",
    "Debouncer": "threads",
    "Worker": "threads",
    "thread_pool": "threads",
    "busy_cursor": "qt",
    "create_app": "qt",
    "is_high_dpi": "qt",
    "require_qt": "qt",
    "run_app": "qt",
    "screen_size": "qt",
    "screenshot": "qt",
    "input_dialog": "dialogs",
    "message_box": "dialogs",
    "prompt": "dialogs",
    "set_dialog_provider": "dialogs",
    "QtDialogs": "dialogs",
    "ScriptedDialogs": "dialogs",
    "HTMLBuilder": "html",
    "HTMLWidget": "html",
    "Table": "table",
    "IPythonView": "ipython",
    "Setting": "settings",
    "SettingsDialog": "settings_dialog",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
