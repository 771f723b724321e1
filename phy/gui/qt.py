"""The Qt gateway: the only module of phy that imports PyQt5.

Everything else imports the Qt names it needs from here. The module also creates the
application with the settings the OpenGL views need (a 3.3 core-profile default surface
format and shared OpenGL contexts), which must be in place before the ``QApplication`` exists.
"""

import logging
import sys

from PyQt5.QtCore import (  # noqa: F401
    QByteArray,
    QEvent,
    QMetaObject,
    QObject,
    QPoint,
    QPointF,
    QRect,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    QUrl,
    pyqtSignal,
    pyqtSlot,
)
from PyQt5.QtGui import (  # noqa: F401
    QColor,
    QCursor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QGuiApplication,
    QImage,
    QKeySequence,
    QMouseEvent,
    QOpenGLWindow,
    QPainter,
    QPixmap,
    QSurfaceFormat,
    QWheelEvent,
)
from PyQt5.QtWidgets import (  # noqa: F401
    QAction,
    QApplication,
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

logger = logging.getLogger(__name__)

try:  # Qt WebEngine must be imported before the QApplication is created.
    from PyQt5 import QtWebEngineWidgets  # noqa: F401

    HAS_WEBENGINE = True
except ImportError:  # pragma: no cover
    HAS_WEBENGINE = False

#: OpenGL version requested for every OpenGL surface.
GL_VERSION = (3, 3)


def configure_opengl():
    """Set the default OpenGL surface format (3.3 core profile) and shared contexts.

    Must be called before the ``QApplication`` is created; :func:`create_app` does it.
    """
    fmt = QSurfaceFormat()
    fmt.setVersion(*GL_VERSION)
    fmt.setProfile(QSurfaceFormat.CoreProfile)
    fmt.setDepthBufferSize(24)
    fmt.setSamples(0)
    QSurfaceFormat.setDefaultFormat(fmt)
    QApplication.setAttribute(Qt.AA_ShareOpenGLContexts, True)


def create_app():
    """Create a Qt application (or return the existing one)."""
    app = QApplication.instance()
    if app is None:
        configure_opengl()
        app = QApplication(sys.argv[:1])
    return app


def run_app():  # pragma: no cover
    """Run the Qt application's event loop."""
    return create_app().exec_()


def require_qt(func):
    """Decorator making sure a Qt application exists before calling a function."""
    import functools

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        if QApplication.instance() is None:
            create_app()
        return func(*args, **kwargs)

    return wrapped
