"""Dialogs: message boxes, questions and text input, through a replaceable dialog provider.

Every dialog of phy goes through the current *dialog provider*, an object with three methods
(``message_box``, ``prompt``, ``input_dialog``) with the signatures of the module functions
below. The default provider, :class:`QtDialogs`, shows modal Qt dialogs. Install another one
with :func:`set_dialog_provider` to answer dialogs programmatically, in scripts or in tests;
:class:`ScriptedDialogs` answers from a list of prepared answers and records every question::

    dialogs = ScriptedDialogs(['yes', ('5', True)])
    previous = set_dialog_provider(dialogs)
    try:
        ...  # code calling prompt() then input_dialog()
    finally:
        set_dialog_provider(previous)

To write a new provider, subclass :class:`QtDialogs` (or write any class with the same three
methods) and override the methods to change.
"""

import logging
from collections import deque

from phy.utils.bunch import Bunch

from .qt import QApplication, QInputDialog, QMessageBox, require_qt

logger = logging.getLogger(__name__)

#: Message box levels, mapped to Qt icons.
_LEVELS = {
    None: QMessageBox.NoIcon,
    "information": QMessageBox.Information,
    "warning": QMessageBox.Warning,
    "critical": QMessageBox.Critical,
}


def _standard_button(name):
    """The ``QMessageBox.StandardButton`` called `name` (``'yes'``, ``'no'``, ``'ok'``...)."""
    key = "".join(part.capitalize() for part in name.replace("_", " ").split())
    button = getattr(QMessageBox, key, None)
    if not isinstance(button, QMessageBox.StandardButton):
        raise ValueError(
            f"Unknown dialog button {name!r}: use the name of a QMessageBox standard button "
            "such as 'yes', 'no', 'ok', 'cancel', 'close', 'save', 'discard', 'yes_to_all'.")
    return button


class QtDialogs:
    """The default dialog provider: modal Qt dialogs, parented to the active window."""

    @require_qt
    def message_box(self, message, title="Message", level=None):
        """Show a message box (see :func:`message_box`)."""
        if level not in _LEVELS:
            raise ValueError(
                f"Unknown message box level {level!r}: use one of 'information', 'warning', "
                "'critical' or None.")
        box = QMessageBox(_LEVELS[level], title, message, QMessageBox.Ok,
                          QApplication.activeWindow())
        box.exec_()
        box.deleteLater()

    @require_qt
    def prompt(self, message, buttons=("yes", "no"), title="Question"):
        """Ask a question and return the name of the clicked button (see :func:`prompt`)."""
        by_value = {int(_standard_button(name)): name for name in buttons}
        flags = QMessageBox.NoButton
        for name in buttons:
            flags |= _standard_button(name)
        box = QMessageBox(QMessageBox.Question, title, message, flags, QApplication.activeWindow())
        clicked = box.exec_()
        box.deleteLater()
        return by_value.get(int(clicked))

    @require_qt
    def input_dialog(self, title, sentence, text=None):
        """Ask for a line of text (see :func:`input_dialog`)."""
        text, ok = QInputDialog.getText(QApplication.activeWindow(), title, sentence,
                                        text=text or "")
        return text, bool(ok)


class ScriptedDialogs:
    """A dialog provider answering from a list of prepared answers, without showing anything.

    Parameters
    ----------
    answers : iterable
        Answers given in order: for :func:`prompt` the name of the button (or None, for a
        dialog closed without choosing), for :func:`input_dialog` a tuple ``(text, ok)`` or a
        string (meaning ``(text, True)``). Message boxes consume no answer.

    Attributes
    ----------
    calls : list of Bunch
        Every dialog requested, as ``Bunch(kind, ...)`` with the arguments of the call
        (``kind`` is ``'message_box'``, ``'prompt'`` or ``'input_dialog'``).

    """

    def __init__(self, answers=()):
        self.answers = deque(answers)
        self.calls = []

    def _next_answer(self, kind):
        if not self.answers:
            raise RuntimeError(f"ScriptedDialogs: no answer left for the {kind} dialog.")
        return self.answers.popleft()

    def message_box(self, message, title="Message", level=None):
        """Record the message box."""
        logger.debug("Message box %r: %s", title, message)
        self.calls.append(Bunch(kind="message_box", message=message, title=title, level=level))

    def prompt(self, message, buttons=("yes", "no"), title="Question"):
        """Record the question and return the next answer, which must be one of `buttons`."""
        self.calls.append(Bunch(kind="prompt", message=message, buttons=buttons, title=title))
        answer = self._next_answer("prompt")
        if answer is not None and answer not in buttons:
            raise ValueError(f"ScriptedDialogs: answer {answer!r} is not one of {buttons}.")
        return answer

    def input_dialog(self, title, sentence, text=None):
        """Record the question and return the next answer as ``(text, ok)``."""
        self.calls.append(Bunch(kind="input_dialog", title=title, sentence=sentence, text=text))
        answer = self._next_answer("input dialog")
        return (answer, True) if isinstance(answer, str) else tuple(answer)


_provider = QtDialogs()


def set_dialog_provider(provider):
    """Install the object that shows (or answers) every dialog, and return the previous one.

    Parameters
    ----------
    provider : object
        An object with the methods ``message_box``, ``prompt`` and ``input_dialog`` (for
        example :class:`QtDialogs` or :class:`ScriptedDialogs`).

    """
    global _provider
    missing = [m for m in ("message_box", "prompt", "input_dialog") if not hasattr(provider, m)]
    if missing:
        raise TypeError(f"The dialog provider {provider!r} lacks the methods {missing}.")
    previous, _provider = _provider, provider
    return previous


def get_dialog_provider():
    """Return the object currently showing (or answering) the dialogs."""
    return _provider


def message_box(message, title="Message", level=None):
    """Display a message box.

    Parameters
    ----------
    message : str
    title : str
    level : str
        ``'information'``, ``'warning'``, ``'critical'``, or None for no icon.

    """
    return _provider.message_box(message, title=title, level=level)


def prompt(message, buttons=("yes", "no"), title="Question"):
    """Display a dialog with several buttons to confirm or cancel an action.

    Parameters
    ----------
    message : str
        Dialog message.
    buttons : tuple
        Names of the standard buttons to show: ``yes``, ``no``, ``ok``, ``cancel``, ``close``,
        ``save``, ``discard``... (see ``QMessageBox::StandardButton``; ``yes_to_all`` is
        ``YesToAll``).
    title : str
        Dialog title.

    Returns
    -------
    button : str or None
        The name of the clicked button, as given in `buttons`, or None if the dialog was
        closed without clicking a button.

    """
    return _provider.prompt(message, buttons=buttons, title=title)


def input_dialog(title, sentence, text=None):
    """Display a dialog with a text box.

    Parameters
    ----------
    title : str
        Title of the dialog.
    sentence : str
        Message of the dialog.
    text : str
        Default text in the text box.

    Returns
    -------
    (text, ok) : tuple
        The text entered, and whether the user accepted the dialog (False if cancelled).

    """
    return _provider.input_dialog(title, sentence, text=text)
