import pytest

from phy.plot.inserter import GLSLInserter, transform_hooks
from phy.plot.transform import Clip, Scale, TransformChain, Translate

VERTEX = """#version 330 core
in vec2 a_position;
void main() {
    gl_Position = transform(a_position);
}
"""
FRAGMENT = """#version 330 core
out vec4 c;
void main() {
    c = vec4(1.0);
}
"""


def _lines(code):
    return [line.strip() for line in code.splitlines() if line.strip()]


def test_insert_transforms_and_snippets():
    origin = object()
    inserter = GLSLInserter()
    inserter.insert_vert("uniform vec2 u_pan;", "header", origin=origin)
    inserter.insert_vert("// before {{ var }}", "before_transforms")
    inserter.insert_vert("// after {{var}}", "after_transforms")
    inserter.insert_vert("// transforms", "transforms")
    inserter.insert_frag("// frag header", "header")
    inserter.insert_frag("// frag main")
    inserter.add_gpu_transforms(TransformChain([Translate(gpu_var="u_pan")], origin=origin))
    inserter.add_gpu_transforms(TransformChain([Scale(2)]))
    vertex, fragment = inserter.insert_into_shaders(VERTEX, FRAGMENT)
    lines = _lines(vertex)
    assert lines[:2] == ["#version 330 core", "uniform vec2 u_pan;"]
    body = lines[lines.index("void main() {") + 1:]
    assert body == [
        "vec2 a_position_tr = a_position;",
        "{",
        "// before a_position_tr",
        "a_position_tr = a_position_tr + u_pan;",
        "a_position_tr = a_position_tr * vec2(2.0, 2.0);",
        "// transforms",
        "}",
        "gl_Position = vec4(a_position_tr, 0.0, 1.0);",
        "// after a_position_tr",
        "}",
    ]
    flines = _lines(fragment)
    assert flines[1] == "// frag header"
    assert flines[flines.index("void main() {") + 1] == "// frag main"

    # Excluding the origin removes its snippets and transforms.
    vertex, _ = inserter.insert_into_shaders(VERTEX, FRAGMENT, exclude_origins=(origin,))
    assert "u_pan" not in vertex and "vec2(2.0, 2.0)" in vertex


def test_inserter_add_and_remove():
    a, b = GLSLInserter(), GLSLInserter()
    origin = object()
    a.insert_vert("// from a", "before_transforms")
    b.insert_vert("// from b", "before_transforms", origin=origin)
    vertex, _ = (a + b).insert_into_shaders(VERTEX, FRAGMENT)
    assert vertex.index("// from a") < vertex.index("// from b")
    b.remove(origin)
    assert "// from b" not in (a + b).insert_into_shaders(VERTEX, FRAGMENT)[0]


def test_clip_is_one_window_clip():
    inserter = GLSLInserter()
    inserter.add_gpu_transforms(TransformChain([Clip()]))
    vertex, fragment = inserter.insert_into_shaders(VERTEX, FRAGMENT)
    # One mechanism: the rectangle in window coordinates, no interpolated position.
    assert "flat out vec4 v_window_clip_0;" in vertex and "v_clip_position" not in vertex
    assert "// Clip(-1, -1, 1, 1): fragments outside discarded." in _lines(vertex)
    assert _lines(fragment).count("discard;") == 0 and fragment.count("discard;") == 1


def test_header_declarations_not_repeated():
    inserter = GLSLInserter()
    inserter.insert_vert("in float a_box_index;\nuniform vec2 u_pan;\nuniform vec2 u_x;", "header")
    inserter.insert_vert("uniform vec2 u_x;", "header")
    inserter.insert_frag("uniform vec2 u_framebuffer_size;\nfloat f() { return 1.0; }", "header")
    inserter.add_gpu_transforms(TransformChain([Clip()]))
    vertex = PHY2_VERTEX.replace(
        "attribute vec4 a_color;", "attribute vec4 a_color;\nattribute float a_box_index;")
    vertex, fragment = inserter.insert_into_shaders(vertex, PHY2_FRAGMENT)
    lines = _lines(vertex)
    assert lines.count("in float a_box_index;") == 1
    assert lines.count("uniform vec2 u_x;") == 1 and lines.count("uniform vec2 u_pan;") == 1
    flines = _lines(fragment)
    assert flines.count("uniform vec2 u_framebuffer_size;") == 1
    assert "float f() { return 1.0; }" in flines
    # The shader's declaration with another type than the inserted one: a clear error.
    with pytest.raises(ValueError, match="declares `in vec2 a_box_index`.*`in float"):
        inserter.insert_into_shaders(
            PHY2_VERTEX.replace("vec4 a_color;", "vec4 a_color;\nattribute vec2 a_box_index;"),
            PHY2_FRAGMENT)


def test_inserter_errors():
    inserter = GLSLInserter()
    with pytest.raises(ValueError, match="Unknown GLSL location"):
        inserter.insert_vert("x", "nowhere")
    with pytest.raises(ValueError, match="no `void main"):
        inserter.insert_frag("// x")
        inserter.insert_into_shaders(VERTEX, "out vec4 c;")


PHY2_VERTEX = """
attribute vec3 a_position;
attribute vec4 a_color;
varying vec4 v_color;
vec2 transform(vec2 p);  // A declaration, not a hook.
void main() {
    // gl_Position = transform(a_commented);
    vec2 half_pos = 0.5 * transform(a_position.xy);  // Not a hook: an expression.
    gl_Position = transform(a_position.xy);
    vec2 second = transform(vec2(a_position.x, max(a_position.y, 0.0)));
    v_color = a_color;
}
"""
PHY2_FRAGMENT = """
varying vec4 v_color;
uniform sampler2D u_tex;
void main() {
    gl_FragColor = v_color * texture2D(u_tex, vec2(0.5));
}
"""


def test_transform_hooks():
    hooks = transform_hooks(PHY2_VERTEX)
    assert [(h.out, h.expr) for h in hooks] == [
        ("gl_Position", "a_position.xy"),
        ("vec2 second", "vec2(a_position.x, max(a_position.y, 0.0))")]
    assert PHY2_VERTEX[hooks[0].start:hooks[0].end] == "gl_Position = transform(a_position.xy);"


def test_phy2_dialect_and_several_hooks():
    inserter = GLSLInserter()
    inserter.add_gpu_transforms(TransformChain([Scale(2), Clip()]))
    inserter.insert_vert("int local = 1;", "before_transforms")
    vertex, fragment = inserter.insert_into_shaders(PHY2_VERTEX, PHY2_FRAGMENT)
    lines = _lines(vertex)
    assert lines[:2] == ["#version 330 core", "flat out vec4 v_window_clip_0;"]
    assert "in vec3 a_position;" in lines and "out vec4 v_color;" in lines
    assert "vec2 position_0_tr = a_position.xy;" in lines
    assert "position_0_tr = position_0_tr * vec2(2.0, 2.0);" in lines
    assert "gl_Position = vec4(position_0_tr, 0.0, 1.0);" in lines
    assert "vec2 position_1_tr_1 = vec2(a_position.x, max(a_position.y, 0.0));" in lines
    assert "vec2 second = position_1_tr_1;" in lines
    # Each hook's code is in its own block: the snippets' locals do not collide.
    assert lines.count("int local = 1;") == 2
    flines = _lines(fragment)
    assert flines[:2] == ["#version 330 core", "flat in vec4 v_window_clip_0;"]
    # The rectangle is computed at each hook (the first may be in any function).
    assert lines.count("v_window_clip_0 = vec4(min(v_window_clip_0_low, v_window_clip_0_high), "
                       "max(v_window_clip_0_low, v_window_clip_0_high));") == 2
    assert "out vec4 phy_FragColor;" in flines
    assert "phy_FragColor = v_color * texture(u_tex, vec2(0.5));" in flines
    assert "in vec4 v_color;" in flines


def test_shader_without_hook_is_unchanged():
    inserter = GLSLInserter()
    inserter.add_gpu_transforms(TransformChain([Scale(2), Clip()]))
    inserter.insert_vert("uniform vec2 u_x;", "header")
    inserter.insert_frag("// frag header", "header")
    vertex = VERTEX.replace("transform(a_position)", "vec4(a_position, 0.0, 1.0)")
    new_vertex, fragment = inserter.insert_into_shaders(vertex, FRAGMENT)
    assert new_vertex == vertex
    assert "// frag header" in fragment and "v_window_clip" not in fragment


def test_clip_in_window_coordinates():
    inserter = GLSLInserter()
    inserter.add_gpu_transforms(TransformChain([Clip((-1, -1, 0, 1)), Scale(2), Translate(1)]))
    vertex, fragment = inserter.insert_into_shaders(VERTEX, FRAGMENT)
    lines = _lines(vertex)
    # The rectangle through the transforms after the Clip.
    assert "vec2 v_window_clip_0_low = vec2(-1.0, -1.0);" in lines
    assert "v_window_clip_0_high = v_window_clip_0_high * vec2(2.0, 2.0);" in lines
    assert "v_window_clip_0_high = v_window_clip_0_high + vec2(1.0, 1.0);" in lines
    assert "flat in vec4 v_window_clip_0;" in fragment
    # The fragment's window position from the vertex shader, not gl_FragCoord (whose y is
    # inverted on Mesa in a program drawn first into the window then into a framebuffer).
    assert "gl_FragCoord" not in fragment and "u_framebuffer_size" not in fragment
    end = lines.index("v_window_ndc = gl_Position.xy / gl_Position.w;")
    assert end > lines.index("gl_Position = vec4(a_position_tr, 0.0, 1.0);")
    assert lines[end + 1:] == ["}"]
    # Point sprites: plus the fragment's offset in the sprite, in window NDC.
    points = VERTEX.replace("transform(a_position);", "transform(a_position);\n"
                            "    gl_PointSize = 10.0;  // after the hook {braces}")
    vertex, fragment = inserter.insert_into_shaders(points, FRAGMENT)
    lines = _lines(vertex)
    assert lines.index("v_window_point_size = gl_PointSize;") > lines.index(
        "gl_PointSize = 10.0;  // after the hook {braces}")
    assert "gl_PointCoord" in fragment and "uniform vec2 u_framebuffer_size;" in fragment
