"""Tests of the view base: selection, threading, staleness, errors, state, phy 2 views."""

import json
import logging
import threading

import numpy as np
import pytest

from phy.cluster.views import ManualClusteringView
from phy.utils.event import connected

from .conftest import pixels, rgb255
from .view_helpers import BOUNDS, RecordingView, example_view_class, make_features

# -------------------------------------------------------------------------------------------------
# Selection, threading, staleness, errors
# -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("threading_on", [True, False])
def test_example_view_draws_selection(make_gui_with_supervisor, select, shown, threading_on):
    sc = np.repeat(np.arange(4), 500)
    features, _ = make_features(sc)
    gui, supervisor = make_gui_with_supervisor(sc, enable_threading=threading_on)
    view = example_view_class()(features, BOUNDS)
    view.attach(gui)
    shown(view)
    prepared = []
    original = view.prepare
    view.prepare = lambda ids: prepared.append(threading.current_thread()) or original(ids)
    select(supervisor, view, [0, 3])
    # One preparation per selection (the tables' own select events are ignored), off the GUI
    # thread with threading on.
    assert len(prepared) == 1
    assert (prepared[0] is not threading.main_thread()) == threading_on
    assert view.cluster_ids == [0, 3]
    assert gui.get_view("FeatureScatterView").dock.status == "clusters [0, 3]"
    px = pixels(view)
    w = px.array.shape[1]
    # Cluster 0 around x = -1.5 (left), cluster 3 around x = 1.5 (right), in their colours.
    left = px.matching(rgb255(view.selected_color(0)), tolerance=40)
    right = px.matching(rgb255(view.selected_color(1)), tolerance=40)
    assert left.sum() > 50 and right.sum() > 50
    assert px.centroid(left)[0] < 0.45 * w < 0.55 * w < px.centroid(right)[0]
    select(supervisor, view, [])
    assert not pixels(view).drawn().any()


def test_stale_result_is_not_drawn(make_gui_with_supervisor, select, qtbot):
    gui, supervisor = make_gui_with_supervisor()
    view = RecordingView(block_on=[1])
    view.attach(gui)
    supervisor.select([1])
    supervisor.block()
    qtbot.waitUntil(lambda: len(view.prepared) == 1)  # A is being prepared, blocked
    supervisor.select([2])  # B is requested meanwhile
    supervisor.block()
    assert view.is_busy and view.drawn == []
    view.release.set()  # A finishes after B was requested
    qtbot.waitUntil(lambda: not view.is_busy)
    assert [ids for ids, _ in view.prepared] == [[1], [2]]
    assert [ids for ids, _ in view.drawn] == [[2]]  # A was dropped
    assert view.drawn[0][1] is threading.main_thread()
    assert view.prepared[1][1] is not threading.main_thread()


def test_only_the_newest_waiting_selection_is_prepared(make_gui_with_supervisor, qtbot):
    gui, supervisor = make_gui_with_supervisor()
    view = RecordingView(block_on=[0])
    view.attach(gui)
    for ids in ([0], [1], [2], [3]):
        supervisor.select(ids)
        supervisor.block()
        qtbot.waitUntil(lambda: len(view.prepared) == 1)
    view.release.set()
    qtbot.waitUntil(lambda: not view.is_busy)
    assert [ids for ids, _ in view.prepared] == [[0], [3]]
    assert [ids for ids, _ in view.drawn] == [[3]]


@pytest.mark.parametrize("threading_on", [True, False])
def test_prepare_error_shown_in_dock_status(make_gui_with_supervisor, select, caplog,
                                            threading_on):
    gui, supervisor = make_gui_with_supervisor(enable_threading=threading_on)
    view = RecordingView(fail_on=[2])
    view.attach(gui)
    with caplog.at_level(logging.ERROR, logger="phy.cluster.views.base"):
        select(supervisor, view, [2])
    assert "features.npy is missing" in view.dock.status
    assert "clusters [2]" in view.dock.status
    assert "features.npy is missing" in caplog.text and "Traceback" in caplog.text
    assert view.drawn == []
    select(supervisor, view, [1])  # the view keeps working; the next drawing clears the error
    assert [ids for ids, _ in view.drawn] == [[1]] and view.dock.status == ""


def test_draw_error_shown_in_dock_status(make_gui_with_supervisor, select, caplog):
    gui, supervisor = make_gui_with_supervisor()

    class BrokenView(RecordingView):
        def draw(self, data):
            raise ValueError("cannot draw this")

    view = BrokenView()
    view.attach(gui)
    with caplog.at_level(logging.ERROR, logger="phy.cluster.views.base"):
        select(supervisor, view, [1])
    assert "cannot draw this" in view.dock.status and "cannot draw this" in caplog.text


def test_auto_update_off_ignores_selections(make_gui_with_supervisor, select):
    gui, supervisor = make_gui_with_supervisor()
    view = RecordingView()
    view.attach(gui)
    select(supervisor, view, [1])
    view.actions.run("toggle_auto_update", False)
    assert not view.auto_update
    assert not view.actions.get("toggle_auto_update").isChecked()
    select(supervisor, view, [2])
    select(supervisor, view, [3])
    assert [ids for ids, _ in view.drawn] == [[1]] and view.cluster_ids == [1]
    view.toggle_auto_update(True)  # back on: shows the latest selection
    select(supervisor, view, [3])
    assert view.actions.get("toggle_auto_update").isChecked()
    assert [ids for ids, _ in view.drawn] == [[1], [3]]


def test_on_cluster_before_on_select(make_gui_with_supervisor, select):
    gui, supervisor = make_gui_with_supervisor()
    calls = []

    class ClusterAwareView(RecordingView):
        def on_cluster(self, up):
            calls.append(("cluster", up.added))

        def on_select(self, cluster_ids=None, **kwargs):
            calls.append(("select", list(cluster_ids)))
            super().on_select(cluster_ids=cluster_ids, **kwargs)

    view = ClusterAwareView()
    view.attach(gui)
    select(supervisor, view, [1, 2])
    supervisor.merge()
    supervisor.block()
    new_id = max(supervisor.cluster_ids)
    assert ("cluster", [new_id]) in calls
    assert calls.index(("cluster", [new_id])) < max(
        i for i, c in enumerate(calls) if c[0] == "select" and new_id in c[1])


def test_standalone_view_draws_synchronously(qtbot):
    view = RecordingView()
    view.on_select(cluster_ids=[4, 5])
    assert [ids for ids, _ in view.drawn] == [[4, 5]]
    assert view.drawn[0][1] is threading.main_thread()
    view.close()


# -------------------------------------------------------------------------------------------------
# State, actions, screenshot, close
# -------------------------------------------------------------------------------------------------

def test_state_saved_and_restored_across_guis(make_gui_with_supervisor, config_dir, tmp_path):
    local_path = tmp_path / "dataset" / ".phy" / "state.json"
    gui, _ = make_gui_with_supervisor(local_path=local_path)
    view = RecordingView()
    view.attach(gui)
    view.global_param, view.local_param = 42, "local value"
    gui.close()
    global_state = json.loads((config_dir / "ViewTestGUI" / "state.json").read_text())
    assert global_state["RecordingView"] == {"global_param": 42}
    assert json.loads(local_path.read_text()) == {"RecordingView": {"local_param": "local value"}}

    gui2, _ = make_gui_with_supervisor(local_path=local_path)
    view2 = RecordingView()
    view2.attach(gui2)
    assert (view2.global_param, view2.local_param) == (42, "local value")
    # Another dataset (no local state) gets the global values only.
    gui3, _ = make_gui_with_supervisor(local_path=tmp_path / "other" / "state.json")
    view3 = RecordingView()
    view3.attach(gui3)
    assert (view3.global_param, view3.local_param) == (42, "a")


def test_default_actions_in_view_submenu(make_gui_with_supervisor):
    gui, _ = make_gui_with_supervisor()
    view, view2 = RecordingView(), RecordingView()
    view.attach(gui)
    view2.attach(gui)
    assert view2.name == "RecordingView (1)"
    assert view.actions.names == ["toggle_auto_update", "screenshot"]
    submenu = gui.get_submenu("&View", view2.name)
    assert [a.text() for a in submenu.actions() if a.text()] == [
        "Toggle auto update", "Screenshot"]
    assert view.actions.get("toggle_auto_update").isCheckable()


def test_screenshot_writes_png(make_gui_with_supervisor, select, shown, config_dir):
    sc = np.repeat(np.arange(4), 200)
    gui, supervisor = make_gui_with_supervisor(sc)
    view = example_view_class()(make_features(sc)[0], BOUNDS)
    view.attach(gui)
    shown(view)
    select(supervisor, view, [1, 2])
    path = view.screenshot()
    assert path.parent == config_dir / "screenshots"
    assert path.name.startswith("FeatureScatterView_")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from phy.gui.qt import QImage

    image = QImage(str(path))
    assert (image.width(), image.height()) == view.canvas.get_size()
    assert str(path) in gui.status_message


def test_close_disconnects_from_bus(make_gui_with_supervisor, select, qtbot):
    gui, supervisor = make_gui_with_supervisor()
    view = RecordingView()
    view.attach(gui)
    bound = [c for c in connected() if getattr(c, "__self__", None) is view]
    assert {c.__name__ for c in bound} >= {"on_select_threaded", "_on_cluster_event"}
    select(supervisor, view, [1])
    view.dock.close()  # the user closes the dock
    assert view not in gui.views
    assert not [c for c in connected() if getattr(c, "__self__", None) is view]
    assert view not in [g for g in gui.action_groups]
    assert not gui.get_submenu("&View", view.name).menuAction().isVisible()
    supervisor.select([2])
    supervisor.block()
    qtbot.wait(20)
    assert [ids for ids, _ in view.prepared] == [[1]]
    assert gui.state["RecordingView"] == {"global_param": 1, "local_param": "a"}


def test_close_drops_pending_result(make_gui_with_supervisor, qtbot):
    gui, supervisor = make_gui_with_supervisor()
    view = RecordingView(block_on=[1])
    view.attach(gui)
    supervisor.select([1])
    supervisor.block()
    qtbot.waitUntil(lambda: len(view.prepared) == 1)
    view.close()
    view.release.set()
    qtbot.waitUntil(lambda: not view.is_busy)
    assert view.drawn == []


# -------------------------------------------------------------------------------------------------
# A phy 2 view: a PlotVisual added in the constructor, drawn in on_select
# -------------------------------------------------------------------------------------------------

def test_phy2_style_custom_view_draws(make_gui_with_supervisor, select, shown):
    from phy.plot import PlotVisual
    from phy.utils import selected_cluster_color

    class MyView(ManualClusteringView):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.canvas.set_layout("stacked", n_plots=2)
            self.visual = PlotVisual()
            self.canvas.add_visual(self.visual)

        def on_select(self, cluster_ids=(), **kwargs):
            self.cluster_ids = cluster_ids
            if not cluster_ids:
                return
            self.visual.reset_batch()
            for i in range(len(cluster_ids)):
                x = np.linspace(-1, 1, 100)
                y = np.full(100, 0.5)  # a horizontal line in the middle of box i
                self.visual.add_batch_data(
                    x=x, y=y, color=selected_cluster_color(i), data_bounds=(-1, 0, 1, 1),
                    box_index=i)
            self.canvas.update_visual(self.visual)
            self.canvas.update()

    gui, supervisor = make_gui_with_supervisor()
    view = MyView()
    view.attach(gui)
    shown(view)
    select(supervisor, view, [1, 2])
    assert view.cluster_ids == [1, 2]
    px = pixels(view)
    h, w = px.array.shape[:2]
    first = px.matching(rgb255(selected_cluster_color(0)), tolerance=40)
    second = px.matching(rgb255(selected_cluster_color(1)), tolerance=40)
    assert first.any(axis=0).sum() > 0.9 * w and second.any(axis=0).sum() > 0.9 * w
    rows = sorted([px.centroid(first)[1], px.centroid(second)[1]])
    assert rows[0] < h / 2 < rows[1]  # one line in each stacked box
