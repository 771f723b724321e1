"""Tests of the cluster scatter view: discs placed by metrics, colours, clicks, lasso."""

import numpy as np
import pytest

from phy.cluster.views.cluster_scatter import ClusterScatterView
from phy.utils import bus_events as ev
from phy.utils import connect, selected_cluster_color, unconnect

from ...plot.conftest import EventSender
from .conftest import pixels, rgb255

INFOS = {
    0: dict(amp=10., depth=100., fr=1., n_spikes=10, group="good"),
    1: dict(amp=20., depth=300., fr=5., n_spikes=10, group="good"),
    2: dict(amp=30., depth=200., fr=10., n_spikes=10),
    3: dict(amp=40., depth=400., fr=2., n_spikes=10),
}


def cluster_info(cluster_id):
    return INFOS.get(cluster_id, dict(amp=25., depth=250., fr=15., n_spikes=20))


@pytest.fixture
def scatter(make_gui_with_supervisor, shown, select):
    sc = np.repeat(np.arange(4), 10)
    gui, supervisor = make_gui_with_supervisor(sc)
    view = ClusterScatterView(
        cluster_info=cluster_info, cluster_ids=[0, 1, 2, 3],
        cluster_color_selector=supervisor.color_selector)
    view.attach(gui)
    shown(view)
    select(supervisor, view, [])
    return view, supervisor


def disc_pixels(view):
    """{cluster: (x, y)} pixel centres of the discs drawn."""
    w, h = view.canvas.get_size()
    ndc = view._window_positions()[1]
    return {int(c): ((x + 1) / 2 * w, (1 - y) / 2 * h)
            for c, (x, y) in zip(view._drawn.cluster_ids, ndc)}


def recorder(event):
    calls = []

    def on_event(sender, cluster_ids):
        calls.append(cluster_ids)

    connect(on_event, event=event)
    return calls, on_event


def test_cluster_scatter_positions_and_colours(scatter, select):
    view, supervisor = scatter
    select(supervisor, view, [1, 2])
    discs = disc_pixels(view)
    # Amplitude on x, depth on y (upwards).
    assert discs[0][0] < discs[1][0] < discs[2][0] < discs[3][0]
    assert discs[3][1] < discs[1][1] < discs[2][1] < discs[0][1]
    p = pixels(view)
    for i, c in enumerate([1, 2]):
        x, y = discs[c]
        assert p.matching(rgb255(selected_cluster_color(i)), tolerance=20)[
            int(y) - 1:int(y) + 2, int(x) - 1:int(x) + 2].all()
    x, y = discs[0]
    assert p.drawn(threshold=20)[int(y), int(x)]
    assert not p.matching(rgb255(selected_cluster_color(0)), tolerance=20)[int(y), int(x)]
    # The size follows the firing rate.
    sizes = view.disc_sizes(view._drawn)
    assert sizes[2] > sizes[1] > sizes[3] > sizes[0]
    assert view.dock.status == "x: amp, y: depth, size: fr"


def test_cluster_scatter_clicks(scatter, qtbot):
    view, supervisor = scatter
    sender = EventSender()
    discs = disc_pixels(view)
    sender.click(view.canvas, discs[3])
    supervisor.block()
    qtbot.waitUntil(lambda: supervisor.selected == [3])
    sender.click(view.canvas, discs[0], modifiers=("Control",))
    supervisor.block()
    qtbot.waitUntil(lambda: supervisor.selected == [3, 0])
    calls, f = recorder(ev.REQUEST_SELECT_SIMILAR)
    sender.click(view.canvas, discs[2], modifiers=("Shift",))
    unconnect(f)
    assert calls == [[2]]
    assert view.canvas.lasso.count == 0


def test_cluster_scatter_lasso(scatter, qtbot):
    view, supervisor = scatter
    sender = EventSender()
    discs = disc_pixels(view)
    (x1, y1), (x2, y2) = discs[1], discs[2]
    corners = [(x1 - 15, y1 - 15), (x2 + 15, y1 - 15), (x2 + 15, y2 + 15), (x1 - 15, y2 + 15)]
    for corner in corners:
        sender.click(view.canvas, corner, modifiers=("Control",))
    assert view.canvas.lasso.count == 4
    supervisor.block()
    qtbot.waitUntil(lambda: supervisor.selected == [1, 2])
    sender.click(view.canvas, corners[0], button="Right", modifiers=("Control",))
    assert view.canvas.lasso.count == 0


def test_cluster_scatter_metrics_and_merge(scatter, select):
    view, supervisor = scatter
    assert view.metrics() == ["amp", "depth", "fr", "n_spikes"]
    before = disc_pixels(view)
    view.set_y_axis("fr")
    supervisor.block()
    select(supervisor, view, [])
    after = disc_pixels(view)
    assert after[2][1] < after[1][1] < after[3][1] < after[0][1]
    assert before[0][0] == pytest.approx(after[0][0])
    with pytest.raises(ValueError, match="unknown metric 'nope'"):
        view.set_x_axis("nope")
    supervisor.merge([1, 2])
    supervisor.block()
    select(supervisor, view, [4])
    assert sorted(view._drawn.cluster_ids.tolist()) == [0, 3, 4]
    x, y = disc_pixels(view)[4]
    p = pixels(view)
    assert p.matching(rgb255(selected_cluster_color(0)), tolerance=20)[int(y), int(x)]
    assert view.state.y_axis == "fr"
