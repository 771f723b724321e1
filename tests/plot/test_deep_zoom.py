"""Positions precise at deep zoom: 1 ms of a one-hour recording across the window.

With x in seconds up to 3600 and 1 ms across 100 pixels (a zoom of 3.6 million), float32 NDC
positions are about 0.1 ms (10 pixels) apart: without the float64 remainder uploaded with each
position (``glsl/precise.glsl``), points and lines snap to that grid, up to 5 pixels away.
"""

import numpy as np
import pytest

from phy.plot import PlotVisual, ScatterVisual, UniformPlotVisual, UniformScatterVisual

DURATION = 3600.0
CENTER = 3599.51234
#: Seconds from the centre of the view of the three points or lines (red, green, blue); the
#: lines are 1 pixel wide, so their positions are chosen within pixels, not on their edges.
OFFSETS = np.array([-0.2955e-3, 0.0749e-3, 0.2633e-3])
COLORS = [(1, 0, 0, 1), (0, 1, 0, 1), (0, 0, 1, 1)]
#: 1 ms across the window.
ZOOM = 2 / (2 * 1e-3 / DURATION)


def _add_visuals(canvas, cls):
    """Red, green and blue markers (at y = 0) or vertical lines at ``CENTER + OFFSETS``.

    One visual, or three visuals of one color each for the uniform visuals.
    """
    bounds = (0, -1, DURATION, 1)
    x = CENTER + OFFSETS
    scatter = cls in (ScatterVisual, UniformScatterVisual)
    if cls in (ScatterVisual, PlotVisual):
        visual = cls()
        canvas.add_visual(visual)
        if scatter:
            visual.set_data(
                pos=np.column_stack([x, np.zeros(3)]), color=COLORS, size=5, data_bounds=bounds)
        else:
            visual.set_data(
                x=np.repeat(x, 2), y=np.tile([-1.0, 1.0], 3), plot_sizes=[2, 2, 2],
                color=COLORS, data_bounds=bounds)
        return [visual]
    visuals = []
    for xi, color in zip(x, COLORS):
        visual = cls(color=color, size=5) if scatter else cls(color=color)
        canvas.add_visual(visual)
        if scatter:
            visual.set_data(pos=[[xi, 0]], data_bounds=bounds)
        else:
            visual.set_data(x=[xi, xi], y=[-1, 1], data_bounds=bounds)
        visuals.append(visual)
    return visuals


def _columns(px):
    """Centroid (in pixels) of the red, green and blue marks along the middle row."""
    row = px.array[50, :, :3].astype(np.float64)
    return (row * (np.arange(100) + 0.5)[:, np.newaxis]).sum(axis=0) / row.sum(axis=0)


@pytest.mark.parametrize(
    "cls", [ScatterVisual, UniformScatterVisual, PlotVisual, UniformPlotVisual])
@pytest.mark.parametrize("layout", [None, "stacked"])
def test_deep_zoom_one_hour(canvas, snapshot, cls, layout):
    if layout:  # One row, as in the trace view: the layout's transforms come after the pan/zoom.
        canvas.set_layout(layout, n_plots=1)
    panzoom = canvas.enable_panzoom(zmax=1e8)
    visuals = _add_visuals(canvas, cls)
    ndc_center = 2 * CENTER / DURATION - 1
    for shift in (0.0, 1e-5, 3.3e-5):  # pan by 10 µs (1 pixel), then 33 µs
        panzoom.set_pan_zoom(pan=(-(ndc_center + 2 * shift / DURATION), 0), zoom=(ZOOM, 1))
        expected = 50 + (OFFSETS - shift) / 1e-3 * 100
        assert np.abs(_columns(snapshot(canvas)) - expected).max() < 0.5

    # Without the remainders, the positions are those of float32 NDC: pixels away.
    for visual in visuals:
        visual.program["a_position_lo"] = np.zeros((visual.n_vertices, 2), dtype=np.float32)
    assert np.abs(_columns(snapshot(canvas)) - expected).max() > 2
