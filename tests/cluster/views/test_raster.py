"""Tests of the raster view: rows, colours, clicks, sort, and clustering changes in place."""

import numpy as np
import pytest

from phy.cluster.views.raster import RasterView
from phy.gui.qt import QWidget
from phy.utils import ClusterColorSelector, connect, selected_cluster_color, unconnect
from phy.utils import bus_events as ev

from ...plot.conftest import EventSender
from .conftest import pixels, rgb255

N_CLUSTERS = 4


def make_spikes(n_per_cluster=200, seed=0):
    """Spike times uniform over 10 s, clusters 0..3 interleaved."""
    rng = np.random.default_rng(seed)
    spike_clusters = np.repeat(np.arange(N_CLUSTERS), n_per_cluster)
    rng.shuffle(spike_clusters)
    spike_times = np.sort(rng.uniform(0, 10, size=spike_clusters.size))
    return spike_times, spike_clusters


def spike_y(view):
    """The y (NDC) of every spike as drawn: from the slot of the spike and the slot table."""
    table = view.visual.slot_table.reshape(-1, 2, 4)
    return table[view._spike_slots.astype(np.int64), 1, 0]


def row_band(p, row, n_rows):
    """Pixel rows of a raster row (0 at the top)."""
    h = p.array.shape[0]
    return slice(int(h * row / n_rows) + 2, int(h * (row + 1) / n_rows) - 2)


@pytest.fixture
def raster(make_gui_with_supervisor, shown, select):
    def make(spike_clusters=None, **kwargs):
        spike_times, sc = make_spikes()
        sc = sc if spike_clusters is None else spike_clusters
        gui, supervisor = make_gui_with_supervisor(sc)
        view = RasterView(
            spike_times, sc, cluster_color_selector=supervisor.color_selector,
            spikes_in_clusters=supervisor.clustering.spikes_in_clusters, **kwargs)
        view.attach(gui)
        shown(view)
        select(supervisor, view, [])
        return view, supervisor
    return make


def test_raster_draws_selected_colours(raster, select):
    view, supervisor = raster()
    select(supervisor, view, [1, 2])
    p = pixels(view)
    for i, cluster in enumerate([1, 2]):
        band = p.array[row_band(p, cluster, N_CLUSTERS)]
        color = rgb255(selected_cluster_color(i))
        assert p.matching(color, tolerance=20)[row_band(p, cluster, N_CLUSTERS)].sum() > 50
        other = rgb255(selected_cluster_color(1 - i))
        assert not (np.abs(band[..., :3].astype(int) - other).max(axis=2) <= 20).any()
    # The clusters that are not selected are drawn dimmed, not in a selection colour.
    for cluster in (0, 3):
        band = row_band(p, cluster, N_CLUSTERS)
        assert p.drawn(threshold=20)[band].sum() > 50
        for i in range(2):
            assert not p.matching(rgb255(selected_cluster_color(i)), tolerance=20)[band].any()
    assert "4 clusters" in view.dock.status


def test_raster_rows_follow_sort(raster, select):
    view, supervisor = raster()
    y = spike_y(view)
    sc = supervisor.clustering.spike_clusters
    assert np.allclose(y[sc == 0], 0.75) and np.allclose(y[sc == 3], -0.75)
    supervisor.sort("id", "desc")  # The cluster view's table_sort: the view follows.
    assert list(view.all_cluster_ids) == [3, 2, 1, 0]
    y = spike_y(view)
    assert np.allclose(y[sc == 3], 0.75) and np.allclose(y[sc == 0], -0.75)
    view.set_cluster_ids([2, 0])
    y, shown = spike_y(view), view.visual.slot_table.reshape(-1, 2, 4)[:, 1, 1]
    assert np.allclose(y[sc == 2], 0.5) and np.allclose(y[sc == 0], -0.5)
    assert list(shown[:4]) == [1, 0, 1, 0]


def test_raster_merge_in_place(raster, select):
    view, supervisor = raster()
    buffer = view.visual.program["a_slot"]
    uploaded = view._spike_slots.copy()
    supervisor.merge([1, 2])
    supervisor.block()
    # The spikes were not uploaded again: only the slot table changed.
    assert view.visual.program["a_slot"] is buffer and not buffer.has_pending_upload
    assert np.array_equal(view._spike_slots, uploaded)
    assert list(view.all_cluster_ids) == [0, 4, 3]
    sc = supervisor.clustering.spike_clusters
    y = spike_y(view)
    assert np.allclose(y[sc == 4], 0.0) and np.allclose(y[sc == 3], -2 / 3)
    assert np.allclose(y[sc == 0], 2 / 3)
    # The merged cluster is selected: drawn in the first selection colour, on the middle row.
    select(supervisor, view, [4])
    p = pixels(view)
    mask = p.matching(rgb255(selected_cluster_color(0)), tolerance=20)
    assert mask[row_band(p, 1, 3)].sum() > 50
    assert not mask[row_band(p, 0, 3)].any() and not mask[row_band(p, 2, 3)].any()
    # Undo: the two clusters are back, their spikes on their rows.
    supervisor.undo()
    supervisor.block()
    sc = supervisor.clustering.spike_clusters
    y = spike_y(view)
    assert sorted(view.all_cluster_ids) == [0, 1, 2, 3]
    for row, cluster in enumerate(view.all_cluster_ids):
        assert np.allclose(y[sc == cluster], 1 - (row + .5) / 2)


def test_raster_split_updates_moved_spikes(raster):
    view, supervisor = raster()
    sc = supervisor.clustering.spike_clusters
    spike_ids = np.nonzero(sc == 2)[0][::2]
    supervisor.split(spike_ids)
    supervisor.block()
    sc = supervisor.clustering.spike_clusters
    shown = list(view.all_cluster_ids)
    assert set(shown) == set(np.unique(sc).tolist())
    y = spike_y(view)
    for row, cluster in enumerate(shown):
        assert np.allclose(y[sc == cluster], 1 - (row + .5) * 2 / len(shown))


def test_raster_split_without_spikes_function_hides_then_resets(make_gui_with_supervisor, shown):
    spike_times, sc = make_spikes()
    gui, supervisor = make_gui_with_supervisor(sc, enable_threading=False)
    view = RasterView(spike_times, sc)
    view.attach(gui)
    supervisor.split(np.nonzero(sc == 0)[0][:10])
    supervisor.block()
    shown_slots = view.visual.slot_table.reshape(-1, 2, 4)[:, 1, 1]
    assert shown_slots[0] == 0  # The spikes of the deleted cluster are hidden.
    view.set_spike_clusters(supervisor.clustering.spike_clusters)
    new_sc = supervisor.clustering.spike_clusters
    y = spike_y(view)
    for row, cluster in enumerate(view.all_cluster_ids):
        assert np.allclose(y[new_sc == cluster], 1 - (row + .5) * 2 / len(view.all_cluster_ids))


def test_raster_clicks_select(raster, select, qtbot):
    view, supervisor = raster()
    sender = EventSender()
    w, h = view.canvas.get_size()
    requests = []

    def on_request_select(sender, cluster_ids):
        requests.append((sender, cluster_ids))

    connect(on_request_select, event=ev.REQUEST_SELECT)
    sender.click(view.canvas, (w / 2, h * 2.5 / 4), modifiers=("Control",))
    unconnect(on_request_select)
    assert requests == [(view, [2])]
    supervisor.block()
    qtbot.waitUntil(lambda: supervisor.selected == [2])
    sender.click(view.canvas, (w / 2, h * 0.5 / 4), modifiers=("Shift",))
    supervisor.block()
    qtbot.waitUntil(lambda: supervisor.selected == [2, 0])
    sender.click(view.canvas, (w / 2, h * 3.5 / 4))  # A click without modifier does nothing.
    supervisor.block()
    assert supervisor.selected == [2, 0]


def test_raster_marker_size_and_colour_scheme(raster, select):
    view, supervisor = raster()
    select(supervisor, view, [1])
    color = rgb255(selected_cluster_color(0))
    band = row_band(pixels(view), 1, N_CLUSTERS)

    def height():
        return pixels(view).bbox(pixels(view).matching(color, tolerance=20)[band])

    for _ in range(5):
        view.actions.get("decrease_marker_size").trigger()
    small = height()
    view.actions.get("reset_marker_size").trigger()
    for _ in range(8):
        view.actions.get("increase_marker_size").trigger()
    large = height()
    assert large[1] - large[0] >= small[1] - small[0] + 4
    assert view.state.marker_size == pytest.approx(view.default_marker_size * 1.1 ** 8)
    # Shift+wheel: the next colour field of the selector (shared with the supervisor).
    before = view.visual.slot_table.copy()
    field = supervisor.color_selector.color_field
    view.canvas.emit("mouse_wheel", pos=(50, 50), delta=(0, 1), modifiers=("Shift",))
    assert supervisor.color_selector.color_field != field
    assert not np.array_equal(view.visual.slot_table, before)


def test_raster_bad_input():
    with pytest.raises(ValueError, match="same length"):
        RasterView(np.zeros(3), np.zeros(4, dtype=np.int64))


def test_raster_own_color_selector(make_gui_with_supervisor, shown, select):
    spike_times, sc = make_spikes()
    gui, supervisor = make_gui_with_supervisor(sc)
    selector = ClusterColorSelector(cluster_ids=[0, 1, 2, 3])
    view = RasterView(spike_times, sc, cluster_ids=[0, 1, 2, 3], cluster_color_selector=selector)
    view.attach(gui)
    shown(view)
    select(supervisor, view, [])
    table = view.visual.slot_table.reshape(-1, 2, 4)
    expected = selector.get_colors([0, 1, 2, 3])
    expected[:, :3] *= view.unselected_brightness
    assert np.allclose(table[:4, 0], expected)


# Binned mode: more spikes than `max_points`, drawn as a count image per pixel column
# -------------------------------------------------------------------------------------------------

def settled(view, qtbot):
    """Wait until the view has drawn the count image of its current zoom."""
    qtbot.waitUntil(lambda: not view.is_busy and not view._rebin_debouncer.is_waiting
                    and view.bins_needed() is None)
    return view


def lit_columns(view, p, row):
    """The pixel columns in the colour of a raster row, in its middle pixel row."""
    y = int(p.array.shape[0] * (row + 0.5) / len(view.all_cluster_ids))
    mask = p.matching(rgb255(view.cluster_colors()[row]), tolerance=10)
    return set(np.nonzero(mask[y])[0].tolist())


def test_raster_binned_single_spike_of_20m_lights_its_pixel(qtbot):
    n = 20_000_000
    spike_times = np.linspace(0.0, 100.0, n)
    spike_clusters = np.zeros(n, dtype=np.int64)
    spike_clusters[::7] = 2
    k = int(np.searchsorted(spike_times, 37.1))
    spike_clusters[k] = 1  # The only spike of cluster 1.
    view = RasterView(spike_times, spike_clusters)
    assert view.binned
    container = QWidget.createWindowContainer(view.canvas)
    qtbot.addWidget(container)
    container.resize(400, 300)
    container.show()
    qtbot.waitUntil(lambda: view.canvas.isValid() and view.canvas.get_size() == (400, 300))
    view.plot()
    settled(view, qtbot)
    p = pixels(view)
    width = p.array.shape[1]
    column = int(spike_times[k] / 100.0 * width)
    assert lit_columns(view, p, 1) == {column}
    assert len(lit_columns(view, p, 0)) > 0.9 * width  # Cluster 0 has spikes everywhere.
    view.close()


def test_raster_binned_selection_and_merge_rewrite_the_table_only(raster, select, qtbot):
    view, supervisor = raster(max_points=100)
    assert view.binned
    settled(view, qtbot)
    bins = view.bins
    select(supervisor, view, [1, 2])
    assert view.bins is bins  # No binning for a selection: the colours come from the table.
    p = pixels(view)
    for i, cluster in enumerate([1, 2]):
        mask = p.matching(rgb255(selected_cluster_color(i)), tolerance=20)
        assert mask[row_band(p, cluster, N_CLUSTERS)].sum() > 50
        assert not mask[row_band(p, 3 - cluster, N_CLUSTERS)].any()
    for cluster in (0, 3):
        band = row_band(p, cluster, N_CLUSTERS)
        assert p.drawn(threshold=20)[band].sum() > 50
        for i in range(2):
            assert not p.matching(rgb255(selected_cluster_color(i)), tolerance=20)[band].any()
    # A merge: the merged cluster on the middle row, the count image kept.
    supervisor.merge([1, 2])
    supervisor.block()
    select(supervisor, view, [4])
    settled(view, qtbot)
    assert view.bins is bins
    p = pixels(view)
    mask = p.matching(rgb255(selected_cluster_color(0)), tolerance=20)
    assert mask[row_band(p, 1, 3)].sum() > 50
    assert not mask[row_band(p, 0, 3)].any() and not mask[row_band(p, 2, 3)].any()
    # A split: the spikes change slot, the image is binned again and shows them.
    sc = supervisor.clustering.spike_clusters
    supervisor.split(np.nonzero(sc == 4)[0][::2])
    supervisor.block()
    settled(view, qtbot)
    assert view.bins is not bins
    p = pixels(view)
    for row in range(len(view.all_cluster_ids)):
        assert len(lit_columns(view, p, row)) > 20


def test_raster_binned_zoom_resolves_spikes(raster, qtbot):
    view, supervisor = raster(max_points=100)
    settled(view, qtbot)
    spike_times, sc = make_spikes()
    t0, t1 = view.time_bounds
    x = (spike_times[sc == 1] - t0) * 2 / (t1 - t0) - 1
    xa, xb = -0.2, -0.1  # A tenth of the width of the recording: a few spikes of cluster 1.
    view.canvas.panzoom.set_range((xa, -1, xb, 1))
    settled(view, qtbot)
    p = pixels(view)
    width = p.array.shape[1]
    expected = ((x[(x >= xa) & (x < xb)] - xa) / (xb - xa) * width).astype(int)
    assert len(expected) >= 3
    lit = lit_columns(view, p, 1)
    # Each spike lights its own column (or its neighbour, at a pixel edge), nothing else is lit.
    for column in expected:
        assert lit & {column - 1, column, column + 1}
    assert all(min(abs(c - expected)) <= 1 for c in lit)
    assert len(lit) <= 2 * len(expected)
