import numpy as np
import pytest

from phy.plot import MARKERS, ScatterVisual, UniformScatterVisual


def _render_marker(canvas, snapshot, marker, size=40):
    canvas.clear()
    canvas.add_visual(ScatterVisual(marker=marker))
    canvas.visuals[-1].visual.set_data(pos=[[0, 0]], color=(1, 1, 1, 1), size=size)
    return snapshot(canvas).drawn(100)


def test_scatter_disc(canvas, snapshot):
    visual = ScatterVisual()
    canvas.add_visual(visual)
    visual.set_data(pos=[[0, 0]], color=(1, 0, 0, 1), size=20)
    px = snapshot(canvas)
    assert px.at(50, 50) == (255, 0, 0, 255)
    assert px.at(0, 0) == (0, 0, 0, 255)
    # A disc of diameter 20 pixels.
    row0, row1, col0, col1 = px.bbox(px.drawn())
    assert 19 <= row1 - row0 + 1 <= 21 and 19 <= col1 - col0 + 1 <= 21
    assert px.drawn()[50].sum() > px.drawn()[41].sum()

    visual.set_marker_size(40)
    px = snapshot(canvas)
    assert px.drawn()[50].sum() >= 39
    visual.set_color((0, 0, 1, 1))
    assert snapshot(canvas).at(50, 50) == (0, 0, 255, 255)


def test_scatter_x_y_sizes_colors(canvas, snapshot):
    visual = ScatterVisual(marker="square")
    canvas.add_visual(visual)
    visual.set_data(
        x=[-0.5, 0.5], y=[0.5, -0.5], color=[(1, 0, 0, 1), (0, 1, 0, 1)], size=[10, 20])
    px = snapshot(canvas)
    assert px.at(25, 25)[:3] == (255, 0, 0) and px.at(75, 75)[:3] == (0, 255, 0)
    assert px.matching((0, 255, 0)).sum() > 2 * px.matching((255, 0, 0)).sum()


def test_scatter_depth(canvas, snapshot):
    visual = ScatterVisual(marker="square")
    canvas.add_visual(visual)
    # The red point, drawn first, is in front.
    visual.set_data(pos=[[0, 0], [0, 0]], color=[(1, 0, 0, 1), (0, 1, 0, 1)], depth=[0.5, -0.5])
    assert snapshot(canvas).at(50, 50)[:3] == (255, 0, 0)
    visual.set_data(pos=[[0, 0], [0, 0]], color=[(1, 0, 0, 1), (0, 1, 0, 1)])
    assert snapshot(canvas).at(50, 50)[:3] == (0, 255, 0)


def test_all_markers_differ_from_disc(canvas, snapshot):
    disc = _render_marker(canvas, snapshot, "disc")
    assert 1000 < disc.sum() < 1400  # pi * 20 ** 2
    for marker in MARKERS:
        if marker == "disc":
            continue
        mask = _render_marker(canvas, snapshot, marker)
        assert mask.sum() > 100, marker
        assert (mask != disc).sum() > 150, marker
        # The marker stays inside its 42-pixel point sprite (not cut by its edges).
        row0, row1, col0, col1 = _bbox(mask)
        assert row0 > 29 and row1 < 70 and col0 > 29 and col1 < 70, marker


def _bbox(mask):
    rows, cols = np.nonzero(mask)
    return rows.min(), rows.max(), cols.min(), cols.max()


def test_unknown_marker():
    with pytest.raises(ValueError, match="Unknown marker 'star'"):
        ScatterVisual(marker="star")


def test_uniform_scatter_masks(canvas, snapshot):
    visual = UniformScatterVisual(marker="square", color=(1, 0, 0, 1), size=20)
    canvas.add_visual(visual)
    visual.set_data(pos=[[-0.5, 0], [0.5, 0]], masks=[1, 0])
    px = snapshot(canvas)
    assert px.at(25, 50)[:3] == (255, 0, 0)
    # Masked: gray of the same luminance.
    r, g, b, _ = px.at(75, 50)
    assert r == g == b and 70 <= r <= 80


def test_scatter_validation(canvas):
    visual = ScatterVisual()
    canvas.add_visual(visual)
    with pytest.raises(ValueError, match=r"ScatterVisual: `pos` must have shape \(n, 2\)"):
        visual.set_data(pos=np.zeros((3, 3)))
    with pytest.raises(ValueError, match="`color` must have shape"):
        visual.set_data(pos=np.zeros((3, 2)), color=np.ones((2, 4)))
    with pytest.raises(ValueError, match="`size` must be a scalar or have 3 values"):
        visual.set_data(pos=np.zeros((3, 2)), size=[1, 2])
    with pytest.raises(TypeError, match="unexpected parameter.*colour"):
        visual.set_data(pos=np.zeros((3, 2)), colour=(1, 0, 0, 1))
    with pytest.raises(ValueError, match="`data_bounds`"):
        visual.set_data(pos=np.zeros((3, 2)), data_bounds=(1, 1, 0, 0))
    assert visual.vertex_count(pos=np.zeros((3, 2))) == 3


def test_markers_clipped_to_their_box(canvas, snapshot):
    # Markers centered on the edge between the two boxes of a grid: each is cut at its box.
    canvas.set_layout("grid", shape=(1, 2))
    visual = ScatterVisual()
    canvas.add_visual(visual)
    visual.set_data(
        pos=[[1, 0.5], [-1, -0.5]], color=[(1, 0, 0, 1), (0, 1, 0, 1)], size=30,
        box_index=[(0, 0), (0, 1)])
    px = snapshot(canvas)
    red, green = px.matching((255, 0, 0)), px.matching((0, 255, 0))
    assert px.bbox(red)[2:] == (35, 49)  # Half of the red disc, left of the edge.
    assert px.bbox(green)[2:] == (50, 64)
    # Without clipping, the markers are drawn whole.
    canvas.set_layout("grid", shape=(1, 2), has_clip=False)
    visual.set_data(
        pos=[[1, 0.5], [-1, -0.5]], color=[(1, 0, 0, 1), (0, 1, 0, 1)], size=30,
        box_index=[(0, 0), (0, 1)])
    px = snapshot(canvas)
    assert px.bbox(px.matching((255, 0, 0)))[3] >= 60
