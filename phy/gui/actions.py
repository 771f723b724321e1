"""Actions: named commands of a GUI with keyboard shortcuts, menu entries and snippets.

An :class:`Actions` instance is a group of actions attached to a GUI (``File``, ``Clustering``,
one group per view...). Each action is a Python function exposed as a ``QAction``: it runs from
its keyboard shortcut(s), from its menu entry, from a snippet typed after ``:`` (see
:class:`phy.gui.Snippets`), or from Python with :meth:`Actions.run`::

    actions = Actions(gui, name='Clustering', menu='&Clustering',
                      default_shortcuts={'merge': 'g'})

    @actions.add
    def merge(*cluster_ids):
        '''Merge the selected clusters.'''

    @actions.add(shortcut='ctrl+z')
    def undo():
        '''Undo the last action.'''

Shortcuts are strings such as ``'g'``, ``'ctrl+s'``, ``'shift+space'``, ``'alt+pgdown'``,
``'ctrl++'`` (see SHORTCUTS.md), ``QKeySequence.StandardKey`` values, or lists of these.

The user overrides any shortcut or snippet through the GUI's ``user_shortcuts`` and
``user_snippets`` dictionaries, read from ``c.<GUIName>.shortcuts`` and
``c.<GUIName>.snippets`` in ``phy_config.py``. Their keys are action names, or
``'<group name>.<action name>'`` to target one group; a None value removes the shortcut.

As in phy 2, each action is also an attribute of its group, named after the action in lower
case with ``_`` for spaces (``actions.merge(3, 5)`` runs it like ``actions.run('merge', 3,
5)``), unless that name is already a member of :class:`Actions` (``run``, ``add``...). An ``&``
in the action name marks its snippet: ``'tes&t'`` is the action ``test`` with the snippet
``:t`` (and the menu mnemonic ``t``).

An exception raised by an action run from its menu entry or keyboard shortcut is logged on this
module's logger and shown in the status bar; it never propagates into Qt.
"""

import functools
import inspect
import logging

from phy.utils import bus_events as ev
from phy.utils.bunch import Bunch
from phy.utils.event import emit

from .dialogs import input_dialog
from .qt import QAction, QKeySequence, Qt, busy_cursor
from .snippet_parser import SnippetError, parse_args, parse_value, tokenize
from .threads import call_reporting_errors

logger = logging.getLogger(__name__)


_MODIFIERS = {"ctrl": "Ctrl", "control": "Ctrl", "alt": "Alt", "shift": "Shift", "meta": "Meta"}
_KEYS = {
    "esc": "Esc", "escape": "Esc", "pgup": "PgUp", "pageup": "PgUp", "pgdown": "PgDown",
    "pagedown": "PgDown", "del": "Del", "delete": "Del", "ins": "Ins", "insert": "Ins",
    "backspace": "Backspace", "enter": "Enter", "return": "Return", "space": "Space",
    "tab": "Tab", "home": "Home", "end": "End", "up": "Up", "down": "Down", "left": "Left",
    "right": "Right",
}


# -------------------------------------------------------------------------------------------------
# Shortcuts
# -------------------------------------------------------------------------------------------------

def _portable_text(shortcut):
    """Qt's portable text of a phy shortcut: ``'ctrl+shift+z'`` gives ``'Ctrl+Shift+Z'``."""
    text = shortcut.strip()
    if text == "+" or text.endswith("++"):
        key, modifiers = "+", text[:-2].split("+") if len(text) > 1 else []
    else:
        *modifiers, key = text.split("+")
    parts = []
    for modifier in modifiers:
        if modifier.lower() not in _MODIFIERS:
            raise ValueError(f"Invalid keyboard shortcut {shortcut!r}: unknown modifier "
                             f"{modifier!r} (use ctrl, alt, shift or meta).")
        parts.append(_MODIFIERS[modifier.lower()])
    if not key:
        raise ValueError(f"Invalid keyboard shortcut {shortcut!r}: no key.")
    parts.append(key if len(key) == 1 else _KEYS.get(key.lower(), key.capitalize()))
    return "+".join(parts)


def key_sequence(shortcut):
    """Return the ``QKeySequence`` of a shortcut.

    Parameters
    ----------
    shortcut : str, QKeySequence.StandardKey or QKeySequence
        For example ``'ctrl+s'``, ``'alt+pgdown'``, ``'?'``, ``QKeySequence.Save``.

    Raises
    ------
    ValueError
        If the shortcut is not a valid key combination.

    """
    if isinstance(shortcut, QKeySequence):
        return shortcut
    if not isinstance(shortcut, str):
        return QKeySequence(shortcut)
    sequence = QKeySequence(_portable_text(shortcut), QKeySequence.PortableText)
    if sequence.count() != 1 or (sequence[0] & ~int(Qt.KeyboardModifierMask)) == Qt.Key_unknown:
        raise ValueError(f"Invalid keyboard shortcut {shortcut!r}.")
    return sequence


def _shortcut_list(shortcut):
    """A list of shortcuts from None, one shortcut, or a list of shortcuts."""
    if shortcut is None or shortcut == "":
        return []
    if isinstance(shortcut, (list, tuple)):
        return [s for s in shortcut if s]
    return [shortcut]


def _shortcut_text(shortcut):
    """Human-readable text of a shortcut, in phy's lower-case style."""
    if isinstance(shortcut, str):
        return shortcut
    return key_sequence(shortcut).toString().lower()


def _humanize(name):
    """Menu text of an action name: ``'show_all_shortcuts'`` gives ``'Show all shortcuts'``."""
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def _attribute_name(name):
    """The attribute of an action on its :class:`Actions`: ``'Show all'`` gives ``'show_all'``."""
    return name.lower().replace(" ", "_")


def _split_mnemonic(name):
    """An action name with an ``&`` marker: ``'tes&t'`` gives ``('test', 't')``.

    The character after the ``&`` is the snippet; without a marker, the snippet is None.
    """
    index = name.find("&")
    alias = name[index + 1] if 0 <= index < len(name) - 1 else None
    return name.replace("&", ""), alias


def _first_line(docstring):
    """First paragraph of a docstring, on one line."""
    doc = inspect.cleandoc(docstring or "")
    return " ".join(doc.split("\n\n")[0].split())


# -------------------------------------------------------------------------------------------------
# Actions
# -------------------------------------------------------------------------------------------------


def _show_checked(qaction, checked):
    """Check or uncheck a QAction without emitting its signals (its callback does not run)."""
    if qaction.isChecked() != bool(checked):
        qaction.blockSignals(True)
        qaction.setChecked(bool(checked))
        qaction.blockSignals(False)

class Actions:
    """Group of actions bound to a GUI.

    This class attaches to a GUI and implements the following features:

    * add and remove actions,
    * keyboard shortcuts for the actions,
    * display all shortcuts.

    Parameters
    ----------
    gui : GUI instance
    name : str
        Name of this group of actions.
    menu : str
        Name of the GUI menu that will contain the actions.
    submenu : str
        Name of the GUI submenu that will contain the actions.
    default_shortcuts : dict
        Map action names to keyboard shortcuts (regular strings).
    default_snippets : dict
        Map action names to snippets (regular strings).
    view : QWidget
        If given, the actions are added to this widget and their shortcuts only work when it
        (or one of its children) has the keyboard focus. By default, they are added to the GUI
        and work anywhere in its window.

    """

    def __init__(self, gui, name=None, menu=None, submenu=None, default_shortcuts=None,
                 default_snippets=None, view=None):
        self.gui = gui
        self.name = name or "Actions"
        self.menu = menu
        self.submenu = submenu
        self.view = view
        self._default_shortcuts = dict(default_shortcuts or {})
        self._default_snippets = dict(default_snippets or {})
        self._actions = {}
        self._attributes = {}  # attribute name -> action name
        groups = getattr(gui, "action_groups", None)
        if isinstance(groups, list):
            groups.append(self)

    # Helpers
    # ---------------------------------------------------------------------------------------------

    def _user_value(self, table_name, name, default):
        """The user's override of an action's shortcut or snippet, or `default`."""
        table = getattr(self.gui, table_name, None) or {}
        for key in (f"{self.name}.{name}", name):
            if key in table:
                return table[key]
        return default

    def _status(self, message):
        """Tell the user about a problem, in the status bar and the log."""
        logger.warning(message)
        self._show(message)

    def _menu(self, menu, submenu):
        """The QMenu where an action goes, or None."""
        if submenu:
            return self.gui.get_submenu(menu, submenu)
        return self.gui.get_menu(menu) if menu else None

    def _warn_conflicts(self, action):
        """Log a warning for shortcuts already used in the same widget."""
        mine = {s.toString() for s in action.qaction.shortcuts()}
        for group in getattr(self.gui, "action_groups", [self]):
            if group._owner is not self._owner:
                continue
            for other in group._actions.values():
                common = mine & {s.toString() for s in other.qaction.shortcuts()}
                if common and other is not action:
                    logger.warning(
                        "Shortcut %s of action %s.%s is also used by %s.%s.", ", ".join(common),
                        self.name, action.name, group.name, other.name)

    @property
    def _owner(self):
        """The widget the actions are added to."""
        return self.view if self.view is not None else self.gui

    # Adding actions
    # ---------------------------------------------------------------------------------------------

    def add(self, callback=None, name=None, shortcut=None, alias=None, prompt=False, n_args=None,
            docstring=None, menu=None, submenu=None, verbose=True, checkable=False, checked=False,
            set_busy=False, prompt_default=None, show_shortcut=True):
        """Add an action with a keyboard shortcut.

        Can be used as a decorator, ``@actions.add`` or ``@actions.add(shortcut='g')``.

        Parameters
        ----------
        callback : function
            Take no argument if checkable is False, or a boolean (checked) if it is True.
        name : str
            Action name, the callback's name by default.
        shortcut : str or list
            The keyboard shortcut(s) for this action (by default, the one in
            ``default_shortcuts``).
        alias : str
            Snippet, the name by default (or the one in ``default_snippets``).
        prompt : boolean
            Whether this action should display a dialog with an input box where the user can
            write arguments to the callback function (parsed as snippet arguments).
        n_args : int
            The number of expected arguments. With ``n_args=1``, a text with spaces is passed
            whole as one string (for example a filter expression).
        docstring : str
            The action docstring, displayed in the status bar when hovering over the action
            item in the menu. By default, the first paragraph of the function's docstring.
        menu : str
            The name of the menu where the action should be added (created if needed). By
            default, the menu of the group.
        submenu : str
            The name of the submenu where the action should be added (created if needed).
        verbose : boolean
            Whether to log (at DEBUG level) each run of the action.
        checkable : boolean
            Whether the action is checkable (toggle on/off).
        checked : boolean
            Whether the checkable action is initially checked or not.
        set_busy : boolean
            Whether to use a busy cursor while performing the action (and emit
            :data:`ev.IS_BUSY` before and after).
        prompt_default : str or function
            The default text in the input text box, if prompt is True (a function is called
            to get it when the dialog opens).
        show_shortcut : boolean
            Whether to show the shortcut in the Help action that displays all GUI shortcuts.

        Returns
        -------
        callback : function

        """
        options = dict(
            name=name, shortcut=shortcut, alias=alias, prompt=prompt, n_args=n_args,
            docstring=docstring, menu=menu, submenu=submenu, verbose=verbose,
            checkable=checkable, checked=checked, set_busy=set_busy,
            prompt_default=prompt_default, show_shortcut=show_shortcut)
        if callback is None:
            return lambda f: self.add(f, **options)
        marked_name = name or callback.__name__
        name, marked_alias = _split_mnemonic(marked_name)
        if name in self._actions:
            logger.debug("The action %s.%s already exists: not added again.", self.name, name)
            return callback
        shortcuts = _shortcut_list(self._user_value(
            "user_shortcuts", name,
            shortcut if shortcut is not None else self._default_shortcuts.get(name)))
        alias = self._user_value(
            "user_snippets", name,
            alias or marked_alias or self._default_snippets.get(name) or name)
        docstring = docstring if docstring is not None else _first_line(callback.__doc__)

        qaction = QAction(_humanize(marked_name) + ("..." if prompt else ""), self._owner)
        qaction.setShortcuts([key_sequence(s) for s in shortcuts])
        qaction.setShortcutContext(
            Qt.WidgetWithChildrenShortcut if self.view is not None else Qt.WindowShortcut)
        qaction.setStatusTip(docstring)
        qaction.setToolTip(docstring)
        qaction.setCheckable(checkable)
        qaction.setChecked(checkable and checked)
        qaction.triggered.connect(functools.partial(self._on_triggered, name))
        self._owner.addAction(qaction)
        menu_widget = self._menu(menu or self.menu, submenu or (None if menu else self.submenu))
        if menu_widget is not None:
            menu_widget.addAction(qaction)

        action = Bunch(
            name=name, callback=callback, shortcuts=shortcuts, alias=alias, prompt=prompt,
            n_args=n_args, docstring=docstring, verbose=verbose, checkable=checkable,
            set_busy=set_busy, prompt_default=prompt_default, show_shortcut=show_shortcut,
            qaction=qaction)
        self._actions[name] = action
        self._set_attribute(action)
        self._warn_conflicts(action)
        logger.log(5, "Add action %s.%s (%s).", self.name, name, ", ".join(map(str, shortcuts)))
        return callback

    def _set_attribute(self, action):
        """Make the action an attribute of this object, running it (unless the name is taken)."""
        attribute = _attribute_name(action.name)
        if hasattr(type(self), attribute) or (
                attribute in vars(self) and attribute not in self._attributes):
            logger.debug("The action %s.%s is not an attribute: %r is taken.",
                         self.name, action.name, attribute)
            return

        @functools.wraps(action.callback)
        def run_action(*args, **kwargs):
            return self.run(action.name, *args, **kwargs)

        setattr(self, attribute, run_action)
        self._attributes[attribute] = action.name

    def separator(self, menu=None):
        """Add a separator.

        Parameters
        ----------
        menu : str
            The menu that will contain the separator, or the Actions menu by default.

        """
        menu_widget = self._menu(menu or self.menu, None if menu else self.submenu)
        if menu_widget is not None:
            menu_widget.addSeparator()

    # Running actions
    # ---------------------------------------------------------------------------------------------

    def _action(self, name):
        """The action called `name`, or whose snippet is `name`."""
        action = self._actions.get(name) or self._actions.get(self.action_for_alias(name))
        if action is None:
            raise ValueError(f"No action {name!r} in the {self.name} actions.")
        return action

    def _show(self, message):
        """Show a message in the status bar of the GUI (if it has one)."""
        if hasattr(self.gui, "status_message"):
            self.gui.status_message = message

    def _on_triggered(self, name, checked=False):
        """Called when the QAction is triggered (shortcut, menu, ``QAction.trigger()``).

        An exception raised by the action is logged and shown in the status bar.
        """
        action = self._actions.get(name)
        if action is not None:
            call_reporting_errors(
                self._trigger, action, checked, what=f"the action {self.name}.{name}",
                log=logger, show=self._show)

    def _trigger(self, action, checked):
        if action.prompt:
            args = self._prompt_args(action)
            if args is None:
                return
        else:
            args = (checked,) if action.checkable else ()
        self._call(action, *args)

    def _call(self, action, *args, **kwargs):
        if action.verbose:
            logger.debug("Run action %s.%s%s.", self.name, action.name, args)
        with busy_cursor(action.set_busy):
            if action.set_busy:
                emit(ev.IS_BUSY, self, True)
            try:
                return action.callback(*args, **kwargs)
            finally:
                if action.set_busy:
                    emit(ev.IS_BUSY, self, False)

    def _prompt_args(self, action):
        """Ask the arguments of an action in a dialog; None if cancelled or invalid."""
        default = action.prompt_default
        default = default() if callable(default) else default
        text, ok = input_dialog(
            _humanize(action.name), action.docstring or _humanize(action.name),
            text=None if default is None else str(default))
        if not ok:
            return None
        return self.parse_action_args(action.name, text)

    def parse_action_args(self, name, text):
        """Parse the arguments of an action typed in a prompt or a snippet.

        Arguments follow the snippet syntax (see :mod:`phy.gui.snippet_parser`); for an action
        with ``n_args=1``, a text of several words is one string argument. Invalid arguments
        (syntax, or a number that the callback does not accept) are reported in the status bar
        and give None.

        Parameters
        ----------
        name : str
            Action name.
        text : str
            The arguments as typed.

        Returns
        -------
        args : tuple or None

        """
        action = self._action(name)
        try:
            tokens = tokenize(text)
            if action.n_args == 1 and len(tokens) > 1:
                args = (text.strip(),)
            elif action.n_args == 1 and tokens:
                value, quoted = tokens[0]
                args = (value if quoted else parse_value(value),)
            else:
                args = parse_args(text)
        except SnippetError as e:
            self._status(f"Invalid arguments for {name}: {e}")
            return None
        try:
            signature = inspect.signature(action.callback)
        except (TypeError, ValueError):  # No signature (builtin): let the call decide.
            return args
        try:
            signature.bind(*args)
        except TypeError:
            self._status(f"Invalid arguments for {name}: {len(args)} given, "
                         f"expected {name}{signature}.")
            return None
        return args

    def run(self, name, *args, **kwargs):
        """Run an action as specified by its name (or its snippet), and return its result.

        For a checkable action, ``run(name)`` toggles it and ``run(name, checked)`` sets it.
        An exception raised by the action propagates to the caller.

        Raises
        ------
        ValueError
            If there is no such action in this group.

        """
        action = self._action(name)
        if action.checkable:
            if not args:
                action.qaction.trigger()
                return None
            _show_checked(action.qaction, args[0])
        return self._call(action, *args, **kwargs)

    # Managing actions
    # ---------------------------------------------------------------------------------------------

    def get(self, name):
        """Get a QAction instance from its name (None if there is no such action)."""
        action = self._actions.get(name)
        return action.qaction if action else None

    def set_checked(self, name, checked):
        """Show a checkable action as checked or not, without running it.

        For a toggle called from Python (a view's ``toggle_*`` method), so that its menu entry
        follows. Nothing happens if there is no such action.
        """
        qaction = self.get(name)
        if qaction is not None:
            _show_checked(qaction, checked)

    def action_for_alias(self, alias):
        """Return the name of the action whose snippet is `alias`, or None."""
        return next((a.name for a in self._actions.values() if a.alias == alias), None)

    def remove(self, name):
        """Remove an action (and its attribute)."""
        action = self._actions.pop(self._action(name).name)
        attribute = _attribute_name(action.name)
        if self._attributes.get(attribute) == action.name:
            del self._attributes[attribute]
            delattr(self, attribute)
        for widget in action.qaction.associatedWidgets():
            widget.removeAction(action.qaction)
        action.qaction.deleteLater()

    def remove_all(self):
        """Remove all actions."""
        for name in list(self._actions):
            self.remove(name)

    def disable(self, name=None):
        """Disable all actions, or only one if a name is passed."""
        self._set_enabled(name, False)

    def enable(self, name=None):
        """Enable all actions, or only one if a name is passed."""
        self._set_enabled(name, True)

    def _set_enabled(self, name, enabled):
        names = [name] if name is not None else list(self._actions)
        for n in names:
            self._action(n).qaction.setEnabled(enabled)

    @property
    def names(self):
        """The names of the actions, in the order they were added."""
        return list(self._actions)

    @property
    def shortcuts(self):
        """A dictionary mapping action names to keyboard shortcuts (a string, or a tuple)."""
        out = {}
        for action in self._actions.values():
            texts = tuple(_shortcut_text(s) for s in action.shortcuts)
            if texts:
                out[action.name] = texts[0] if len(texts) == 1 else texts
        return out

    def shortcuts_text(self):
        """The text displayed by :meth:`show_shortcuts`.

        Two sections: the keyboard shortcuts (one line per action with a shortcut, ending with
        ``: <shortcuts>`` as in phy 2), then the snippets (one line per action, ending with
        ``:<snippet>``).
        Actions added with ``show_shortcut=False`` are left out.
        """
        shown = sorted((a for a in self._actions.values() if a.show_shortcut),
                       key=lambda a: a.name)
        lines = [f"Keyboard shortcuts for {self.name}"]
        lines += [f"- {a.name:<40}: {', '.join(map(_shortcut_text, a.shortcuts))}"
                  for a in shown if a.shortcuts]
        lines += ["", f"Snippets for {self.name}"]
        lines += [f"- {a.name:<40} :{a.alias}" for a in shown]
        return "\n".join(lines)

    def show_shortcuts(self):
        """Display all shortcuts in the console."""
        print(self.shortcuts_text())

    def __contains__(self, name):
        return name in self._actions

    def __repr__(self):
        return f"<Actions {self.name!r}: {len(self._actions)} actions>"


def __getattr__(name):
    """``phy.gui.actions.Snippets``, where phy 2 defined it (now :class:`phy.gui.Snippets`)."""
    if name == "Snippets":
        from .snippets import Snippets

        return Snippets
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
