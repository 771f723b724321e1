import numpy as np
import pytest

from phy.plot import PlotVisual, UniformPlotVisual


@pytest.fixture
def plot(canvas):
    visual = PlotVisual()
    canvas.add_visual(visual)
    return visual


def test_plot_2d_array(canvas, snapshot, plot):
    # Two horizontal lines, at y = 0.5 (red) and y = -0.5 (green).
    y = np.array([[0.5] * 10, [-0.5] * 10])
    plot.set_data(y=y, color=[(1, 0, 0, 1), (0, 1, 0, 1)])
    px = snapshot(canvas)
    red, green = px.bbox(px.matching((255, 0, 0))), px.bbox(px.matching((0, 255, 0)))
    assert red[:2] == (24, 25) or red[0] == red[1] == 25 or red[0] == red[1] == 24
    assert 74 <= green[0] <= green[1] <= 75
    assert red[2] == 0 and red[3] == 99  # x from -1 to 1 by default
    # The two plots are not connected.
    assert not px.drawn()[30:70, 50].any()


def test_plot_list_and_x(canvas, snapshot, plot):
    plot.set_data(
        x=[np.array([0.0, 0.5]), np.array([-1.0, -0.5, 0.0])], y=[np.array([0.0, 0.0])] + [
            np.array([5.0, 5.0, 5.0])], data_bounds=(-1, -10, 1, 10), color=(1, 1, 1, 1))
    px = snapshot(canvas)
    row = px.drawn()[49:51].any(axis=0)
    assert row[50:75].all() and not row[80:].any()
    row = px.drawn()[24:26].any(axis=0)  # y = 5 in [-10, 10]: NDC 0.5
    assert row[:50].all() and not row[55:].any()


def test_plot_flat_with_sizes_and_auto_bounds(canvas, snapshot, plot):
    data = plot.set_data(
        y=np.array([0.0, 1.0, 0.0, 1.0, 1.0]), plot_sizes=[2, 3], data_bounds="auto")
    assert list(data.plot_sizes) == [2, 3] and plot.n_vertices == 5
    assert data.pos[:, 1].min() == -1 and data.pos[:, 1].max() == 1
    # Validated data is valid input (as in batches): unchanged.
    assert np.array_equal(plot.validate(**data).pos, data.pos)
    with pytest.raises(ValueError, match="plot_sizes"):
        plot.set_data(y=np.zeros(5), plot_sizes=[2, 2])
    with pytest.raises(ValueError, match="different numbers of samples"):
        plot.set_data(x=np.zeros(4), y=[np.zeros(3), np.zeros(5)])


def test_plot_masks_depth_set_color(canvas, snapshot, plot):
    y = np.zeros((2, 10))
    plot.set_data(y=y, color=[(1, 0, 0, 1), (0, 1, 0, 1)], depth=[0.5, 0.0])
    assert snapshot(canvas).at(50, 50)[:3] == (255, 0, 0)  # Red in front, though drawn first.
    plot.set_data(y=y, color=[(1, 0, 0, 1), (0, 1, 0, 1)], masks=[1, 0])
    r, g, b, _ = snapshot(canvas).at(50, 50)
    assert r == g == b and 140 <= g <= 155  # Green desaturated (luminance 0.587).
    plot.set_color((0, 0, 1, 1))
    r, g, b, _ = snapshot(canvas).at(50, 50)
    assert r == g == b and 25 <= b <= 35


def test_uniform_plot(canvas, snapshot):
    visual = UniformPlotVisual(color=(0, 1, 1, 1))
    canvas.add_visual(visual)
    visual.set_data(y=[np.zeros(20), np.full(5, 0.5)], masks=[1, 1])
    px = snapshot(canvas)
    assert px.at(50, 50)[:3] == (0, 255, 255) and px.matching((0, 255, 255))[24:26].any()
    visual.set_color((1, 0, 0, 1))
    assert snapshot(canvas).at(50, 50)[:3] == (255, 0, 0)


def test_plot_vertex_count(plot):
    assert plot.vertex_count(y=np.zeros((3, 4))) == 12
    assert plot.vertex_count(y=[np.zeros(3), np.zeros(2)]) == 5


def test_plot_set_color_per_vertex(canvas, snapshot, plot):
    # One horizontal plot of 3 vertices: left half red to ..., right half blue.
    plot.set_data(x=[-1, 0, 1], y=[0, 0, 0], color=(1, 1, 1, 1), data_bounds=(-1, -1, 1, 1))
    plot.set_color(np.array([[1, 0, 0, 1], [1, 0, 0, 1], [0, 0, 1, 1]]))
    px = snapshot(canvas)
    assert px.at(10, 50)[:3] == (255, 0, 0)  # Between the two red vertices.
    r, _, b, _ = px.at(90, 50)  # Red to blue.
    assert b > 150 and r < 100
    # Back to one color per plot.
    plot.set_color((0, 1, 0, 1))
    assert snapshot(canvas).at(90, 50)[:3] == (0, 255, 0)
    with pytest.raises(ValueError, match="color"):
        plot.set_color(np.ones((2, 4)))


def test_vertex_count_of_validated_data(qapp):
    from phy.plot.visuals import (
        HistogramVisual,
        ImageVisual,
        PlotVisual,
        ScatterVisual,
        TextVisual,
        UniformPlotVisual,
        UniformScatterVisual,
    )

    cases = [
        (ScatterVisual(), dict(pos=np.zeros((5, 2))), 5),
        (UniformScatterVisual(), dict(x=np.zeros(4), y=np.zeros(4)), 4),
        (PlotVisual(), dict(y=np.zeros((3, 10))), 30),
        (UniformPlotVisual(), dict(y=[np.zeros(3), np.zeros(5)]), 8),
        (HistogramVisual(), dict(hist=np.ones((2, 7))), 84),
        (ImageVisual(), dict(image=np.zeros((3, 3, 4))), 6),
        (ImageVisual(), dict(image=np.zeros((0, 0, 4))), 0),
        (TextVisual(), dict(pos=[[0, 0], [1, 1]], text=["ab", "cde"]), 30),
    ]
    for visual, data, n in cases:
        assert visual.vertex_count(**data) == n
        assert visual.vertex_count(**visual.validate(**data)) == n, visual
