"""Tests of the probe view: every channel drawn, the selected clusters' best channels in their
colours, the channel labels toggle, the template data layer."""

import json

import numpy as np
import pytest

from phy.cluster.views.probe import ProbeView

from .conftest import pixels, rgb255

N_CHANNELS = 32


def probe_positions():
    """A two-column probe of 32 channels, 20 µm apart, channel 0 at the bottom."""
    channels = np.arange(N_CHANNELS)
    return np.column_stack([20.0 * (channels % 2), 20.0 * (channels // 2)])


def best_channels(cluster_id):
    """Cluster c lives on channels 4c to 4c + 3."""
    return list(range(4 * cluster_id, 4 * cluster_id + 4))


def channel_pixel(view, channel, size):
    """(x, y) pixel of a channel in a canvas of the given size."""
    x0, y0, x1, y1 = view.data_bounds
    (x, y), (w, h) = view.positions[channel], size
    return (x - x0) / (x1 - x0) * w, (1 - (y - y0) / (y1 - y0)) * h


@pytest.fixture
def probe_view(make_gui_with_supervisor, shown):
    gui, supervisor = make_gui_with_supervisor(np.repeat(np.arange(8), 10))
    view = ProbeView(positions=probe_positions(), best_channels=best_channels)
    view.attach(gui)
    shown(view)
    return view, gui, supervisor


def test_probe_view_highlights_best_channels(probe_view, select):
    view, gui, supervisor = probe_view
    select(supervisor, view, [0, 5])
    px = pixels(view)
    h, w = px.array.shape[:2]
    first = px.matching(rgb255(view.selected_color(0)), tolerance=40)
    second = px.matching(rgb255(view.selected_color(1)), tolerance=40)
    # Cluster 0 on channels 0-3 (bottom), cluster 5 on channels 20-23, each in its colour.
    for mask, cluster in ((first, 0), (second, 5)):
        expected = np.mean([channel_pixel(view, c, (w, h)) for c in best_channels(cluster)],
                           axis=0)
        assert mask.sum() > 100
        assert np.allclose(px.centroid(mask), expected, atol=0.04 * max(w, h))
    # Every channel is drawn: a grey dot at each of the other channels.
    grey = px.matching(rgb255(view.channel_color), tolerance=40)
    for channel in set(range(N_CHANNELS)) - set(best_channels(0) + best_channels(5)):
        x, y = channel_pixel(view, channel, (w, h))
        assert grey[int(y) - 2:int(y) + 3, int(x) - 2:int(x) + 3].any(), channel
    select(supervisor, view, [])
    px = pixels(view)
    assert not px.matching(rgb255(view.selected_color(0)), tolerance=40).any()
    assert px.matching(rgb255(view.channel_color), tolerance=40).sum() > 0


def test_probe_view_shared_channels_show_both_colours(make_gui_with_supervisor, select, shown):
    gui, supervisor = make_gui_with_supervisor(np.repeat(np.arange(2), 10))
    view = ProbeView(positions=probe_positions(), best_channels=lambda c: [10, 11, 12])
    view.attach(gui)
    shown(view)
    select(supervisor, view, [0, 1])
    px = pixels(view)
    # The first cluster's dots are larger: a ring of its colour around the second one's.
    for i in range(2):
        assert px.matching(rgb255(view.selected_color(i)), tolerance=40).sum() > 30


def test_probe_view_labels_toggle(probe_view, select, config_dir):
    view, gui, supervisor = probe_view
    select(supervisor, view, [2])
    before = pixels(view).matching((230, 230, 230), tolerance=30)
    assert "toggle_show_labels" in view.actions.names
    view.actions.run("toggle_show_labels", True)
    assert view.do_show_labels
    px = pixels(view)
    labels = px.matching((230, 230, 230), tolerance=30) & ~before
    assert labels.sum() > 50
    # The labels are right of their dots, over the whole probe.
    h, w = px.array.shape[:2]
    dots = np.array([channel_pixel(view, c, (w, h)) for c in range(N_CHANNELS)])
    assert px.centroid(labels)[0] > dots[:, 0].mean()
    rows = np.nonzero(labels.any(axis=1))[0]
    assert rows.min() < dots[:, 1].min() + 10 and rows.max() > dots[:, 1].max() - 10
    view.actions.run("toggle_show_labels", False)
    assert np.array_equal(pixels(view).matching((230, 230, 230), tolerance=30), before)
    view.actions.run("toggle_show_labels", True)
    gui.close()
    state = json.loads((config_dir / gui.name / "state.json").read_text())
    assert state["ProbeView"] == {"do_show_labels": True}


def test_probe_view_bad_input(make_gui_with_supervisor, select, qtbot):
    with pytest.raises(ValueError, match=r"\(n_channels, 2\)"):
        ProbeView(positions=np.zeros(4), best_channels=best_channels)
    with pytest.raises(ValueError, match="3 channel labels for 32 channels"):
        ProbeView(positions=probe_positions(), best_channels=best_channels,
                  channel_labels=["a", "b", "c"])
    gui, supervisor = make_gui_with_supervisor()
    view = ProbeView(positions=probe_positions(), best_channels=lambda c: [0, 40])
    view.attach(gui)
    select(supervisor, view, [1])
    assert "cluster 1 include [40]" in view.dock.status


def test_probe_view_template_model(make_gui_with_supervisor, select, shown, phy_data,
                                   dataset_copy):
    from phy.apps.template import load_model

    model = load_model(dataset_copy(phy_data / "template") / "params.py")
    gui, supervisor = make_gui_with_supervisor(np.asarray(model.spike_clusters))
    view = ProbeView(positions=model.channel_positions, best_channels=model.get_cluster_channels,
                     channel_labels=model.channel_labels)
    view.attach(gui)
    shown(view)
    ids = [int(c) for c in model.cluster_ids[:2]]
    select(supervisor, view, ids)
    px = pixels(view)
    for i in range(2):
        assert px.matching(rgb255(view.selected_color(i)), tolerance=40).sum() > 20
    model.close()
