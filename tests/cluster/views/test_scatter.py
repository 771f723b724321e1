"""Tests of the scatter view: colours, bounds, marker size, lasso on every spike."""

import numpy as np
import pytest

from phy.cluster.views.scatter import ScatterView, _union_bounds
from phy.plot.lasso import points_in_polygon
from phy.utils import Bunch, emit
from phy.utils import bus_events as ev
from phy.utils.array import regular_subset

from ...plot.conftest import EventSender
from .conftest import pixels, rgb255


def make_coords(spike_clusters, seed=0, n_shown=2500):
    """coords(cluster_ids, load_all): cluster c around (c, -c); and all the positions."""
    rng = np.random.default_rng(seed)
    pos = rng.normal(scale=0.3, size=(len(spike_clusters), 2))
    pos += np.c_[spike_clusters, -spike_clusters]

    def coords(cluster_ids, load_all=False):
        out = []
        for c in cluster_ids:
            s = np.nonzero(spike_clusters == c)[0]
            s = s if load_all else regular_subset(s, n_shown)
            out.append(Bunch(x=pos[s, 0], y=pos[s, 1], spike_ids=s))
        return out

    return coords, pos


@pytest.fixture
def scatter_view(make_gui_with_supervisor, shown):
    def make(spike_clusters, coords, cls=ScatterView):
        gui, supervisor = make_gui_with_supervisor(spike_clusters)
        view = cls(coords=coords)
        view.attach(gui)
        gui.resize(1200, 700)
        shown(view)
        return view, supervisor

    return make


def test_union_bounds():
    b = [Bunch(pos=np.array([[0.0, 1.0], [2.0, 3.0]])), Bunch(pos=np.zeros((0, 2))),
         Bunch(pos=np.zeros((1, 2)), data_bounds=(-5, 0, 1, 1))]
    assert _union_bounds(b) == pytest.approx((-5, 0, 2.1, 3.1))
    assert _union_bounds([]) == (-1, -1, 1, 1)
    assert _union_bounds([Bunch(pos=np.ones((3, 2)))]) == pytest.approx((0, 0, 2, 2))


def test_two_clusters_in_their_colours(scatter_view, select):
    sc = np.repeat(np.arange(4), 300)
    coords, _ = make_coords(sc)
    view, supervisor = scatter_view(sc, coords)
    select(supervisor, view, [0, 3])
    assert view.dock.status == "600 spikes"
    px = pixels(view)
    h, w = px.array.shape[:2]
    m0 = px.matching(rgb255(view.selected_color(0)), tolerance=40)
    m1 = px.matching(rgb255(view.selected_color(1)), tolerance=40)
    assert m0.sum() > 50 and m1.sum() > 50
    # Cluster 0 around (0, 0): top left; cluster 3 around (3, -3): bottom right.
    assert px.centroid(m0)[0] < 0.3 * w and px.centroid(m0)[1] < 0.3 * h
    assert px.centroid(m1)[0] > 0.7 * w and px.centroid(m1)[1] > 0.7 * h
    # The axes follow the data bounds: the tick labels are drawn.
    assert view.canvas.axes.data_bounds[0] < -0.5 and view.canvas.axes.data_bounds[2] > 3.5
    # Marker size.
    before = px.drawn().sum()
    for _ in range(4):
        view.actions.run("increase_marker_size")
    assert pixels(view).drawn().sum() > 1.3 * before
    # Nothing to show.
    select(supervisor, view, [])
    assert not pixels(view).matching(rgb255(view.selected_color(0)), tolerance=40).any()


def test_coords_without_data_or_with_nan(qtbot):
    def coords(cluster_ids, load_all=False):
        if cluster_ids == [1]:
            return None
        return [Bunch(x=np.array([0.0, np.nan, 1.0]), y=np.array([0.0, 1.0, np.inf]),
                      spike_ids=np.array([4, 5, 6]), data_bounds=(-1, -1, 2, 2))]

    view = ScatterView(coords=coords)
    view.on_select(cluster_ids=[1])
    assert view._data.clusters == []
    view.on_select(cluster_ids=[2])
    assert view._data.clusters[0].spike_ids.tolist() == [4]
    assert view._data.data_bounds == (-1, -1, 2, 2)
    view.close()


def test_lasso_split_returns_every_spike(scatter_view, select):
    # Cluster 0 has 50,000 spikes, of which the view displays 2,500.
    sc = np.r_[np.zeros(50_000, dtype=np.int64), np.ones(3000, dtype=np.int64)]
    coords, pos = make_coords(sc)
    view, supervisor = scatter_view(sc, coords)
    select(supervisor, view, [0, 1])
    assert sum(len(b.spike_ids) for b in view._data.clusters) == 5000
    w, h = view.canvas.get_size()
    clicks = [(0.05 * w, 0.05 * h), (0.45 * w, 0.1 * h), (0.4 * w, 0.5 * h), (0.1 * w, 0.45 * h)]
    send = EventSender()
    for p in clicks:
        send.click(view.canvas, p, modifiers=("Control",))
    x0, y0, x1, y1 = view._data.data_bounds
    polygon = np.array([(x0 + x / w * (x1 - x0), y1 - y / h * (y1 - y0)) for x, y in clicks])
    expected = np.nonzero(points_in_polygon(pos, polygon))[0]
    assert (sc[expected] == 0).sum() > 2500  # more than all the displayed spikes of cluster 0
    spike_ids = emit(ev.REQUEST_SPLIT, supervisor, single=True)
    assert np.array_equal(spike_ids, expected)
