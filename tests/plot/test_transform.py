import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from phy.plot.transform import (
    NDC,
    Clip,
    Range,
    Scale,
    Subplot,
    TransformChain,
    Translate,
    extend_bounds,
    subplot_bounds,
)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
nonzero = st.floats(0.01, 100) | st.floats(-100, -0.01)
points = arrays(np.float64, st.tuples(st.integers(1, 20), st.just(2)), elements=finite)


@st.composite
def rectangles(draw):
    x0, y0 = draw(finite), draw(finite)
    return (x0, y0, x0 + draw(st.floats(0.01, 100)), y0 + draw(st.floats(0.01, 100)))


@st.composite
def transforms(draw):
    kind = draw(st.sampled_from(["translate", "scale", "range", "subplot"]))
    if kind == "translate":
        return Translate((draw(finite), draw(finite)))
    if kind == "scale":
        return Scale((draw(nonzero), draw(nonzero)))
    if kind == "range":
        return Range(draw(rectangles()), draw(rectangles()))
    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    return Subplot((rows, cols), (draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))))


@settings(max_examples=60, deadline=None)
@given(points, st.lists(transforms(), min_size=1, max_size=4))
def test_chain_round_trip(arr, chain):
    chain = TransformChain(chain)
    forward = chain.apply(arr)
    back = chain.inverse().apply(forward)
    scale = 1 + np.abs(arr).max() + np.abs(forward).max()
    assert np.allclose(back, arr, atol=1e-8 * scale)


@settings(max_examples=30, deadline=None)
@given(points, transforms())
def test_transform_round_trip(arr, t):
    assert np.allclose(t.inverse().apply(t.apply(arr)), arr, atol=1e-6 * (1 + np.abs(arr).max()))


def test_translate_scale():
    assert np.allclose(Translate((1, 2)).apply([[0, 0]]), [[1, 2]])
    assert np.allclose(Translate((1, 2)).apply([[0, 0]], param=(3, 3)), [[3, 3]])
    assert np.allclose(Scale(2).apply([[1, 3]]), [[2, 6]])
    with pytest.raises(ValueError, match="no inverse"):
        Scale((0, 1)).inverse()
    with pytest.raises(ValueError, match="k even"):
        Translate().apply(np.zeros((3, 3)))


@pytest.mark.parametrize("t", [
    Translate((1, 2)), Scale(2), Range((0, 0, 1, 1)), Subplot((2, 2), (0, 1)), Clip()])
def test_apply_none_empty_and_rows(t):
    assert t.apply(None) is None
    empty = np.zeros((0, 2))
    assert t.apply(empty) is empty
    # A 1-D input is one row; an (n, 4) array holds two positions per row.
    one = t.apply([0.5, 0.25])
    assert one.shape == (1, 2)
    rows = np.array([[0.5, 0.25, 0.1, 0.2], [0.3, 0.4, 0.5, 0.6]])
    out = t.apply(rows)
    assert out.shape == (2, 4)
    assert np.allclose(out.reshape(-1, 2), t.apply(rows.reshape(-1, 2)))
    assert np.allclose(one, t.apply([[0.5, 0.25]]))


def test_callable_amount():
    value = [1.0, 2.0]
    translate, scale = Translate(lambda: value), Scale(lambda: value[0] * 2)
    assert np.allclose(translate.apply([0, 0]), [[1, 2]])
    value[:] = [3.0, 4.0]  # Called at each use.
    assert np.allclose(translate.apply([0, 0]), [[3, 4]])
    assert np.allclose(translate.inverse().apply([[3, 4]]), [[0, 0]])
    assert np.allclose(scale.apply([[1, 1]]), [[6, 6]])
    assert "vec2(3.0, 4.0)" in translate.glsl("p")
    value[:] = [0.0, 1.0]
    with pytest.raises(ValueError, match="no inverse"):
        scale.inverse().apply([[1, 1]])


def test_range():
    r = Range((0, 0, 10, 20), NDC)
    assert np.allclose(r.apply([[0, 0], [10, 20], [5, 10]]), [[-1, -1], [1, 1], [0, 0]])
    # Per-position bounds.
    out = r.apply([[1, 1], [1, 1]], from_bounds=[[0, 0, 2, 2], [0, 0, 4, 4]])
    assert np.allclose(out, [[0, 0], [-0.5, -0.5]])
    # Flat source: the single value maps to the centre of the target.
    assert np.allclose(Range((5, 0, 5, 1), NDC).apply([[5, 1]]), [[0, 1]])
    assert np.allclose(Range((0, 2, 1, 2), (0, 0, 10, 4)).apply([[1, 2]]), [[10, 2]])


def test_subplot_bounds():
    assert np.allclose(subplot_bounds((2, 2), (1, 0)), (-1, -1, 0, 0))
    assert np.allclose(subplot_bounds((2, 3), (0, 2)), (1 / 3, 0, 1, 1))
    s = Subplot((2, 2), (0, 1))
    assert np.allclose(s.apply([[0, 0], [-1, -1]]), [[0.5, 0.5], [0, 0]])


def test_clip():
    clip = Clip((-1, -1, 1, 1))
    assert np.allclose(clip.apply([[0, 0], [2, 0], [1, -1]]), [[0, 0], [1, -1]])
    assert clip.inverse() is clip
    # On the GPU, the clipping is done in the fragment shader (see test_inserter).
    assert clip.glsl("p").startswith("//")


def test_glsl_snippets():
    assert Translate(gpu_var="u_pan").glsl("p") == "p = p + u_pan;"
    assert Translate(gpu_var="u_pan").inverse().glsl("p") == "p = p - u_pan;"
    assert Scale(gpu_var="u_zoom").inverse().glsl("p") == "p = p / u_zoom;"
    split = Translate(gpu_var="u_pan", lo_gpu_var="u_pan_lo")
    assert split.glsl("p") == "p = (p + u_pan) + u_pan_lo;"
    assert split.inverse().glsl("p") == "p = (p - u_pan) - u_pan_lo;"
    assert "vec2(1.0, 2.0)" in Translate((1, 2)).glsl("p")
    assert "u_to" in Range(to_gpu_var="u_to").glsl("p")
    assert "u_shape" in Subplot(shape_gpu_var="u_shape", index_gpu_var="a_box").glsl("p")


def test_gpu_variable_names_as_values():
    # phy 2 style: GPU variable names in place of the values, used as they are in the GLSL.
    assert Scale("u_zoom").glsl("p") == "p = p * u_zoom;"
    assert Translate("u_pan").inverse().glsl("p") == "p = p - u_pan;"
    code = Range("u_from", "u_to").glsl("p")
    assert "(u_from).xy" in code and "(u_to).zw" in code
    assert Range("u_from", "u_to").inverse().glsl("p").startswith("p = (u_from).xy")
    code = Subplot("u_grid_shape", "a_box_index").glsl("p")
    assert "a_box_index.y / u_grid_shape.y" in code and "vec2(" not in code


def test_chain():
    t, s = Translate((1, 1)), Scale(2)
    origin = object()
    chain = TransformChain([t]).add(s, origin=origin)
    assert chain.transforms == [t, s] and len(chain) == 2
    assert chain.get("Scale") is s and chain.get("Range") is None
    assert np.allclose(chain.apply([[0, 0]]), [[2, 2]])
    chain.add(Scale(3), index=0)
    assert np.allclose(chain.apply([[1, 1]]), [[8, 8]])
    chain.remove(origin)
    assert chain.get("Scale").amount[0] == 3 and len(chain) == 2


def test_adding_transforms():
    t, s, r = Translate((1, 1)), Scale(2), Range((0, 0, 1, 1), (0, 0, 10, 10))
    chain = t + s
    assert isinstance(chain, TransformChain) and chain.transforms == [t, s]
    assert chain[0] is t and chain[1] is s and chain[-1] is s
    assert np.allclose(chain.apply([[0, 0]]), [[2, 2]])  # t, then s
    longer = chain + r
    assert longer.transforms == [t, s, r] and len(chain) == 2
    assert np.allclose(longer.apply([[0, 0]]), [[20, 20]])
    both = chain + TransformChain([r, t])
    assert both.transforms == [t, s, r, t]
    assert np.allclose(both.apply([[0, 0]]), [[21, 21]])
    assert (r + chain).transforms == [r, t, s]


def test_extend_bounds():
    assert extend_bounds([(0, 0, 1, 1), (-1, 0.5, 0.5, 2)]) == (-1, 0, 1, 2)
    # A flat axis becomes -1..1.
    assert extend_bounds([(3, 0, 3, 1), (3, 0.5, 3, 2)]) == (-1, 0, 1, 2)
    assert extend_bounds([(0, 5, 2, 5)]) == (0, -1, 2, 1)
    with pytest.raises(ValueError):
        extend_bounds([])


# GPU transforms equal the CPU transforms: render points, read back their positions.
# ------------------------------------------------------------------------------------------------

COLORS = np.array([[1, 0, 0, 1], [0, 1, 0, 1], [0, 0, 1, 1], [1, 1, 0, 1], [0, 1, 1, 1]])
POSITIONS = np.array([[0.0, 0.0], [0.5, 0.5], [-0.6, 0.3], [0.2, -0.7], [-0.3, -0.3]])


def _gpu_positions(canvas, snapshot, chain, uniforms=None, header=""):
    """Window NDC of the points drawn through a GPU transform chain."""
    from phy.plot import ScatterVisual

    visual = ScatterVisual(marker="square")
    visual.inserter.add_gpu_transforms(chain)
    if header:
        visual.inserter.insert_vert(header, "header")
    canvas.add_visual(visual)
    visual.set_data(pos=POSITIONS, color=COLORS, size=3)
    for name, value in (uniforms or {}).items():
        visual.program[name] = value
    px = snapshot(canvas)
    centers = [px.centroid(px.matching(255 * c, tolerance=10)) for c in COLORS]
    return np.array([(2 * x / 100 - 1, 1 - 2 * y / 100) for x, y in centers])


@pytest.mark.parametrize("gpu_vars", [False, True, "names"])
def test_gpu_equals_cpu(canvas, snapshot, gpu_vars):
    translate, scale = Translate((0.2, -0.1)), Scale((0.5, 0.8))
    rng = Range((-1, -1, 1, 1), (-0.5, -0.5, 1, 0.5))
    sub = Subplot((2, 2), (1, 1))
    chain = TransformChain([translate, scale, rng, sub])
    expected = chain.apply(POSITIONS)
    uniforms, header = {}, ""
    if gpu_vars:
        chain = TransformChain([
            Translate(gpu_var="u_t"), Scale(gpu_var="u_s"), Range(NDC, to_gpu_var="u_to"),
            Subplot(shape_gpu_var="u_shape", index_gpu_var="u_index")])
        if gpu_vars == "names":  # phy 2 style: the names in place of the values.
            chain = Translate("u_t") + Scale("u_s") + Range(NDC, "u_to") + Subplot(
                "u_shape", "u_index")
        header = "uniform vec2 u_t; uniform vec2 u_s; uniform vec4 u_to;\n" \
                 "uniform vec2 u_shape; uniform vec2 u_index;"
        uniforms = dict(
            u_t=translate.amount, u_s=scale.amount, u_to=rng.to_bounds, u_shape=(2, 2),
            u_index=(1, 1))
    actual = _gpu_positions(canvas, snapshot, chain, uniforms, header)
    # Within half a pixel (one pixel is 0.02 in NDC).
    assert np.abs(actual - expected).max() < 0.011


def test_gpu_inverse_round_trip(canvas, snapshot):
    chain = TransformChain([Translate((0.3, 0.1)), Scale((0.5, 2.0)), Subplot((1, 2), (0, 1))])
    both = TransformChain(chain.transforms + chain.inverse().transforms)
    actual = _gpu_positions(canvas, snapshot, both)
    assert np.abs(actual - POSITIONS).max() < 0.011
