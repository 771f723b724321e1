import pytest

from phy.plot.gloo.shader import (
    ShaderError,
    error_lines,
    link_program,
    numbered_source,
    parse_declarations,
)

VERTEX = """#version 330 core
in vec2 a_position;
void main() {
    gl_Position = vec4(a_position, 0.0, 1.0);
}
"""


def test_parse_declarations():
    source = """#version 330 core
    // uniform float u_commented;
    /* in vec2 a_block_commented; */
    layout(location = 0) in vec2 a_position;
    in highp float a_size;
    uniform vec4 u_colors[3];
    uniform sampler2D u_tex;
    flat out vec4 v_color;
    float f(in vec2 p) { return p.x; }
    """
    decl = parse_declarations(source)
    assert set(decl) == {"a_position", "a_size", "u_colors", "u_tex", "v_color"}
    assert decl["a_position"].qualifier == "in" and decl["a_position"].type == "vec2"
    assert decl["u_colors"].size == 3 and decl["u_colors"].type == "vec4"
    assert decl["u_tex"].type == "sampler2D"
    assert decl["v_color"].qualifier == "out"


def test_error_lines_of_common_drivers():
    log = "\n".join([
        "0:12(5): error: syntax error",  # Mesa
        "ERROR: 0:7: 'x' : undeclared identifier",  # macOS
        "0(3) : error C0000: syntax error",  # NVIDIA
        "some other line",
    ])
    assert error_lines(log) == {12, 7, 3}


def test_numbered_source_marks_lines():
    text = numbered_source("a\nb\nc", highlight={2})
    assert text.splitlines() == ["   1 | a", ">> 2 | b", "   3 | c"]


def test_compile_error_reports_numbered_source(canvas):
    fragment = "#version 330 core\nout vec4 c;\nvoid main() {\n    c = vec4(undefined_x);\n}\n"
    canvas.makeCurrent()
    try:
        with pytest.raises(ShaderError) as info:
            link_program(VERTEX, fragment)
    finally:
        canvas.doneCurrent()
    error = info.value
    assert error.stage == "fragment"
    assert "undefined_x" in error.log
    message = str(error)
    assert "Could not compile the fragment shader" in message
    # The offending line is marked, with its number.
    assert ">> 4 |     c = vec4(undefined_x);" in message


def test_link_error(canvas):
    vertex = VERTEX.replace("void main", "out vec4 v_x;\nvoid main")
    fragment = "#version 330 core\nin vec3 v_x;\nout vec4 c;\nvoid main() { c = vec4(v_x, 1.0); }\n"
    canvas.makeCurrent()
    try:
        with pytest.raises(ShaderError) as info:
            link_program(vertex, fragment)
    finally:
        canvas.doneCurrent()
    assert info.value.stage == "link"
    assert set(info.value.sources) == {"vertex", "fragment"}


def test_parse_declarations_several_per_line():
    decl = parse_declarations("uniform vec2 u_a; uniform vec4 u_b;\nvoid f() {}uniform float u_c;")
    assert set(decl) == {"u_a", "u_b", "u_c"}


def test_translate_shader():
    from phy.plot.gloo import translate_shader

    assert translate_shader(VERTEX, "vertex") is VERTEX  # Already 3.30.
    vertex = translate_shader(
        "attribute vec2 a_position;\nvarying float v_x;\nvoid main() {}\n", "vertex")
    assert vertex == "#version 330 core\nin vec2 a_position;\nout float v_x;\nvoid main() {}\n"
    fragment = translate_shader(
        "#version 120\nvarying float v_x;\nuniform sampler1D u_t;\n"
        "void main() { gl_FragColor = texture1D(u_t, v_x) + texture2DLod(u_s, p, 0.0); }",
        "fragment")
    assert fragment.splitlines() == [
        "#version 330 core", "out vec4 phy_FragColor;", "in float v_x;", "uniform sampler1D u_t;",
        "void main() { phy_FragColor = texture(u_t, v_x) + textureLod(u_s, p, 0.0); }"]
    # A fragment shader in phy 2's dialect writing gl_FragData[0] (and no varying_x renamed).
    fragment = translate_shader("float varying_x;\nvoid main() { gl_FragData[0] = vec4(1); }",
                                "fragment")
    assert "float varying_x;" in fragment and "phy_FragColor = vec4(1);" in fragment
    with pytest.raises(ValueError, match="Unknown shader stage"):
        translate_shader(VERTEX, "geometry")
