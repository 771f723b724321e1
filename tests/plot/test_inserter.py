import pytest

from phy.plot.inserter import GLSLInserter
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
        "// before a_position_tr",
        "a_position_tr = a_position_tr + u_pan;",
        "a_position_tr = a_position_tr * vec2(2.0, 2.0);",
        "// transforms",
        "// after a_position_tr",
        "gl_Position = vec4(a_position_tr, 0.0, 1.0);",
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


def test_clip_declarations():
    inserter = GLSLInserter()
    inserter.add_gpu_transforms(TransformChain([Clip()]))
    vertex, fragment = inserter.insert_into_shaders(VERTEX, FRAGMENT)
    assert "out vec2 v_clip_position;" in vertex
    assert "v_clip_position = a_position_tr;" in vertex
    assert "in vec2 v_clip_position;" in fragment and "discard;" in fragment


def test_inserter_errors():
    inserter = GLSLInserter()
    with pytest.raises(ValueError, match="Unknown GLSL location"):
        inserter.insert_vert("x", "nowhere")
    with pytest.raises(ValueError, match="gl_Position = transform"):
        inserter.insert_into_shaders(VERTEX.replace("transform(a_position)", "vec4(0.0)"), FRAGMENT)
