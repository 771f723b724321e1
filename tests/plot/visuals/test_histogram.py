import numpy as np
import pytest

from phy.plot import HistogramVisual


def test_histogram(canvas, snapshot):
    visual = HistogramVisual()
    canvas.add_visual(visual)
    visual.set_data(hist=[1, 2, 0, 4], color=(1, 0, 0, 1))
    px = snapshot(canvas)
    drawn = px.drawn()
    # Bins of 25 pixels; heights 1/4, 2/4, 0 and 4/4 of the height.
    assert drawn[:, 12].sum() == 25 and drawn[:, 37].sum() == 50
    assert drawn[:, 62].sum() == 0 and drawn[:, 87].sum() == 100
    assert px.at(12, 99)[:3] == (255, 0, 0)
    # ylim: the maximum value in the viewport.
    visual.set_data(hist=[1, 2, 0, 4], ylim=8)
    assert snapshot(canvas).drawn()[:, 87].sum() == 50


def test_histogram_several(canvas, snapshot):
    visual = HistogramVisual()
    canvas.add_visual(visual)
    data = visual.set_data(hist=np.array([[1, 1], [2, 0]]), color=[(1, 0, 0, 1), (0, 1, 0, 1)])
    assert list(data.ylim) == [1, 2] and visual.n_vertices == 24
    with pytest.raises(ValueError, match="same number of bins"):
        visual.set_data(hist=[[1, 2], [1]])
