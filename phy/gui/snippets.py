"""Snippets: type ``:merge 3 5`` anywhere in the GUI to run an action with arguments.

The snippet mode is activated with the ``:`` keyboard shortcut. The typed characters appear in
the status bar, followed by a cursor; ``Backspace`` erases, ``Enter`` runs the command and
``Escape`` leaves the mode. A snippet is an action's alias (its name by default) followed by
arguments in the syntax of :mod:`phy.gui.snippet_parser`::

    :my_action string 3-6      ->  my_action('string', (3, 4, 5, 6))

While the mode is on, an event filter on the application receives every keystroke in the GUI
(main window and floating docks) before the widgets and the keyboard shortcuts do. To handle
commands differently, subclass :class:`Snippets` and override :meth:`Snippets.run`.

A GUI has one snippet mode: ``GUI`` creates a :class:`Snippets`, and a new ``Snippets(gui)``
(a subclass overriding :meth:`Snippets.run`, say) replaces the previous one, which is detached
(its mode turned off and its ``enable_snippet_mode`` action removed); ``gui.snippets`` is the
new one. Two objects never compete for the ``:`` shortcut.

Problems with a snippet (an unknown action, invalid arguments, a disabled action) are shown in
the status bar and logged as warnings; an exception raised by the action is logged with its
message and shown, not propagated. As in phy 2, where this class lived in
:mod:`phy.gui.actions`, these messages are logged on the ``phy.gui.actions`` logger.
"""

import logging

from .actions import Actions
from .qt import QApplication, QEvent, QObject, Qt, QWidget, QWindow
from .snippet_parser import SnippetError, split_snippet
from .threads import call_reporting_errors

logger = logging.getLogger("phy.gui.actions")

_COMMAND_MODIFIERS = Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier


def _belongs_to(widget, gui):
    """Whether `widget` is `gui` or one of its descendants (floating docks included)."""
    while widget is not None:
        if widget is gui:
            return True
        widget = widget.parentWidget()
    return False


class _KeyFilter(QObject):
    """Application event filter sending the keystrokes to the snippets while the mode is on."""

    def __init__(self, snippets):
        super().__init__()
        self._snippets = snippets

    def _concerns(self, receiver):
        """Whether a key event delivered to `receiver` is for the snippets.

        Key events reach the application filter twice, first for the internal window of a
        widget hierarchy and then for the focused widget: only the widget (or a ``QWindow``
        subclass of our own, such as an OpenGL canvas) is considered. Keys typed in a modal
        dialog or in another window than the GUI's are left alone.
        """
        is_target = isinstance(receiver, QWidget) or (
            isinstance(receiver, QWindow) and type(receiver) is not QWindow)
        if not is_target or QApplication.activeModalWidget() is not None:
            return False
        active = QApplication.activeWindow()
        return active is None or _belongs_to(active, self._snippets.gui)

    def eventFilter(self, receiver, event):  # noqa: N802 (Qt API)
        """Accept the shortcut overrides and consume the key presses while the mode is on."""
        kind = event.type()
        if kind not in (QEvent.ShortcutOverride, QEvent.KeyPress) or not self._concerns(receiver):
            return False
        event.accept()
        if kind == QEvent.KeyPress:
            call_reporting_errors(
                self._snippets._on_key, event.key(), event.text(), event.modifiers(),
                what="the snippet mode", log=logger)
        return True


class Snippets:
    """Provide keyboard snippets to quickly execute actions from a GUI.

    This class attaches to a GUI and to its groups of actions (``gui.action_groups``). To
    every action is associated a snippet with the same name, or with an alias as indicated in
    the action. The arguments of the action's callback functions can be provided in the
    snippet's command with a simple syntax. For example, the command ``:my_action string 3-6``
    corresponds to ``my_action('string', (3, 4, 5, 6))``.

    The snippet mode is activated with the ``:`` keyboard shortcut. A snippet command is
    activated with Enter, and one can leave the snippet mode with Escape.

    A new ``Snippets(gui)`` replaces the GUI's previous one (``gui.snippets``), which stops
    working.

    Parameters
    ----------
    gui : GUI instance

    """

    #: Appended to the command in the status bar.
    cursor = "\u258c"

    def __init__(self, gui):
        self.gui = gui
        self._command = ""
        self._status_before = ""
        self._filter = _KeyFilter(self)
        self._mode_on = False
        previous = getattr(gui, "snippets", None)
        if isinstance(previous, Snippets):
            previous.detach()
        self.actions = Actions(
            gui, name="Snippets", menu="&File",
            default_shortcuts={"enable_snippet_mode": ":"})
        self.actions.add(
            self.mode_on, name="enable_snippet_mode",
            docstring="Type a command (snippet) in the status bar, run it with Enter.")
        gui.snippets = self

    def detach(self):
        """Turn the snippet mode off and remove the ``enable_snippet_mode`` action from the GUI.

        Called on the previous snippets of a GUI when a new :class:`Snippets` is created.
        """
        self.mode_off()
        self.actions.remove_all()
        groups = getattr(self.gui, "action_groups", None)
        if isinstance(groups, list) and self.actions in groups:
            groups.remove(self.actions)

    @property
    def command(self):
        """The snippet command being typed, starting with ``:``.

        Setting it writes it in the status bar, followed by a cursor.
        """
        return self._command

    @command.setter
    def command(self, value):
        self._command = value
        self.gui.unlock_status()
        self.gui.status_message = value + self.cursor
        self.gui.lock_status()

    def is_mode_on(self):
        """Whether the snippet mode is enabled."""
        return self._mode_on

    def mode_on(self):
        """Enable the snippet mode (the status message is restored by :meth:`mode_off`)."""
        if self._mode_on:
            return
        logger.log(5, "Snippet mode on.")
        self._status_before = self.gui.status_message
        self._mode_on = True
        QApplication.instance().installEventFilter(self._filter)
        self.command = ":"

    def mode_off(self):
        """Disable the snippet mode, and show the status message shown before it."""
        if not self._mode_on:
            return
        logger.log(5, "Snippet mode off.")
        self._mode_on = False
        QApplication.instance().removeEventFilter(self._filter)
        self._command = ""
        self.gui.unlock_status()
        self.gui.status_message = self._status_before

    def _on_key(self, key, text, modifiers=Qt.NoModifier):
        """Handle a key press in snippet mode (Ctrl, Alt or Meta combinations type nothing)."""
        if key == Qt.Key_Escape:
            self.mode_off()
        elif key in (Qt.Key_Return, Qt.Key_Enter):
            command = self._command
            self.mode_off()
            self.run(command)
        elif key == Qt.Key_Backspace:
            if len(self._command) <= 1:
                self.mode_off()
            else:
                self.command = self._command[:-1]
        elif text and text.isprintable() and not modifiers & _COMMAND_MODIFIERS:
            self.command = self._command + text

    def _find_action(self, alias):
        """The group of actions and the name of the action of a snippet, or (None, None)."""
        groups = getattr(self.gui, "action_groups", [])
        for group in groups:
            name = group.action_for_alias(alias)
            if name is not None:
                return group, name
        return next(((group, alias) for group in groups if alias in group), (None, None))

    def _fail(self, message):
        logger.warning(message)
        self._show(message)

    def run(self, snippet):
        """Execute a snippet command.

        Unknown snippets, disabled actions and invalid arguments are reported in the status bar
        and logged as warnings; an exception raised by the action is logged and shown, not
        raised. May be overridden.

        Parameters
        ----------
        snippet : str
            For example ``':merge 3 5'`` (the leading colon is optional).

        Returns
        -------
        result : object
            What the action returned.

        """
        try:
            alias, text = split_snippet(snippet)
        except SnippetError as e:
            self._fail(str(e))
            return None
        group, name = self._find_action(alias)
        if group is None:
            self._fail(f"Couldn't find action `{alias}`.")
            return None
        if not group.get(name).isEnabled():
            self._fail(f"The action {name} is disabled.")
            return None
        args = group.parse_action_args(name, text)
        if args is None:
            return None
        logger.debug("Snippet :%s runs %s.%s%s.", alias, group.name, name, args)
        return call_reporting_errors(
            group.run, name, *args, what=f"the action {group.name}.{name}", log=logger,
            show=self._show)

    def _show(self, message):
        self.gui.status_message = message
