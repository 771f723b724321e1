"""Tests of the waveform view: channel boxes on the probe, colours, toggles, scalings, clicks."""

import json
import shutil

import numpy as np
import pytest

from phy.cluster.views.waveform import WaveformView, probe_box_bounds
from phy.utils import Bunch, connect, unconnect
from phy.utils import bus_events as ev

from ...plot.conftest import EventSender
from .conftest import pixels, rgb255

N_CHANNELS, N_SAMPLES, N_SPIKES = 8, 40, 20
#: A two-column probe: channel c at x = 20 (c % 2), y = 20 (c // 2).
POSITIONS = 20.0 * np.column_stack([np.arange(N_CHANNELS) % 2, np.arange(N_CHANNELS) // 2])


def cluster_channels(cluster_id):
    """Cluster c has its waveforms on channels 2c, ..., 2c + 3."""
    return np.arange(2 * cluster_id, 2 * cluster_id + 4) % N_CHANNELS


def make_waveforms(alpha=None, bipolar=False, amplitude=100.0, calls=None, seed=0):
    """A waveform function: a negative peak in the middle of the window on each channel.

    With ``bipolar``, half the spikes peak up and half down (their mean is flat at the peak).
    """
    rng = np.random.default_rng(seed)
    t = np.arange(N_SAMPLES)
    shape = np.exp(-0.5 * ((t - N_SAMPLES // 2) / 4.0) ** 2)

    def waveforms(cluster_id, n_spikes=N_SPIKES):
        if calls is not None:
            calls.append((cluster_id, n_spikes))
        channels = cluster_channels(cluster_id)
        sign = np.where(np.arange(N_SPIKES) % 2 == 0, 1.0, -1.0) if bipolar else -np.ones(N_SPIKES)
        gain = np.linspace(1.0, 0.6, len(channels))
        data = (amplitude * sign[:, None, None] * shape[None, :, None] * gain[None, None, :]
                + rng.normal(scale=1.0, size=(N_SPIKES, N_SAMPLES, len(channels))))
        b = Bunch(data=data[:n_spikes], channel_ids=channels, spike_ids=np.arange(n_spikes),
                  channel_positions=POSITIONS[channels],
                  channel_labels=[f"ch{c}" for c in channels])
        if alpha is not None:
            b.alpha = alpha
        return b

    return waveforms


@pytest.fixture
def waveform_view(make_gui_with_supervisor, select, shown):
    """``make(waveforms=None, **kwargs)``: a WaveformView in a GUI, and a ``select(ids)``."""

    def make(waveforms=None, **kwargs):
        gui, supervisor = make_gui_with_supervisor(np.repeat(np.arange(4), 10))
        view = WaveformView(waveforms=waveforms or {"waveforms": make_waveforms(alpha=1.0)},
                            **kwargs)
        view.attach(gui)
        shown(view)
        return view, lambda ids: select(supervisor, view, ids)

    return make


@pytest.fixture
def idle(qtbot):
    """``idle(view)``: wait until a view has drawn what it prepares (after a threaded plot)."""

    def wait(view):
        qtbot.waitUntil(lambda: not view.is_busy)
        return view

    return wait


def box_pixel(view, px, channel_id, local=(0.0, 0.0)):
    """(x, y) pixel of a local position in the box of a channel."""
    box = int(np.nonzero(view.channel_ids == channel_id)[0][0])
    ndc = view.boxed.map(np.atleast_2d(local), box=box)[0]
    h, w = px.array.shape[:2]
    return int((ndc[0] + 1) / 2 * w), int((1 - ndc[1]) / 2 * h)


def box_mask(view, px, channel_id):
    """Mask of the pixels inside the box of a channel (a few pixels from its borders)."""
    box = int(np.nonzero(view.channel_ids == channel_id)[0][0])
    x0, y0, x1, y1 = view.boxed.box_bounds[box]
    h, w = px.array.shape[:2]
    mask = np.zeros((h, w), dtype=bool)
    inset = 3  # Pixels: a line on a box border may spill over.
    mask[int((1 - y1) / 2 * h) + inset:int((1 - y0) / 2 * h) - inset,
         int((x0 + 1) / 2 * w) + inset:int((x1 + 1) / 2 * w) - inset] = True
    return mask


def colour_masks(view, px, tolerance=40):
    return [px.matching(rgb255(view.selected_color(i)), tolerance=tolerance) for i in range(2)]


# -------------------------------------------------------------------------------------------------
# Drawing
# -------------------------------------------------------------------------------------------------

def test_two_clusters_drawn_in_their_channel_boxes(waveform_view):
    view, select = waveform_view()
    select([0, 1])
    # The union of the clusters' channels, in order of appearance, one box each.
    assert list(view.channel_ids) == [0, 1, 2, 3, 4, 5]
    assert view.boxed.n_boxes == 6
    assert view.dock.status == "waveforms, 6 channels"
    px = pixels(view)
    first, second = colour_masks(view, px)
    for channel in (0, 1):  # cluster 0 only
        box = box_mask(view, px, channel)
        assert (first & box).sum() > 30 and (second & box).sum() == 0
    for channel in (4, 5):  # cluster 1 only
        box = box_mask(view, px, channel)
        assert (second & box).sum() > 30 and (first & box).sum() == 0
    for channel in (2, 3):  # both
        box = box_mask(view, px, channel)
        assert (first & box).sum() > 30 and (second & box).sum() > 30
    # The probe geometry: channel 4 (x = 0, y = 40) is above channel 0 (y = 0), left of 5.
    x0, y0 = box_pixel(view, px, 0)
    x4, y4 = box_pixel(view, px, 4)
    x5, _ = box_pixel(view, px, 5)
    assert y4 < y0 and abs(x4 - x0) <= 1 and x4 < x5
    select([])
    assert not pixels(view).drawn().any()
    assert len(view.channel_ids) == 0


def test_waveforms_drawn_at_their_amplitude(waveform_view):
    view, select = waveform_view()
    select([0])
    # The largest peak of the mean waveform is the box's half height: the mean peak of channel
    # 0 (negative, the largest) reaches the bottom of its box.
    data = view._data
    assert data.data_scale == pytest.approx(
        np.abs(make_waveforms()(0).data.mean(axis=0)).max(), rel=0.05)
    assert data.mean_pos[:, 1].min() == pytest.approx(-1.0, abs=1e-6)
    assert data.pos[:, 1].min() == pytest.approx(-1.0, abs=0.1)
    px = pixels(view)
    colour = px.matching(rgb255(view.selected_color(0)), tolerance=40)
    x, y_peak = box_pixel(view, px, 0, (0.0, -0.95))
    assert colour[y_peak - 3:y_peak + 4, x - 3:x + 4].any()


def test_overlap_toggle(waveform_view, idle):
    view, select = waveform_view()
    select([0, 1])
    assert not view.overlap
    px = pixels(view)
    box = box_mask(view, px, 2)
    first, second = colour_masks(view, px)
    # Side by side: cluster 0 on the left of the shared box, cluster 1 on the right; alone in
    # its box, a cluster takes the whole width.
    assert px.centroid(first & box)[0] < px.centroid(second & box)[0] - 10
    alone = box_mask(view, px, 0)
    x_center, _ = box_pixel(view, px, 0)
    assert abs(px.centroid(first & alone)[0] - x_center) < 3
    view.actions.run("toggle_waveform_overlap", True)
    idle(view)
    assert view.overlap and view.actions.get("toggle_waveform_overlap").isChecked()
    px2 = pixels(view)
    first, second = colour_masks(view, px2)
    assert abs(px2.centroid(first & box)[0] - px2.centroid(second & box)[0]) < 5
    assert not np.array_equal(px.array, px2.array)


def test_mean_waveforms_toggle(waveform_view):
    # Half the waveforms peak up, half down: at the peak, only the mean is on the baseline.
    view, select = waveform_view({"waveforms": make_waveforms(bipolar=True)})
    select([0])
    px = pixels(view)
    x, y = box_pixel(view, px, 1)
    assert not px.drawn()[y - 1:y + 2, x - 1:x + 2].any()
    view.actions.run("toggle_mean_waveforms", True)
    px2 = pixels(view)
    mean_colour = px2.matching(rgb255(view.selected_color(0)), tolerance=30)
    # The mean is on the baseline around the peak, where no waveform is.
    for local_x in (-0.1, 0.0, 0.1):
        x, y = box_pixel(view, px2, 1, (local_x, 0.0))
        assert mean_colour[y - 1:y + 2, x - 1:x + 2].any()
    assert view.mean_visual.visible and len(view._data.mean_sizes) == 4
    view.toggle_mean_waveforms(False)
    assert not view.actions.get("toggle_mean_waveforms").isChecked()
    assert np.array_equal(pixels(view).array, px.array)


def test_channel_labels_toggle(waveform_view):
    view, select = waveform_view()
    select([0, 1])

    def white(px):  # The labels are white-grey; the cluster colours are not grey.
        a = px.array[..., :3].astype(int)
        return (a.min(axis=2) > 120) & (a.max(axis=2) - a.min(axis=2) < 20)

    px = pixels(view)
    assert view.do_show_labels and white(px).sum() > 20
    # A label is near the left of the baseline of its box.
    x, y = box_pixel(view, px, 3, (-1.0, 0.0))
    assert white(px)[y - 20:y + 2, x - 2:x + 40].any()
    view.actions.run("toggle_show_labels", False)
    px2 = pixels(view)
    assert white(px2).sum() == 0
    assert not view.actions.get("toggle_show_labels").isChecked()


def test_masked_channels_desaturated(waveform_view):
    f = make_waveforms(alpha=1.0)

    def masked(cluster_id):
        b = f(cluster_id)
        b.masks = np.ones((N_SPIKES, 4))
        b.masks[:, 1] = 0  # The second channel (1) is masked for every spike.
        return b

    view, select = waveform_view({"waveforms": masked})
    select([0])
    px = pixels(view)
    colour = px.matching(rgb255(view.selected_color(0)), tolerance=40)
    assert (colour & box_mask(view, px, 0)).sum() > 30
    assert (px.drawn() & box_mask(view, px, 1)).sum() > 30
    assert (colour & box_mask(view, px, 1)).sum() == 0


# -------------------------------------------------------------------------------------------------
# Waveform types, number of waveforms, scalings
# -------------------------------------------------------------------------------------------------

def test_waveform_types_cycle_and_rescale(waveform_view, idle):
    templates = make_waveforms(amplitude=1000.0)

    def template(cluster_id):
        b = templates(cluster_id)
        b.data = b.data.mean(axis=0)[np.newaxis]
        return b

    view, select = waveform_view(
        {"waveforms": make_waveforms(), "templates": template}, waveforms_type="templates")
    assert view.waveforms_types == ["waveforms", "templates"]
    select([0])
    assert view._data.waveforms_type == "templates" and view.dock.status.startswith("templates")
    assert len(view._data.plot_sizes) == 4  # one waveform on 4 channels
    assert view._data.pos[:, 1].min() == pytest.approx(-1.0, abs=1e-3)
    view.actions.run("next_waveforms_type")
    idle(view)
    # The waveforms are 10 times smaller than the templates, and rescaled to fill their boxes.
    assert view.waveforms_type == "waveforms" and view._data.waveforms_type == "waveforms"
    assert view._data.mean_pos[:, 1].min() == pytest.approx(-1.0, abs=1e-6)
    assert len(view._data.plot_sizes) == 4 * N_SPIKES
    # The scale of a type is kept across selections (amplitudes are comparable).
    select([1])
    assert view._data.data_scale == view._data_scales["waveforms"]
    view.previous_waveforms_type()
    idle(view)
    assert view.waveforms_type == "templates"


def test_number_of_waveforms_snippet(waveform_view, idle):
    calls = []
    view, select = waveform_view({"waveforms": make_waveforms(calls=calls)})
    select([0])
    assert calls[-1] == (0, 100)  # The default, given to a function taking `n_spikes`.
    view.actions.run("wn", 5)  # The snippet :wn 5
    idle(view)
    assert view.n_spikes_waveforms == 5 and calls[-1] == (0, 5)
    assert len(view._data.plot_sizes) == 5 * 4
    assert list(view.get_clusters_data()[0].spike_ids) == list(range(5))


def test_function_without_n_spikes_subsampled(waveform_view):
    f = make_waveforms()
    view, select = waveform_view({"waveforms": lambda cluster_id: f(cluster_id)})
    view.n_spikes_waveforms = 7
    select([0])
    assert len(view._data.plot_sizes) == 4 * 7
    assert list(view.get_clusters_data()[0].spike_ids) == list(range(0, 20, 3))


def drawn_bbox(view):
    return pixels(view).bbox(pixels(view).drawn())


def test_box_scaling_actions_change_the_image(waveform_view):
    view, select = waveform_view()
    view.toggle_show_labels(False)
    select([0])
    rows = lambda: drawn_bbox(view)[1] - drawn_bbox(view)[0]  # noqa: E731
    box = view.boxed.box_bounds[0]
    base_height = rows()
    view.actions.run("increase")
    view.actions.run("increase")
    assert view.box_scaling[1] == pytest.approx(1.21)
    assert tuple(view.boxed.scaling) == view.box_scaling
    assert rows() > base_height
    view.actions.run("decrease")
    assert view.box_scaling == pytest.approx((1.0, 1.1))
    view.actions.run("narrow")
    assert view.box_scaling[0] == pytest.approx(1 / 1.1)
    view.widen()
    # The probe scaling moves the boxes apart (boxes unchanged in size relative to each other).
    view.actions.run("extend_vertically")
    assert view.probe_scaling == pytest.approx((1.0, 1.1))
    assert not np.allclose(view.boxed.box_bounds[0], box)
    view.actions.run("shrink_vertically")
    np.testing.assert_allclose(view.boxed.box_bounds[0], box)
    view.extend_horizontally()
    view.shrink_horizontally()
    view.reset_scaling()
    assert view.box_scaling == (1.0, 1.0) and view.probe_scaling == (1.0, 1.0)
    assert rows() == base_height
    # control+wheel: the box size.
    view.canvas.emit("mouse_wheel", pos=(10, 10), delta=(0, 1), modifiers=("Control",))
    assert view.box_scaling == pytest.approx((1.1, 1.1))


def test_probe_box_bounds():
    bounds = np.array([[-1.0, -1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]])
    out = probe_box_bounds(bounds)
    assert np.all(np.abs(out) <= 1) and np.all(out[:, 2:] > out[:, :2])
    wide = probe_box_bounds(bounds, (3.0, 1.0))
    # The centres spread horizontally: the boxes get narrower relative to the probe.
    assert np.all(wide[:, 2] - wide[:, 0] < out[:, 2] - out[:, 0])
    np.testing.assert_allclose(wide[:, 1::2], out[:, 1::2])


# -------------------------------------------------------------------------------------------------
# Clicks, shortcuts, state, errors
# -------------------------------------------------------------------------------------------------

def test_channel_click_emits_channel(waveform_view):
    view, select = waveform_view()
    select([0, 1])
    received = []

    def on_channel_click(sender, channel_id=None, key=None, button=None):
        received.append((sender, channel_id, key, button))

    connect(on_channel_click, event=ev.CHANNEL_CLICK)
    try:
        send = EventSender()
        w, h = view.canvas.get_size()
        px = pixels(view)
        ratio = px.array.shape[1] / w

        def pos(channel):
            x, y = box_pixel(view, px, channel)
            return x / ratio, y / ratio

        send.click(view.canvas, pos(4), modifiers=("Control",))
        send.click(view.canvas, pos(1), button="Right", modifiers=("Control",))
        send.click(view.canvas, pos(3))  # no modifier: no channel click
        view.canvas.emit("key_press", key="2", modifiers=(), text="2")
        send.click(view.canvas, pos(5))
        view.canvas.emit("key_release", key="2", modifiers=(), text="2")
        send.click(view.canvas, pos(5))
    finally:
        unconnect(on_channel_click)
    assert received == [(view, 4, None, "Left"), (view, 1, None, "Right"), (view, 5, 2, "Left")]


def test_default_shortcuts_and_snippets(waveform_view):
    view, _ = waveform_view()
    shortcuts = view.actions.shortcuts
    expected = {
        "toggle_waveform_overlap": "o", "toggle_show_labels": "ctrl+l",
        "toggle_mean_waveforms": "m", "next_waveforms_type": "w",
        "previous_waveforms_type": "shift+w", "widen": "ctrl+right", "narrow": "ctrl+left",
        "increase": "ctrl+up", "decrease": "ctrl+down", "extend_horizontally": "shift+right",
        "shrink_horizontally": "shift+left", "extend_vertically": "shift+up",
        "shrink_vertically": "shift+down"}
    for name, keys in expected.items():
        assert shortcuts[name].lower().replace(" ", "") == keys, name
    assert view.actions.action_for_alias("wn") == "change_n_spikes_waveforms"


def test_state_saved_and_restored(make_gui_with_supervisor, config_dir, tmp_path, shown):
    local_path = tmp_path / "dataset" / ".phy" / "state.json"
    gui, _ = make_gui_with_supervisor(local_path=local_path)
    types = {"waveforms": make_waveforms(), "templates": make_waveforms()}
    view = WaveformView(types)
    view.attach(gui)
    view.toggle_waveform_overlap(True)
    view.toggle_show_labels(False)
    view.next_waveforms_type()
    view.increase()
    view.extend_horizontally()
    gui.close()
    state = json.loads((config_dir / "ViewTestGUI" / "state.json").read_text())["WaveformView"]
    assert state["overlap"] is True and state["waveforms_type"] == "templates"
    gui2, _ = make_gui_with_supervisor(local_path=local_path)
    view2 = WaveformView(types)
    view2.attach(gui2)
    assert view2.overlap and not view2.do_show_labels and view2.waveforms_type == "templates"
    assert view2.box_scaling == pytest.approx((1.0, 1.1))
    assert view2.probe_scaling == pytest.approx((1.1, 1.0))
    assert view2.actions.get("toggle_waveform_overlap").isChecked()
    assert tuple(view2.boxed.scaling) == pytest.approx((1.0, 1.1))


def test_bad_waveforms_shown_in_status(waveform_view):
    with pytest.raises(ValueError, match="'waveforms' key"):
        WaveformView({"templates": make_waveforms()})
    f = make_waveforms()

    def broken(cluster_id):
        b = f(cluster_id)
        b.channel_ids = b.channel_ids[:2]
        return b

    def bad_masks(cluster_id):
        b = f(cluster_id)
        b.masks = np.ones((3, 4))
        return b

    view, select = waveform_view({"waveforms": broken, "masked": bad_masks})
    select([0])
    assert "2 channel ids for 4 channels" in view.dock.status
    assert "'waveforms' waveforms of cluster 0" in view.dock.status
    view.waveforms_type = "masked"
    select([1])
    assert "masks must have shape (20, 4), got (3, 4)" in view.dock.status
    view.waveforms_type = "waveforms"
    select([])
    assert view.dock.status == "waveforms"


def test_unknown_waveform_type_ignored():
    view = WaveformView(make_waveforms(), waveform_type="nope")
    assert view.waveforms_type == "waveforms" and view.waveforms_types == ["waveforms"]
    view.close()


# -------------------------------------------------------------------------------------------------
# Template datasets: waveforms read from the raw data through the template model
# -------------------------------------------------------------------------------------------------

def _model_view_pixels(model, make_gui_with_supervisor, select, shown, raw=True):
    """Two clusters of a template model in a waveform view: both colours drawn."""
    from benchmarks.bench_view_waveform import template_waveforms

    types = template_waveforms(model)
    if not raw:  # No raw data: the templates only.
        types = {"waveforms": types["templates"]}
    spike_clusters = np.asarray(model.spike_clusters)
    gui, supervisor = make_gui_with_supervisor(spike_clusters)
    view = WaveformView(types)
    view.attach(gui)
    shown(view)
    counts = np.bincount(spike_clusters)
    ids = [int(c) for c in np.argsort(-counts)[:2]]
    select(supervisor, view, ids)
    assert view.dock.status.startswith("waveforms")
    px = pixels(view)
    for i, c in enumerate(ids):
        assert px.matching(rgb255(view.selected_color(i)), tolerance=60).sum() > 50, c
    assert set(view.channel_ids) >= set(model.get_cluster_channels(ids[0]))
    if raw:
        n_spikes = [len(range(0, counts[c], -(-counts[c] // 100))) for c in ids]
        assert view._data.pos.shape[0] == sum(
            n * len(model.get_cluster_channels(c)) * model.n_samples_waveforms
            for n, c in zip(n_spikes, ids))
        view.next_waveforms_type()
        select(supervisor, view, ids)  # Waits until the view is idle.
        assert view.waveforms_type == "templates" and view.dock.status.startswith("templates")
        assert pixels(view).drawn().sum() > 50
    view.close()


def test_template_model_real_data(phy_data, tmp_path, make_gui_with_supervisor, select, shown):
    from phy.apps.template import load_model

    from ...conftest import copy_dataset

    src = next(p.parent for p in sorted(phy_data.rglob("params.py"))
               if (p.parent / "templates.npy").exists())
    copy_dataset(src, tmp_path / "data")
    model = load_model(tmp_path / "data" / "params.py")
    try:
        raw = model.traces is not None or model.spike_waveforms is not None
        _model_view_pixels(model, make_gui_with_supervisor, select, shown, raw=raw)
    finally:
        model.close()


def test_template_model_synthetic(tmp_path, make_gui_with_supervisor, select, shown):
    from phy.apps.template import load_model
    from phy.io.synthetic import make_template_dataset

    make_template_dataset(tmp_path / "data", n_spikes=2000, n_templates=8, n_channels=32,
                          duration=5.0, seed=3)
    model = load_model(tmp_path / "data" / "params.py")
    try:
        _model_view_pixels(model, make_gui_with_supervisor, select, shown)
    finally:
        model.close()
        shutil.rmtree(tmp_path / "data", ignore_errors=True)
