import numpy as np
import pytest

from phy.plot import LineVisual, PolygonVisual


def test_lines(canvas, snapshot):
    visual = LineVisual()
    canvas.add_visual(visual)
    visual.set_data(
        pos=[[-1, 0, 1, 0], [0, 2, 0, 8]], color=[(1, 0, 0, 1), (0, 1, 0, 1)],
        data_bounds=[(-1, -1, 1, 1), (-1, 0, 1, 10)])
    px = snapshot(canvas)
    red, green = px.bbox(px.matching((255, 0, 0))), px.bbox(px.matching((0, 255, 0)))
    assert red[2] == 0 and red[3] == 99 and 49 <= red[0] <= 50
    assert 49 <= green[2] <= 50 and 19 <= green[0] <= 20 and 79 <= green[1] <= 80
    with pytest.raises(ValueError, match=r"\(n, 4\)"):
        visual.set_data(pos=np.zeros((2, 2)))
    assert visual.vertex_count(pos=np.zeros((3, 4))) == 6


def test_polygons(canvas, snapshot):
    visual = PolygonVisual(color=(1, 1, 0, 1))
    canvas.add_visual(visual)
    # Vertices at pixel centers (25.5 and 74.5 pixels).
    square = np.array([[-0.49, -0.49], [0.49, -0.49], [0.49, 0.49], [-0.49, 0.49]])
    visual.set_data(pos=square)
    px = snapshot(canvas)
    assert px.bbox(px.drawn()) == (25, 74, 25, 74)
    assert not px.drawn()[50, 50] and px.drawn()[26:74, 25].all()  # closed: left edge drawn
    # Two polygons in one call, not connected to each other.
    visual.set_data(pos=np.vstack([square * 0.5 - 0.5, square * 0.5 + 0.5]), poly_sizes=[4, 4])
    px = snapshot(canvas)
    assert px.drawn()[:50, 50:].any() and px.drawn()[50:, :50].any()
    assert not px.drawn()[40:60, 40:60].any()
    with pytest.raises(ValueError, match="poly_sizes"):
        visual.set_data(pos=square, poly_sizes=[3])
