import numpy as np
import pytest

from phy.gui.qt import Qt
from phy.plot import PanZoom, ScatterVisual


@pytest.fixture
def panzoom(canvas):
    return canvas.enable_panzoom()


def _disc(canvas, pos=(0, 0), color=(1, 0, 0, 1), **kwargs):
    visual = ScatterVisual()
    canvas.add_visual(visual, **kwargs)
    visual.set_data(pos=[pos], color=color, size=10)
    return visual


def _center(snapshot, canvas, rgb=(255, 0, 0)):
    px = snapshot(canvas)
    return px.centroid(px.matching(rgb, tolerance=100))


def test_pan_zoom_move_pixels(canvas, snapshot, panzoom):
    _disc(canvas)
    assert np.allclose(_center(snapshot, canvas), (50, 50), atol=0.5)
    panzoom.pan = (0.5, 0)
    assert np.allclose(_center(snapshot, canvas), (75, 50), atol=0.5)
    panzoom.set_pan_zoom(pan=(0, 0), zoom=2)
    _disc(canvas, pos=(0.25, -0.25), color=(0, 1, 0, 1))
    assert np.allclose(_center(snapshot, canvas, (0, 255, 0)), (75, 75), atol=0.5)
    # The marker size does not change with the zoom.
    assert snapshot(canvas).matching((0, 255, 0)).sum() < 120
    assert panzoom.zoom == [2, 2] and panzoom.pan == [0, 0]


def test_excluded_visual_does_not_move(canvas, snapshot, panzoom):
    _disc(canvas, exclude_origins=(panzoom,))
    panzoom.pan = (0.5, 0.5)
    assert np.allclose(_center(snapshot, canvas), (50, 50), atol=0.5)


def test_visual_without_transform_hook(canvas, snapshot, panzoom):
    from phy.plot import BaseVisual

    class WindowVisual(BaseVisual):
        """A point in window NDC: no transform hook, hence no pan/zoom uniforms."""

        def __init__(self):
            super().__init__()
            self.vertex_shader = (
                "attribute vec2 a_position;\n"
                "void main() { gl_Position = vec4(a_position, 0.0, 1.0); gl_PointSize = 5.0; }")
            self.fragment_shader = "void main() { gl_FragColor = vec4(1.0, 0.0, 0.0, 1.0); }"
            self.set_primitive_type("points")

    grid = canvas.set_layout("grid", shape=(2, 2))
    visual = WindowVisual()
    canvas.add_visual(visual)
    visual.program["a_position"] = np.array([[0.5, 0.5]], dtype=np.float32)
    visual.n_vertices = 1
    assert "u_pan" not in visual.program
    # The interacts may update any visual: those without their uniforms are left alone.
    panzoom.update_visual(visual)
    grid.update_visual(visual)
    panzoom.set_pan_zoom(pan=(0.5, 0), zoom=3)
    assert np.allclose(_center(snapshot, canvas), (75, 25), atol=0.5)


def test_mouse_pan_and_zoom(canvas, snapshot, panzoom, send):
    _disc(canvas)
    send.drag(canvas, (50, 50), (70, 40))
    assert np.allclose(_center(snapshot, canvas), (70, 40), atol=0.5)
    send.double_click(canvas, (10, 10))
    assert panzoom.pan == [0, 0] and panzoom.zoom == [1, 1]
    # Right drag to the right and up: zoom in on x and y around the press position.
    send.drag(canvas, (50, 50), (60, 40), button="Right")
    zx, zy = panzoom.zoom
    assert zx > 1 and zy > 1
    assert np.allclose(_center(snapshot, canvas), (50, 50), atol=0.5)
    # Control + drag is for the lasso, not for panning.
    send.drag(canvas, (50, 50), (90, 90), modifiers=("Control",))
    assert panzoom.zoom == [zx, zy] and panzoom.pan == [0, 0]


def test_wheel_zooms_around_mouse(canvas, snapshot, panzoom, send):
    _disc(canvas, pos=(0.5, 0.5))
    send.wheel(canvas, (75, 25), notches=3)
    assert panzoom.zoom[0] > 1
    # The point under the mouse stays there.
    assert np.allclose(_center(snapshot, canvas), (75, 25), atol=0.5)
    panzoom.enable_mouse_wheel = False
    zoom = panzoom.zoom
    send.wheel(canvas, (75, 25), notches=3)
    assert panzoom.zoom == zoom


def test_pinch(canvas, snapshot, panzoom, send):
    _disc(canvas, pos=(-0.5, 0.5))
    send.pinch(canvas, (25, 25), 1.0)
    assert np.allclose(panzoom.zoom, (2, 2))
    assert np.allclose(_center(snapshot, canvas), (25, 25), atol=0.5)


def test_keyboard(canvas, panzoom, send):
    send.key(canvas, Qt.Key_Left)
    assert panzoom.pan[0] > 0 and panzoom.pan[1] == 0
    send.key(canvas, Qt.Key_Up)
    assert panzoom.pan[1] < 0
    send.key(canvas, Qt.Key_Plus, text="+")
    assert panzoom.zoom[0] > 1
    send.key(canvas, Qt.Key_Minus, text="-")
    send.key(canvas, Qt.Key_Minus, text="-")
    assert panzoom.zoom[0] < 1
    send.key(canvas, Qt.Key_R, modifiers=("Control",), text="r")  # with a modifier: ignored
    assert panzoom.zoom[0] < 1
    send.key(canvas, Qt.Key_R, text="r")
    assert panzoom.pan == [0, 0] and panzoom.zoom == [1, 1]


def test_constraints(canvas):
    panzoom = PanZoom(constrain_bounds=(-1, -1, 1, 1), zmax=4)
    panzoom.attach(canvas)
    panzoom.pan = (3, 0)
    assert panzoom.pan == [0, 0]  # at zoom 1 the view cannot move
    panzoom.zoom = 2
    panzoom.pan = (3, -3)
    assert np.allclose(panzoom.pan, (0.5, -0.5))
    assert np.allclose(panzoom.get_range(), (-1, 0, 0, 1))
    panzoom.zoom = 0.1
    assert panzoom.zoom == [1, 1]
    panzoom.zoom = 10
    assert panzoom.zoom == [4, 4]
    panzoom.set_constrain_bounds((-2, -2, 2, 2))
    panzoom.zoom = 0.5
    assert panzoom.zoom == [0.5, 0.5]


def test_range(canvas, panzoom):
    panzoom.set_range((0, 0, 0.5, 1))
    assert np.allclose(panzoom.get_range(), (0, 0, 0.5, 1))
    assert np.allclose(panzoom.zoom, (4, 2)) and np.allclose(panzoom.pan, (-0.25, -0.5))
    panzoom.set_range((0, 0, 0.5, 1), keep_aspect=True)
    assert np.allclose(panzoom.zoom, (2, 2))
    assert np.allclose(panzoom.imap(panzoom.map([[0.3, -0.2]])), [[0.3, -0.2]])
    assert np.allclose(panzoom.window_to_ndc((50, 50)), (0.25, 0.5))


def test_aspect(canvas_factory, snapshot):
    canvas = canvas_factory(size=(200, 100))
    PanZoom(aspect=1).attach(canvas)
    visual = ScatterVisual(marker="square")
    canvas.add_visual(visual)
    visual.set_data(pos=[[0.5, 0.5], [-0.5, -0.5]], size=4)
    px = snapshot(canvas)
    (r0, r1, c0, c1) = px.bbox(px.drawn())
    # Data units are square on screen: the points are 50 pixels apart both ways.
    assert abs((c1 - c0) - (r1 - r0)) <= 1 and abs((c1 - c0) - 53) <= 1


def test_pan_and_zoom_are_lists(panzoom):
    panzoom.set_pan_zoom(pan=(0.25, -0.5), zoom=(2, 3))
    assert panzoom.pan == [0.25, -0.5] and panzoom.zoom == [2, 3]
    assert type(panzoom.pan) is list and type(panzoom.zoom[0]) is float


def test_zoom_delta():
    panzoom = PanZoom()
    panzoom.zoom_delta((0.2, -0.4), c=2)
    assert np.allclose(panzoom.zoom, np.exp(1.5 * 2 * np.array([0.2, -0.4])))
    panzoom.zoom_delta(np.log(2) / 1.5)
    assert np.allclose(panzoom.zoom, 2 * np.exp(1.5 * 2 * np.array([0.2, -0.4])))
    # The point p (window NDC) stays in place.
    panzoom.reset()
    before = panzoom.imap([[0.5, 0.5]])
    panzoom.zoom_delta((0.3, 0.1), p=(0.5, 0.5))
    assert np.allclose(panzoom.imap([[0.5, 0.5]]), before)
    # With an aspect, one common factor (that of the larger |d|) keeps the aspect.
    panzoom = PanZoom(aspect=1)
    panzoom.zoom_delta((0.2, -0.4))
    assert np.allclose(panzoom.zoom, np.exp(1.5 * -0.4))
    panzoom.zoom_delta(0.1, c=3)
    assert np.allclose(panzoom.zoom, np.exp(1.5 * -0.4) * np.exp(1.5 * 0.3))


def test_window_to_ndc_unattached():
    # Not attached to a canvas: a 1x1 window.
    panzoom = PanZoom(pan=(0.5, 0), zoom=2)
    assert panzoom.size == (1, 1)
    assert np.allclose(panzoom.window_to_ndc((0.5, 0.5)), (-0.5, 0))
    assert np.allclose(panzoom.window_to_ndc((1, 0)), (0, 0.5))


def test_pan_zoom_bus_event(canvas, panzoom):
    from phy.utils import bus_events as ev
    from phy.utils.event import connect, unconnect

    events = []

    def on_pan_zoom(sender, pan, zoom):
        events.append((sender, pan, zoom))

    connect(on_pan_zoom, event=ev.PAN_ZOOM)
    try:
        panzoom.pan_delta((0.2, 0))
        panzoom.zoom_delta(np.log(2) / 1.5)
    finally:
        unconnect(on_pan_zoom)
    assert events[0] == (canvas, [0.2, 0], [1, 1])
    assert events[1][0] is canvas and np.allclose(events[1][2], [2, 2])
    # Not an internal canvas event any more.
    assert ev.PAN_ZOOM == "pan_zoom"
