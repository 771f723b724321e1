import numpy as np
import pytest

from phy.plot import ScatterVisual
from phy.plot.transform import NDC
from phy.plot.visual import BaseVisual, get_data_bounds, load_glsl
from phy.utils import Bunch


class SquareVisual(BaseVisual):
    """A minimal visual as a user would write it: filled squares, one quad per item."""

    _noconcat = ("data_bounds", "color")

    def __init__(self):
        super().__init__()
        self.vertex_shader = (
            "#version 330 core\nin vec2 a_position;\n"
            "void main() {\n    gl_Position = transform(a_position);\n}\n")
        self.fragment_shader = (
            "#version 330 core\nuniform vec4 u_color;\nout vec4 c;\n"
            "void main() {\n    c = u_color;\n}\n")
        self.set_primitive_type("triangles")

    def validate(self, pos=None, size=0.2, color=(1, 1, 1, 1), data_bounds=None):
        pos = self.transform_positions(pos, data_bounds)
        size = np.broadcast_to(np.asarray(size, dtype=np.float64), (len(pos),))
        return Bunch(pos=pos, size=size, color=color, data_bounds=NDC)

    def vertex_count(self, pos=None, **kwargs):
        return 6 * len(np.atleast_2d(pos))

    def vertex_counts(self, data):
        return np.full(len(data.pos), 6)

    def _program_data(self, data):
        corners = np.array([[-1, -1], [1, -1], [-1, 1], [1, -1], [1, 1], [-1, 1]])
        quads = (data.pos[:, np.newaxis, :] + corners * data.size[:, None, None]).reshape(-1, 2)
        return {"a_position": quads.astype(np.float32), "u_color": data.color}


def test_load_glsl():
    code = load_glsl("plot.frag")
    assert code.count("#version") == 1 and "out_color = v_color;" in code
    with pytest.raises(FileNotFoundError):
        load_glsl("nothing.vert")


def test_get_data_bounds():
    assert get_data_bounds(np.zeros((0, 2))) == NDC
    assert np.allclose(get_data_bounds([[0, 1], [2, 5]]), (0, 1, 2, 5))
    # Flat data is widened.
    assert np.allclose(get_data_bounds([[0, 4], [0, 4]]), (-1, 2, 1, 6))


def test_visual_before_canvas():
    visual = SquareVisual()
    with pytest.raises(RuntimeError, match="add_visual"):
        visual.set_data(pos=[[0, 0]])
    with pytest.raises(ValueError, match="Unknown primitive type"):
        visual.set_primitive_type("quads")


def test_custom_visual(canvas, snapshot):
    visual = SquareVisual()
    events = []

    class Listener:
        def on_visual_set_data(self, e):
            events.append(e.visual)

    canvas.attach_events(Listener())
    canvas.add_visual(visual, key="squares")
    data = visual.set_data(pos=[[0, 0]], color=(0, 1, 0, 1))
    assert events == [visual] and visual.n_vertices == 6 and data.size[0] == 0.2
    assert canvas.get_visual("squares") is visual
    px = snapshot(canvas)
    assert px.at(50, 50) == (0, 255, 0, 255)
    assert px.bbox(px.drawn()) == (40, 59, 40, 59)

    # Data bounds: the square moves.
    visual.set_data(pos=[[10, 10]], data_bounds=(0, 0, 20, 40), color=(0, 1, 0, 1))
    assert snapshot(canvas).bbox(snapshot(canvas).drawn()) == (65, 84, 40, 59)
    visual.set_data_range((0, 0, 10, 10))
    visual.set_data(pos=[[5, 5]], color=(0, 1, 0, 1))
    assert snapshot(canvas).at(50, 50)[1] == 255

    visual.hide()
    assert not snapshot(canvas).drawn().any()
    visual.show()
    assert snapshot(canvas).drawn().any()
    visual.close()
    assert not canvas.has_visual(visual) and visual.program is None
    assert not snapshot(canvas).drawn().any()


def test_transform_positions_auto():
    visual = ScatterVisual()
    pos = visual.transform_positions([[0, 0], [10, 5]], "auto")
    assert np.allclose(pos, [[-1, -1], [1, 1]])
    with pytest.raises(ValueError, match="auto"):
        visual.transform_positions([[0, 0]], "automatic")


def test_box_index_expansion(canvas):
    canvas.set_layout("boxed", box_bounds=[[-1, -1, 0, 0], [0, 0, 1, 1]])
    visual = SquareVisual()
    canvas.add_visual(visual)
    visual.set_data(pos=[[0, 0], [0.5, 0.5]], box_index=1)  # one box for all
    assert visual.box_index.shape == (12,) and np.all(visual.box_index == 1)
    visual.set_data(pos=[[0, 0], [0.5, 0.5]], box_index=[0, 1])  # one per item
    assert np.all(visual.box_index[:6] == 0) and np.all(visual.box_index[6:] == 1)
    visual.set_data(pos=[[0, 0], [0.5, 0.5]], box_index=np.arange(12) % 2)  # per vertex
    assert visual.box_index[1] == 1
    with pytest.raises(ValueError, match="box index has 3 rows"):
        visual.set_data(pos=[[0, 0], [0.5, 0.5]], box_index=[0, 1, 1])
    # Without a box index, the layout gives the active box.
    visual.set_data(pos=[[0, 0]])
    assert np.all(visual.box_index == 0)


def test_batch_data(canvas, snapshot):
    visual = SquareVisual()
    canvas.add_visual(visual)
    visual.add_batch_data(pos=[[-0.5, 0]], color=(1, 0, 0, 1))
    visual.add_batch_data(pos=[[0.5, 0]], color=(1, 0, 0, 1))
    assert visual.has_batch_data and visual.batch_data.pos.shape == (2, 2)
    canvas.update_visual(visual)
    assert not visual.has_batch_data and visual.n_vertices == 12
    px = snapshot(canvas)
    assert px.at(25, 50)[0] == 255 and px.at(75, 50)[0] == 255 and px.at(50, 50)[0] == 0


class Phy2Visual(BaseVisual):
    """A visual written the phy 2 way: only __init__ and set_data, GLSL 1.20-style shaders."""

    def __init__(self):
        super().__init__()
        self.vertex_shader = """
            attribute vec2 a_position;
            attribute vec4 a_color;
            varying vec4 v_color;
            void main() {
                gl_Position = transform(a_position);
                v_color = a_color;
            }
        """
        self.fragment_shader = """
            varying vec4 v_color;
            uniform sampler2D u_tint;
            void main() {
                gl_FragColor = v_color * texture2D(u_tint, vec2(0.5, 0.5));
            }
        """
        self.set_primitive_type("triangles")

    def set_data(self, pos, color):
        """A filled rectangle (xmin, ymin, xmax, ymax) in NDC."""
        x0, y0, x1, y1 = pos
        quad = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y0], [x1, y1], [x0, y1]])
        self.program["a_position"] = quad.astype(np.float32)
        self.program["a_color"] = np.tile(np.asarray(color, dtype=np.float32), (6, 1))
        self.program["u_tint"] = np.full((1, 1, 4), 255, dtype=np.uint8)
        self.n_vertices = 6
        self.emit_visual_set_data()
        return pos


class Phy2BoxVisual(Phy2Visual):
    """A phy 2 plugin visual declaring its box index itself (as phy 2's docs ask)."""

    def __init__(self, box_type="float"):
        super().__init__()
        self.vertex_shader = f"attribute {box_type} a_box_index;\n" + self.vertex_shader


def _green_rect(canvas, pos=(-0.5, -0.5, 0.5, 0.5), cls=Phy2Visual):
    visual = cls()
    canvas.add_visual(visual)
    visual.set_data(pos, (0, 1, 0, 1))
    return visual


def _green_bbox(px):
    return px.bbox(px.matching((0, 255, 0), tolerance=10))


def test_phy2_visual_defaults():
    visual = Phy2Visual()
    assert visual.validate(pos=[[0, 0]], size=3) == {"pos": [[0, 0]], "size": 3}
    assert visual.vertex_count(pos=np.zeros((5, 2)), size=3) == 5
    assert visual.vertex_count(y=np.zeros(7)) == 7 and visual.vertex_count() == 0
    visual.add_batch_data(pos=np.zeros((2, 2)))
    assert visual.batch_data.pos.shape == (2, 2)


def test_phy2_visual_draws(canvas, snapshot):
    visual = _green_rect(canvas)
    assert _green_bbox(snapshot(canvas)) == (25, 74, 25, 74)
    visual.toggle()
    assert not visual.visible and _green_bbox(snapshot(canvas)) is None
    visual.toggle()
    assert _green_bbox(snapshot(canvas)) == (25, 74, 25, 74)


def test_phy2_visual_panzoom(canvas, snapshot):
    canvas.enable_panzoom()
    _green_rect(canvas, (-0.25, -0.25, 0.25, 0.25))
    canvas.panzoom.set_pan_zoom(pan=(0.5, 0), zoom=2)
    # x: (-0.25 + 0.5) * 2 = 0.5 .. 1.5 (cut at the window edge); y: -0.5 .. 0.5.
    assert _green_bbox(snapshot(canvas)) == (25, 74, 75, 99)


@pytest.mark.parametrize("layout, kwargs, rect, box, bbox", [
    # The rectangle is larger than its box: the grid clips it to the box (right half).
    ("grid", dict(shape=(1, 2)), (-1.5, -1, 1, 1), (0, 1), (0, 99, 50, 99)),
    ("boxed", dict(box_bounds=[[-1, -1, 0, 0], [0, 0, 1, 1]]), (-1, -1, 1, 1), 1,
     (0, 49, 50, 99)),
    ("stacked", dict(n_plots=2), (-1, -1, 1, 1), 0, (0, 49, 0, 99)),
])
@pytest.mark.parametrize("declares_box_index", [False, True])
def test_phy2_visual_layouts(
        canvas, snapshot, layout, kwargs, rect, box, bbox, declares_box_index):
    canvas.set_layout(layout, **kwargs)
    box_type = "vec2" if layout == "grid" else "float"
    cls = (lambda: Phy2BoxVisual(box_type)) if declares_box_index else Phy2Visual
    visual = _green_rect(canvas, rect, cls=cls)
    # Declared once, whoever declares it.
    assert visual.program.vertex_shader.count(f"in {box_type} a_box_index;") == 1
    visual.set_box_index(box)
    px = snapshot(canvas)
    # Within one pixel (box edges fall between pixels).
    assert np.allclose(_green_bbox(px), bbox, atol=1)


def test_phy2_box_index_of_the_wrong_type(canvas):
    canvas.set_layout("grid", shape=(1, 2))
    with pytest.raises(ValueError, match="declares `in float a_box_index`.*`in vec2"):
        canvas.add_visual(Phy2BoxVisual("float"))


def test_simple_shader(canvas, snapshot):
    visual = SquareVisual()
    visual.set_shader("simple")
    canvas.enable_panzoom()
    canvas.add_visual(visual)
    visual.set_data(pos=[[0, 0]], color=(1, 0, 1, 1))
    assert snapshot(canvas).at(50, 50) == (255, 0, 255, 255)
