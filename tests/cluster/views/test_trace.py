"""Tests of the trace view: windows, bins, navigation on a recording with known spikes, pixels."""

import numpy as np
import pytest

from phy.cluster.views.trace import OTHER_SPIKE_COLOR, TraceView
from phy.cluster.views.trace_data import (
    interval_spikes,
    select_traces,
    spike_at,
)
from phy.utils import Bunch, ClusterColorSelector, connect, selected_cluster_color
from phy.utils import bus_events as ev

from ...plot.conftest import EventSender
from .conftest import pixels, rgb255

SR = 10_000.0
N_SAMPLES_WAVE = 20


def make_recording(n_channels=16, duration=20.0, n_clusters=4, seed=0, rate=2.0):
    """A recording with spikes at known times: cluster c on channels 4c and 4c + 1.

    Channel positions put the channels in reverse y order (channel 0 highest on the probe).
    """
    rng = np.random.default_rng(seed)
    n = int(duration * SR)
    data = rng.normal(0, 1.0, (n, n_channels)).astype(np.float32)
    spike_times, spike_clusters = [], []
    for c in range(n_clusters):
        t = np.sort(rng.uniform(0.1, duration - 0.1, int(rate * duration)))
        spike_times.append(t)
        spike_clusters.append(np.full(len(t), c))
    spike_times = np.concatenate(spike_times)
    spike_clusters = np.concatenate(spike_clusters)
    order = np.argsort(spike_times)
    spike_times, spike_clusters = spike_times[order], spike_clusters[order]
    shape = -15 * np.hanning(N_SAMPLES_WAVE)
    for t, c in zip(spike_times, spike_clusters):
        s = int(round(t * SR)) - N_SAMPLES_WAVE // 2
        data[s:s + N_SAMPLES_WAVE, [4 * c % n_channels, (4 * c + 1) % n_channels]] += shape[:, None]

    def spike_channels(spike_ids):
        c = spike_clusters[spike_ids]
        return np.column_stack([4 * c % n_channels, (4 * c + 1) % n_channels])

    def traces(interval):
        window = select_traces(data, interval, SR)
        t0 = int(round(interval[0] * SR)) / SR
        w = interval_spikes(interval, spike_times, spike_clusters, spike_channels,
                            N_SAMPLES_WAVE, sample_rate=SR)
        waveforms = [  # phy 2's list of Bunch.
            Bunch(data=window[int(round((st - t0) * SR)):][:N_SAMPLES_WAVE][:, ch],
                  channel_ids=ch, start_time=st, spike_id=s, spike_cluster=c, color=None)
            for s, c, st, ch in zip(w.spike_id, w.spike_cluster, w.start_time, w.channel_ids)]
        return Bunch(data=window, waveforms=waveforms)

    positions = np.column_stack([np.zeros(n_channels), np.arange(n_channels)[::-1] * 20.0])
    return Bunch(
        data=data, spike_times=spike_times, spike_clusters=spike_clusters, traces=traces,
        duration=duration, n_channels=n_channels, channel_positions=positions,
        spike_times_of=lambda c: spike_times[spike_clusters == c])


def make_view(rec, **kwargs):
    return TraceView(
        traces=rec.traces, spike_times=rec.spike_times_of, sample_rate=SR,
        duration=rec.duration, n_channels=rec.n_channels,
        channel_positions=rec.channel_positions, **kwargs)


@pytest.fixture
def rec():
    return make_recording()


@pytest.fixture
def trace_view(make_gui_with_supervisor, shown, rec):
    """A trace view attached to a GUI without threading (prepare and draw at once)."""
    gui, supervisor = make_gui_with_supervisor(rec.spike_clusters, enable_threading=False)
    view = make_view(rec)
    view.attach(gui)
    shown(view)
    view.set_interval()
    view.supervisor = supervisor
    return view


# -------------------------------------------------------------------------------------------------
# Navigation
# -------------------------------------------------------------------------------------------------

def test_navigation(trace_view, rec):
    v = trace_view
    assert v.interval == (0.0, 1.0)
    v.go_to(5.0)
    assert v.interval == (4.5, 5.5) and v.time == 5.0
    assert v._data.interval == (4.5, 5.5)  # Drawn.
    v.shift(-1.0)
    assert v.interval == (3.5, 4.5)
    v.go_right()
    assert v.interval == pytest.approx((3.7, 4.7))
    v.go_left()
    v.jump_right()
    assert v.interval == pytest.approx((4.5, 5.5))
    v.jump_left()
    assert v.interval == pytest.approx((3.5, 4.5))
    v.widen()
    assert v.half_duration == pytest.approx(0.625) and v.time == pytest.approx(4.0)
    v.narrow()
    assert v.half_duration == pytest.approx(0.5)
    v.go_to_end()
    assert v.interval == (rec.duration - 1.0, rec.duration)
    v.go_to(1000.0)  # Clamped.
    assert v.interval == (rec.duration - 1.0, rec.duration)
    v.go_to_start()
    assert v.interval == (0.0, 1.0)
    v.shift(-3)
    assert v.interval == (0.0, 1.0)


def test_next_previous_spike(trace_view, rec, select):
    v = trace_view
    select(v.supervisor, v, [2, 1])
    times = rec.spike_times_of(2)  # The first selected cluster.
    v.go_to(0.5)
    visited = []
    for _ in range(len(times)):
        v.go_to_next_spike()
        visited.append(v.time)
    expected = times[times > 0.5]
    expected = [max(t, v.half_duration) for t in expected]  # Clamped at the ends.
    expected = [min(t, rec.duration - v.half_duration) for t in expected]
    np.testing.assert_allclose(visited[:len(expected)], expected)
    v.go_to(times[5] + 1e-3)
    v.go_to_previous_spike()
    assert v.time == pytest.approx(times[5])
    v.go_to_previous_spike()
    assert v.time == pytest.approx(times[4])


def test_actions_shortcuts_and_snippets(trace_view, qtbot):
    v = trace_view
    actions = v.actions
    for name in ("go_left", "go_right", "jump_left", "jump_right", "go_to", "go_to_start",
                 "go_to_end", "go_to_next_spike", "go_to_previous_spike", "increase",
                 "decrease", "widen", "narrow", "switch_origin", "toggle_highlighted_spikes",
                 "toggle_show_labels", "toggle_auto_scale", "shift"):
        assert actions.get(name) is not None, name
    assert actions.get("switch_raw_data_filter") is None  # No filter given.
    assert actions.get("go_to").shortcut().toString().lower() == "alt+t"
    actions.run("go_to", 7)
    assert v.time == 7.0
    actions.run("shift", 2)
    assert v.time == 9.0
    actions.get("go_to_start").trigger()
    assert v.time == 0.5


def test_select_time_moves_the_view(trace_view):
    from phy.utils import emit

    emit(ev.SELECT_TIME, object(), 12.5)
    assert trace_view.time == 12.5


def test_state_saved(make_gui_with_supervisor, shown, rec):
    gui, _ = make_gui_with_supervisor(rec.spike_clusters, enable_threading=False)
    view = make_view(rec)
    view.attach(gui)
    view.go_to(8.0)
    view.increase()
    view.switch_origin()
    view.close()
    state = gui.state.get_view_state(view)
    assert state.interval == (7.5, 8.5) and state.origin == "bottom"
    assert state.scaling == pytest.approx(1.1)


# -------------------------------------------------------------------------------------------------
# Pixels
# -------------------------------------------------------------------------------------------------

def _spike_in_window(rec, cluster, t0, t1):
    times = rec.spike_times_of(cluster)
    return times[(times > t0 + 0.05) & (times < t1 - 0.05)]


def _row_y(view, channel, height):
    """Pixel row of the centre of a channel's row."""
    return int((1 - view.stacked[channel]) / 2 * height)


def test_selected_spikes_in_colours_others_grey(trace_view, rec, select):
    v = trace_view
    v.toggle_show_labels(False)  # Their white is close to the grey of the spikes.
    select(v.supervisor, v, [1, 2])
    t = _spike_in_window(rec, 1, 2, 18)[0]
    v.go_to(t)
    p = pixels(v)
    h, w = p.array.shape[:2]
    for i, cluster in enumerate((1, 2)):
        mask = p.matching(rgb255(selected_cluster_color(i)), tolerance=40)
        assert mask.sum() > 10, cluster
    # Cluster 1's spike at the centre, on its channels 4 and 5.
    mask = p.matching(rgb255(selected_cluster_color(0)), tolerance=40)
    rows, cols = np.nonzero(mask)
    near = np.abs(cols - w / 2) < 4
    assert near.sum() > 5
    ys = [_row_y(v, 4, h), _row_y(v, 5, h)]
    assert min(ys) - h / 16 < rows[near].min() < max(ys) + h / 16  # The spike goes down.
    def grey(p):  # Above the time axis labels (light grey too).
        return p.matching(rgb255(OTHER_SPIKE_COLOR), tolerance=20)[:-20].sum()

    assert grey(p) > 10
    # Highlighted spikes only: no grey.
    v.toggle_highlighted_spikes(False)
    assert grey(pixels(v)) == 0
    v.actions.get("toggle_highlighted_spikes").trigger()
    assert v.show_all_spikes


def test_shift_wheel_switches_the_colour_scheme_of_the_other_spikes(
        make_gui_with_supervisor, shown, rec, select):
    gui, supervisor = make_gui_with_supervisor(rec.spike_clusters, enable_threading=False)
    quality = {0: 3, 1: 4, 2: 5, 3: 6}
    selector = ClusterColorSelector(
        fields={"quality": quality.get}, cluster_ids=list(quality), color_field="cluster")
    view = make_view(rec, cluster_color_selector=selector)
    view.attach(gui)
    shown(view)
    view.toggle_show_labels(False)
    mapping_changes = []
    connect(lambda sender: mapping_changes.append(sender), event=ev.COLOR_MAPPING_CHANGED)
    select(supervisor, view, [1])
    view.go_to(_spike_in_window(rec, 2, 2, 18)[0])  # A spike of cluster 2 (not selected).

    def expected(cluster):  # Its colour-scheme colour, pale.
        color = np.array(selector.get(cluster))
        return rgb255(0.5 * np.array(OTHER_SPIKE_COLOR) + 0.5 * color)

    def near_centre(p, color):
        mask = p.matching(color, tolerance=12)
        return mask[:, mask.shape[1] // 2 - 6:mask.shape[1] // 2 + 6].sum()

    before = expected(2)
    assert near_centre(pixels(view), before) > 5
    # The selected cluster keeps its selection colour (as in the other views).
    assert pixels(view).matching(rgb255(selected_cluster_color(0)), tolerance=40).sum() > 5

    view.canvas.emit("mouse_wheel", pos=(100, 100), delta=(0, 1), modifiers=("Shift",))
    assert selector.color_field == "quality" and mapping_changes == [view]
    after = expected(2)
    assert max(abs(a - b) for a, b in zip(after, before)) > 40
    p = pixels(view)
    assert near_centre(p, after) > 5 and near_centre(p, before) == 0
    # Shift+wheel backwards: back to the first scheme, the first colours.
    view.canvas.emit("mouse_wheel", pos=(100, 100), delta=(0, -1), modifiers=("Shift",))
    assert selector.color_field == "cluster" and near_centre(pixels(view), before) > 5


def test_other_spikes_grey_without_a_colour_selector(trace_view):
    v = trace_view
    v.canvas.emit("mouse_wheel", pos=(100, 100), delta=(0, 1), modifiers=("Shift",))
    n_others = len(v._data.other_clusters)
    assert n_others and np.all(v._palette(v._data)[1:1 + n_others] == OTHER_SPIKE_COLOR)


def test_gain_changes_the_image(trace_view):
    v = trace_view
    before = pixels(v).drawn().sum()
    for _ in range(10):
        v.increase()
    assert v.scaling == pytest.approx(1.1 ** 10)
    assert pixels(v).drawn().sum() > 1.5 * before
    v.reset_scaling()
    assert pixels(v).drawn().sum() == pytest.approx(before, rel=0.05)


def test_origin_and_labels(trace_view, rec):
    v = trace_view
    # Channel 0 is the highest on the probe: last row from the top with origin 'top'.
    assert v.channel_order[0] == rec.n_channels - 1
    assert v.stacked[rec.n_channels - 1] > v.stacked[0]
    top = pixels(v).array
    v.switch_origin()
    assert v.stacked[rec.n_channels - 1] < v.stacked[0]
    assert not np.array_equal(pixels(v).array, top)
    v.switch_origin()
    with_labels = pixels(v).array
    v.toggle_show_labels(False)
    without = pixels(v).array
    assert not np.array_equal(with_labels[:, :20], without[:, :20])
    assert np.array_equal(with_labels[:, 40:], without[:, 40:])


def test_single_sample_spike_in_long_window(make_gui_with_supervisor, shown):
    """An envelope, not a decimation: one sample in 100 s x 10 kHz stays visible."""
    n_channels, duration = 4, 100.0
    data = np.zeros((int(duration * SR), n_channels), dtype=np.float32)
    t_spike = 37.1234
    data[int(round(t_spike * SR)), 2] = 3.0  # Flat traces: 1 data unit is half a row.
    gui, _ = make_gui_with_supervisor(enable_threading=False)
    view = TraceView(
        traces=lambda interval: Bunch(data=select_traces(data, interval, SR)),
        sample_rate=SR, duration=duration, n_channels=n_channels)
    view.attach(gui)
    shown(view)
    view.set_interval((0.0, duration))
    assert not view._data.bins.raw
    assert view._data.bins.ymin.shape[1] < 2 * view.canvas.get_size()[0]
    drawn = pixels(view).drawn()
    w = drawn.shape[1]
    x = int(t_spike / duration * w)
    per_column = drawn.sum(axis=0)
    assert np.median(per_column) < 10  # Four flat traces (and a few grid lines).
    assert drawn[:, x - 1:x + 2].any(axis=1).sum() > 1.4 * drawn.shape[0] / n_channels


def test_zoom_rebins_to_samples(trace_view):
    v = trace_view
    v.set_interval((2.0, 4.0))
    assert not v._data.bins.raw
    v.canvas.panzoom.set_pan_zoom(zoom=(100.0, 1.0))
    assert v._data.bins.raw  # 2 s / 100 = 200 samples on the screen: every sample drawn.
    start, stop = v._data.bins.start, v._data.bins.stop
    assert stop - start < 1000
    v.canvas.panzoom.set_pan_zoom(pan=(0.5, 0.0))
    assert v._data.bins.start < start  # Binned again around the visible part.
    v.canvas.panzoom.reset()
    assert not v._data.bins.raw


def test_ctrl_click_selects_spike_shift_click_channel(trace_view, rec, qtbot):
    v = trace_view
    t = _spike_in_window(rec, 3, 2, 18)[0]
    v.go_to(t)
    w, h = v.canvas.get_size()
    spike = spike_at(v._data, t, 12, SR, tolerance=0)
    assert spike["cluster_id"] == 3 and rec.spike_times[spike["spike_id"]] == pytest.approx(t)
    requests, channels = [], []
    connect(lambda sender, ids: requests.append(ids), event=ev.REQUEST_SELECT)
    connect(lambda sender, **kw: channels.append(kw), event=ev.CHANNEL_CLICK)
    sender = EventSender()
    y = _row_y(v, 12, h)
    sender.click(v.canvas, (w / 2, y), modifiers=("Control",))
    assert requests == [[3]]
    qtbot.waitUntil(lambda: v.cluster_ids == [3])  # The supervisor selected it.
    sender.click(v.canvas, (w / 2, y), modifiers=("Shift",), button="Right")
    assert channels == [dict(channel_id=12, key=None, button="Right")]
    sender.click(v.canvas, (5, _row_y(v, 0, h)), modifiers=("Control",))  # No spike there.
    assert requests == [[3]]


def test_filter_switch(make_gui_with_supervisor, shown, rec):
    gui, _ = make_gui_with_supervisor(rec.spike_clusters, enable_threading=False)
    calls = []

    def flatten(data, axis=0):
        calls.append(data.shape)
        return np.zeros_like(data)

    view = make_view(rec, filters={"flat": flatten})
    view.attach(gui)
    shown(view)
    view.set_interval()
    assert view.raw_data_filter == "flat" and calls
    assert calls[-1][0] == int(1.02 * SR)  # The interval and the margin after it.
    assert np.all(view._data.traces == 0)
    view.actions.get("switch_raw_data_filter").trigger()
    assert view.raw_data_filter == "raw" and np.any(view._data.traces != 0)
    view.switch_raw_data_filter()
    assert view.raw_data_filter == "flat"


def test_wheel(trace_view):
    v = trace_view
    v.go_to(10.0)
    v.canvas.emit("mouse_wheel", pos=(100, 100), delta=(0, 1), modifiers=("Control",))
    assert v.scaling == pytest.approx(1.1)
    assert v.canvas.panzoom.zoom == [1.0, 1.0]  # Not a zoom.
    v.canvas.emit("mouse_wheel", pos=(100, 100), delta=(0, -1), modifiers=("Alt",))
    assert v.time == pytest.approx(10.2)


def test_threaded_selection(make_gui_with_supervisor, shown, select, rec):
    gui, supervisor = make_gui_with_supervisor(rec.spike_clusters)
    view = make_view(rec)
    view.attach(gui)
    shown(view)
    select(supervisor, view, [0])
    assert view._data.cluster_ids == [0]
    assert pixels(view).matching(rgb255(selected_cluster_color(0)), tolerance=40).sum() > 0


def test_template_dataset(make_gui_with_supervisor, shown, select, tmp_path):
    """The template data layer on a synthetic dataset with raw data (an adapter function)."""
    from phy.apps.template import load_model
    from phy.io.synthetic import make_template_dataset

    make_template_dataset(tmp_path / "ds", n_spikes=3000, n_templates=8, n_channels=16,
                          duration=5.0, seed=1, features=False)
    model = load_model(tmp_path / "ds" / "params.py")
    templates = model.spike_templates
    channels = {t: model.get_template_channels(t)[:4] for t in np.unique(templates)}

    def traces(interval):
        return Bunch(
            data=select_traces(model.traces, interval, model.sample_rate),
            waveforms=interval_spikes(
                interval, model.spike_times, model.spike_clusters,
                lambda ids: np.array([channels[t] for t in templates[ids]]).reshape(len(ids), -1),
                model.n_samples_waveforms, sample_rate=model.sample_rate))

    gui, supervisor = make_gui_with_supervisor(
        np.asarray(model.spike_clusters), enable_threading=False)
    view = TraceView(
        traces=traces, spike_times=lambda c: model.spike_times[model.spike_clusters == c],
        sample_rate=model.sample_rate, duration=model.duration, n_channels=model.n_channels,
        channel_positions=model.channel_positions)
    view.attach(gui)
    shown(view)
    cluster = int(model.spike_clusters[len(model.spike_clusters) // 2])
    select(supervisor, view, [cluster])
    view.go_to_next_spike()
    # The selected cluster's class is the highest: one class per other cluster before it.
    assert view._data.classes.max() == 1 + len(view._data.other_clusters)
    assert cluster not in view._data.other_clusters
    assert pixels(view).matching(rgb255(selected_cluster_color(0)), tolerance=40).sum() > 0
    model.close()


# -------------------------------------------------------------------------------------------------
# Cache of the windows, prefetching
# -------------------------------------------------------------------------------------------------

class CountingTraces:
    """A ``traces`` function counting its calls; ``gate`` (cleared) makes it wait."""

    def __init__(self, rec):
        import threading

        self.rec, self.intervals = rec, []
        self.gate, self.waiting = threading.Event(), threading.Event()
        self.gate.set()

    def __call__(self, interval):
        self.intervals.append(tuple(interval))
        if not self.gate.is_set():
            self.waiting.set()
            self.gate.wait(10)
        return self.rec.traces(interval)


def _counting_view(gui, shown, rec, qtbot, **kwargs):
    traces = CountingTraces(rec)
    view = TraceView(
        traces=traces, spike_times=rec.spike_times_of, sample_rate=SR, duration=rec.duration,
        n_channels=rec.n_channels, channel_positions=rec.channel_positions, **kwargs)
    view.attach(gui)
    shown(view)
    qtbot.waitUntil(lambda: view._data is not None and not view.is_busy)
    return view, traces


def _neighbours_cached(view):
    t0, t1 = view.interval
    d = t1 - t0
    keys = [((t0 + s * d, t1 + s * d), view.raw_data_filter, view._data_version) for s in (-1, 1)]
    return all(k in view._cache for k in keys if k[0][0] >= 0)


def test_cached_window_is_what_a_fresh_prepare_gives(make_gui_with_supervisor, shown, rec, qtbot):
    gui, _ = make_gui_with_supervisor(rec.spike_clusters, enable_threading=False)
    view, traces = _counting_view(gui, shown, rec, qtbot, filters={"high": lambda x, axis=0: -x})
    view.go_to(7.3)
    n = len(traces.intervals)
    cached = view.prepare([1, 0])
    assert len(traces.intervals) == n  # A cache hit.
    view._cache.clear()
    fresh = view.prepare([1, 0])
    assert len(traces.intervals) == n + 1
    for name in ("traces", "center", "first_sample", "amplitude", "classes", "interval"):
        np.testing.assert_array_equal(cached[name], fresh[name])
    for name in ("ymin", "ymax", "edges", "classes"):
        np.testing.assert_array_equal(cached.bins[name], fresh.bins[name])
    assert view.prefetch is False  # No GUI threading: nothing runs behind the test's back.


def test_neighbours_prefetched_after_a_draw(make_gui_with_supervisor, shown, rec, qtbot):
    gui, _ = make_gui_with_supervisor(rec.spike_clusters)
    view, traces = _counting_view(gui, shown, rec, qtbot)
    view.go_to(10.0)
    qtbot.waitUntil(lambda: view._data.interval == view.interval and _neighbours_cached(view))
    for jump, shift in ((view.jump_right, 1), (view.jump_left, -1), (view.jump_left, -1)):
        target = tuple(t + shift for t in view.interval)
        assert traces.intervals.count(target) == 1  # Prefetched.
        jump()
        qtbot.waitUntil(lambda: not view.is_busy and view._data.interval == view.interval)
        assert view.interval == pytest.approx(target)
        assert traces.intervals.count(target) == 1  # Not read again: a cache hit.
        qtbot.waitUntil(lambda: _neighbours_cached(view))
    assert view.interval == pytest.approx((8.5, 9.5))
    fresh = view._read_window(view.interval, view.raw_data_filter)
    np.testing.assert_array_equal(view._data.traces, fresh.traces)
    assert pixels(view).matching(rgb255((0.3, 0.36, 0.44)), tolerance=40).sum() > 0


def test_filter_change_invalidates_the_cache(make_gui_with_supervisor, shown, rec, qtbot):
    gui, supervisor = make_gui_with_supervisor(rec.spike_clusters, enable_threading=False)
    scale = [1.0]
    view, traces = _counting_view(
        gui, shown, rec, qtbot, filters={"scaled": lambda x, axis=0: scale[0] * x})
    view.go_to(5.0)
    before = view._data.traces.copy()
    n = len(traces.intervals)
    view.plot()
    assert len(traces.intervals) == n  # Same window: from the cache.
    scale[0] = 2.0  # The filter changes (a new one under the same name): switch away and back.
    view.switch_raw_data_filter()
    assert view.raw_data_filter == "raw" and len(traces.intervals) == n + 1
    view.switch_raw_data_filter()
    assert view.raw_data_filter == "scaled" and len(traces.intervals) == n + 2
    np.testing.assert_allclose(view._data.traces, 2 * before)
    view.on_cluster(None)  # The spikes' clusters changed: the window is read again.
    view.plot()
    assert len(traces.intervals) == n + 3


def test_closing_stops_prefetching(make_gui_with_supervisor, shown, rec, qtbot):
    from phy.gui.threads import thread_pool

    gui, _ = make_gui_with_supervisor(rec.spike_clusters)
    view, traces = _counting_view(gui, shown, rec, qtbot)
    qtbot.waitUntil(lambda: _neighbours_cached(view))
    traces.gate.clear()  # The next prefetch waits inside `traces`.
    view.jump_right()
    qtbot.waitUntil(lambda: traces.waiting.is_set())
    n = len(traces.intervals)
    view.close()
    traces.gate.set()
    thread_pool().waitForDone()
    assert len(view._cache) == 0  # What the running prefetch read is dropped.
    assert len(traces.intervals) == n  # The queued prefetch did not read.
    view._prefetch_neighbours(((5.0, 6.0), "raw", 0))
    view.prefetch = True
    view._prefetch_neighbours(((5.0, 6.0), "raw", 0))
    thread_pool().waitForDone()
    assert len(traces.intervals) == n and len(view._cache) == 0
