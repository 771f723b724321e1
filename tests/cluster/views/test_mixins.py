"""Tests of the view mixins: marker size, scaling, and the lasso splitting every spike."""

import json

import numpy as np
import pytest

from phy.cluster.views import LassoMixin, MarkerSizeMixin, ScalingMixin
from phy.plot.lasso import points_in_polygon
from phy.utils import Bunch, emit
from phy.utils import bus_events as ev

from ...plot.conftest import EventSender
from .conftest import pixels
from .view_helpers import BOUNDS, RecordingView, example_view_class, make_features


def test_marker_size_alt_wheel_and_actions(make_gui_with_supervisor, select, shown):
    sc = np.repeat(np.arange(4), 50)
    gui, supervisor = make_gui_with_supervisor(sc)
    view = example_view_class()(make_features(sc)[0], BOUNDS)
    view.attach(gui)
    shown(view)
    select(supervisor, view, [1])
    before = pixels(view).drawn().sum()
    for name in ("increase_marker_size", "decrease_marker_size", "reset_marker_size"):
        assert name in view.actions.names
    view.actions.run("increase_marker_size")
    assert view.marker_size == pytest.approx(5.5)
    view.actions.run("reset_marker_size")
    assert view.marker_size == 5.0
    send = EventSender()
    from phy.gui.qt import QPoint, QPointF, Qt, QWheelEvent

    for _ in range(8):  # alt+wheel away from the user: bigger markers, drawn again at once
        event = QWheelEvent(QPointF(10, 10), QPointF(10, 10), QPoint(0, 0), QPoint(0, 120),
                            Qt.NoButton, Qt.AltModifier, Qt.NoScrollPhase, False)
        send._send(view.canvas, event)
    assert view.marker_size == pytest.approx(5.0 * 1.1 ** 8)
    assert pixels(view).drawn().sum() > 1.5 * before
    assert view.canvas.panzoom.zoom == [1.0, 1.0]  # alt+wheel does not zoom
    gui.close()
    assert json.loads((gui.config_dir / gui.name / "state.json").read_text())[
        "FeatureScatterView"]["marker_size"] == pytest.approx(5.0 * 1.1 ** 8)


def test_scaling_mixin(make_gui_with_supervisor, select):
    gui, supervisor = make_gui_with_supervisor()

    class ScaledView(ScalingMixin, RecordingView):
        def draw(self, data):
            self.drawn.append((data.cluster_ids, self.scaling))

    view = ScaledView()
    view.attach(gui)
    select(supervisor, view, [1])
    view.actions.run("increase")
    view.actions.run("increase")
    view.actions.run("decrease")
    assert view.scaling == pytest.approx(1.1)
    view.reset_scaling()
    # Each change draws the last record again, without preparing it again.
    assert [s for _, s in view.drawn] == pytest.approx([1, 1.1, 1.21, 1.1, 1])
    assert len(view.prepared) == 1


def test_marker_size_mixin_bounds(qtbot):
    class View(MarkerSizeMixin, RecordingView):
        pass

    view = View()
    view.marker_size = 1000
    assert view.marker_size == view.marker_size_bounds[1]
    view.close()


def test_lasso_split_returns_every_spike(make_gui_with_supervisor, select, shown):
    # Cluster 0 has 50,000 spikes, of which the view displays 2,500.
    sc = np.r_[np.zeros(50_000, dtype=np.int64), np.ones(1000, dtype=np.int64)]
    features, all_pos = make_features(sc)
    gui, supervisor = make_gui_with_supervisor(sc)
    view = example_view_class()(features, BOUNDS)
    view.attach(gui)
    shown(view)
    select(supervisor, view, [0])
    assert sum(len(b.pos) for b in view.get_clusters_data()) == 2500
    w, h = view.canvas.get_size()
    view.canvas.panzoom.zoom = 2  # the lasso maps the polygon through the pan/zoom
    clicks = [(0.3 * w, 0.3 * h), (0.7 * w, 0.35 * h), (0.6 * w, 0.75 * h), (0.35 * w, 0.6 * h)]
    send = EventSender()
    for pos in clicks:
        send.click(view.canvas, pos, modifiers=("Control",))
    assert view.canvas.lasso.count == 4
    # The polygon in data coordinates, computed here from the pixels: NDC, zoom 2, bounds.
    ndc = np.array([(2 * x / w - 1, 1 - 2 * y / h) for x, y in clicks]) / 2
    polygon = BOUNDS[0] + (ndc + 1) / 2 * (BOUNDS[2] - BOUNDS[0])
    cluster0 = np.nonzero(sc == 0)[0]
    expected = cluster0[points_in_polygon(all_pos[cluster0], polygon)]
    assert len(expected) > 2500  # more than all the displayed spikes

    spike_ids = emit(ev.REQUEST_SPLIT, supervisor, single=True)
    assert np.array_equal(spike_ids, expected)
    assert view.canvas.lasso.count == 0  # the lasso is cleared once used
    assert emit(ev.REQUEST_SPLIT, supervisor, single=True) is None  # no lasso: no answer

    for pos in clicks:  # the supervisor's split action splits exactly these spikes
        send.click(view.canvas, pos, modifiers=("Control",))
    up = supervisor.split()
    new_clusters = supervisor.clustering.spike_clusters[expected]
    assert len(np.unique(new_clusters)) == 1 and new_clusters[0] in up.added


def test_lasso_with_box_index(qtbot):
    """Only the Bunches (or spikes) in the lasso's box are tested against its polygon."""

    class BoxedView(LassoMixin, RecordingView):
        def get_clusters_data(self, load_all=None):
            pos = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
            return [Bunch(pos=pos, spike_ids=np.array([0, 1, 2]), box_index=np.array([0, 1, 0])),
                    Bunch(pos=pos[:1], spike_ids=np.array([7]), box_index=1),
                    Bunch(pos=pos[:1], spike_ids=np.array([9]), box_index=0)]

    view = BoxedView()
    view.cluster_ids = [0]
    lasso = view.canvas.lasso
    for p in ((-0.5, -0.5), (0.5, -0.5), (0.5, 0.5)):
        lasso.add(p)
    lasso.box = 1
    assert view.on_request_split().tolist() == [1, 7]
    view.close()
