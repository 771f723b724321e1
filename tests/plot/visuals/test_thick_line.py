import numpy as np
import pytest

from phy.plot import PlotCanvas, ThickLineVisual


def _coverage(px, column):
    """Red coverage (0 to 1) of each row of a column."""
    return px.array[:, column, 0] / 255.0


def _horizontal(canvas, y, width, color=(1, 0, 0, 1)):
    visual = ThickLineVisual(width=width)
    canvas.add_visual(visual)
    visual.set_data(x=[-0.8, 0.8], y=[y, y], color=color)
    return visual


@pytest.mark.parametrize("row_center", [50.0, 50.5, 50.3])
def test_width_and_antialiasing(canvas, snapshot, row_center):
    # y in NDC of a line centred at `row_center` pixels from the top.
    _horizontal(canvas, 1 - 2 * row_center / 100, 5)
    cover = _coverage(snapshot(canvas), 50)
    # A 5-pixel line covers 5 pixels across, centred where it should be.
    assert abs(cover.sum() - 5) < 0.25
    rows = np.arange(100) + 0.5
    assert abs((cover * rows).sum() / cover.sum() - row_center) < 0.1
    assert (cover > 0.99).sum() >= 4
    if row_center != 50.5:  # Off the pixel centres: the edges are antialiased.
        assert ((cover > 0.05) & (cover < 0.95)).sum() == 2


def test_caps_and_segments(canvas, snapshot):
    visual = _horizontal(canvas, 0, 8)
    px = snapshot(canvas)
    # Round caps: at the end, as wide as the line, half of it beyond the last point.
    bbox = px.bbox(px.matching((255, 0, 0), tolerance=100))
    assert 5 <= bbox[2] <= 6 and 93 <= bbox[3] <= 94
    assert 6 <= bbox[1] - bbox[0] + 1 <= 9
    assert visual.vertex_count(y=[0, 0, 0]) == 8
    assert visual.vertex_count(**visual.validate(x=[0, 1, 2], y=[0, 1, 0])) == 8


def test_polylines_in_one_call(canvas, snapshot):
    visual = ThickLineVisual()
    canvas.add_visual(visual)
    # A V (3 points) and a horizontal line (2 points), different colors and widths.
    visual.set_data(
        x=[[-0.5, 0, 0.5], [-0.9, 0.9]], y=[[0.8, 0.2, 0.8], [-0.5, -0.5]],
        color=[(0, 1, 0, 1), (0, 0, 1, 1)], width=[3, 9])
    assert visual.n_vertices == 4 * 2 + 4 * 1
    assert len(visual.draw_ranges[0]) == 3
    px = snapshot(canvas)
    green, blue = px.matching((0, 255, 0), 100), px.matching((0, 0, 255), 100)
    assert green[10, 25] and green[40, 50] and green[10, 75]
    assert not green[40, 25]  # The V is not closed.
    assert 8 <= blue[:, 50].sum() <= 10 and 2 <= green[:, 37].sum() <= 5


def test_batch_and_layout(canvas, snapshot):
    canvas.set_layout("grid", shape=(1, 2))
    visual = ThickLineVisual(width=4)
    for i, color in enumerate([(1, 0, 0, 1), (0, 1, 0, 1)]):
        visual.add_batch_data(x=[-1, 1], y=[0, 0], color=color, box_index=(0, i))
    canvas.add_visual(visual)  # Sets the batch data.
    px = snapshot(canvas)
    assert px.matching((255, 0, 0))[50, 5:45].all() and not px.matching((255, 0, 0))[50, 55:].any()
    assert px.matching((0, 255, 0))[50, 55:95].all()


class _HiDPICanvas(PlotCanvas):
    pixel_ratio = 2.0


def test_hidpi_width(canvas_factory, snapshot):
    canvas = canvas_factory(cls=_HiDPICanvas)
    _horizontal(canvas, 0.01, 5)  # 5 logical pixels: 10 physical pixels.
    px = snapshot(canvas)
    assert px.array.shape[:2] == (200, 200)
    assert abs(_coverage(px, 100).sum() - 10) < 0.3


def test_deep_zoom_one_hour(canvas_factory, snapshot):
    """1 ms of a one-hour recording (30 kHz, x in seconds): the lines are where they should be.

    In float32, NDC positions near x = 3600 s are about 0.1 ms apart (10 pixels here): without
    the float64 precision, lines would snap to that grid.
    """
    canvas = canvas_factory()
    duration, center = 3600.0, 3599.51234
    panzoom = canvas.enable_panzoom(zmax=1e8)
    visual = ThickLineVisual(width=1)
    canvas.add_visual(visual)
    offsets = np.array([-0.3e-3, 0.07e-3, 0.2633e-3])  # seconds from the centre
    times = np.repeat(center + offsets, 2)
    colors = [(1, 0, 0, 1), (0, 1, 0, 1), (0, 0, 1, 1)]
    visual.set_data(
        x=times, y=np.tile([-1.0, 1.0], 3), plot_sizes=[2, 2, 2], color=colors,
        data_bounds=(0, -1, duration, 1))
    ndc_center = 2 * center / duration - 1
    zoom = 2 / (2 * 1e-3 / duration)  # 1 ms across the window.

    def columns():
        """Centroid of the red, green and blue lines along the middle row."""
        row = snapshot(canvas).array[50, :, :3].astype(np.float64)
        return (row * (np.arange(100) + 0.5)[:, np.newaxis]).sum(axis=0) / row.sum(axis=0)

    for shift in (0.0, 1e-5, 3.3e-5):  # pan by 10 µs (1 pixel), then 33 µs
        panzoom.set_pan_zoom(pan=(-(ndc_center + 2 * shift / duration), 0), zoom=(zoom, 1))
        expected = 50 + (offsets - shift) / 1e-3 * 100
        assert np.abs(columns() - expected).max() < 0.3
