import numpy as np
import pytest

from phy.plot.gloo import Program, Texture1D, Texture2D

QUAD = np.array([[-1, -1], [1, -1], [-1, 1], [1, 1]], dtype=np.float32)

VERTEX = """#version 330 core
in vec2 a_position;
out vec2 v_uv;
void main() {
    gl_Position = vec4(a_position, 0.0, 1.0);
    v_uv = 0.5 * (a_position + 1.0);
}
"""


def _fragment(sampler, lookup):
    return f"""#version 330 core
in vec2 v_uv;
uniform {sampler} u_tex;
out vec4 out_color;
void main() {{
    out_color = {lookup};
}}
"""


def test_texture_shapes():
    assert Texture2D(np.zeros((2, 3))).shape == (2, 3, 1)
    assert Texture1D(np.zeros((5, 4), dtype=np.uint8)).shape == (5, 4)
    with pytest.raises(ValueError, match="1 to 4 channels"):
        Texture2D(np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match="empty"):
        Texture1D(np.zeros(0))
    with pytest.raises(ValueError, match="interpolation"):
        Texture2D(interpolation="cubic")


def test_texture_2d_rgba_uint8(gl_draw):
    # Row 0 of the array is t = 0, i.e. the bottom of the quad here.
    image = np.zeros((2, 2, 4), dtype=np.uint8)
    image[0, 0] = (255, 0, 0, 255)
    image[0, 1] = (0, 255, 0, 255)
    image[1, 0] = (0, 0, 255, 255)
    image[1, 1] = (255, 255, 255, 255)
    program = Program(VERTEX, _fragment("sampler2D", "texture(u_tex, v_uv)"))
    program["a_position"] = QUAD
    program["u_tex"] = image
    px = gl_draw(program, "triangle_strip")
    assert px.at(10, 90) == (255, 0, 0, 255)
    assert px.at(90, 90) == (0, 255, 0, 255)
    assert px.at(10, 10) == (0, 0, 255, 255)
    assert px.at(90, 10) == (255, 255, 255, 255)


def test_texture_1d_float_values_unchanged(gl_draw):
    # Float textures keep values beyond [0, 1]: 2.0 * 0.25 reads 0.5.
    program = Program(VERTEX, _fragment(
        "sampler1D", "vec4(texture(u_tex, v_uv.x).r * 0.25, 0.0, 0.0, 1.0)"))
    program["a_position"] = QUAD
    program["u_tex"] = np.array([2.0, 4.0], dtype=np.float32)
    px = gl_draw(program, "triangle_strip")
    assert abs(px.at(10, 50)[0] - 128) <= 1
    assert px.at(90, 50)[0] == 255
