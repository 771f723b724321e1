"""The Qt gateway: the only module of phy that imports PyQt5.

Everything else imports the Qt names it needs from here. The module also creates the
application with the settings the OpenGL views need (a 3.3 core-profile default surface
format and shared OpenGL contexts), which must be in place before the ``QApplication`` exists,
and has the small Qt helpers of the API: busy cursor, screen size, and screenshots of any widget
(OpenGL widgets and windows included). Dialogs are in :mod:`phy.gui.dialogs`.
"""

import functools
import logging
import re
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from PyQt5.QtCore import (  # noqa: F401
    PYQT_VERSION_STR,
    QT_VERSION_STR,
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QEventLoop,
    QFile,
    QIODevice,
    QItemSelection,
    QItemSelectionModel,
    QMetaObject,
    QModelIndex,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QRunnable,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
    pyqtSignal,
    pyqtSlot,
)
from PyQt5.QtGui import (  # noqa: F401
    QBrush,
    QColor,
    QCursor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QNativeGestureEvent,
    QOpenGLWindow,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QSurfaceFormat,
    QWheelEvent,
    QWindow,
)
from PyQt5.QtWidgets import (  # noqa: F401
    QAbstractItemView,
    QAction,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QOpenGLWidget,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStatusBar,
    QStyledItemDelegate,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

logger = logging.getLogger(__name__)

try:  # Qt WebEngine must be imported before the QApplication is created.
    from PyQt5 import QtWebEngineWidgets  # noqa: F401
    from PyQt5.QtWebChannel import QWebChannel  # noqa: F401
    from PyQt5.QtWebEngineWidgets import (  # noqa: F401
        QWebEnginePage,
        QWebEngineScript,
        QWebEngineView,
    )

    HAS_WEBENGINE = True
except ImportError:  # pragma: no cover
    HAS_WEBENGINE = False
    QWebChannel = QWebEnginePage = QWebEngineScript = QWebEngineView = None

#: OpenGL version requested for every OpenGL surface.
GL_VERSION = (3, 3)

#: Screens wider than this (in pixels) are considered high-density by :func:`is_high_dpi`.
HIGH_DPI_WIDTH = 3000


def surface_format():
    """Return the OpenGL surface format of phy's canvases: 3.3 core profile, 24-bit depth."""
    fmt = QSurfaceFormat()
    fmt.setVersion(*GL_VERSION)
    fmt.setProfile(QSurfaceFormat.CoreProfile)
    fmt.setDepthBufferSize(24)
    fmt.setSamples(0)
    return fmt


def configure_opengl():
    """Set the default OpenGL surface format (:func:`surface_format`) and shared contexts.

    Must be called before the ``QApplication`` is created; :func:`create_app` does it. Each
    canvas also requests this format itself, so that it works in an application created
    elsewhere (pytest-qt, IPython's ``%gui qt``, a plugin).
    """
    QSurfaceFormat.setDefaultFormat(surface_format())
    QApplication.setAttribute(Qt.AA_ShareOpenGLContexts, True)


def log_exception(exc_type, exc_value, tb):
    """Application-wide exception hook: log an uncaught exception with its traceback.

    Installed as ``sys.excepthook`` by :func:`create_app`, it keeps an exception raised in a
    Qt callback from aborting the process (PyQt aborts when the hook is Python's default one).
    """
    logger.error(
        "Uncaught exception: %s", exc_value, exc_info=(exc_type, exc_value, tb))


def report_exception(error, message, logger=logger):
    """Log an exception caught inside a Qt override, and give it to the exception hook.

    The exception is logged at ERROR with its traceback; a hook installed by someone else
    (pytest-qt, which fails the test; IPython) also receives it. Never raises.

    Parameters
    ----------
    error : Exception
        The exception caught.
    message : str
        What was being done, e.g. ``"Error while painting the canvas"``.
    logger : logging.Logger
        The logger of the module where the error was caught.

    """
    logger.error("%s: %s", message, error, exc_info=(type(error), error, error.__traceback__))
    hook = sys.excepthook
    if hook is not log_exception and hook is not sys.__excepthook__:
        try:
            hook(type(error), error, error.__traceback__)
        except Exception as e:  # pragma: no cover
            logger.error("The exception hook failed: %s", e)


#: The application made by :func:`create_app`, referenced here so that it lives as long as the
#: process even when the caller drops it (a QApplication without a Python reference is
#: destroyed at once, and the next widget aborts the process).
_APP = None


def create_app():
    """Create a Qt application (or return the existing one).

    A new application gets the OpenGL settings of :func:`configure_opengl`, and the exception
    hook :func:`log_exception` when ``sys.excepthook`` is still Python's default one. It is
    kept alive by this module: ``create_app()`` alone, its result dropped, is enough.
    """
    global _APP
    app = QApplication.instance()
    if app is None:
        configure_opengl()
        app = _APP = QApplication(sys.argv[:1])
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = log_exception
    return app


def run_app():  # pragma: no cover
    """Run the Qt application's event loop."""
    return create_app().exec_()


def require_qt(func):
    """Function decorator specifying that a function requires a Qt application.

    Raises
    ------
    RuntimeError
        When the decorated function is called before a ``QApplication`` exists (create one
        with :func:`create_app`).

    """

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        if QApplication.instance() is None:
            raise RuntimeError(
                f"{func.__name__}() requires a Qt application: call phy.gui.create_app() first.")
        return func(*args, **kwargs)

    return wrapped


@contextmanager
def busy_cursor(activate=True):
    """Context manager displaying a busy cursor during a long command.

    Parameters
    ----------
    activate : bool
        Whether to show the busy cursor at all (the block runs either way).

    """
    activate = activate and QApplication.instance() is not None
    if activate:
        QApplication.setOverrideCursor(QCursor(Qt.WaitCursor))
    try:
        yield
    finally:
        if activate:
            QApplication.restoreOverrideCursor()


@require_qt
def screen_size():
    """Return the size of the primary screen as a tuple ``(width, height)`` in pixels."""
    geometry = QGuiApplication.primaryScreen().geometry()
    return geometry.width(), geometry.height()


@require_qt
def is_high_dpi():
    """Return whether the screen has a high density.

    This only checks whether the screen is wider than :data:`HIGH_DPI_WIDTH` pixels.
    """
    return screen_size()[0] > HIGH_DPI_WIDTH


# -------------------------------------------------------------------------------------------------
# Screenshots
# -------------------------------------------------------------------------------------------------

def _screenshot_path(name, dir=None):
    """Default path of a new screenshot of a widget called `name` in `dir`.

    The folder is ``<config dir>/screenshots`` by default; the file name is the widget name
    (characters other than letters, digits, ``-`` and ``_`` replaced by ``_``) followed by the
    date and time to the millisecond.
    """
    from phy.utils.config import phy_config_dir

    dir = Path(dir) if dir is not None else phy_config_dir() / "screenshots"
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "screenshot"
    stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S-%f")[:-3]
    return dir / f"{stem}_{stamp}.png"


def _embedded_gl_windows(widget):
    """Yield the OpenGL windows shown inside `widget`, with their rectangle in its coordinates.

    These are ``QOpenGLWindow`` instances embedded with ``QWidget.createWindowContainer()``:
    ``QWidget.grab()`` cannot see their content, which lives in their own framebuffer.
    """
    top = widget.window().windowHandle()
    if top is None:
        return
    origin = widget.mapToGlobal(QPoint(0, 0))
    bounds = QRect(QPoint(0, 0), widget.size())
    for window in QGuiApplication.allWindows():
        if not isinstance(window, QOpenGLWindow) or not window.isExposed():
            continue
        ancestor = window
        while ancestor.parent() is not None:
            ancestor = ancestor.parent()
        rect = QRect(window.mapToGlobal(QPoint(0, 0)) - origin, window.size())
        if ancestor is top and rect.intersects(bounds):
            yield window, rect


def grab_widget(widget):
    """Return the current image of a widget, OpenGL content included, as a ``QImage``.

    Parameters
    ----------
    widget : QWidget or QOpenGLWindow
        ``QOpenGLWidget`` children are captured by ``QWidget.grab()``; the framebuffers of
        ``QOpenGLWindow`` instances embedded in window containers are painted over it.

    """
    if isinstance(widget, QOpenGLWindow):
        return widget.grabFramebuffer()
    if not isinstance(widget, QWidget):
        raise TypeError(f"Cannot take a screenshot of {widget!r}: not a Qt widget.")
    pixmap = widget.grab()
    painter = QPainter(pixmap)
    try:
        for window, rect in _embedded_gl_windows(widget):
            painter.drawImage(rect, window.grabFramebuffer())
    finally:
        painter.end()
    return pixmap.toImage()


@require_qt
def screenshot(widget, path=None, dir=None):
    """Save a screenshot of a Qt widget to a PNG file.

    By default, the screenshots are saved in ``~/.phy/screenshots/`` (the ``screenshots``
    folder of :func:`phy.utils.phy_config_dir`).

    Parameters
    ----------
    widget : QWidget or QOpenGLWindow
        Any widget to capture, including OpenGL widgets and windows.
    path : str or Path
        Path to the PNG file. By default, a new file named after the widget (its ``name``
        attribute, else its object name, else its class name) and the current time.
    dir : str or Path
        Folder of the default path.

    Returns
    -------
    path : Path
        The path of the PNG file written.

    """
    if path is None:
        name = getattr(widget, "name", None) or widget.objectName() or type(widget).__name__
        path = _screenshot_path(str(name), dir=dir)
    path = Path(path)
    image = grab_widget(widget)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise OSError(f"Could not write the screenshot {path}.")
    logger.info("Saved screenshot to %s.", path)
    return path
