import numpy as np
import pytest

from phy.plot import ImageVisual, PlotCanvas
from phy.plot.axes import AxisLocator, format_ticks, nice_step, nice_ticks
from phy.utils.bus_events import PAN_ZOOM
from phy.utils.event import connected, emit


def test_nice_ticks():
    assert nice_step(10, 8) == 2 and nice_step(1, 4) == 0.25 and nice_step(0.07, 7) == 0.01
    assert nice_step(0, 5) == 1
    ticks, step = nice_ticks(-0.3, 1.05, 6)
    assert step == 0.25 and np.allclose(ticks, [-0.25, 0, 0.25, 0.5, 0.75, 1.0])
    assert format_ticks(ticks, step) == ["-0.25", "0.00", "0.25", "0.50", "0.75", "1.00"]
    assert format_ticks([0, 20, 40], 20) == ["0", "20", "40"]
    assert format_ticks([1e6, 2e6], 1e6) == ["1e+06", "2e+06"]


def test_axis_locator():
    locator = AxisLocator(nbinsx=5, nbinsy=4, data_bounds=(0, -1, 1000, 1))
    assert np.allclose(locator.xticks, [0, 200, 400, 600, 800, 1000])
    assert locator.ytext == ["-1.0", "-0.5", "0.0", "0.5", "1.0"]
    locator.set_view_bounds((-1, -1, 0, 1))  # The left half: 0 to 500.
    assert locator.xticks[-1] == 500 and locator.xticks[1] == 100
    locator.set_nbins(nbinsx=10)
    assert locator.xticks[1] == 50


def _vertical_lines(px, row=50):
    """Columns of the vertical grid lines, skipping the y labels on the left and the edge."""
    columns = np.nonzero(px.array[row, :, :3].max(axis=1) > 20)[0]
    return np.array([c for c in columns if 15 < c < 98])


def _near(lines, expected):
    """Lines on NDC values at pixel boundaries are drawn on either side."""
    return len(lines) == len(expected) and np.all(np.abs(lines - np.array(expected) + 0.5) <= 0.5)


def test_axes_follow_pan_zoom(canvas, snapshot):
    panzoom = canvas.enable_panzoom()
    axes = canvas.enable_axes(data_bounds=(0, 0, 10, 10))
    assert axes.locator.xtext == ["0", "2", "4", "6", "8", "10"]
    px = snapshot(canvas)
    assert _near(_vertical_lines(px), [20, 40, 60, 80])
    # Labels along the bottom and left edges.
    assert px.drawn()[85:].any() and px.drawn()[:, :15].any()
    panzoom.pan = (0.2, 0)
    assert _near(_vertical_lines(snapshot(canvas)), [30, 50, 70, 90])
    panzoom.set_pan_zoom(pan=(0, 0), zoom=2)  # 2.5 to 7.5: a line every 1, 20 pixels apart
    assert _near(_vertical_lines(snapshot(canvas), row=40), [30, 50, 70, 90])
    axes.reset_data_bounds((0, 0, 100, 100))
    assert axes.locator.xticks[1] - axes.locator.xticks[0] in (5, 10)


def test_closing_the_canvas_disconnects_its_axes(canvas):
    canvas.enable_panzoom()
    canvas.enable_axes(data_bounds=(0, 0, 10, 10))
    assert connected(PAN_ZOOM)
    canvas.close()
    assert connected(PAN_ZOOM) == []
    emit(PAN_ZOOM, canvas, [0.5, 0.], [2., 2.])  # nothing left to follow a closed canvas
    canvas.emit("resize", width=50, height=50)  # the axes' visuals are gone: not redrawn


def test_axes_hidden_x(canvas, snapshot):
    canvas.enable_axes(show_x=False)
    px = snapshot(canvas)
    assert len(_vertical_lines(px, row=45)) == 0 and px.drawn()[24:26, 20:].any(axis=0).all()


def test_axes_labels_over_data_added_later(canvas, snapshot):
    """The tick labels stay visible over data visuals that a view adds after the axes."""
    canvas.enable_axes(data_bounds=(0, 0, 10, 10))
    band = np.zeros((10, 1, 4), dtype=np.uint8)
    band[-2:] = (0, 0, 160, 255)  # An opaque blue band over the bottom 20 rows.
    image = ImageVisual()
    canvas.add_visual(image)
    image.set_data(image=band)
    px = snapshot(canvas)
    rows = px.array[80:]
    assert (rows[..., 2] > 120).mean() > 0.5  # The band is drawn...
    assert (rows[..., 0] > 100).any()  # ... under the white x labels.


class _HiDPICanvas(PlotCanvas):
    pixel_ratio = 2.0


@pytest.mark.parametrize("ratio", [1, 2])
def test_grid_lines_crisp_and_hidpi(canvas_factory, snapshot, ratio):
    """Grid lines are one logical pixel wide (two physical pixels at a ratio of 2), on whole
    pixels, whatever the pan: not smeared over two half-lit pixels."""
    canvas = canvas_factory(cls=_HiDPICanvas if ratio == 2 else PlotCanvas)
    panzoom = canvas.enable_panzoom()
    canvas.enable_axes(data_bounds=(0, 0, 10, 10))
    for pan in (0.0, 0.013, 0.037):
        panzoom.pan = (pan, 0)
        row = snapshot(canvas).array[45 * ratio, :, 0].astype(int)
        lit = row[20 * ratio:] > 20
        values = row[20 * ratio:][lit]
        assert lit.sum() == 4 * ratio  # 4 lines (x = 2 to 8 in the window's right part)
        assert values.max() - values.min() <= 2  # all equally lit: no antialiased halves
