from collections import deque

import numpy as np
import pytest

from phy.plot.gloo import IndexBuffer, Program

VERTEX = """#version 330 core
in vec2 a_position;
in float a_size;
uniform vec4 u_color;
uniform float u_unused;
out vec4 v_color;
void main() {
    gl_Position = vec4(a_position, 0.0, 1.0);
    gl_PointSize = a_size;
    v_color = u_color;
}
"""
FRAGMENT = """#version 330 core
in vec4 v_color;
out vec4 out_color;
void main() {
    out_color = v_color;
}
"""


@pytest.fixture
def program():
    program = Program(VERTEX, FRAGMENT)
    program["a_position"] = [[0.0, 0.0]]
    program["a_size"] = [10.0]
    program["u_color"] = (1, 0, 0, 1)
    return program


def test_program_declarations(program):
    assert program.attributes == {"a_position": "vec2", "a_size": "float"}
    assert set(program.uniforms) == {"u_color", "u_unused"}
    assert "u_color" in program and "v_color" not in program
    assert tuple(program["u_color"]) == (1, 0, 0, 1)


def test_program_errors(program):
    with pytest.raises(KeyError, match="not an attribute or a uniform"):
        program["u_colour"] = (1, 0, 0, 1)
    with pytest.raises(ValueError, match="expects 4 value"):
        program["u_color"] = (1, 0, 0)
    with pytest.raises(KeyError, match="has not been set"):
        program["u_unused"]


def test_program_draw_points(program, gl_draw):
    px = gl_draw(program, "points")
    assert px.at(50, 50) == (255, 0, 0, 255)
    assert px.at(10, 10) == (0, 0, 0, 255)
    # Uniform and attribute changes (the second is a partial, in-place upload).
    program["u_color"] = (0, 1, 0, 1)
    program.update_attribute("a_position", [[0.5, 0.5]], offset=0)
    px = gl_draw(program, "points")
    assert px.at(75, 25) == (0, 255, 0, 255)
    assert px.at(50, 50) == (0, 0, 0, 255)


def test_update_attribute_at_offset_0_keeps_the_other_rows(gl_draw):
    """A partial upload of the first rows leaves the buffer's size and its other rows."""
    program = Program(VERTEX, FRAGMENT)
    program["a_position"] = [[-0.5, 0.0], [0.5, 0.0]]
    program["a_size"] = [10.0, 10.0]
    program["u_color"] = (1, 1, 1, 1)
    program.update_attribute("a_position", [[-0.5, 0.5]], offset=0)
    assert program["a_position"].size == 2
    px = gl_draw(program, "points")
    assert px.at(25, 25) == (255, 255, 255, 255) and px.at(75, 50) == (255, 255, 255, 255)


def test_program_draw_indices_and_ranges(gl_draw):
    program = Program(VERTEX, FRAGMENT)
    x = np.array([-0.8, -0.2, 0.2, 0.8])
    program["a_position"] = np.column_stack([x, np.zeros(4)])
    program["a_size"] = np.full(4, 3.0)
    program["u_color"] = (1, 1, 1, 1)
    # Two line strips in one call: the gap between them is not drawn.
    px = gl_draw(program, "line_strip", ranges=([0, 2], [2, 2]))
    row = px.drawn()[49:51].any(axis=0)
    assert row[15] and row[85] and not row[50]
    # Indices: only the vertices 0 and 3.
    px = gl_draw(program, "points", indices=IndexBuffer([0, 3]))
    assert px.drawn()[50, 10] and px.drawn()[50, 90] and not px.drawn()[50, 40]


def test_program_draw_checks(program, gl_draw):
    with pytest.raises(ValueError, match="exceed"):
        gl_draw(program, "line_strip", ranges=([0], [5]))
    with pytest.raises(ValueError, match="out of range"):
        gl_draw(program, "points", indices=[0, 3])
    with pytest.raises(ValueError, match="Unknown primitive"):
        gl_draw(program, "quads")
    missing = Program(VERTEX, FRAGMENT)
    missing["a_position"] = [[0, 0]]
    with pytest.raises(ValueError, match="`a_size` has no data"):
        gl_draw(missing, "points")


def test_program_set_shaders_keeps_data(program, gl_draw):
    gl_draw(program, "points")
    program.set_shaders(VERTEX, FRAGMENT.replace("out_color = v_color", "out_color = v_color.bgra"))
    px = gl_draw(program, "points")
    assert px.at(50, 50) == (0, 0, 255, 255)


def test_program_queue(program):
    program.queue = deque()
    program["u_color"] = (0, 0, 1, 1)
    assert tuple(program["u_color"]) == (1, 0, 0, 1)
    (queued, name, data), = program.queue
    assert queued is program
    queued.set_value(name, data)
    assert tuple(program["u_color"]) == (0, 0, 1, 1)


def test_normalized_uint8_attribute(gl_draw):
    vertex = VERTEX.replace("uniform vec4 u_color;", "in vec4 a_color;").replace(
        "v_color = u_color;", "v_color = a_color;")
    program = Program(vertex, FRAGMENT)
    program["a_position"] = [[-0.5, 0.0], [0.5, 0.0]]
    program["a_size"] = [10.0, 10.0]
    program["a_color"] = np.array([[255, 0, 0, 255], [0, 128, 255, 255]], dtype=np.uint8)
    assert program["a_color"].normalized and program["a_color"].row_nbytes == 4
    px = gl_draw(program, "points")
    assert px.at(25, 50) == (255, 0, 0, 255) and px.at(75, 50) == (0, 128, 255, 255)
    # Float data again: a float32 buffer.
    program["a_color"] = [[0, 1, 0, 1], [0, 1, 0, 1]]
    assert not program["a_color"].normalized
    assert gl_draw(program, "points").at(75, 50) == (0, 255, 0, 255)
    with pytest.raises(ValueError, match="Cannot update rows of a float32 buffer"):
        program.update_attribute("a_color", np.zeros((1, 4), dtype=np.uint8), offset=1)


PHY2_VERTEX = """
attribute vec2 a_position;
varying vec2 v_tex;
void main() {
    gl_Position = vec4(a_position, 0.0, 1.0);
    gl_PointSize = 10.0;
    v_tex = vec2(0.5, 0.5);
}
"""
PHY2_FRAGMENT = """#version 120
varying vec2 v_tex;
uniform sampler2D u_image;
void main() {
    gl_FragColor = texture2D(u_image, v_tex);
}
"""


def test_program_phy2_dialect(gl_draw):
    program = Program(PHY2_VERTEX, PHY2_FRAGMENT)
    assert program.vertex_shader.split()[:5] == ["#version", "330", "core", "in", "vec2"]
    assert program.attributes == {"a_position": "vec2"}
    program["a_position"] = [[0.0, 0.0]]
    program["u_image"] = np.array([[[0, 0, 255, 255]]], dtype=np.uint8)
    assert gl_draw(program, "points").at(50, 50) == (0, 0, 255, 255)
