"""The error dialog of :class:`phy.apps.QtDialogLogger`: one non-modal box gathering the errors.

Imported on the first error shown (this module imports Qt).
"""

import sys
from collections import deque

from phy.gui.qt import QApplication, QMessageBox, QObject, Qt, pyqtSignal, pyqtSlot

#: Title of the error box.
TITLE = "An error has occurred"
#: How many errors (with their tracebacks) the box keeps in its details.
MAX_KEPT = 20


class ErrorDialog(QObject):
    """A non-modal message box showing the errors posted to it, coalesced.

    :meth:`post` may be called from any thread: the box is updated in the thread of the Qt
    application. While the box is open, new errors are added to it: the text counts them and
    shows the last one, the details keep the last :data:`MAX_KEPT` ones with their tracebacks.
    Closing the box starts a new count.
    """

    _posted = pyqtSignal(str, str)

    def __init__(self):
        super().__init__()
        self.box = None
        self.count = 0
        self._kept = deque(maxlen=MAX_KEPT)
        self._posted.connect(self._show)

    @classmethod
    def create(cls):
        """Return a new dialog living in the Qt application's thread, or None without an app."""
        app = QApplication.instance()
        if app is None:
            return None
        dialog = cls()
        dialog.moveToThread(app.thread())
        return dialog

    def post(self, message, details=""):
        """Show an error (thread-safe: queued to the application's thread if needed).

        Parameters
        ----------
        message : str
            The error message.
        details : str
            The traceback, shown in the box's details.

        """
        self._posted.emit(message, details)

    def _text(self, message):
        if self.count == 1:
            return message
        return f"{self.count} errors have occurred. The last one:\n\n{message}"

    @pyqtSlot(str, str)  # a real slot: run in the dialog's thread, not in the poster's
    def _show(self, message, details):
        try:
            self.count += 1
            self._kept.append(f"{message}\n{details}".strip())
            if self.box is None:
                self.box = QMessageBox(QMessageBox.Critical, TITLE, "", QMessageBox.Ok,
                                       QApplication.activeWindow())
                self.box.setWindowModality(Qt.NonModal)
                self.box.setAttribute(Qt.WA_DeleteOnClose)
                self.box.destroyed.connect(self._reset)
            self.box.setText(self._text(message))
            self.box.setDetailedText("\n\n".join(self._kept))
            self.box.show()
        except Exception as e:  # pragma: no cover  (never raise in a Qt slot)
            print(f"phy: cannot show the error dialog: {e}", file=sys.stderr)

    @pyqtSlot()
    def _reset(self):
        """The box was closed (or its parent window deleted): the next error opens a new box."""
        self.box = None
        self.count = 0
        self._kept.clear()
