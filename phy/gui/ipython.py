"""An IPython console living in the same Python process as the GUI: :class:`IPythonView`.

The console is a qtconsole ``RichJupyterWidget`` talking to an in-process IPython kernel, so
that the user can inspect and change the objects of the running GUI (the controller, the
supervisor, the views...) injected into its namespace.

Subclassing is rarely needed; to add variables, pass them to :meth:`IPythonView.attach` or call
:meth:`IPythonView.inject`.
"""

import logging
import os

from phy.utils import bus_events as ev
from phy.utils import connect, unconnect

# ipykernel imports its debugger, which warns about frozen modules on stderr at every start.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

from qtconsole.inprocess import QtInProcessKernelManager  # noqa: E402
from qtconsole.rich_jupyter_widget import RichJupyterWidget  # noqa: E402

from .threads import call_reporting_errors  # noqa: E402

logger = logging.getLogger(__name__)


class IPythonView(RichJupyterWidget):
    """A view with an IPython console living in the same Python process as the GUI.

    Parameters
    ----------
    *args, **kwargs : passed to qtconsole's ``RichJupyterWidget``.

    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setWindowTitle("IPythonView")
        self.kernel_manager = None
        self.kernel_client = None
        self.kernel = None

    def start_kernel(self):
        """Start the in-process IPython kernel and connect the console to it."""
        if self.kernel_manager is not None:
            return
        logger.debug("Starting the in-process IPython kernel.")
        self.kernel_manager = QtInProcessKernelManager()
        self.kernel_manager.start_kernel(show_banner=False)
        self.kernel = self.kernel_manager.kernel
        self.kernel.gui = "qt"
        self.kernel_client = self.kernel_manager.client()
        self.kernel_client.start_channels()
        self.set_default_style("linux")
        self.exit_requested.connect(self.stop)

    def inject(self, **kwargs):
        """Inject variables into the IPython namespace (starting the kernel if needed)."""
        self.start_kernel()
        logger.debug("Injecting %s into the IPython namespace.", ", ".join(sorted(kwargs)))
        self.kernel.shell.push(kwargs)

    def attach(self, gui, **kwargs):
        """Add the view to the GUI, start the kernel, and inject the specified variables.

        The GUI is injected as ``gui``; the kernel stops when the view is closed (or the GUI).
        """
        gui.add_view(self)
        self.start_kernel()
        self.inject(gui=gui, **kwargs)
        connect(self._on_close_view, event=ev.CLOSE_VIEW, sender=self)

    def _on_close_view(self, view, gui):
        self.stop()

    def stop(self):
        """Stop the kernel and disconnect the console from it.

        The namespace is cleared, so that the injected objects (the GUI...) can be freed: the
        in-process shell would otherwise keep them alive.
        """
        unconnect(self._on_close_view)
        if self.kernel is not None:
            shell = self.kernel.shell
            shell.reset(new_session=False)
            type(shell).clear_instance()  # the next kernel gets a new shell
        if self.kernel_client is not None:
            self.kernel_client.stop_channels()
        if self.kernel_manager is not None:
            self.kernel_manager.shutdown_kernel()
        self.kernel_manager = self.kernel_client = self.kernel = None

    def closeEvent(self, e):  # noqa: N802
        """Stop the kernel when the view closes (an error stopping it is logged, not raised)."""
        call_reporting_errors(self.stop, what="stopping the IPython kernel", log=logger)
        super().closeEvent(e)
