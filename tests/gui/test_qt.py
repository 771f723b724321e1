import os
import subprocess
import sys

import pytest

from phy.gui.qt import (
    QApplication,
    QColor,
    QHBoxLayout,
    QImage,
    QLabel,
    QOpenGLWidget,
    QOpenGLWindow,
    QPainter,
    Qt,
    QWidget,
    busy_cursor,
    grab_widget,
    is_high_dpi,
    screen_size,
    screenshot,
)


class ColorWindow(QOpenGLWindow):
    """An OpenGL window filled with one colour."""

    def paintGL(self):  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(0, 0, self.width(), self.height(), QColor(0, 255, 0))
        painter.end()


class ColorGLWidget(QOpenGLWidget):
    """An OpenGL widget filled with one colour."""

    def paintGL(self):  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(0, 0, self.width(), self.height(), QColor(0, 0, 255))
        painter.end()


def _color(image, x, y):
    return image.pixelColor(x, y).getRgb()[:3]


def test_require_qt_without_app():
    code = (
        "from phy.gui.qt import screen_size\n"
        "try:\n    screen_size()\nexcept RuntimeError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "create_app" in out.stdout


def test_create_app_keeps_the_application_alive():
    """``create_app()`` with its result dropped (as ``template_gui`` does), then a widget."""
    code = (
        "from phy.gui.qt import create_app, QWidget\n"
        "create_app()\n"
        "w = QWidget()\n"
        "print('widget made')\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0 and "widget made" in out.stdout, out.stderr


def test_busy_cursor(qapp):
    assert QApplication.overrideCursor() is None
    with pytest.raises(ValueError):
        with busy_cursor():
            assert QApplication.overrideCursor().shape() == Qt.WaitCursor
            raise ValueError()
    assert QApplication.overrideCursor() is None
    with busy_cursor(activate=False):
        assert QApplication.overrideCursor() is None


def test_screen_size(qapp):
    width, height = screen_size()
    assert width > 0 and height > 0
    assert width == QApplication.primaryScreen().geometry().width()
    assert is_high_dpi() == (width > 3000)


def test_screenshot_widget(qtbot, tmp_path):
    label = QLabel("phy")
    label.setStyleSheet("background: rgb(255, 0, 0);")
    label.resize(60, 40)
    qtbot.addWidget(label)
    with qtbot.waitExposed(label):
        label.show()
    path = screenshot(label, path=tmp_path / "sub" / "label.png")
    image = QImage(str(path))
    assert (image.width(), image.height()) == (60, 40)
    assert _color(image, 2, 2) == (255, 0, 0)


def test_screenshot_default_folder(qtbot, config_dir):
    widget = QWidget()
    widget.name = "WaveformView (1)"
    qtbot.addWidget(widget)
    path = screenshot(widget)
    assert path.parent == config_dir / "screenshots"
    assert path.name.startswith("WaveformView_1_") and path.suffix == ".png"
    assert path.exists()
    assert screenshot(widget, dir=config_dir / "other").parent == config_dir / "other"


def test_screenshot_opengl(qtbot, tmp_path):
    """An OpenGL widget and an OpenGL window in a container are both captured."""
    top = QWidget()
    layout = QHBoxLayout(top)
    layout.setContentsMargins(0, 0, 0, 0)
    window = ColorWindow()
    container = QWidget.createWindowContainer(window, top)
    gl_widget = ColorGLWidget()
    for w in (container, gl_widget):
        w.setFixedSize(50, 50)
        layout.addWidget(w)
    qtbot.addWidget(top)
    with qtbot.waitExposed(top):
        top.show()
    qtbot.waitUntil(window.isExposed)
    path = screenshot(top, path=tmp_path / "gl.png")
    image = QImage(str(path))
    assert _color(image, container.x() + 25, container.y() + 25) == (0, 255, 0)
    assert _color(image, gl_widget.x() + 25, gl_widget.y() + 25) == (0, 0, 255)
    # Without the framebuffer of the window, the container would show the background only.
    assert _color(top.grab().toImage(), container.x() + 25, container.y() + 25) != (0, 255, 0)
    # The window alone.
    assert _color(grab_widget(window), 10, 10) == (0, 255, 0)


def test_screenshot_invalid(qapp):
    with pytest.raises(TypeError, match="not a Qt widget"):
        screenshot(object(), path="x.png")


def test_report_exception(monkeypatch, caplog):
    from phy.gui.qt import log_exception, report_exception

    received = []
    monkeypatch.setattr(sys, "excepthook", lambda *args: received.append(args))
    try:
        raise ValueError("in a Qt override")
    except ValueError as e:
        error = e
    with caplog.at_level("ERROR"):
        report_exception(error, "Error while doing something")
    assert "Error while doing something: in a Qt override" in caplog.text
    assert "Traceback" in caplog.text  # Logged with its traceback.
    assert received and received[0][1] is error  # A foreign hook (pytest-qt, IPython) gets it.

    # phy's own hook only logs: the error is not logged twice.
    monkeypatch.setattr(sys, "excepthook", log_exception)
    caplog.clear()
    with caplog.at_level("ERROR"):
        report_exception(error, "Again")
    assert len(caplog.records) == 1


def test_create_app_installs_exception_hook(tmp_path):
    code = (
        "import sys\nfrom phy.gui.qt import create_app, log_exception\n"
        "create_app()\nassert sys.excepthook is log_exception\n"
        "sys.excepthook(ValueError, ValueError('uncaught'), None)\nprint('alive')\n")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    assert "alive" in out.stdout and "Uncaught exception: uncaught" in out.stderr
