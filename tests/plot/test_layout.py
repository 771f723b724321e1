import numpy as np
import pytest

from phy.plot import Boxed, Grid, PlotCanvas, PlotVisual, ScatterVisual, Stacked
from phy.plot.layout import get_non_overlapping_boxes


def _plot(canvas, box_index, color=(1, 1, 1, 1), y=None):
    visual = PlotVisual()
    canvas.add_visual(visual)
    visual.set_data(y=np.zeros((1, 20)) if y is None else y, color=color, box_index=box_index)
    return visual


def test_grid_box_lands_in_quadrant(canvas, snapshot):
    canvas.set_layout("grid", shape=(2, 2))
    _plot(canvas, (1, 0), color=(1, 0, 0, 1))
    px = snapshot(canvas)
    row0, row1, col0, col1 = px.bbox(px.drawn())
    # Box (1, 0): lower-left quadrant; the line at its middle height.
    assert col0 == 0 and col1 == 49 and 74 <= row0 <= row1 <= 75


def test_grid_batch_clip_and_shape(canvas, snapshot):
    grid = canvas.set_layout("grid", shape=(2, 2))
    visual = ScatterVisual(marker="square")
    canvas.add_visual(visual)
    # One point per box, in one visual (one draw call); a point outside its box is clipped.
    visual.set_data(
        pos=[[0, 0], [0, 0], [0, 0], [0, 0], [1.5, 0]], size=10,
        box_index=[(0, 0), (0, 1), (1, 0), (1, 1), (0, 0)])
    px = snapshot(canvas)
    for x, y in ((25, 25), (75, 25), (25, 75), (75, 75)):
        assert px.drawn()[y, x]
    # The fifth point, at x = 1.5 in box (0, 0), would be at (62, 25): clipped.
    assert not px.drawn()[15:35, 55:70].any()
    assert px.drawn().sum() == 4 * px.drawn()[:50, :50].sum()
    grid.shape = (1, 2)
    px = snapshot(canvas)
    assert px.drawn()[50, 25] and px.drawn()[50, 75] and not px.drawn()[25, 25]
    grid.scaling = (0.5, 1)
    assert grid.scaling == (0.5, 1.0) and grid.shape == (1, 2)

    # A line beyond its box is cut at the box edge.
    grid.shape, grid.scaling = (2, 2), (1, 1)
    canvas.remove(visual)
    line = _plot(canvas, (1, 1), y=np.zeros((1, 2)))
    line.set_data(x=[-3, 3], y=[0, 0], box_index=(1, 1))
    cols = np.nonzero(snapshot(canvas).drawn()[74:76].any(axis=0))[0]
    assert cols.min() == 50 and cols.max() == 99


def test_grid_no_clip(canvas, snapshot):
    canvas.set_layout("grid", shape=(2, 2), has_clip=False)
    line = _plot(canvas, (1, 1))
    line.set_data(x=[-3, 3], y=[0, 0], box_index=(1, 1))
    assert snapshot(canvas).drawn()[74:76, 10].any()


def test_grid_maps():
    grid = Grid(shape=(2, 3))
    assert np.allclose(grid.map([[0, 0]], box=(1, 2)), [[2 / 3, -0.5]])
    assert np.allclose(grid.imap([[2 / 3, -0.5]], box=(1, 2)), [[0, 0]])
    assert grid.get_closest_box((0.9, -0.9)) == (1, 2)
    assert grid.get_closest_box((-2, 2)) == (0, 0)
    with grid.swap_active_box((1, 1)):
        assert grid.active_box == (1, 1)
    assert grid.active_box == (0, 0)
    with pytest.raises(ValueError, match="grid shape"):
        Grid(shape=(0, 1))
    assert Grid(shape="u_shape").shape_var == "u_shape"


def test_grid_box_map_and_boxes(canvas, snapshot):
    grid = canvas.set_layout("grid", shape=(2, 2))
    box, pos = grid.box_map((75, 25))
    assert box == (0, 1) and np.allclose(pos, (0, 0))
    grid.add_boxes(canvas)
    px = snapshot(canvas)
    # The box borders: crisp lines of one pixel around and between the four boxes (the side
    # shared by two boxes drawn once), all of the same gray, corners and crossings too.
    gray = px.array[..., 0]
    rows, cols = [0, 49, 99], [0, 50, 99]  # The y axis goes up: the middle row is 49.
    assert np.all(gray[rows] == 64) and np.all(gray[:, cols] == 64)
    inside = np.setdiff1d(np.arange(100), rows), np.setdiff1d(np.arange(100), cols)
    assert not gray[np.ix_(*inside)].any()
    # With another shape, the borders follow.
    grid.shape = (1, 3)
    gray = snapshot(canvas).array[..., 0]
    assert np.all(gray[:, [0, 33, 66, 99]] == 64) and not gray[1:-1, [32, 34, 65, 67]].any()


def test_boxed(canvas, snapshot):
    bounds = [[-1, -1, 0, 0], [0, 0, 1, 1]]
    boxed = canvas.set_layout("boxed", box_bounds=bounds)
    _plot(canvas, box_index=1, color=(0, 1, 0, 1))
    px = snapshot(canvas)
    row0, row1, col0, col1 = px.bbox(px.drawn())
    assert col0 == 50 and col1 == 99 and 24 <= row0 <= row1 <= 25
    assert boxed.n_boxes == 2 and np.allclose(boxed.box_pos, [[-0.5, -0.5], [0.5, 0.5]])
    assert np.allclose(boxed.box_size, 1)
    # Changing the bounds moves the plots.
    boxed.box_bounds = [[-1, -1, 0, 0], [-1, 0, 0, 1]]
    px = snapshot(canvas)
    assert px.bbox(px.drawn())[3] == 49
    boxed.scaling = (0.5, 1)
    px = snapshot(canvas)
    col0, col1 = px.bbox(px.drawn())[2:]  # x from -0.75 to -0.25: pixels 12.5 to 37.5
    assert 12 <= col0 <= 13 and 36 <= col1 <= 37
    assert boxed.get_closest_box((-0.5, 0.5)) == 1 and boxed.get_closest_box((5, -5)) == 0
    assert np.allclose(boxed.map([[1, 0]], box=0), [[-0.25, -0.5]])
    assert np.allclose(boxed.imap([[-0.25, -0.5]], box=0), [[1, 0]])
    with pytest.raises(ValueError, match="within"):
        boxed.box_bounds = [[-2, -1, 0, 0]]


def test_boxed_many_boxes(canvas, snapshot):
    # 50 narrow boxes side by side, a vertical line at the center of each.
    n = 50
    x = -0.98 + 0.04 * np.arange(n)
    boxed = canvas.set_layout(
        "boxed", box_pos=np.column_stack([x, np.zeros(n)]), box_size=(0.04, 1.8))
    visual = PlotVisual()
    canvas.add_visual(visual)
    visual.set_data(x=np.zeros((n, 2)), y=np.tile([-1.0, 1.0], (n, 1)), box_index=np.arange(n))
    px = snapshot(canvas)
    columns = np.nonzero(px.drawn()[50])[0]
    assert len(columns) == n and np.all(np.diff(columns) == 2)
    assert boxed.n_boxes == n and not px.drawn()[3].any()


def test_non_overlapping_boxes():
    # A probe-like layout: two columns, staggered.
    pos = np.array([[0, 0], [1, 1], [0, 2], [1, 3], [0, 4], [1, 5]], dtype=float)
    bounds = get_non_overlapping_boxes(pos)
    assert bounds.min() >= -1 and bounds.max() <= 1
    assert np.isclose(bounds[:, 0].min(), -1) and np.isclose(bounds[:, 2].max(), 1)
    for i in range(len(pos)):
        for j in range(i + 1, len(pos)):
            a, b = bounds[i], bounds[j]
            overlap_x = min(a[2], b[2]) - max(a[0], b[0])
            overlap_y = min(a[3], b[3]) - max(a[1], b[1])
            assert overlap_x <= 1e-9 or overlap_y <= 1e-9
    # Large boxes: 6 boxes cannot have more than 4/6 of the NDC area each.
    areas = (bounds[:, 2] - bounds[:, 0]) * (bounds[:, 3] - bounds[:, 1])
    assert np.all(areas > 0.6)
    # One column: full-width boxes.
    bounds = get_non_overlapping_boxes([[0, 0], [0, 1], [0, 2]])
    assert np.allclose(bounds[:, 0], -1) and np.allclose(bounds[:, 2], 1)
    assert np.allclose(get_non_overlapping_boxes([[3, 3]]), [[-1, -1, 1, 1]])
    with pytest.raises(ValueError, match="same position"):
        get_non_overlapping_boxes([[0, 0], [0, 0]])
    square = get_non_overlapping_boxes([[0, 0], [1, 0], [0, 4]], keep_aspect_ratio=True)
    assert square[:, 0].min() > -1 + 1e-6  # centered: x does not fill the width


def test_stacked(canvas, snapshot):
    stacked = canvas.set_layout("stacked", n_plots=4)
    _plot(canvas, box_index=[0], color=(1, 0, 0, 1))
    px = snapshot(canvas)
    row0, row1, _, _ = px.bbox(px.drawn())
    assert 12 <= row0 <= row1 <= 13  # box 0 at the top
    stacked.origin = "bottom"
    row0, row1, _, _ = px.bbox(snapshot(canvas).drawn())
    assert 87 <= row0 <= row1 <= 88
    stacked.n_boxes = 2
    assert stacked.n_boxes == 2 and np.allclose(stacked.box_bounds[0], (-1, -1, 1, 0))
    with pytest.raises(ValueError, match="origin"):
        Stacked(3, origin="left")
    with pytest.raises(ValueError, match="at least one box"):
        Stacked(0)
    with pytest.raises(ValueError, match="n_plots"):
        canvas.set_layout("stacked")


def test_layout_replacement(canvas, snapshot):
    canvas.set_layout("grid", shape=(2, 2))
    visual = _plot(canvas, (1, 1))
    # Visuals already there are rebuilt with the new layout.
    canvas.set_layout("stacked", n_plots=2)
    visual.set_data(y=np.zeros((1, 20)), box_index=1)
    px = snapshot(canvas)
    row0, row1, col0, col1 = px.bbox(px.drawn())
    assert col0 == 0 and col1 == 99 and 74 <= row0 <= 75
    canvas.set_layout(None)
    assert canvas.layout is None and "a_box_index" not in visual.program
    px = snapshot(canvas)
    assert 49 <= px.bbox(px.drawn())[0] <= 50
    with pytest.raises(ValueError, match="Unknown layout"):
        canvas.set_layout("spiral")


def test_boxed_needs_boxes():
    with pytest.raises(ValueError, match="box_pos"):
        Boxed()


def _squares(canvas, pos, box_index, size=20):
    visual = ScatterVisual(marker="square")
    canvas.add_visual(visual)
    visual.set_data(pos=pos, size=size, box_index=box_index)
    return visual


@pytest.mark.parametrize("has_clip", [True, False])
def test_boxed_clips_markers(canvas, snapshot, has_clip):
    canvas.set_layout("boxed", box_bounds=[[-1, -1, 0, 0], [0, 0, 1, 1]], has_clip=has_clip)
    # A square (16 pixels wide) on the left edge of box 1 (the upper right quadrant), at (50, 25).
    _squares(canvas, [[-1, 0]], 1)
    px = snapshot(canvas)
    row0, row1, col0, col1 = px.bbox(px.drawn())
    assert (row0, row1, col1) == (17, 32, 57)
    # Cut at the box edge (between pixels 49 and 50) with the clip, whole without.
    assert col0 == (50 if has_clip else 42)


def test_stacked_clips_markers_and_lines(canvas, snapshot):
    canvas.set_layout("stacked", n_plots=4)
    # A square on the bottom edge of row 0 (rows 0 to 24), another on the top edge of row 2.
    _squares(canvas, [[-0.5, -1], [0.5, 1]], [0, 2])
    px = snapshot(canvas)
    left, right = px.drawn()[:, :50], px.drawn()[:, 50:]
    assert px.bbox(left)[:2] == (17, 24)
    assert px.bbox(right)[:2] == (50, 57)
    # A line going out of its row is cut at the row edges.
    canvas.clear()
    line = PlotVisual()
    canvas.add_visual(line)
    line.set_data(x=[[0, 0]], y=[[-3, 3]], box_index=1)
    px = snapshot(canvas)
    assert px.bbox(px.drawn())[:2] == (25, 49)


class _HiDPICanvas(PlotCanvas):
    pixel_ratio = 2.0


def test_box_borders_hidpi(canvas_factory, snapshot):
    canvas = canvas_factory(cls=_HiDPICanvas)
    boxed = canvas.set_layout("boxed", box_bounds=[[-1, -1, 0, 0], [0.2, 0.2, 0.8, 0.8]])
    boxed.add_boxes(canvas)
    gray = snapshot(canvas).array[..., 0]
    assert gray.shape == (200, 200)
    # One logical pixel: two physical pixels, crisp (the outer corners round, 62 for 64).
    # Box 0: the lower left quadrant, from physical pixel 0 to 100 (its right and top sides
    # on pixels 99-100, centred on its edge).
    assert np.all(gray[100:, [0, 1, 99, 100]] >= 62) and not gray[101:-2, [2, 98, 101]].any()
    assert np.all(gray[[99, 100, 198, 199], :100] >= 62)
    # Box 1: x and y from 0.2 to 0.8, pixels 120 to 180 (rows from the top).
    assert np.all(gray[20:80, [119, 120, 179, 180]] >= 62) and not gray[22:78, 121:179].any()


def test_clip_after_painting_into_the_window(snapshot, qtbot):
    """A program first drawn by paintGL into the window, then offscreen by read_pixels, still
    draws in its box: the clip does not rely on gl_FragCoord, whose y is then inverted (Mesa)."""
    from phy.gui.qt import QWidget

    canvas = PlotCanvas()
    container = QWidget.createWindowContainer(canvas)
    container.resize(100, 100)
    container.show()
    try:
        qtbot.waitExposed(canvas)
        canvas.set_layout("boxed", box_bounds=[[-1, -1, 0, 0], [0, 0, 1, 1]], has_clip=True)
        _squares(canvas, [[-1, 0]], 1)
        line = PlotVisual()
        canvas.add_visual(line)
        line.set_data(x=[[0.5, 0.5]], y=[[-3, 3]], box_index=1)  # Vertical, out of its box.
        for _ in range(3):  # Real paints into the window.
            with qtbot.waitSignal(canvas.frameSwapped, timeout=5000):
                canvas.update()
        px = snapshot(canvas)
    finally:
        canvas.close()
        container.close()
        container.deleteLater()
    # The square at (50, 25) cut at the left edge of its box, the line cut at its bottom edge.
    assert px.bbox(px.drawn()[:, :80]) == (17, 32, 50, 57)
    assert px.bbox(px.drawn()[:, 80:])[:2] == (0, 49)
