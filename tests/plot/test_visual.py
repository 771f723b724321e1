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
