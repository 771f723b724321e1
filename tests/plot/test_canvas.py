import logging
import os
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

from phy.gui.qt import QImage, Qt, grab_widget, screenshot
from phy.plot import ScatterVisual
from phy.plot.gloo import ShaderError


class Recorder:
    """Records the internal events of a canvas."""

    def __init__(self):
        self.events = []

    def __getattr__(self, name):
        if not name.startswith("on_"):
            raise AttributeError(name)
        return self.events.append


def _red_disc(canvas, size=20, **kwargs):
    visual = ScatterVisual()
    canvas.add_visual(visual, **kwargs)
    visual.set_data(pos=[[0, 0]], color=(1, 0, 0, 1), size=size)
    return visual


def _broken_visual():
    visual = ScatterVisual()
    visual.fragment_shader = visual.fragment_shader.replace(
        "out_color = vec4(v_color.rgb, v_color.a * alpha);",
        "out_color = vec4(undefined_color, 1.0);")
    return visual


def test_mouse_events(canvas, send):
    recorder = Recorder()
    canvas.attach_events(recorder)
    send.click(canvas, (10, 20), modifiers=("Control",))
    press, release, click = recorder.events
    assert (press.type, release.type, click.type) == ("mouse_press", "mouse_release", "mouse_click")
    assert click.pos == (10, 20) and click.button == "Left" and click.modifiers == ("Control",)
    assert release.press_pos == (10, 20)

    recorder.events.clear()
    send.drag(canvas, (10, 10), (50, 30), button="Right", steps=2)
    types = [e.type for e in recorder.events]
    assert types == ["mouse_press", "mouse_move", "mouse_move", "mouse_release"]
    move = recorder.events[2]
    assert move.button == "Right" and move.last_pos == (30, 20) and move.pos == (50, 30)
    assert move.press_pos == (10, 10)

    recorder.events.clear()
    send.double_click(canvas, (5, 5))
    send.wheel(canvas, (40, 60), notches=2)
    double_click, wheel = recorder.events
    assert double_click.type == "mouse_double_click"
    assert wheel.type == "mouse_wheel" and wheel.delta == (0, 2) and wheel.pos == (40, 60)

    canvas.detach_events(recorder)
    send.click(canvas, (1, 1))
    assert len(recorder.events) == 2


def test_key_events(canvas, send):
    recorder = Recorder()
    canvas.attach_events(recorder)
    send.key(canvas, Qt.Key_Left)
    send.key(canvas, Qt.Key_R, modifiers=("Shift",), text="R")
    assert [(e.type, e.key) for e in recorder.events] == [
        ("key_press", "Left"), ("key_release", "Left"), ("key_press", "R"), ("key_release", "R")]
    assert recorder.events[2].modifiers == ("Shift",)


def test_resize_event(canvas_factory, qtbot):
    canvas = canvas_factory()
    recorder = Recorder()
    canvas.attach_events(recorder)
    visual = _red_disc(canvas)
    next(_containers(canvas)).resize(160, 80)
    qtbot.waitUntil(lambda: any(
        e.type == "resize" and (e.width, e.height) == (160, 80) for e in recorder.events))
    assert tuple(visual.program["u_pixel_ratio"]) == (1.0,)
    assert canvas.read_pixels().shape == (80, 160, 4)


def _containers(canvas):
    from phy.gui.qt import QApplication

    for widget in QApplication.allWidgets():
        if widget.windowHandle() is not None and canvas.parent() is widget.windowHandle():
            yield widget


def test_visuals_management(canvas, snapshot):
    disc = _red_disc(canvas, key="disc")
    fixed = _red_disc(canvas, size=4, clearable=False)
    assert canvas.has_visual(disc) and canvas.get_visual("disc") is disc
    assert canvas.get_visual("nothing") is None
    canvas.add_visual(disc, key="other")  # Already there: nothing happens.
    assert [e.visual for e in canvas.visuals].count(disc) == 1 and not canvas.get_visual("other")
    with pytest.raises(ValueError, match="key 'disc'"):
        canvas.add_visual(ScatterVisual(), key="disc")
    canvas.clear()
    assert not canvas.has_visual(disc) and canvas.has_visual(fixed)
    assert disc.canvas is None and disc.program is None
    assert snapshot(canvas).drawn().sum() < 30
    canvas.remove(fixed)
    assert not snapshot(canvas).drawn().any()


def test_on_next_paint(canvas, snapshot):
    calls = []
    canvas.on_next_paint(lambda: calls.append(1))
    snapshot(canvas)
    snapshot(canvas)
    assert calls == [1]


def test_lazy_mode_from_thread(canvas, qtbot, snapshot):
    visual = _red_disc(canvas)
    canvas.set_lazy(True)

    def work():  # In a worker thread: the updates are queued.
        visual.set_data(pos=[[0.5, 0.5]], color=(0, 1, 0, 1), size=20)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert len(canvas._update_queue) > 0
    px = snapshot(canvas)  # The next frame applies them.
    assert px.at(75, 25)[:3] == (0, 255, 0) and px.at(50, 50)[:3] == (0, 0, 0)
    assert not list(canvas.iter_update_queue())
    canvas.set_lazy(False)
    visual.set_data(pos=[[0, 0]], color=(0, 0, 1, 1), size=20)
    assert snapshot(canvas).at(50, 50)[:3] == (0, 0, 255)


def test_window_to_ndc(canvas):
    assert np.allclose(canvas.window_to_ndc((0, 0)), (-1, 1))
    assert np.allclose(canvas.window_to_ndc((75, 75)), (0.5, -0.5))
    canvas.enable_panzoom()
    canvas.panzoom.set_pan_zoom(pan=(0.5, 0), zoom=2)
    assert np.allclose(canvas.window_to_ndc((50, 50)), (-0.5, 0))


def test_screenshots(canvas, tmp_path):
    _red_disc(canvas)
    image = canvas.grabFramebuffer()
    assert image.size().width() == 100 and QImage(image).pixelColor(50, 50).red() == 255
    path = screenshot(canvas, path=tmp_path / "canvas.png")
    assert QImage(str(path)).pixelColor(50, 50).getRgb() == (255, 0, 0, 255)
    # A screenshot of the widget containing the canvas includes its OpenGL content.
    container = next(_containers(canvas))
    grabbed = grab_widget(container)
    assert grabbed.pixelColor(50, 50).getRgb() == (255, 0, 0, 255)


def test_shader_error_is_logged_shown_and_raised(canvas, snapshot, caplog, qtbot):
    _red_disc(canvas)
    broken = _broken_visual()
    canvas.add_visual(broken)
    broken.set_data(pos=[[0.5, 0.5]])
    with caplog.at_level(logging.ERROR, logger="phy.plot.canvas"):
        with pytest.raises(ShaderError, match="undefined_color"):
            canvas.read_pixels()
    record, = [r for r in caplog.records if r.levelno == logging.ERROR]
    message = record.getMessage()
    assert "Error while drawing <ScatterVisual>" in message
    # The generated source, with line numbers, the offending line marked.
    assert any(line.startswith(">>") and "undefined_color" in line for line in message.splitlines())
    assert "Could not compile the fragment shader" in canvas.error_message

    # Then the broken visual is skipped, the others drawn, the error shown over them.
    px = snapshot(canvas)
    assert px.at(50, 50)[:3] == (255, 0, 0)
    image = canvas.grabFramebuffer()
    overlay = np.array([
        image.pixelColor(x, y).getRgb() for x in range(100) for y in range(0, 30)])
    assert ((overlay[:, 0] > 150) & (overlay[:, 1] < 120)).sum() > 20

    # The on-screen paint re-raises the error too (pytest-qt captures it).
    canvas.build_program(broken)
    assert canvas.error_message is None
    with qtbot.captureExceptions() as exceptions:
        canvas.update()
        qtbot.waitUntil(lambda: len(exceptions) > 0)
    assert isinstance(exceptions[0][1], ShaderError)
    canvas.remove(broken)
    assert canvas.error_message is None


def test_paint_callback_error_is_reported(canvas, qtbot):
    def fail():
        raise RuntimeError("callback failed")

    canvas.on_next_paint(fail)
    with qtbot.captureExceptions() as exceptions:
        canvas.update()
        qtbot.waitUntil(lambda: len(exceptions) > 0)
    assert str(exceptions[0][1]) == "callback failed"
    assert "callback failed" in canvas.error_message


def test_draw_error_reported(canvas, caplog):
    visual = _red_disc(canvas)
    visual.program["a_color"] = np.ones((3, 4))  # 3 colors for 1 point: an error.
    with caplog.at_level(logging.ERROR):
        with pytest.raises(ValueError, match="different numbers of vertices"):
            canvas.read_pixels()
    assert "vertex shader source:" in caplog.text and "fragment shader source:" in caplog.text


HIDPI_SCRIPT = textwrap.dedent("""
    import numpy as np
    from phy.gui.qt import create_app, QWidget
    from phy.plot import PlotCanvas
    app = create_app()
    canvas = PlotCanvas()
    container = QWidget.createWindowContainer(canvas)
    container.resize(100, 100)
    container.show()
    while not canvas.isValid():
        app.processEvents()
    canvas.scatter(pos=[[0, 0]], color=(1, 0, 0, 1), size=20)
    px = canvas.read_pixels()
    rows, cols = np.nonzero(px[..., 0] > 128)
    print(canvas.pixel_ratio, px.shape[0], px.shape[1], cols.max() - cols.min() + 1)
    container.close()
""")


def test_hidpi(tmp_path):
    env = dict(os.environ, QT_SCALE_FACTOR="2", LIBGL_ALWAYS_SOFTWARE="1")
    out = subprocess.run(
        [sys.executable, "-c", HIDPI_SCRIPT], env=env, capture_output=True, text=True,
        timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    ratio, height, width, disc = out.stdout.split()
    # Logical 100x100 pixels, 200x200 physical pixels; a 20-pixel marker is 40 pixels wide.
    assert float(ratio) == 2 and (int(height), int(width)) == (200, 200)
    assert 39 <= int(disc) <= 41


# An application made by pytest-qt (not by create_app, no configure_opengl): the canvases
# request their own OpenGL 3.3 core format. Run in a subprocess, away from tests/conftest.py.
UPSTREAM_TESTS = textwrap.dedent("""
    import numpy as np
    from phy.gui.qt import QWidget
    from phy.plot import BaseCanvas, PlotCanvas, ScatterVisual

    def show(qtbot, canvas):
        container = canvas.container = QWidget.createWindowContainer(canvas)
        qtbot.addWidget(container)
        container.resize(100, 100)
        container.show()
        qtbot.waitUntil(lambda: canvas.isValid() and canvas.get_size() == (100, 100))
        return canvas

    def test_plot_canvas(qtbot):
        canvas = PlotCanvas()
        assert canvas.get_size() == (800, 600)
        show(qtbot, canvas)
        canvas.set_layout("grid", shape=(1, 2))
        canvas.scatter(pos=[[0, 0]], color=(1, 0, 0, 1), size=20, box_index=(0, 1))
        px = canvas.read_pixels()
        assert tuple(px[50, 75]) == (255, 0, 0, 255) and tuple(px[50, 25]) == (0, 0, 0, 255)
        canvas.close()
        canvas.container.close()

    def test_base_canvas(qtbot):
        canvas = show(qtbot, BaseCanvas())
        visual = ScatterVisual()
        canvas.add_visual(visual)
        visual.set_data(pos=[[0, 0]], color=(0, 1, 0, 1), size=20)
        assert tuple(canvas.read_pixels()[50, 50]) == (0, 255, 0, 255)
        canvas.close()
        canvas.container.close()
""")


@pytest.mark.parametrize("platform", ["offscreen", "xcb"])
def test_canvas_in_foreign_application(tmp_path, platform):
    if platform == "xcb" and not os.environ.get("DISPLAY"):
        pytest.skip("No X display.")
    (tmp_path / "test_upstream.py").write_text(UPSTREAM_TESTS)
    env = dict(os.environ, QT_QPA_PLATFORM=platform, LIBGL_ALWAYS_SOFTWARE="1")
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xvfb", "-q",
         "--rootdir", str(tmp_path), "test_upstream.py"],
        env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed" in out.stdout


# Exceptions inside the Qt overrides, in an application with Python's default exception hook
# (where PyQt aborts on an exception escaping a virtual method).
OVERRIDE_ERRORS_SCRIPT = textwrap.dedent('''
    import logging, sys
    from phy.gui.qt import QApplication, QMouseEvent, QEvent, QPointF, Qt, QWidget
    from phy.plot import PlotCanvas, ScatterVisual

    logging.basicConfig(level=logging.ERROR)
    app = QApplication(sys.argv[:1]) if sys.argv[1] == "qapplication" else None
    if app is None:
        from phy.gui import create_app
        app = create_app()

    class FailingVisual(ScatterVisual):
        def on_draw(self):
            raise ZeroDivisionError("failing draw")

    class FailingHandler:
        def on_mouse_press(self, e):
            raise KeyError("failing handler")

    canvas = PlotCanvas()
    container = QWidget.createWindowContainer(canvas)
    container.resize(100, 100)
    container.show()
    while not canvas.isValid():
        app.processEvents()
    canvas.attach_events(FailingHandler())
    QApplication.sendEvent(canvas, QMouseEvent(
        QEvent.MouseButtonPress, QPointF(5, 5), Qt.LeftButton, Qt.LeftButton, Qt.NoModifier))
    print("HANDLER:", canvas.error_message.replace(chr(10), " "))
    visual = FailingVisual()
    canvas.add_visual(visual)
    visual.set_data(pos=[[0, 0]])
    while visual.program.error is None:
        app.processEvents()
    print("PAINT:", canvas.error_message.replace(chr(10), " "))
    container.close()
    print("DONE")
''')


@pytest.mark.parametrize("app", ["qapplication", "create_app"])
def test_errors_in_qt_overrides_are_logged_not_fatal(tmp_path, app):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LIBGL_ALWAYS_SOFTWARE="1")
    out = subprocess.run(
        [sys.executable, "-c", OVERRIDE_ERRORS_SCRIPT, app], env=env, capture_output=True,
        text=True, timeout=60, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "HANDLER: Error in mousePressEvent: 'failing handler'" in out.stdout
    assert "PAINT: Error while drawing FailingVisual: failing draw" in out.stdout
    assert out.stdout.rstrip().endswith("DONE")
    # Logged at ERROR with the tracebacks.
    assert "ERROR:phy.plot.canvas:Error in PlotCanvas.mousePressEvent" in out.stderr
    assert "ERROR:phy.plot.canvas:Error while drawing <FailingVisual>" in out.stderr
    assert "ZeroDivisionError: failing draw" in out.stderr and "KeyError" in out.stderr


def test_new_canvas_has_a_size(qapp):
    from phy.plot import BaseCanvas

    canvas = BaseCanvas()
    assert canvas.get_size() == (800, 600) and canvas.framebuffer_size() == (800, 600)
    assert canvas.format().majorVersion() == 3 and canvas.format().minorVersion() == 3
    canvas.deleteLater()
