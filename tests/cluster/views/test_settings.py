"""The Settings… dialog of the views: values applied through the views, redrawn, persisted."""

import importlib
import inspect
import json

import numpy as np
import pytest

from phy.cluster.views import ManualClusteringView
from phy.cluster.views.amplitude import AmplitudeView
from phy.cluster.views.cluster_scatter import ClusterScatterView
from phy.cluster.views.correlogram import CorrelogramView
from phy.cluster.views.histogram import FiringRateView, ISIView
from phy.cluster.views.raster import RasterView
from phy.cluster.views.waveform import WaveformView
from phy.gui.qt import QDialogButtonBox, QLabel
from phy.utils import selected_cluster_color

from .conftest import pixels, rgb255
from .spike_trains import correlogram_functions, isi_stat, spy_set_data
from .test_amplitude import make_amplitudes
from .test_cluster_scatter import cluster_info
from .test_raster import N_CLUSTERS, make_spikes, row_band
from .test_trace import make_recording
from .test_trace import make_view as make_trace_view
from .test_waveform import make_waveforms
from .view_helpers import RecordingView

VIEW_MODULES = (
    "amplitude", "cluster_scatter", "correlogram", "feature", "histogram", "probe", "raster",
    "scatter", "template", "template_feature", "trace", "waveform")


def view_classes():
    """Every view class of phy.cluster.views."""
    out = set()
    for name in VIEW_MODULES:
        module = importlib.import_module(f"phy.cluster.views.{name}")
        out |= {cls for _, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, ManualClusteringView) and cls is not ManualClusteringView}
    return sorted(out, key=lambda cls: cls.__name__)


@pytest.mark.parametrize("cls", view_classes(), ids=lambda cls: cls.__name__)
def test_every_view_declares_persisted_settings(cls):
    assert cls.settings, f"{cls.__name__} declares no settings"
    keys = [s.key for s in cls.settings]
    assert len(set(keys)) == len(keys)
    persisted = {*cls.state_attrs, *cls.local_state_attrs}
    for setting in cls.settings:
        assert set(setting.persisted_by) <= persisted, setting
        assert setting.setter is None or callable(getattr(cls, setting.setter)), setting


def open_settings(view):
    """Open the settings dialog through the view's menu entry."""
    action = view.actions.get("settings")
    assert action.text() == "Settings\u2026"
    assert action in view.gui.get_submenu("&View", view.name).actions()
    action.trigger()
    dialog = view._settings_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    return dialog


def click(dialog, qtbot, button):
    signal = dialog.accepted if button == QDialogButtonBox.Ok else dialog.rejected
    with qtbot.waitSignal(signal):
        dialog.buttons.button(button).click()


@pytest.fixture
def correlogram(make_gui_with_supervisor, shown, trains):
    def make(**kwargs):
        times, clusters = trains
        gui, supervisor = make_gui_with_supervisor(clusters, **kwargs)
        view = CorrelogramView(*correlogram_functions(times, clusters))
        view.attach(gui)
        shown(view)
        return gui, supervisor, view
    return make


def test_correlogram_settings_ok_and_cancel(correlogram, select, qtbot):
    gui, supervisor, view = correlogram()
    calls = spy_set_data(view.correlogram_visual)
    select(supervisor, view, [0, 1])
    assert calls[-1].data.hist.shape[1] == view.correlograms([0], 1e-3, 50e-3).shape[2]
    dialog = open_settings(view)
    assert view.show_settings() is dialog  # the open dialog is raised, not opened twice
    assert dialog.values() == pytest.approx({
        "bin_size": 1.0, "window_size": 50.0, "refractory_period": 2.0,
        "uniform_normalization": False, "show_labels": True})
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    assert labels[:3] == ["Bin size (ms)", "Window size (ms)", "Refractory period (ms)"]
    dialog.set_value("bin_size", 2.5)
    dialog.set_value("uniform_normalization", True)
    click(dialog, qtbot, QDialogButtonBox.Ok)
    qtbot.waitUntil(lambda: not view.is_busy)
    assert view.bin_size == pytest.approx(2.5e-3) and view.uniform_normalization
    expected = view.correlograms([0, 1], 2.5e-3, 50e-3)
    assert calls[-1].data.hist.shape[1] == expected.shape[2] < 30
    assert (calls[-1].data.ylim == expected.max()).all()  # one scale for all boxes
    assert view.actions.get("toggle_normalization").isChecked()
    assert view.dock.status == "50.0 ms (2.5 ms)"
    qtbot.waitUntil(lambda: view._settings_dialog is None)
    # Cancel: nothing changes, nothing is drawn again.
    n_calls = len(calls)
    dialog = open_settings(view)
    dialog.set_value("bin_size", 5)
    dialog.set_value("show_labels", False)
    click(dialog, qtbot, QDialogButtonBox.Cancel)
    assert view.bin_size == pytest.approx(2.5e-3) and view.show_labels
    assert len(calls) == n_calls


def test_correlogram_settings_refused_then_fixed(correlogram, select, qtbot):
    gui, supervisor, view = correlogram()
    select(supervisor, view, [0])
    dialog = open_settings(view)
    dialog.set_value("bin_size", 80)  # larger than the 50 ms window
    dialog.set_value("refractory_period", 3)
    dialog.buttons.button(QDialogButtonBox.Ok).click()
    assert dialog.isVisible() and "must be smaller than the window" in dialog.error_label.text()
    assert view.bin_size == pytest.approx(1e-3) and view.refractory_period == pytest.approx(2e-3)
    dialog.set_value("window_size", 400)  # bin and window set together: the order is found
    click(dialog, qtbot, QDialogButtonBox.Ok)
    assert (view.bin_size, view.window_size, view.refractory_period) == pytest.approx(
        (0.08, 0.4, 3e-3))


def test_correlogram_settings_persist(correlogram, select, qtbot, config_dir):
    gui, supervisor, view = correlogram()
    dialog = open_settings(view)
    for key, value in (("bin_size", 2), ("window_size", 100), ("refractory_period", 3),
                       ("show_labels", False)):
        dialog.set_value(key, value)
    click(dialog, qtbot, QDialogButtonBox.Ok)
    assert gui.state.get_view_state(view).bin_size == pytest.approx(2e-3)  # in the GUI state
    dialog = open_settings(view)  # left open: closing the GUI closes it
    gui.close()
    qtbot.waitUntil(lambda: view._settings_dialog is None)
    state = json.loads((config_dir / "ViewTestGUI" / "state.json").read_text())["CorrelogramView"]
    assert state["bin_size"] == pytest.approx(2e-3) and state["show_labels"] is False
    gui2, supervisor2, view2 = correlogram()
    assert (view2.bin_size, view2.window_size, view2.refractory_period) == pytest.approx(
        (2e-3, 0.1, 3e-3))
    assert not view2.show_labels and not view2.actions.get("toggle_labels").isChecked()
    assert open_settings(view2).values() == pytest.approx({
        "bin_size": 2.0, "window_size": 100.0, "refractory_period": 3.0,
        "uniform_normalization": False, "show_labels": False})


def test_waveform_settings(make_gui_with_supervisor, select, shown, qtbot, tmp_path):
    local_path = tmp_path / "dataset" / ".phy" / "state.json"

    def make():
        gui, supervisor = make_gui_with_supervisor(np.repeat(np.arange(4), 10),
                                                   local_path=local_path)
        view = WaveformView({"waveforms": make_waveforms(alpha=1.0)})
        view.attach(gui)
        shown(view)
        select(supervisor, view, [0, 1])
        return gui, view

    gui, view = make()
    n_waveforms = len(view._data.plot_sizes)

    def drawn_height():
        px = pixels(view)
        rows = px.bbox(px.matching(rgb255(selected_cluster_color(0)), tolerance=40))
        return rows[1] - rows[0]

    height = drawn_height()
    dialog = open_settings(view)
    assert dialog.value("n_spikes_waveforms") == 100 and dialog.value("box_scaling[1]") == 1.0
    dialog.set_value("n_spikes_waveforms", 5)
    dialog.set_value("box_scaling[1]", 2.0)
    dialog.set_value("overlap", True)
    click(dialog, qtbot, QDialogButtonBox.Ok)
    qtbot.waitUntil(lambda: not view.is_busy)
    assert view.n_spikes_waveforms == 5 and view.overlap
    assert len(view._data.plot_sizes) == n_waveforms * 5 // 20  # 20 waveforms per cluster
    assert view.box_scaling == (1.0, 2.0) and tuple(view.boxed.scaling) == (1.0, 2.0)
    assert drawn_height() > height
    assert view.actions.get("toggle_waveform_overlap").isChecked()
    gui.close()
    # The box scaling is local (the dataset's state), the others global.
    assert json.loads(local_path.read_text())["WaveformView"]["box_scaling"] == [1.0, 2.0]
    gui2, view2 = make()
    assert view2.box_scaling == (1.0, 2.0) and view2.n_spikes_waveforms == 5 and view2.overlap


def test_waveform_settings_type(make_gui_with_supervisor, select, shown, qtbot):
    gui, supervisor = make_gui_with_supervisor(np.repeat(np.arange(4), 10))
    template_calls = []
    view = WaveformView({"waveforms": make_waveforms(alpha=1.0),
                         "templates": make_waveforms(alpha=1.0, calls=template_calls)})
    view.attach(gui)
    shown(view)
    select(supervisor, view, [0])
    assert not template_calls
    dialog = open_settings(view)
    assert [dialog.widget("waveforms_type").itemText(i) for i in range(2)] == [
        "waveforms", "templates"]
    dialog.set_value("waveforms_type", "templates")
    click(dialog, qtbot, QDialogButtonBox.Ok)
    qtbot.waitUntil(lambda: not view.is_busy)
    assert view.waveforms_type == "templates" and template_calls  # prepared with that type
    assert pixels(view).matching(rgb255(selected_cluster_color(0)), tolerance=40).any()


def test_raster_settings_marker_size(make_gui_with_supervisor, select, shown, qtbot):
    spike_times, spike_clusters = make_spikes()
    gui, supervisor = make_gui_with_supervisor(spike_clusters)
    view = RasterView(spike_times, spike_clusters,
                      cluster_color_selector=supervisor.color_selector)
    view.attach(gui)
    shown(view)
    select(supervisor, view, [1])
    band = row_band(pixels(view), 1, N_CLUSTERS)
    color = rgb255(selected_cluster_color(0))

    def height():
        px = pixels(view)
        rows = px.bbox(px.matching(color, tolerance=20)[band])
        return rows[1] - rows[0]

    before = height()
    dialog = open_settings(view)
    assert dialog.values() == {"marker_size": view.default_marker_size}
    dialog.set_value("marker_size", 15)
    click(dialog, qtbot, QDialogButtonBox.Ok)
    assert view.marker_size == 15 and height() >= before + 6
    assert gui.state.get_view_state(view).marker_size == 15


def test_histogram_settings_range_and_bins(make_gui_with_supervisor, select, shown, trains, qtbot):
    gui, supervisor = make_gui_with_supervisor(trains[1])
    view = ISIView(isi_stat(*trains))
    view.attach(gui)
    shown(view)
    calls = spy_set_data(view.hist_visual)
    select(supervisor, view, [0])
    assert calls[-1].data.hist.shape[1] == 49
    dialog = open_settings(view)
    labels = [w.text() for w in dialog.findChildren(QLabel) if w.text()]
    assert labels[:4] == ["X min (ms)", "X max (ms)", "Number of bin edges", "Bin size (ms)"]
    assert dialog.values() == pytest.approx(
        {"x_min": 0.0, "x_max": 50.0, "n_bins": 50, "bin_size": 1.0204, "scaling": 1.0})
    # The range first, then the bin size over the new range.
    dialog.set_value("x_max", 20)
    dialog.set_value("bin_size", 2)
    click(dialog, qtbot, QDialogButtonBox.Ok)
    qtbot.waitUntil(lambda: not view.is_busy)
    assert view.x_max == pytest.approx(0.02) and view.n_bins == 11
    assert calls[-1].data.hist.shape[1] == 10
    assert view.canvas.axes.data_bounds == pytest.approx((0, 0, 20, 1))
    # The firing rate view shows seconds.
    assert [s.text(FiringRateView) for s in FiringRateView.settings][:2] == [
        "X min (s)", "X max (s)"]


def test_view_without_settings_has_no_menu_entry(make_gui_with_supervisor):
    gui, _ = make_gui_with_supervisor()
    view = RecordingView()
    view.attach(gui)
    assert "settings" not in view.actions and view.settings == ()


def test_trace_settings(make_gui_with_supervisor, shown, qtbot):
    rec = make_recording()
    gui, supervisor = make_gui_with_supervisor(rec.spike_clusters, enable_threading=False)
    view = make_trace_view(rec)
    view.attach(gui)
    shown(view)
    dialog = open_settings(view)
    assert dialog.value("half_duration") == pytest.approx(1.0)  # the window duration, in s
    assert dialog.widget("origin").count() == 2
    dialog.set_value("half_duration", 4.0)
    dialog.set_value("origin", "bottom")
    dialog.set_value("scaling", 2.0)
    click(dialog, qtbot, QDialogButtonBox.Ok)
    t0, t1 = view.interval
    assert t1 - t0 == pytest.approx(4.0) and view.origin == "bottom" and view.scaling == 2.0
    assert view.canvas.axes.data_bounds[2] - view.canvas.axes.data_bounds[0] == pytest.approx(4)
    state = gui.state.get_view_state(view)
    assert state.interval == pytest.approx(view.interval) and state.origin == "bottom"


def test_amplitude_and_cluster_scatter_choices(make_gui_with_supervisor, shown, select, qtbot):
    spike_clusters = np.repeat(np.arange(4), 200)
    gui, supervisor = make_gui_with_supervisor(spike_clusters)
    amplitudes, _ = make_amplitudes(spike_clusters)
    view = AmplitudeView(amplitudes=amplitudes, duration=10.0)
    view.attach(gui)
    shown(view)
    select(supervisor, view, [3])
    top = view.data_bounds[3]  # template amplitudes: at most about 70 (cluster 3)
    dialog = open_settings(view)
    assert [dialog.widget("amplitudes_type").itemText(i) for i in range(2)] == [
        "template", "raw"]
    dialog.set_value("amplitudes_type", "raw")  # at most about 90 (cluster 0): prepared again
    click(dialog, qtbot, QDialogButtonBox.Ok)
    qtbot.waitUntil(lambda: not view.is_busy and view.data_bounds[3] != top)
    assert view.amplitudes_type == "raw" and view.data_bounds[3] > top + 15

    scatter = ClusterScatterView(
        cluster_info=cluster_info, cluster_ids=[0, 1, 2, 3],
        cluster_color_selector=supervisor.color_selector)
    scatter.attach(gui)
    dialog = open_settings(scatter)
    assert dialog.value("x_axis") == "amp" and dialog.widget("x_axis").findText("n_spikes") >= 0
    dialog.set_value("x_axis", "n_spikes")
    click(dialog, qtbot, QDialogButtonBox.Ok)
    assert scatter.x_axis == "n_spikes" and gui.state.get_view_state(scatter).x_axis == "n_spikes"
