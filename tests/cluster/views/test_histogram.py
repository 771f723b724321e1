"""Tests of the histogram views: ISI, firing rate, and any statistic with a plot and a text."""

import numpy as np
import pytest

from phy.cluster.stats import histogram_density, isi_histogram
from phy.cluster.views.histogram import FILL, FiringRateView, HistogramView, ISIView
from phy.utils import Bunch

from .conftest import pixels, rgb255
from .spike_trains import (
    DURATION,
    cluster_times,
    isi_stat,
    item_boxes,
    spy_set_data,
    wheel,
)


@pytest.fixture
def attach(make_gui_with_supervisor, shown, trains):
    """``attach(view)``: attach a view to a shown GUI of the test spike trains."""

    def attach_view(view):
        gui, supervisor = make_gui_with_supervisor(trains[1])
        view.attach(gui)
        shown(view)
        return gui, supervisor, view

    return attach_view


def drawn_histograms(call):
    """The heights of the histograms of a recorded set_data, in box order."""
    hist = call.data.hist
    boxes = item_boxes(call, np.full(len(hist), 6 * hist.shape[1]))
    assert boxes == [(i,) for i in range(len(hist))]
    return hist


def rows_with(px, color, tolerance=40):
    """The rows of the pixels of a colour."""
    diff = np.abs(px.array[..., :3].astype(int) - np.asarray(rgb255(color)))
    return np.nonzero((diff.max(axis=2) <= tolerance).any(axis=1))[0]


def test_isi_values_and_colors(attach, select, trains):
    gui, supervisor, view = attach(ISIView(isi_stat(*trains)))
    calls = spy_set_data(view.hist_visual)
    select(supervisor, view, [0, 3])
    times = cluster_times(*trains)
    hist = drawn_histograms(calls[-1])
    for i, c in enumerate([0, 3]):
        assert np.array_equal(hist[i], isi_histogram(times(c), 0, 0.05, 50)[0])
    assert hist[0, :2].sum() == 0 and hist[0].sum() > 0  # cluster 0: no ISI below 3 ms
    assert calls[-1].data.ylim == pytest.approx(hist.max(axis=1) / FILL)
    # Each cluster in its colour, the first one above the second.
    px = pixels(view)
    h = px.array.shape[0]
    top, bottom = rows_with(px, view.selected_color(0)), rows_with(px, view.selected_color(1))
    assert len(top) > 0.2 * h and len(bottom) > 0.2 * h
    assert top.max() < h / 2 < bottom.min()
    assert view.canvas.axes.data_bounds == (0, 0, 50, 1)  # the x axis in milliseconds
    assert view.dock.status == "1.02 ms bins, [0, 50] ms"


def test_isi_snippets(attach, select, trains, qtbot):
    gui, supervisor, view = attach(ISIView(isi_stat(*trains)))
    calls = spy_set_data(view.hist_visual)
    select(supervisor, view, [0])
    assert {view.actions.action_for_alias(a) for a in ("isib", "isin", "isimin", "isimax")} == {
        "set_bin_size", "set_n_bins", "set_x_min", "set_x_max"}

    def run(snippet):
        gui.snippets.run(snippet)
        qtbot.waitUntil(lambda: not view.is_busy)
        return calls[-1].data.hist

    assert run(":isib 2").shape == (1, 25) and view.n_bins == 26
    assert view.bin_size == pytest.approx(2.0)
    assert run(":isin 31").shape == (1, 30)
    run(":isimin 5")
    hist = run(":isimax 20")
    assert (view.x_min, view.x_max) == pytest.approx((0.005, 0.02))
    isi = np.diff(cluster_times(*trains)(0))
    assert np.array_equal(hist[0], histogram_density(isi, 0.005, 0.02, 31)[0])
    assert view.dock.status == "0.5 ms bins, [5, 20] ms"
    gui.snippets.run(":isimax 1")  # below x_min: refused, shown in the status bar
    assert "x_min < x_max" in gui.status_message and view.x_max == pytest.approx(0.02)
    view.set_n_bins(0)
    assert view.n_bins == 2


def test_firing_rate_range_and_wheel(attach, select, trains, qtbot):
    gui, supervisor, view = attach(
        FiringRateView(lambda c: Bunch(data=cluster_times(*trains)(c))))
    calls = spy_set_data(view.hist_visual)
    select(supervisor, view, [2, 3])
    times = cluster_times(*trains)
    last = times(2).max()  # x_max unset: the last spike of the first cluster
    hist = drawn_histograms(calls[-1])
    assert hist.shape == (2, 199)
    assert np.array_equal(hist[1], histogram_density(times(3), 0, last, 200)[0])
    gui.snippets.run(f":frmax {DURATION}")
    qtbot.waitUntil(lambda: not view.is_busy)
    assert view.x_max == DURATION and view.bin_size == pytest.approx(DURATION / 199)
    assert np.array_equal(calls[-1].data.hist[0], histogram_density(times(2), 0, 20, 200)[0])
    wheel(view.canvas, 1, ("Control",))  # narrower
    qtbot.waitUntil(lambda: not view.is_busy)
    assert view.x_max == pytest.approx(DURATION / 1.1)
    wheel(view.canvas, -1, ("Control",))
    assert view.x_max == pytest.approx(DURATION)
    assert "x_max" in FiringRateView.local_state_attrs  # the duration belongs to the dataset


def test_stat_with_plot_text_and_scaling(attach, select, qtbot):
    rng = np.random.default_rng(1)
    data = {c: rng.normal(c, 1.0, 5000) for c in range(4)}
    x = np.linspace(-4, 4, 100)

    def stat(cluster_id):
        pdf = np.exp(-0.5 * (x - cluster_id) ** 2) / np.sqrt(2 * np.pi)
        return Bunch(data=data[cluster_id], plot=pdf, text=f"mean {data[cluster_id].mean():.1f}")

    view = HistogramView(stat)
    view.x_min, view.x_max = -4, 4
    gui, supervisor, view = attach(view)
    assert view.actions.action_for_alias("hb") == "set_bin_size"
    hists, plots = spy_set_data(view.hist_visual), spy_set_data(view.plot_visual)
    texts = spy_set_data(view.text_visual)
    select(supervisor, view, [0, 1])
    assert texts[-1].data.text == [f"{c} {stat(c).text}" for c in (0, 1)]
    ylim = hists[-1].data.ylim
    pos = plots[-1].data.pos.reshape(2, 100, 2)
    for i in range(2):
        pdf = np.exp(-0.5 * (x - i) ** 2) / np.sqrt(2 * np.pi)
        assert pos[i, :, 1] == pytest.approx(2 * pdf / ylim[i] - 1)
    # The plot (white) and the label (white) are drawn over the histograms.
    white = pixels(view).matching((255, 255, 255), tolerance=60)
    assert white.sum() > 100

    def colored():
        px = pixels(view)
        return sum(px.matching(rgb255(view.selected_color(i))).sum() for i in range(2))

    before = colored()
    view.actions.run("increase")
    view.actions.run("increase")
    assert view.scaling == pytest.approx(1.21)
    assert colored() > 1.1 * before  # taller bars (clipped at the top of their box)
    view.actions.run("reset_scaling")
    assert colored() == before


def test_empty_selection_and_max_clusters(attach, select, trains):
    gui, supervisor, view = attach(ISIView(isi_stat(*trains)))
    view.max_n_clusters = 3
    calls = spy_set_data(view.hist_visual)
    select(supervisor, view, [0, 1, 2, 3])
    assert calls[-1].data.hist.shape == (3, 49) and view.canvas.layout.n_boxes == 3
    select(supervisor, view, [])
    assert calls[-1].data.hist.shape[0] == 0
    assert not any(rows_with(pixels(view), view.selected_color(i)).size for i in range(3))


def test_missing_cluster_stat():
    with pytest.raises(ValueError, match="needs a `cluster_stat` function"):
        ISIView()
