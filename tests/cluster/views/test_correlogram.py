"""Tests of the correlogram view: the values drawn, colours, lines, toggles, actions, datasets."""

import json

import numpy as np
import pytest

from phy.cluster import correlograms
from phy.cluster.views.correlogram import CorrelogramView, cross_color

from ...conftest import copy_dataset
from .conftest import pixels, rgb255
from .spike_trains import (
    DURATION,
    SAMPLE_RATE,
    correlogram_functions,
    item_boxes,
    spy_set_data,
    wheel,
)


@pytest.fixture
def correlogram_view(make_gui_with_supervisor, shown, trains):
    """``(gui, supervisor, view)``: a correlogram view of the test spike trains, shown."""
    times, clusters = trains
    gui, supervisor = make_gui_with_supervisor(clusters)
    view = CorrelogramView(*correlogram_functions(times, clusters))
    view.attach(gui)
    shown(view)
    return gui, supervisor, view


def expected_ccg(trains, cluster_ids, bin_size=1e-3, window_size=50e-3):
    times, clusters = trains
    keep = np.isin(clusters, cluster_ids)
    return correlograms(times[keep], clusters[keep], cluster_ids=cluster_ids,
                        sample_rate=SAMPLE_RATE, bin_size=bin_size, window_size=window_size)


def drawn_correlograms(call, n):
    """``{(i, j): heights}`` of a recorded set_data of the histogram visual."""
    hist = call.data.hist
    boxes = item_boxes(call, np.full(len(hist), 6 * hist.shape[1]))
    assert sorted(boxes) == [(i, j) for i in range(n) for j in range(n)]
    return {box: (hist[k], call.data.ylim[k]) for k, box in enumerate(boxes)}


def box_pixels(px, n, i, j):
    """The pixels of the grid box (i, j) of an n x n grid (without the 2 pixels at its edges)."""
    h, w = px.array.shape[:2]
    return px.array[i * h // n + 2:(i + 1) * h // n - 2, j * w // n + 2:(j + 1) * w // n - 2]


def color_count(array, color, tolerance=40):
    diff = np.abs(array[..., :3].astype(int) - np.asarray(rgb255(color)))
    return int((diff.max(axis=2) <= tolerance).sum())


def grey_columns(box, top_fraction=0.25):
    """Number of greyish (line) pixels of each column, in the top rows of a box."""
    rgb = box[:int(top_fraction * len(box)), :, :3].astype(int)
    grey = (rgb.max(axis=2) - rgb.min(axis=2) < 25) & (rgb.max(axis=2) > 30)
    return grey.sum(axis=0), grey.shape[0]


def test_values_drawn_equal_correlograms(correlogram_view, select, trains, qtbot):
    gui, supervisor, view = correlogram_view
    hists, lines = spy_set_data(view.correlogram_visual), spy_set_data(view.line_visual)
    ids = [0, 1, 3]
    select(supervisor, view, ids)
    expected = expected_ccg(trains, ids)
    # The spike trains have the structure the view must show: cluster 0's refractory dip, and
    # cluster 1 firing 5.5 ms after cluster 0.
    assert expected[0, 0, 23:28].sum() == 0 and expected[0, 0].sum() > 1000
    assert expected[0, 1].argmax() == 25 + 5
    drawn = drawn_correlograms(hists[-1], 3)
    for (i, j), (heights, ylim) in drawn.items():
        assert np.array_equal(heights, expected[i, j])
        assert ylim == max(expected[i, j].max(), 1)  # each box scaled to its own maximum
    # The baseline of each box: n_i n_j bin / duration, in the box's count scale.
    n = np.array([(trains[1] == c).sum() for c in ids])
    baseline = n[:, None] * n[None, :] * 1e-3 / DURATION
    segments = lines[-1].data.pos.reshape(9, 3, 2, 2)  # box, line, point, (x, y)
    line_boxes = item_boxes(lines[-1], np.full(27, 4))[::3]
    for k, (i, j) in enumerate(line_boxes):
        y = 2 * baseline[i, j] / drawn[i, j][1] - 1
        assert segments[k, 2, :, 1] == pytest.approx([min(y, 1)] * 2)
    assert view.dock.status == "50.0 ms (1.0 ms)"

    # A new bin size: the data are computed again with it.
    gui.snippets.run(":cb 2")
    qtbot.waitUntil(lambda: not view.is_busy)
    assert view.bin_size == pytest.approx(2e-3) and view.dock.status == "50.0 ms (2.0 ms)"
    expected = expected_ccg(trains, ids, bin_size=2e-3)
    assert expected.shape[2] == 25
    for (i, j), (heights, _) in drawn_correlograms(hists[-1], 3).items():
        assert np.array_equal(heights, expected[i, j])


def test_selected_colors_in_their_boxes(correlogram_view, select):
    gui, supervisor, view = correlogram_view
    select(supervisor, view, [0, 1])
    px = pixels(view)
    c0, c1 = view.selected_color(0), view.selected_color(1)
    # Each autocorrelogram in its cluster's colour, on the diagonal.
    assert color_count(box_pixels(px, 2, 0, 0), c0) > 500
    assert color_count(box_pixels(px, 2, 1, 1), c1) > 500
    assert color_count(box_pixels(px, 2, 1, 1), c0) == 0
    assert color_count(box_pixels(px, 2, 0, 0), c1) == 0
    # The cross-correlograms in the blend of both colours.
    blend = cross_color(c0, c1)
    for i, j in ((0, 1), (1, 0)):
        box = box_pixels(px, 2, i, j)
        assert color_count(box, blend, tolerance=20) > 200
        assert color_count(box, c0, tolerance=20) == color_count(box, c1, tolerance=20) == 0


def test_cross_color_is_desaturated():
    red, blue = (1.0, 0.0, 0.0, 1.0), (0.0, 0.0, 1.0, 0.5)
    r, g, b, a = cross_color(red, blue)
    assert a == 0.75 and r == b > g > 0  # a purple towards grey
    assert cross_color(red, blue, saturation=1.0) == (0.5, 0.0, 0.5, 0.75)
    grey = cross_color(red, blue, saturation=0.0)
    assert grey[0] == grey[1] == grey[2]


def test_normalization_toggle(correlogram_view, select):
    gui, supervisor, view = correlogram_view
    select(supervisor, view, [0, 2])  # 40 Hz and 5 Hz: the 5 Hz autocorrelogram is small
    c1 = view.selected_color(1)
    before = color_count(box_pixels(pixels(view), 2, 1, 1), c1)
    view.actions.run("toggle_normalization")
    assert view.uniform_normalization
    assert view.actions.get("toggle_normalization").isChecked()
    after = color_count(box_pixels(pixels(view), 2, 1, 1), c1)
    assert 0 < after < 0.2 * before
    view.actions.run("toggle_normalization", False)
    assert color_count(box_pixels(pixels(view), 2, 1, 1), c1) == before


def test_labels_toggle(correlogram_view, select):
    gui, supervisor, view = correlogram_view
    select(supervisor, view, [0, 1])

    def label_pixels():
        corner = box_pixels(pixels(view), 2, 1, 0)[:30, :60, :3].astype(int)
        return int(((corner.min(axis=2) > 150)).sum())

    assert label_pixels() > 10  # "1x0" in the upper left corner of the box (1, 0)
    view.actions.run("toggle_labels")
    assert not view.show_labels and label_pixels() == 0
    view.toggle_labels(True)
    assert label_pixels() > 10


def test_refractory_period_lines(correlogram_view, select):
    gui, supervisor, view = correlogram_view
    select(supervisor, view, [0, 2])
    view.toggle_normalization(True)  # the 5 Hz autocorrelogram in box (1, 1) stays low
    box_width = view.canvas.get_size()[0] / 2

    def line_rows(edge):
        """Greyish pixels (of a line on the black background) around a bin edge, per column."""
        counts, n_rows = grey_columns(box_pixels(pixels(view), 2, 1, 1), top_fraction=0.5)
        x = int(round(edge / 51 * box_width)) - 2  # box_pixels leaves out 2 pixels
        return counts[x - 2:x + 3].max() / n_rows

    # 2 ms: the edges of the bins -2 and +2 around the zero-lag bin (25).
    assert line_rows(23) > 0.9 and line_rows(28) > 0.9 and line_rows(15) == 0
    gui.snippets.run(":cr 10")
    assert view.refractory_period == pytest.approx(10e-3)
    assert line_rows(15) > 0.9 and line_rows(36) > 0.9 and line_rows(23) == 0
    view.set_refractory_period(1000)  # clipped to 100 ms
    assert view.refractory_period == pytest.approx(0.1)


def test_bin_and_window_wheel_and_actions(correlogram_view, select, qtbot):
    gui, supervisor, view = correlogram_view
    select(supervisor, view, [0, 1])
    calls = spy_set_data(view.correlogram_visual)

    def redrawn():
        qtbot.waitUntil(lambda: not view.is_busy)
        return calls[-1].data.hist.shape[1]

    wheel(view.canvas, 1, ("Alt",))  # one step per wheel event
    wheel(view.canvas, 2, ("Alt",))
    assert view.bin_size == pytest.approx(1e-3 * 1.1 ** 2)
    assert redrawn() == 2 * int(0.025 / view.bin_size) + 1
    wheel(view.canvas, -1, ("Control",))
    assert view.window_size == pytest.approx(50e-3 / 1.1)
    redrawn()
    assert view.canvas.panzoom.zoom == [1.0, 1.0]  # these wheels do not zoom
    view.set_bin(1)
    view.actions.run("increase")
    assert view.window_size == pytest.approx(50e-3)
    view.actions.run("increase")
    assert view.window_size == pytest.approx(55e-3)
    assert redrawn() == 55
    view.actions.run("reset_scaling")
    assert view.window_size == pytest.approx(50e-3) and redrawn() == 51
    gui.snippets.run(":cw 100")
    assert view.window_size == pytest.approx(0.1) and redrawn() == 101
    assert view.dock.status == "100.0 ms (1.0 ms)"
    with pytest.raises(ValueError, match="must be smaller than the window size"):
        view.set_window(0.5)
    gui.snippets.run(":cb 200")  # from a snippet, the error is shown in the status bar
    assert "must be smaller than the window size" in gui.status_message
    assert view.bin_size == pytest.approx(1e-3)
    wheel(view.canvas, -200, ("Control",))  # never narrower than one bin
    assert view.window_size > view.bin_size


def test_state_saved(make_gui_with_supervisor, trains):
    times, clusters = trains
    gui, _ = make_gui_with_supervisor(clusters)
    view = CorrelogramView(*correlogram_functions(times, clusters))
    view.attach(gui)
    view.set_bin(2)
    view.set_window(80)
    view.toggle_normalization(True)
    view.toggle_labels(False)
    gui.close()
    state = json.loads((gui.config_dir / gui.name / "state.json").read_text())["CorrelogramView"]
    assert state == pytest.approx(dict(
        bin_size=2e-3, window_size=80e-3, refractory_period=2e-3, uniform_normalization=True,
        show_labels=False))
    gui2, _ = make_gui_with_supervisor(clusters)
    view2 = CorrelogramView(*correlogram_functions(times, clusters))
    view2.attach(gui2)
    assert (view2.bin_size, view2.window_size) == pytest.approx((2e-3, 80e-3))
    assert not view2.label_visual.visible
    assert view2.actions.get("toggle_normalization").isChecked()


def test_empty_selection_and_max_clusters(correlogram_view, select, qtbot):
    gui, supervisor, view = correlogram_view
    view.max_n_clusters = 2
    calls = spy_set_data(view.correlogram_visual)
    select(supervisor, view, [0, 1, 2])
    assert calls[-1].data.hist.shape == (4, 51)  # the first two clusters
    assert view.canvas.layout.shape == (2, 2)
    select(supervisor, view, [])
    assert calls[-1].data.hist.shape[0] == 0
    assert not pixels(view).drawn(threshold=150).any()  # only the box borders


def test_bad_correlograms_shown_in_status(make_gui_with_supervisor, select, trains):
    times, clusters = trains
    gui, supervisor = make_gui_with_supervisor(clusters)
    _, rate = correlogram_functions(times, clusters)
    view = CorrelogramView(lambda ids, b, w: np.zeros((len(ids), 51)), rate)
    view.attach(gui)
    select(supervisor, view, [0, 1])
    assert "expected (2, 2, n_bins)" in view.dock.status
    with pytest.raises(ValueError, match="needs the `correlograms` and `firing_rate`"):
        CorrelogramView(correlograms=lambda *a: None)


@pytest.mark.parametrize("dataset", ["real", "synthetic"])
def test_template_datasets(dataset, make_gui_with_supervisor, select, shown, phy_data, tmp_path):
    """The view on the template data layer: what it draws equals phy.cluster.correlograms."""
    from phy.apps.template import load_model
    from phy.io.synthetic import make_template_dataset

    if dataset == "real":
        path = copy_dataset(phy_data / "template", tmp_path / "template")
    else:
        path = tmp_path / "synthetic"
        make_template_dataset(path, n_spikes=20_000, n_templates=6, n_channels=8, duration=30,
                              raw_data=False, seed=3)
    model = load_model(path / "params.py")
    times, clusters = np.asarray(model.spike_times), np.asarray(model.spike_clusters)
    all_ids = np.unique(clusters)
    expected = correlograms(times, clusters, cluster_ids=all_ids, sample_rate=model.sample_rate,
                            bin_size=1e-3, window_size=50e-3)
    # The two clusters with the fullest autocorrelograms.
    diagonal = np.arange(len(all_ids))
    index = np.argsort(-expected[diagonal, diagonal].sum(axis=1), kind="stable")[:2]
    ids = [int(all_ids[k]) for k in index]
    gui, supervisor = make_gui_with_supervisor(clusters)
    view = CorrelogramView(*correlogram_functions(
        times, clusters, sample_rate=model.sample_rate, duration=model.duration))
    view.attach(gui)
    shown(view)
    hists = spy_set_data(view.correlogram_visual)
    select(supervisor, view, ids)
    assert expected[index[0], index[0]].sum() > 0 and expected[index[1], index[1]].sum() > 0
    for (i, j), (heights, _) in drawn_correlograms(hists[-1], 2).items():
        assert np.array_equal(heights, expected[index[i], index[j]])
    assert color_count(box_pixels(pixels(view), 2, 0, 0), view.selected_color(0)) > 0
