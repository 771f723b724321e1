"""The main window: a ``QMainWindow`` of docked views, with menus, actions and a status bar.

A GUI is created with the functions that create its views (``view_creator``), creates the views
listed in the saved state (or the default ones), restores the layout of the docks when shown,
and saves its state when closed::

    gui = GUI(name='MyGUI', view_creator={'MyView': MyView}, default_views=['MyView'])
    gui.create_views()
    gui.show()
    run_app()

A view is a ``QWidget``, or an object whose ``canvas`` attribute is a ``QWidget`` (or a
``QWindow``, embedded with a window container). Views of the same class are named
``MyView``, ``MyView (1)``, ``MyView (2)``... (the ``name`` attribute of the view), which is
also their key in the GUI state. A view object with an ``attach(gui)`` method is attached with
it (and that method calls :meth:`GUI.add_view`).

Events (on phy's event bus, see :mod:`phy.utils.event`):

* ``close`` -- ``emit('close', gui)`` when the window is about to close: a callback returning
  False cancels the closing;
* ``show`` -- ``emit('show', gui)`` when the window is shown;
* ``add_view`` -- ``emit('add_view', gui, view)`` when a view is added;
* ``close_view`` -- ``emit('close_view', view, gui)`` when a view is closed (the sender is the
  view, as in phy 2: ``@connect(sender=view)`` then ``def on_close_view(view, gui)``), and for
  every view when the GUI closes (before the state is saved, so that views can store their
  state in ``gui.state``);
* ``close_dock_widget`` -- ``emit('close_dock_widget', dock)`` when the dock of a view is closed,
  after ``close_view``;
* ``request_save`` -- ``emit('request_save', gui)`` by the File > Save action.

Dialogs never block a script: :meth:`GUI.dialog` returns a message box without showing it, and
the About action goes through the dialog provider of :mod:`phy.gui.dialogs`.
"""

import functools
import logging
import sys
from collections import Counter
from pathlib import Path

from phy.utils import bus_events as ev
from phy.utils.config import MASTER_CONFIG_NAME, load_config, phy_config_dir
from phy.utils.event import emit

from .actions import Actions
from .dialogs import message_box
from .dock import DockWidget
from .qt import (
    PYQT_VERSION_STR,
    QT_VERSION_STR,
    QByteArray,
    QEvent,
    QGuiApplication,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStatusBar,
    Qt,
    QWidget,
    QWindow,
)
from .snippets import Snippets
from .state import GUIState
from .threads import call_reporting_errors

logger = logging.getLogger(__name__)


#: Keyboard shortcuts of the default actions (see SHORTCUTS.md).
DEFAULT_SHORTCUTS = {
    "save": "ctrl+s",
    "exit": "ctrl+q",
    "show_all_shortcuts": "h",
    "about": "?",
}

_DOCK_AREAS = {
    "left": Qt.LeftDockWidgetArea,
    "right": Qt.RightDockWidgetArea,
    "top": Qt.TopDockWidgetArea,
    "bottom": Qt.BottomDockWidgetArea,
}


def _view_widget(view):
    """The widget showing a view: the view itself, its canvas, or a container of its window."""
    for candidate in (view, getattr(view, "canvas", None)):
        if isinstance(candidate, QWidget):
            return candidate
        if isinstance(candidate, QWindow):
            return QWidget.createWindowContainer(candidate)
    raise TypeError(
        f"Cannot add {view!r} to the GUI: it is not a QWidget and has no `canvas` widget.")


def _menu_key(name):
    """Menus are looked up without their ``&`` mnemonic markers: '&File' is 'File'."""
    return name.replace("&", "")


#: Order of the standard menus; the other menus go between View and Help.
_MENU_ORDER = ("File", "Edit", "Select", "View", None, "Help")


def _menu_rank(key):
    return _MENU_ORDER.index(key if key in _MENU_ORDER else None)


def _qbytearray(value):
    return value if isinstance(value, QByteArray) else QByteArray(bytes(value))


#: Size of a new window when none is given nor saved: phy 2's layout needs about this much.
DEFAULT_SIZE = (1280, 800)


def _default_size():
    """The default window size, shrunk to the available screen area if that is smaller."""
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return DEFAULT_SIZE
    available = screen.availableGeometry()
    return (min(DEFAULT_SIZE[0], available.width()), min(DEFAULT_SIZE[1], available.height()))

class GUI(QMainWindow):
    """A Qt main window containing docking widgets. This class derives from QMainWindow.

    Parameters
    ----------
    position : 2-tuple
        Coordinates of the GUI window on the screen, in pixels.
    size : 2-tuple
        Requested size of the GUI window, in pixels.
    name : str
        Name of the GUI window, set in the title bar (and name of the state folder).
    subtitle : str
        Subtitle of the GUI window, set in the title bar after the name.
    view_creator : dict
        Map view classnames to functions that take no arguments and return a new view
        instance of that class (or None when the view cannot be created).
    view_count : dict
        Map view classnames to integers specifying the number of views to create for every
        view class. By default, the ``view_count`` of the saved state.
    default_views : list-like
        List of view names to create by default (overriden by view_count if not empty).
    config_dir : str or Path
        User configuration directory used to load/save the GUI state (by default
        :func:`phy.utils.phy_config_dir`). The global state is
        ``<config_dir>/<name>/state.json``.
    enable_threading : boolean
        Whether to enable threading in views or not (used in ManualClusteringView).
    local_path : str or Path
        Path of the local state file (typically ``<dataset>/.phy/state.json``).
    default_state_path : str or Path
        Default state file, copied to the global state file on first run.
    local_keys : list
        ``'View.attribute'`` paths saved only in the local state.
    user_shortcuts : dict
        User overrides of action shortcuts (see :mod:`phy.gui.actions`). By default,
        ``c.<name>.shortcuts`` in the ``phy_config.py`` of the configuration directory.
    user_snippets : dict
        User overrides of action snippets. By default, ``c.<name>.snippets`` in
        ``phy_config.py``.

    Attributes
    ----------
    state : GUIState
        The GUI state, saved when the GUI closes.
    action_groups : list
        The :class:`Actions` groups attached to the GUI.
    snippets : Snippets
        The snippet mode of the GUI (a new ``Snippets(gui)`` replaces it).

    """

    def __init__(self, position=None, size=None, name=None, subtitle=None, view_creator=None,
                 view_count=None, default_views=None, config_dir=None, enable_threading=True,
                 local_path=None, default_state_path=None, local_keys=None,
                 user_shortcuts=None, user_snippets=None):
        super().__init__()
        self.name = name or "GUI"
        self.subtitle = subtitle
        self.setObjectName(self.name)
        self.setWindowTitle(f"{self.name} - {subtitle}" if subtitle else self.name)
        self.setDockOptions(QMainWindow.AllowTabbedDocks | QMainWindow.AllowNestedDocks)
        if position is not None:
            self.move(*position)
        self.resize(*(size or _default_size()))
        self.setStatusBar(QStatusBar(self))

        self.config_dir = Path(config_dir) if config_dir else phy_config_dir()
        self.enable_threading = enable_threading
        self.view_creator = dict(view_creator or {})
        self.state = GUIState(
            self.config_dir / self.name / "state.json", local_path=local_path,
            default_state_path=default_state_path, local_keys=local_keys)
        self._requested_view_count = dict(
            view_count or self.state.get("view_count") or Counter(default_views or ()))
        shortcuts, snippets = self._user_bindings()
        self.user_shortcuts = {**shortcuts, **(user_shortcuts or {})}
        self.user_snippets = {**snippets, **(user_snippets or {})}

        self._views = []
        self._menus = {}
        self._submenus = {}
        self._status_locked = False
        self._shown = False
        self._closed = False
        self._close_failed = False
        self.action_groups = []
        self.set_default_actions()
        Snippets(self)  # sets self.snippets

    def _user_bindings(self):
        """Shortcuts and snippets of the user configuration file, for this GUI."""
        path = self.config_dir / MASTER_CONFIG_NAME
        section = load_config(path).get(self.name, {}) if path.exists() else {}
        return dict(section.get("shortcuts", {})), dict(section.get("snippets", {}))

    # Default actions
    # ---------------------------------------------------------------------------------------------

    def set_default_actions(self):
        """Create the default actions: File (save, exit), View (add views), Help."""
        if hasattr(self, "file_actions"):
            return
        self.file_actions = Actions(
            self, name="File", menu="&File", default_shortcuts=DEFAULT_SHORTCUTS)
        self.view_actions = Actions(self, name="View", menu="&View")
        self.help_actions = Actions(
            self, name="Help", menu="&Help", default_shortcuts=DEFAULT_SHORTCUTS)

        @self.file_actions.add
        def save():
            """Save the changes."""
            emit(ev.REQUEST_SAVE, self)

        self.file_actions.separator()

        @self.file_actions.add
        def exit():
            """Close the window."""
            self.close()

        for view_name in sorted(self.view_creator):
            self.view_actions.add(
                functools.partial(self.create_and_add_view, view_name),
                name=f"add_{view_name}", docstring=f"Add a new {view_name}.",
                show_shortcut=False)

        @self.help_actions.add
        def show_all_shortcuts():
            """Print all keyboard shortcuts and snippets in the console."""
            print(self.shortcuts_text())

        @self.help_actions.add
        def about():
            """About phy."""
            from phy import __version__

            message_box(
                f"phy {__version__}\n\nPython {sys.version.split()[0]}, Qt {QT_VERSION_STR}, "
                f"PyQt {PYQT_VERSION_STR}", title=self.windowTitle())

    def shortcuts_text(self):
        """The keyboard shortcuts and snippets of all actions, as displayed by Help."""
        return "\n\n".join(group.shortcuts_text() for group in self.action_groups)

    # Views
    # ---------------------------------------------------------------------------------------------

    @property
    def views(self):
        """Return the list of views in the GUI."""
        return list(self._views)

    @property
    def view_count(self):
        """Return the number of views of every type, as a dict ``{class name: count}``."""
        counts = {}
        for view in self._views:
            counts[type(view).__name__] = counts.get(type(view).__name__, 0) + 1
        return counts

    def list_views(self, *classes):
        """Return the list of views which are instances of one or several classes.

        Classes are given as types or class names; without classes, all views are returned.
        """
        def matches(view, cls):
            return type(view).__name__ == cls if isinstance(cls, str) else isinstance(view, cls)

        return [v for v in self._views if not classes or any(matches(v, c) for c in classes)]

    def get_view(self, cls, index=0):
        """Return a view from a given class (a type or a class name), or None.

        If there are multiple views of the same class, specify the view index (0 by default).
        """
        views = self.list_views(cls)
        return views[index] if index < len(views) else None

    def _new_view_name(self, view):
        """``ClassName``, else ``ClassName (1)``, ``ClassName (2)``...: the first name unused."""
        used = {v.name for v in self._views}
        base, index = type(view).__name__, 0
        while (name := base if index == 0 else f"{base} ({index})") in used:
            index += 1
        return name

    def create_views(self):
        """Create and add as many views as specified in view_count (the missing ones)."""
        current = self.view_count
        for view_name, count in self._requested_view_count.items():
            if view_name not in self.view_creator:
                logger.debug("Cannot create the %s: no function creates it.", view_name)
                continue
            for _ in range(int(count) - current.get(view_name, 0)):
                self.create_and_add_view(view_name)

    def create_and_add_view(self, view_name):
        """Create a view and add it to the GUI.

        Returns
        -------
        view : object
            The new view, or None if its creation function returned None.

        """
        if view_name not in self.view_creator:
            raise ValueError(
                f"Unknown view {view_name!r}: the GUI can create {sorted(self.view_creator)}.")
        view = self.view_creator[view_name]()
        if view is None:
            logger.debug("The %s could not be created.", view_name)
            return None
        if callable(getattr(view, "attach", None)):
            view.attach(self)
        else:
            self.add_view(view)
        return view

    def add_view(self, view, position=None, closable=True, floatable=True, floating=None):
        """Add a dock widget to the main window.

        Parameters
        ----------
        view : View
            A QWidget, or an object with a ``canvas`` widget. Its ``name`` attribute is set
            to its class name, numbered if the GUI already has views of that class.
        position : str
            Relative position where to add the view (left, right, top, bottom); right by
            default.
        closable : boolean
            Whether the view can be closed by the user.
        floatable : boolean
            Whether the view can be detached from the main GUI.
        floating : boolean
            Whether the view should be added in floating mode or not.

        Returns
        -------
        dock : DockWidget

        """
        if (position or "right") not in _DOCK_AREAS:
            raise ValueError(f"Invalid view position {position!r}: use one of {list(_DOCK_AREAS)}.")
        widget = _view_widget(view)
        view.name = self._new_view_name(view)
        dock = DockWidget(
            view.name, self, widget=widget, closable=closable, on_close=self._on_dock_closed)
        features = DockWidget.DockWidgetMovable
        if closable:
            features |= DockWidget.DockWidgetClosable
        if floatable:
            features |= DockWidget.DockWidgetFloatable
        dock.setFeatures(features)
        dock.view = view
        self.addDockWidget(_DOCK_AREAS[position or "right"], dock)
        if floating is not None:
            dock.setFloating(floating)
        view.dock = dock
        self._views.append(view)
        logger.log(5, "Add view %s.", view.name)
        emit(ev.ADD_VIEW, self, view)
        return dock

    def _on_dock_closed(self, dock):
        """A dock was closed by the user: forget its view, emit ``close_view``, delete the dock.

        The dock emits ``close_dock_widget`` after this.
        """
        view = dock.view
        self.removeDockWidget(dock)
        dock.deleteLater()
        if view in self._views:
            self._views.remove(view)
            logger.debug("Close view %s.", view.name)
            emit(ev.CLOSE_VIEW, view, self)

    # Menus
    # ---------------------------------------------------------------------------------------------

    def get_menu(self, name, insert_before=None):
        """Get or create a menu.

        Parameters
        ----------
        name : str
            Menu title (``'&File'``: ``&`` marks the keyboard mnemonic; menus are looked up
            without it).
        insert_before : str
            Name of the menu before which a new menu goes. By default, the menus are in the
            order File, Edit, Select, View, (other menus), Help.

        """
        key = _menu_key(name)
        if key not in self._menus:
            if insert_before is not None:
                before = self._menus.get(_menu_key(insert_before))
            else:
                rank = _menu_rank(key)
                before = next((m for k, m in self._menus.items() if _menu_rank(k) > rank), None)
            menu = QMenu(name, self)
            if before is not None:
                self.menuBar().insertMenu(before.menuAction(), menu)
            else:
                self.menuBar().addMenu(menu)
            self._menus[key] = menu
        return self._menus[key]

    def get_submenu(self, menu, name):
        """Get or create a submenu `name` of the menu `menu`."""
        key = (_menu_key(menu), _menu_key(name))
        if key not in self._submenus:
            self._submenus[key] = self.get_menu(menu).addMenu(name)
        return self._submenus[key]

    def remove_menu(self, name):
        """Remove a menu (and its submenus)."""
        key = _menu_key(name)
        menu = self._menus.pop(key)
        self._submenus = {k: v for k, v in self._submenus.items() if k[0] != key}
        self.menuBar().removeAction(menu.menuAction())
        menu.deleteLater()

    # Status bar and dialogs
    # ---------------------------------------------------------------------------------------------

    @property
    def status_message(self):
        """The message in the status bar, can be set by the user."""
        return self.statusBar().currentMessage()

    @status_message.setter
    def status_message(self, value):
        if not self._status_locked:
            self.statusBar().showMessage(str(value))

    def lock_status(self):
        """Lock the status bar: messages (and menu tips) are ignored until it is unlocked."""
        self._status_locked = True

    def unlock_status(self):
        """Unlock the status bar."""
        self._status_locked = False

    def event(self, e):
        """Ignore the status tips of menu items while the status bar is locked."""
        if e.type() == QEvent.StatusTip and self._status_locked:
            return True
        return super().event(e)

    def dialog(self, message):
        """Return a message box with `message`, parented to the GUI, not shown yet.

        Show it with ``box.show()`` (or ``box.exec_()`` for a modal loop): the GUI never blocks
        on it by itself.

        Returns
        -------
        box : QMessageBox

        """
        box = QMessageBox(self)
        box.setWindowTitle(self.windowTitle())
        box.setText(message)
        return box

    # Geometry and state
    # ---------------------------------------------------------------------------------------------

    def save_geometry_state(self):
        """Return picklable geometry and state of the window and docks.

        This function can be called in on_close().

        Returns
        -------
        geometry_state : dict
            ``{'geometry': QByteArray, 'state': QByteArray}``.

        """
        return {"geometry": self.saveGeometry(), "state": self.saveState()}

    def restore_geometry_state(self, gs):
        """Restore the position of the main window and the docks.

        The GUI widgets need to be recreated first. :meth:`show` calls this function with the
        saved state the first time the GUI is shown.

        Parameters
        ----------
        gs : dict
            As returned by :meth:`save_geometry_state` (byte strings are accepted).

        """
        if not gs:
            return
        if gs.get("geometry") and not self.restoreGeometry(_qbytearray(gs["geometry"])):
            logger.warning("Could not restore the window geometry of %s.", self.name)
        if gs.get("state") and not self.restoreState(_qbytearray(gs["state"])):
            logger.warning("Could not restore the dock layout of %s.", self.name)

    # Qt events
    # ---------------------------------------------------------------------------------------------

    def show(self):
        """Show the window (the first time, with the geometry and layout of the saved state)."""
        if not self._shown:
            self._shown = True
            self.restore_geometry_state(self.state.get("geometry_state"))
        emit(ev.SHOW, self)
        super().show()

    def closeEvent(self, e):  # noqa: N802 (Qt API)
        """Qt slot when the window is closed.

        Emits ``close`` (a callback returning False cancels), ``close_view`` for every view,
        then saves the GUI state with the window geometry and the view count.

        Exceptions never escape into Qt: they are logged and shown in the status bar. A
        ``close`` callback that raises cancels the closing once (unsaved work may be at stake);
        the next attempt closes the window anyway.
        """
        if self._closed:
            e.accept()
            return
        if self._close_cancelled_by_error(e):
            return
        self.snippets.mode_off()
        for view in self.views:
            call_reporting_errors(emit, ev.CLOSE_VIEW, view, self,
                                  what=f"closing the view {view.name}", log=logger)
        call_reporting_errors(self._save_state, what="saving the GUI state", log=logger)
        self._closed = True
        super().closeEvent(e)

    def _close_cancelled_by_error(self, e):
        """Emit ``close``; ignore the close event if a callback cancels it, or raises once."""
        try:
            cancelled = any(result is False for result in emit(ev.CLOSE, self))
        except Exception as error:
            closing_anyway = self._close_failed
            self._close_failed = True
            message = f"Error while closing {self.name}: {error}." + (
                " Closing anyway." if closing_anyway else " Close again to close anyway.")
            logger.error(message, exc_info=True)
            self.status_message = message
            cancelled = not closing_anyway
        if cancelled:
            e.ignore()
        return cancelled

    def _save_state(self):
        self.state["geometry_state"] = self.save_geometry_state()
        self.state["view_count"] = self.view_count
        self.state.save()
