"""Tests of the amplitude view: colours and background drawn where the amplitudes are, amplitude
types, the time selection, the lasso on every spike, the template data layer."""

import json

import numpy as np
import pytest

from phy.cluster.views.amplitude import AmplitudeView
from phy.plot.lasso import points_in_polygon
from phy.utils import Bunch, connect, emit
from phy.utils import bus_events as ev
from phy.utils.array import regular_subset

from ...plot.conftest import EventSender
from .conftest import pixels, rgb255

DURATION = 100.0


def make_amplitudes(spike_clusters, n_max=500, seed=0):
    """Amplitude functions: ``template`` puts cluster c around 10 + 20 c, ``raw`` around 90 - 20 c.

    Spike times are uniform in [0, DURATION]; at most `n_max` spikes per cluster (and in the
    background) unless load_all. Returns the functions and (times, template amplitudes).
    """
    rng = np.random.default_rng(seed)
    n = len(spike_clusters)
    times = rng.uniform(0, DURATION, n)  # every cluster over the whole recording
    noise = rng.normal(0, 1.5, n)

    def getter(amplitudes):
        def get(cluster_ids, load_all=False):
            out = []
            for c in cluster_ids:
                ids = np.arange(n) if c is None else np.nonzero(spike_clusters == c)[0]
                ids = ids if load_all else regular_subset(ids, n_max)
                out.append(Bunch(amplitudes=amplitudes[ids], spike_ids=ids,
                                 spike_times=times[ids]))
            return out
        return get

    template = 10 + 20 * spike_clusters + noise
    raw = 90 - 20 * spike_clusters + noise
    return {"template": getter(template), "raw": getter(raw)}, (times, template)


def amp_row(view, amplitude, height):
    """Pixel row of an amplitude in the canvas."""
    _, ymin, _, ymax = view.data_bounds
    return (1 - (amplitude - ymin) / (ymax - ymin)) * height


def band(mask, view, amplitude, half=2.0):
    """Number of pixels of a mask in the rows of amplitudes within `half` of `amplitude`."""
    h = mask.shape[0]
    r0, r1 = sorted([amp_row(view, amplitude + half, h), amp_row(view, amplitude - half, h)])
    return int(mask[int(r0):int(np.ceil(r1))].sum())


@pytest.fixture
def amplitude_view(make_gui_with_supervisor, select, shown):
    """``(view, gui, supervisor, (times, amplitudes))``: 4 clusters of 2000 spikes, view shown."""
    sc = np.repeat(np.arange(4), 2000)
    amplitudes, truth = make_amplitudes(sc)
    gui, supervisor = make_gui_with_supervisor(sc)
    view = AmplitudeView(amplitudes=amplitudes, duration=DURATION)
    view.attach(gui)
    shown(view)
    return view, gui, supervisor, truth


def test_amplitude_view_two_clusters_over_grey_background(amplitude_view, select):
    view, gui, supervisor, _ = amplitude_view
    select(supervisor, view, [1, 3])
    px = pixels(view)
    h, w = px.array.shape[:2]
    assert view.data_bounds[0] == 0 and view.data_bounds[2] == DURATION
    assert view.dock.status == "template"
    first = px.matching(rgb255(view.selected_color(0)), tolerance=50)
    second = px.matching(rgb255(view.selected_color(1)), tolerance=50)
    # Cluster 1 around amplitude 30 (first colour), cluster 3 around 70 (second colour), both
    # spread over the whole time axis.
    assert first.sum() > 500 and second.sum() > 500
    assert abs(px.centroid(first)[1] - amp_row(view, 30, h)) < 0.05 * h
    assert abs(px.centroid(second)[1] - amp_row(view, 70, h)) < 0.05 * h
    for mask in (first, second):
        cols = np.nonzero(mask.any(axis=0))[0]
        assert cols.min() < 0.1 * w and cols.max() > 0.9 * w
    # The other clusters (amplitudes 10 and 50) in grey, not where there are no spikes (35, away
    # from the grid lines and labels at multiples of 20).
    # (Grey dots blended over black, not the darker grey of the grid lines.)
    grey = px.matching(rgb255(np.multiply(view.background_color, view.background_color[3])),
                       tolerance=6)
    for amplitude in (10, 50):
        assert band(grey, view, amplitude) > 20 * max(1, band(grey, view, 35))
        assert band(first | second, view, amplitude) == 0
    select(supervisor, view, [])
    px = pixels(view)
    assert not px.matching(rgb255(view.selected_color(0)), tolerance=50).any()


def test_amplitude_types_cycle(amplitude_view, select, qtbot, config_dir):
    view, gui, supervisor, _ = amplitude_view
    select(supervisor, view, [1, 3])
    h = pixels(view).array.shape[0]

    def first_row():
        px = pixels(view)
        return px.centroid(px.matching(rgb255(view.selected_color(0)), tolerance=50))[1]

    assert abs(first_row() - amp_row(view, 30, h)) < 0.05 * h
    assert view.actions.shortcuts["next_amplitude_type"] == "a"
    assert view.actions.shortcuts["previous_amplitude_type"] == "shift+a"
    view.actions.run("next_amplitude_type")
    qtbot.waitUntil(lambda: not view.is_busy)
    # Raw amplitudes: cluster 1 now around 90 - 20 = 70.
    assert view.amplitudes_type == "raw" and view.dock.status == "raw"
    assert abs(first_row() - amp_row(view, 70, h)) < 0.05 * h
    view.actions.run("next_amplitude_type")  # cycles back to the first type
    qtbot.waitUntil(lambda: not view.is_busy)
    assert view.amplitudes_type == "template"
    view.actions.run("previous_amplitude_type")
    qtbot.waitUntil(lambda: not view.is_busy)
    assert view.amplitudes_type == "raw"
    assert abs(first_row() - amp_row(view, 70, h)) < 0.05 * h
    gui.close()
    state = json.loads((config_dir / gui.name / "state.json").read_text())["AmplitudeView"]
    assert state["amplitudes_type"] == "raw"


def test_amplitude_type_restored_or_ignored(qtbot):
    amplitudes, _ = make_amplitudes(np.zeros(10, dtype=np.int64))
    view = AmplitudeView(amplitudes=amplitudes, amplitudes_type="raw")
    assert view.amplitudes_type == "raw"
    view.set_state({"amplitudes_type": "feature", "marker_size": 7})  # not a type of this view
    assert view.amplitudes_type == "raw" and view.marker_size == 7
    with pytest.raises(ValueError, match="Unknown amplitude type 'feature'"):
        view.amplitudes_type = "feature"
    view.close()
    with pytest.raises(ValueError, match="at least one amplitude function"):
        AmplitudeView(amplitudes={})


def test_alt_click_selects_time(amplitude_view, select):
    view, gui, supervisor, _ = amplitude_view
    select(supervisor, view, [2])
    times = []
    connect(lambda sender, time: times.append((sender, time)), event=ev.SELECT_TIME)
    w, h = view.canvas.get_size()
    send = EventSender()
    send.click(view.canvas, (0.25 * w, 0.5 * h), modifiers=("Alt",))
    assert len(times) == 1 and times[0][0] is view
    assert times[0][1] == pytest.approx(0.25 * DURATION, abs=DURATION / w)
    view.canvas.panzoom.zoom = 2  # the time follows the pan/zoom: the centre is still 50 s
    send.click(view.canvas, (0.5 * w, 0.5 * h), modifiers=("Alt",))
    send.click(view.canvas, (0.75 * w, 0.5 * h), modifiers=("Alt",))
    assert times[1][1] == pytest.approx(0.5 * DURATION, abs=DURATION / w)
    assert times[2][1] == pytest.approx(0.625 * DURATION, abs=DURATION / w)
    send.click(view.canvas, (0.5 * w, 0.5 * h))  # a plain click selects no time
    assert len(times) == 3


def test_marker_size_changes_image(amplitude_view, select):
    view, gui, supervisor, _ = amplitude_view
    select(supervisor, view, [1, 3])
    before = pixels(view).matching(rgb255(view.selected_color(0)), tolerance=50).sum()
    for _ in range(5):
        view.actions.run("increase_marker_size")
    after = pixels(view).matching(rgb255(view.selected_color(0)), tolerance=50).sum()
    assert view.marker_size == pytest.approx(4 * 1.1 ** 5)
    assert after > 1.2 * before


def test_lasso_splits_every_spike(make_gui_with_supervisor, select, shown):
    # Cluster 0 has 50,000 spikes, of which the view displays 2,500.
    sc = np.r_[np.zeros(50_000, dtype=np.int64), np.ones(1000, dtype=np.int64)]
    amplitudes, (times, amps) = make_amplitudes(sc, n_max=2500)
    gui, supervisor = make_gui_with_supervisor(sc)
    view = AmplitudeView(amplitudes=amplitudes, duration=DURATION)
    view.attach(gui)
    shown(view)
    select(supervisor, view, [0])
    assert [len(b.spike_ids) for b in view.get_clusters_data()] == [2500, 2500]
    w, h = view.canvas.get_size()
    # A rectangle from 20 to 60 s around amplitude 10 (cluster 0 only).
    top, bottom = amp_row(view, 12, h), amp_row(view, 8, h)
    clicks = [(0.2 * w, top), (0.6 * w, top), (0.6 * w, bottom), (0.2 * w, bottom)]
    send = EventSender()
    for pos in clicks:
        send.click(view.canvas, pos, modifiers=("Control",))
    xmin, ymin, xmax, ymax = view.data_bounds
    polygon = np.array([(xmin + x / w * (xmax - xmin), ymax - y / h * (ymax - ymin))
                        for x, y in clicks])
    cluster0 = np.nonzero(sc == 0)[0]
    pos = np.column_stack([times[cluster0], amps[cluster0]])
    expected = cluster0[points_in_polygon(pos, polygon)]
    assert len(expected) > 10_000  # far more than the displayed spikes
    spike_ids = emit(ev.REQUEST_SPLIT, supervisor, single=True)
    assert np.array_equal(spike_ids, expected)


def test_bad_amplitude_function_shown_in_status(make_gui_with_supervisor, select):
    gui, supervisor = make_gui_with_supervisor()

    def broken(cluster_ids, load_all=False):
        return [Bunch(amplitudes=np.zeros(3), spike_ids=np.arange(2), spike_times=np.zeros(3))
                for _ in cluster_ids]

    view = AmplitudeView(amplitudes={"template": broken})
    view.attach(gui)
    select(supervisor, view, [1])
    assert "different lengths" in view.dock.status


def test_template_model_amplitudes(make_gui_with_supervisor, select, shown, phy_data,
                                   dataset_copy):
    from phy.apps.template import load_model

    model = load_model(dataset_copy(phy_data / "template") / "params.py")
    spike_clusters = np.asarray(model.spike_clusters)

    def template_amplitudes(cluster_ids, load_all=False):
        out = []
        for c in cluster_ids:
            ids = np.arange(model.n_spikes) if c is None else model.get_cluster_spikes(c)
            ids = ids if load_all else regular_subset(ids, 10_000)
            out.append(Bunch(amplitudes=model.amplitudes[ids], spike_ids=ids,
                             spike_times=model.spike_times[ids]))
        return out

    gui, supervisor = make_gui_with_supervisor(spike_clusters)
    view = AmplitudeView(amplitudes={"template": template_amplitudes}, duration=model.duration)
    view.attach(gui)
    shown(view)
    counts = np.bincount(spike_clusters)
    two = [int(c) for c in np.argsort(counts)[-2:]]  # the two largest clusters
    select(supervisor, view, two)
    px = pixels(view)
    for i in range(2):
        assert px.matching(rgb255(view.selected_color(i)), tolerance=50).sum() > 50
    assert view.data_bounds[3] >= float(np.max(model.amplitudes))
    model.close()
