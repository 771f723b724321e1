"""Tests of the feature view: grid, colours, background, channels, dimensions, lasso, real data."""

import numpy as np
import pytest

from phy.cluster.views.feature import FeatureView, default_grid_dim, parse_dim
from phy.plot.lasso import points_in_polygon
from phy.utils import Bunch, connect, emit
from phy.utils import bus_events as ev
from phy.utils.array import regular_subset

from ...plot.conftest import EventSender, Pixels
from .conftest import pixels, rgb255

N_CHANNELS, N_PCS = 8, 3
#: Spikes of a cluster shown by the test features function.
N_SHOWN = 2500
GREY = (64, 64, 64)


def best_channels(cluster_id):
    """Channels of a cluster, best first: its own channel and the next ones."""
    return [(int(cluster_id) + k) % N_CHANNELS for k in range(4)]


def make_features(spike_clusters, seed=0, n_background=1000):
    """A features function over synthetic PCs, and the full ``(n, channels, pcs)`` array.

    Cluster c's spikes are around ``(c - 1.5) * 3`` on PC A of every channel and around 0 on
    the other PCs; the spike times go from 0 to 100 s.
    """
    rng = np.random.default_rng(seed)
    n = len(spike_clusters)
    data = rng.normal(scale=0.5, size=(n, N_CHANNELS, N_PCS)).astype(np.float32)
    data[:, :, 0] += 3 * (spike_clusters[:, None] - 1.5)
    calls = []

    def features(cluster_id, channel_ids=None, load_all=False):
        calls.append((cluster_id, channel_ids, load_all))
        if cluster_id is None:
            spike_ids = regular_subset(np.arange(n), n_background)
        else:
            spike_ids = np.nonzero(spike_clusters == cluster_id)[0]
            spike_ids = spike_ids if load_all else regular_subset(spike_ids, N_SHOWN)
        channels = best_channels(cluster_id or 0) if channel_ids is None else list(channel_ids)
        return Bunch(data=data[spike_ids][:, channels], channel_ids=np.array(channels),
                     channel_labels=[f"ch{c}" for c in channels], spike_ids=spike_ids)

    features.calls = calls
    times = np.linspace(0, 100, n)
    return features, data, times


@pytest.fixture
def feature_view(make_gui_with_supervisor, shown, qtbot):
    """``make(spike_clusters, **kwargs)``: an attached, shown FeatureView and its supervisor."""

    def make(spike_clusters=None, enable_threading=True, **kwargs):
        sc = np.repeat(np.arange(4), 500) if spike_clusters is None else spike_clusters
        features, data, times = make_features(sc)
        gui, supervisor = make_gui_with_supervisor(sc, enable_threading=enable_threading)
        view = FeatureView(features=features, attributes={"time": times}, **kwargs)
        view.attach(gui)
        gui.resize(1200, 700)
        shown(view)
        return Bunch(view=view, gui=gui, supervisor=supervisor, data=data, features=features,
                     spike_clusters=sc, wait=lambda: qtbot.waitUntil(lambda: not view.is_busy))

    return make


def box_region(px, box, shape=(4, 4)):
    """The pixels of one subplot (row, col) of a grid."""
    h, w = px.array.shape[:2]
    (i, j), (n_rows, n_cols) = box, shape
    return px.array[i * h // n_rows:(i + 1) * h // n_rows, j * w // n_cols:(j + 1) * w // n_cols]


def color_mask(array, rgb, tolerance=40):
    return (np.abs(array[..., :3].astype(int) - np.asarray(rgb)).max(axis=2) <= tolerance)


# -------------------------------------------------------------------------------------------------
# Grid dimensions
# -------------------------------------------------------------------------------------------------

def test_default_grid_and_parse_dim():
    grid = default_grid_dim()
    assert [grid[i][i] for i in range(4)] == ["time,0A", "time,1A", "time,0B", "time,1B"]
    assert grid[0][1] == "1A,0A" and grid[3][2] == "0B,1B"
    assert default_grid_dim(None)[0][0] == "1A,0A"
    assert parse_dim("12C") == ("pc", 12, 2)
    assert parse_dim("time", ("time",)) == ("attr", "time")
    with pytest.raises(ValueError, match="'depth'"):
        parse_dim("depth", ("time",))


def test_set_grid_dim_rejects_bad_grids(qtbot):
    view = FeatureView(features=make_features(np.zeros(10, dtype=int))[0],
                       attributes={"time": np.arange(10.0)})
    for bad in (["0A"], [["0A,1A,2A"]], [["amplitude,0A"]], [["0a,1A"]]):
        with pytest.raises(ValueError):
            view.set_grid_dim(bad)
    assert view.grid_dim == default_grid_dim()
    view.close()


# -------------------------------------------------------------------------------------------------
# Drawing
# -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("threading_on", [True, False])
def test_two_clusters_in_their_colours_over_grey_background(feature_view, select, threading_on):
    t = feature_view(enable_threading=threading_on)
    view = t.view
    select(t.supervisor, view, [0, 3])
    # Cluster 0's best channels, the one shared with cluster 3 first.
    assert view.channel_ids == [3, 0, 1, 2]
    assert view.dock.status == "channels ch3, ch0, ch1, ch2"
    px = pixels(view)
    c0, c1 = rgb255(view.selected_color(0)), rgb255(view.selected_color(1))
    # Subplot (0, 1) is "1A,0A": cluster 0 at the bottom left, cluster 3 at the top right.
    region = box_region(px, (0, 1))
    rh, rw = region.shape[:2]
    m0, m1 = color_mask(region, c0), color_mask(region, c1)
    assert m0.sum() > 30 and m1.sum() > 30
    assert px.centroid(m0)[0] < rw / 2 < px.centroid(m1)[0]
    assert px.centroid(m0)[1] > rh / 2 > px.centroid(m1)[1]
    # The background (all clusters, in grey) fills the middle, where clusters 1 and 2 are.
    grey = color_mask(region, GREY, tolerance=12)
    assert grey.sum() > 30
    gx, gy = px.centroid(grey)
    assert abs(gx - rw / 2) < rw / 5 and abs(gy - rh / 2) < rh / 5
    # Every subplot has points of both clusters (cluster 3 drawn over cluster 0 where they
    # overlap, around 0 on the B PCs).
    for i, row in enumerate(view.grid_dim):
        for j, cell in enumerate(row):
            r = box_region(px, (i, j))
            assert color_mask(r, c1).sum() > 10, (i, j)
            assert color_mask(r, c0).sum() > (10 if "A" in cell else 0), (i, j)
    select(t.supervisor, view, [])
    assert not color_mask(pixels(view).array, c0).any()


def test_set_grid_dim_changes_the_image(feature_view, select):
    t = feature_view()
    view = t.view
    select(t.supervisor, view, [0, 3])
    before = pixels(view)
    view.set_grid_dim([["0A,1A"]])
    t.wait()
    assert view.canvas.layout.shape == (1, 1)
    after = pixels(view)
    assert (after.array != before.array).any()
    # One big subplot: cluster 0 bottom left, cluster 3 top right, of the whole canvas.
    h, w = after.array.shape[:2]
    m0 = after.matching(rgb255(view.selected_color(0)), tolerance=40)
    m1 = after.matching(rgb255(view.selected_color(1)), tolerance=40)
    assert after.centroid(m0)[0] < 0.4 * w and after.centroid(m0)[1] > 0.6 * h
    assert after.centroid(m1)[0] > 0.6 * w and after.centroid(m1)[1] < 0.4 * h
    # A 2 x 3 grid with PCs beyond the channels' PCs: those subplots stay empty.
    view.set_grid_dim([["time,0A", "0A,0B", "0A,0D"], ["time,1C", "1A,1B", "9A,0A"]])
    t.wait()
    px = pixels(view)
    assert view.canvas.layout.shape == (2, 3)
    colors = [rgb255(view.selected_color(i)) for i in range(2)]
    for box, drawn in (((0, 0), True), ((0, 1), True), ((0, 2), False), ((1, 2), False)):
        r = box_region(px, box, (2, 3))
        assert any(color_mask(r, c).sum() > 10 for c in colors) == drawn, box


def test_marker_size_changes_the_image(feature_view, select):
    t = feature_view()
    view = t.view
    select(t.supervisor, view, [0, 3])
    mask = color_mask(pixels(view).array, rgb255(view.selected_color(0)))
    for _ in range(5):
        view.actions.run("increase_marker_size")
    bigger = color_mask(pixels(view).array, rgb255(view.selected_color(0)))
    assert bigger.sum() > 1.3 * mask.sum()


def test_scaling_zooms_the_pc_subplots(feature_view, select):
    t = feature_view()
    view = t.view
    select(t.supervisor, view, [1, 2])  # near the centre of the PC subplots

    def distance():
        # Distance between the two clusters in subplot (0, 1), in pixels.
        region = box_region(pixels(view), (0, 1))
        c = [np.array(Pixels.centroid(color_mask(region, rgb255(view.selected_color(i)))))
             for i in range(2)]
        return np.hypot(*(c[1] - c[0]))

    before = distance()
    view.actions.run("increase")
    view.actions.run("increase")
    assert view.scaling == pytest.approx(1.21)
    assert view.actions.get("increase").shortcut().toString() == "Ctrl++"
    assert distance() == pytest.approx(1.21 * before, rel=0.08)
    # Control+wheel too.
    from phy.gui.qt import QPoint, QPointF, Qt, QWheelEvent

    event = QWheelEvent(QPointF(10, 10), QPointF(10, 10), QPoint(0, 0), QPoint(0, -120),
                        Qt.NoButton, Qt.ControlModifier, Qt.NoScrollPhase, False)
    EventSender()._send(view.canvas, event)
    assert view.scaling == pytest.approx(1.1)
    assert view.canvas.panzoom.zoom == [1.0, 1.0]


# -------------------------------------------------------------------------------------------------
# Channels
# -------------------------------------------------------------------------------------------------

def test_channel_click_and_automatic_channel_selection(feature_view, select):
    t = feature_view()
    view = t.view
    select(t.supervisor, view, [2])
    assert view.channel_ids == [2, 3, 4, 5]
    # Control+click on channel 6 in the waveform view: it becomes the first channel (0A, 0B).
    emit(ev.CHANNEL_CLICK, "waveform view", channel_id=6, key=None, button="Left")
    t.wait()
    assert view.channel_ids == [6, 3, 4, 5]
    # The features of the cluster and of the background, on the channels of the grid only.
    assert t.features.calls[-2:] == [(2, [6, 3], False), (None, [6, 3], False)]
    # Control+right click on a shown channel: it swaps with the second one.
    emit(ev.CHANNEL_CLICK, "waveform view", channel_id=4, key=None, button="Right")
    t.wait()
    assert view.channel_ids == [6, 4, 3, 5]
    # The next selection chooses its channels again...
    select(t.supervisor, view, [1])
    assert view.channel_ids == [1, 2, 3, 4]
    # ... unless the automatic channel selection is off (c).
    assert view.shortcuts["toggle_automatic_channel_selection"] == "c"
    view.actions.run("toggle_automatic_channel_selection", False)
    assert view.fixed_channels and "(fixed)" in view.dock.status
    select(t.supervisor, view, [3])
    assert view.channel_ids == [1, 2, 3, 4]
    view.actions.run("toggle_automatic_channel_selection", True)
    view.actions.run("clear_channels")
    t.wait()
    assert view.channel_ids == [3, 4, 5, 6]


def test_channel_labels_in_status_and_subplots(feature_view, select):
    t = feature_view()
    view = t.view
    select(t.supervisor, view, [0, 3])
    # Cluster 3 lacks channel 0: its features are asked again on the used channels.
    assert view.channel_ids == [3, 0, 1, 2]
    assert (3, [3, 0], False) in t.features.calls
    assert view.dock.status == "channels ch3, ch0, ch1, ch2"
    view.on_channel_click(channel_id=7, button="Left")
    t.wait()
    assert view.dock.status == "channels ch7, ch0, ch1, ch2"


# -------------------------------------------------------------------------------------------------
# Mouse: dimension selection, lasso
# -------------------------------------------------------------------------------------------------

def test_alt_click_selects_a_dimension(feature_view, select):
    t = feature_view()
    view = t.view
    select(t.supervisor, view, [0])
    received = []
    connect(lambda sender, **kw: received.append(kw), event=ev.SELECT_FEATURE)
    w, h = view.canvas.get_size()
    send = EventSender()
    send.click(view.canvas, (w * 3 / 8, h / 8), modifiers=("Alt",))  # box (0, 1): "1A,0A"
    send.click(view.canvas, (w * 3 / 8, h / 8), button="Right", modifiers=("Alt",))
    send.click(view.canvas, (w / 8, h * 5 / 8), modifiers=("Alt",))  # box (2, 0): "0A,0B" ...
    send.click(view.canvas, (w / 8, h / 8), modifiers=("Alt",))  # box (0, 0): "time,0A"
    send.click(view.canvas, (w / 8, h / 8))  # no modifier: nothing
    assert received == [
        dict(dim="1A", channel_id=1, pc=0), dict(dim="0A", channel_id=0, pc=0),
        dict(dim="0A", channel_id=0, pc=0), dict(dim="time", channel_id=0, pc=None)]


def test_lasso_split_returns_every_spike_of_the_subplot(feature_view, select):
    # Cluster 0 has 50,000 spikes, of which the view displays 2,500.
    sc = np.r_[np.zeros(50_000, dtype=np.int64), np.ones(2000, dtype=np.int64)]
    t = feature_view(sc)
    view = t.view
    select(t.supervisor, view, [0, 1])
    channels = view.channel_ids[:2]
    assert channels == [1, 2]  # the channels cluster 0 shares with cluster 1
    w, h = view.canvas.get_size()
    # A lasso in subplot (1, 0) ("0A,1A": x = PC A of channel 1, y = PC A of channel 2),
    # around the lower left quarter of that subplot.
    box_w, box_h = w / 4, h / 4
    clicks = [(0.1 * box_w, 1.2 * box_h), (0.6 * box_w, 1.25 * box_h),
              (0.55 * box_w, 1.9 * box_h), (0.15 * box_w, 1.85 * box_h)]
    send = EventSender()
    for pos in clicks:
        send.click(view.canvas, pos, modifiers=("Control",))
    assert view.canvas.lasso.count == 4 and tuple(view.canvas.lasso.box) == (1, 0)
    # The expected spikes, from the full feature array and the polygon in data coordinates.
    bound = view._data.pc_bound
    ndc = np.array([(2 * x / box_w - 1, 1 - 2 * (y - box_h) / box_h)
                    for x, y in clicks])
    polygon = ndc * bound
    spikes = np.arange(len(sc))
    inside = points_in_polygon(t.data[:, channels, 0], polygon)
    expected = spikes[inside]  # of clusters 0 and 1, the two selected ones
    from_0 = expected[sc[expected] == 0]
    assert len(from_0) > 2500  # more than all the displayed spikes of cluster 0
    shown = regular_subset(np.nonzero(sc == 0)[0], 2500)
    assert len(from_0) > 5 * np.isin(from_0, shown).sum()

    spike_ids = emit(ev.REQUEST_SPLIT, t.supervisor, single=True)
    assert np.array_equal(spike_ids, expected)
    assert view.canvas.lasso.count == 0
    # All the spikes, on the two channels of the grid only.
    assert t.features.calls[-2:] == [(0, [1, 2], True), (1, [1, 2], True)]


# -------------------------------------------------------------------------------------------------
# State, real data
# -------------------------------------------------------------------------------------------------

def test_state_saved_and_restored(feature_view, make_gui_with_supervisor):
    t = feature_view()
    t.view.set_grid_dim([["time,0A", "0A,1A"]])
    t.view.actions.run("toggle_automatic_channel_selection", False)
    t.view.increase()
    t.gui.close()
    gui2, _ = make_gui_with_supervisor()
    view = FeatureView(features=t.features, attributes={"time": np.arange(2000.0)})
    view.attach(gui2)
    assert view.grid_dim == [["time,0A", "0A,1A"]]
    assert view.fixed_channels and view.scaling == pytest.approx(1.1)
    assert not view.actions.get("toggle_automatic_channel_selection").isChecked()
    # A saved grid naming an attribute this dataset lacks is ignored.
    gui2.close()
    gui3, _ = make_gui_with_supervisor()
    view3 = FeatureView(features=t.features, attributes={"amplitude": np.arange(2000.0)})
    view3.attach(gui3)
    assert view3.grid_dim == default_grid_dim("amplitude")


def test_template_dataset(phy_data, dataset_copy, make_gui_with_supervisor, select, shown):
    from benchmarks.bench_view_feature import feature_functions
    from phy.apps.template import load_model

    model = load_model(dataset_copy(phy_data / "template") / "params.py")
    f = feature_functions(model)
    sc = np.asarray(model.spike_clusters)
    gui, supervisor = make_gui_with_supervisor(sc)
    view = FeatureView(features=f.features, attributes=f.attributes)
    view.attach(gui)
    shown(view)
    ids = [int(c) for c in np.unique(sc)[np.bincount(sc)[np.unique(sc)] >= 10][:2]]
    select(supervisor, view, ids)
    assert view.dock.status.startswith("channels")
    assert list(view.channel_ids[:4]) == list(model.get_cluster_channels(ids[0])[:4])
    px = pixels(view)
    for i in range(2):
        assert px.matching(rgb255(view.selected_color(i)), tolerance=40).sum() > 5
    model.close()


def test_documented_members_and_shortcuts(qtbot):
    from phy.cluster.views.scatter import ScatterView
    from phy.cluster.views.template_feature import TemplateFeatureView

    common = ("attach", "close", "decrease_marker_size", "get_clusters_data",
              "increase_marker_size", "on_cluster", "on_mouse_wheel", "on_request_split",
              "on_select", "on_select_threaded", "plot", "reset_marker_size", "screenshot",
              "set_dock_status", "set_state", "show", "toggle_auto_update", "update_status")
    feature = ("clear_channels", "decrease", "increase", "on_channel_click", "on_mouse_click",
               "reset_scaling", "set_grid_dim", "toggle_automatic_channel_selection")
    for cls, names in ((FeatureView, common + feature), (ScatterView, common),
                       (TemplateFeatureView, common)):
        missing = [n for n in names if not callable(getattr(cls, n, None))]
        assert not missing, (cls.__name__, missing)
        assert isinstance(cls.marker_size, property)
    # The default shortcuts of SHORTCUTS.md.
    assert {k: FeatureView.default_shortcuts[k] for k in (
        "increase", "decrease", "toggle_automatic_channel_selection")} == {
        "increase": "ctrl++", "decrease": "ctrl+-", "toggle_automatic_channel_selection": "c"}
