import numpy as np
import pytest

from phy.plot import (
    HistogramVisual,
    LineVisual,
    PlotVisual,
    PolygonVisual,
    ScatterVisual,
    TextVisual,
    UniformPlotVisual,
    UniformScatterVisual,
)


@pytest.mark.parametrize("method, cls, kwargs", [
    ("scatter", ScatterVisual, dict(pos=[[0, 0]], size=20, marker="square")),
    ("uscatter", UniformScatterVisual, dict(pos=[[0, 0]], size=20, color=(1, 1, 1, 1))),
    ("plot", PlotVisual, dict(y=np.zeros((1, 10)))),
    ("uplot", UniformPlotVisual, dict(y=np.zeros((1, 10)), color=(1, 1, 1, 1))),
    ("lines", LineVisual, dict(pos=[[-1, 0, 1, 0]])),
    ("text", TextVisual, dict(pos=[[0, 0]], text="phy", font_size=12)),
    ("polygon", PolygonVisual, dict(pos=[[-0.5, -0.5], [0.5, -0.5], [0, 0.5]])),
    ("hist", HistogramVisual, dict(hist=[1, 3, 2])),
])
def test_standalone_plots(canvas, snapshot, method, cls, kwargs):
    visual = getattr(canvas, method)(**kwargs)
    assert isinstance(visual, cls) and canvas.has_visual(visual)
    assert snapshot(canvas).drawn()[40:60, 40:60].any()


def test_batch_is_one_draw_call(canvas, snapshot):
    canvas.set_layout("grid", shape=(2, 5))
    visual = PlotVisual()
    for i in range(10):
        visual.add_batch_data(
            y=np.zeros((3, 8)) + 0.3 * np.arange(3)[:, None], color=(1, 1, 1, 1),
            box_index=(i // 5, i % 5))
    canvas.add_visual(visual)
    assert visual.n_vertices == 10 * 3 * 8 and not visual.has_batch_data
    calls = []
    draw = visual.program.draw
    visual.program.draw = lambda *args, **kwargs: (calls.append(1), draw(*args, **kwargs))
    px = snapshot(canvas)
    assert calls == [1]
    for i in range(10):
        row, col = divmod(i, 5)
        assert px.drawn()[50 * row:50 * row + 50, 20 * col:20 * col + 20].any()
    # Updating the batch.
    visual.add_batch_data(y=np.zeros((1, 8)), box_index=(0, 0))
    canvas.update_visual(visual)
    assert visual.n_vertices == 8


def test_enable_interacts(canvas):
    assert canvas.canvas is canvas
    panzoom = canvas.enable_panzoom()
    assert canvas.enable_panzoom() is panzoom and canvas.interacts == [panzoom]
    lasso = canvas.enable_lasso()
    assert canvas.enable_lasso() is lasso
    axes = canvas.enable_axes()
    assert canvas.enable_axes() is axes
    grid = canvas.set_layout("grid", shape=(1, 2))
    assert canvas.layout is grid and canvas.interacts == [panzoom, grid]
    # Pan/zoom is applied before the layout, whatever the order of attachment.
    assert [type(t).__name__ for t in canvas.gpu_transforms.transforms][:2] == [
        "Translate", "Scale"]


def test_demo_example(canvas_factory, snapshot):
    """The demo script (examples/plot_demo.py) draws something in each of its four subplots."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "examples" / "plot_demo.py"
    spec = importlib.util.spec_from_file_location("plot_demo", path)
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    canvas = canvas_factory(cls=demo.make_canvas, size=(200, 200))
    drawn = snapshot(canvas).drawn()
    for rows in (slice(5, 95), slice(105, 195)):
        for cols in (slice(5, 95), slice(105, 195)):
            assert drawn[rows, cols].mean() > 0.02
