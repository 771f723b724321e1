"""The Template GUI end to end: every view drawn, curation saved and re-opened, GUI state."""

import numpy as np
import pytest

from phy.utils import bus_events as ev
from phy.utils import connect, read_tsv

from ...cluster.views.conftest import pixels

#: Every view but the IPython console (tested on its own: its kernel is slow to start).
VIEWS = ["ClusterScatterView", "WaveformView", "TemplateView", "AmplitudeView", "FeatureView",
         "TemplateFeatureView", "CorrelogramView", "ISIView", "FiringRateView", "TraceView",
         "RasterView", "ProbeView"]


def _show(qtbot, gui):
    gui.resize(1400, 1000)
    with qtbot.waitExposed(gui):
        gui.show()


def _select(qtbot, controller, cluster_ids):
    s = controller.supervisor
    s.select(list(cluster_ids))
    s.block()
    qtbot.waitUntil(lambda: not any(getattr(v, "is_busy", False) for v in controller.gui.views))


def test_gui_every_view_draws(qtbot, synthetic_dir, make_controller):
    c = make_controller(synthetic_dir)
    ready = []
    connect(lambda sender, gui: ready.append((sender, gui)), event=ev.GUI_READY, sender=c)
    gui = c.create_gui(default_views=VIEWS)
    assert ready == [(c, gui)] and gui.name == "TemplateGUI"
    assert sorted(gui.view_count) == sorted(VIEWS + ["ClusterView", "SimilarityView"])
    _show(qtbot, gui)
    amplitude = gui.get_view("AmplitudeView")
    assert list(amplitude.amplitudes) == ["template", "raw", "feature"]
    assert gui.get_view("WaveformView").waveforms_types == [
        "waveforms", "templates", "mean_waveforms"]
    _select(qtbot, c, [0, 1])
    for name in VIEWS:
        view = gui.get_view(name)
        assert view.cluster_ids == [0, 1], name
        assert pixels(view).drawn().sum() > 50, f"{name} drew nothing"
    trace, waveform = gui.get_view("TraceView"), gui.get_view("WaveformView")
    assert trace.raw_data_filter == "high_pass"
    spike_ids = waveform.waveforms["waveforms"](0).spike_ids
    raw = np.asarray(c.model.get_waveforms(spike_ids, c.get_best_channels(0)), dtype=np.float64)
    raw -= np.median(raw, axis=1, keepdims=True)
    shown = np.asarray(waveform.waveforms["waveforms"](0).data, dtype=np.float64)
    assert not np.allclose(shown, raw, atol=1e-3)  # high-pass filtered, as the traces
    c.switch_raw_data_filter()  # alt+r: the trace and waveform views show the raw data
    assert trace.raw_data_filter == "raw" and c.raw_data_filter == "raw"
    np.testing.assert_allclose(waveform.waveforms["waveforms"](0).data, raw, atol=1e-3)


def test_save_reopen(qtbot, synthetic_dir, make_controller, dialogs):
    c = make_controller(synthetic_dir)
    gui = c.create_gui(default_views=["WaveformView"])
    _show(qtbot, gui)
    s = c.supervisor
    original = np.load(synthetic_dir / "spike_clusters.npy").ravel()
    s.merge([1, 2])
    merged = s.cluster_ids.max()
    s.label("quality", 3.5, cluster_ids=[merged])
    s.move("good", [0])
    s.merge([3, 4])
    s.undo()
    s.redo()
    merged2 = s.cluster_ids.max()
    s.undo()  # the second merge undone: not saved
    gui.file_actions.get("save").trigger()  # ctrl+s
    assert not s.is_dirty()
    spike_clusters = s.clustering.spike_clusters.copy()
    rows = read_tsv(synthetic_dir / "cluster_info.tsv")  # saved in the same transaction
    assert {r["cluster_id"] for r in rows} == set(s.cluster_ids.tolist())
    assert {"ch", "sh", "depth", "fr", "amp", "n_spikes", "group", "quality"} <= set().union(*rows)
    group = {r["cluster_id"]: r["group"] for r in read_tsv(synthetic_dir / "cluster_group.tsv")}
    assert group[0] == "good"
    gui.close()
    c.close()

    c2 = make_controller(synthetic_dir)
    s2 = c2.create_supervisor()
    assert np.array_equal(s2.clustering.spike_clusters, spike_clusters)
    assert not np.array_equal(spike_clusters, original)
    assert s2.cluster_meta.get("quality", merged) == 3.5
    assert s2.cluster_meta.get("group", 0) == "good"
    assert merged2 not in s2.cluster_ids
    up = s2.merge([5, 6])
    assert up.added[0] > merged2  # the id of the undone merge is never reused


def test_close_prompts_when_dirty(qtbot, synthetic_dir, make_controller, dialogs):
    c = make_controller(synthetic_dir)
    gui = c.create_gui(default_views=["WaveformView"])
    _show(qtbot, gui)
    c.supervisor.merge([1, 2])
    dialogs.answers.append("cancel")
    gui.close()
    assert gui.isVisible() and c.supervisor.is_dirty()
    dialogs.answers.append("save")
    gui.close()
    assert not gui.isVisible() and not c.supervisor.is_dirty()
    saved = np.load(synthetic_dir / "spike_clusters.npy").ravel()
    assert saved.max() == c.clustering.cluster_ids.max()


def test_gui_state_saved_and_restored(qtbot, synthetic_dir, make_controller, config_dir):
    c = make_controller(synthetic_dir)
    gui = c.create_gui()  # the views of the packaged default state
    assert set(gui.view_count) >= {"WaveformView", "TraceView", "FeatureView"}
    assert "RasterView" not in gui.view_count
    _show(qtbot, gui)
    gui.create_and_add_view("RasterView")
    gui.get_view("CorrelogramView").bin_size = 2e-3
    gui.close()
    assert (config_dir / "TemplateGUI" / "state.json").exists()
    assert (synthetic_dir / ".phy" / "state.json").exists()
    c.close()

    c2 = make_controller(synthetic_dir)
    gui2 = c2.create_gui()
    assert gui2.view_count.get("RasterView") == 1
    assert gui2.get_view("CorrelogramView").bin_size == pytest.approx(2e-3)
    c3 = make_controller(synthetic_dir, clear_state=True)
    assert not (config_dir / "TemplateGUI" / "state.json").exists()
    assert c3.create_gui().view_count.get("RasterView") is None


def test_ipython_view(qtbot, synthetic_dir, make_controller):
    c = make_controller(synthetic_dir)
    gui = c.create_gui(default_views=["IPythonView"])
    _show(qtbot, gui)
    view = gui.get_view("IPythonView")
    ns = view.kernel.shell.user_ns
    assert ns["m"] is c.model and ns["c"] is c and ns["s"] is c.supervisor
    gui.close()
    assert view.kernel is None


def test_plugin_connects_gui_ready(synthetic_dir, make_controller, config_dir):
    (config_dir / "plugins").mkdir()
    (config_dir / "plugins" / "ready_plugin.py").write_text(
        "from phy import IPlugin, connect\n"
        "class ReadyPlugin(IPlugin):\n"
        "    def attach_to_controller(self, controller):\n"
        "        @connect(sender=controller)\n"
        "        def on_gui_ready(sender, gui):\n"
        "            controller.seen_gui = gui\n")
    c = make_controller(synthetic_dir, plugins=["ReadyPlugin"])
    gui = c.create_gui(default_views=[])
    assert c.seen_gui is gui


def test_template_gui_function(monkeypatch, synthetic_dir, config_dir, qapp):
    from phy.apps.template import gui as gui_module
    from phy.gui import qt

    shown = []
    monkeypatch.setattr(qt, "run_app", lambda: shown.append(qapp.activeWindow()))
    gui_module.template_gui(synthetic_dir / "params.py", config_dir=config_dir,
                            enable_threading=False)
    assert len(shown) == 1


def test_trace_view_goes_to_the_next_spike_of_the_cluster(qtbot, synthetic_dir, make_controller):
    """The trace view's navigation through the controller's ``get_spike_times(...).data``."""
    c = make_controller(synthetic_dir)
    gui = c.create_gui(default_views=["TraceView"])
    _show(qtbot, gui)
    _select(qtbot, c, [2])
    trace = gui.get_view("TraceView")
    times = c.get_spike_times(2).data
    i = int(np.searchsorted(times, 1.5))  # away from the ends (the interval stays inside)
    trace.go_to(times[i] - 1e-4)
    trace.go_to_next_spike()
    assert trace.time == pytest.approx(times[i], abs=1e-6)
    trace.go_to_next_spike()
    assert trace.time == pytest.approx(times[i + 1], abs=1e-6)
    trace.go_to_previous_spike()
    assert trace.time == pytest.approx(times[i], abs=1e-6)
