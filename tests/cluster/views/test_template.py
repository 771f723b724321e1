"""Tests of the template view: grid of channels by clusters, colours, clicks, changes in place."""

import numpy as np
import pytest

from phy.cluster.views.template import LABEL_MARGIN, TemplateView
from phy.utils import Bunch, connect, selected_cluster_color, unconnect
from phy.utils import bus_events as ev

from ...plot.conftest import EventSender
from .conftest import pixels, rgb255

N_CHANNELS, N_SAMPLES = 6, 40


def make_templates():
    """``templates(cluster_ids)``: cluster c on channels c % 4 .. c % 4 + 2; the calls made."""
    calls = []
    t = np.linspace(-1, 1, N_SAMPLES)
    shape = -np.exp(-(t / .2) ** 2) + .3 * np.exp(-((t - .4) / .2) ** 2)

    def templates(cluster_ids):
        calls.append(list(cluster_ids))
        out = []
        for c in cluster_ids:
            channels = np.arange(c % 4, c % 4 + 3)
            template = np.outer(shape, [1., .6, .3]) * (1 + c % 4)
            out.append(Bunch(template=template, channel_ids=channels))
        return out

    return templates, calls


@pytest.fixture
def template_view(make_gui_with_supervisor, shown, select):
    def make(**kwargs):
        sc = np.repeat(np.arange(4), 10)
        gui, supervisor = make_gui_with_supervisor(sc)
        templates, calls = make_templates()
        view = TemplateView(
            templates=templates, channel_ids=np.arange(N_CHANNELS), cluster_ids=[0, 1, 2, 3],
            cluster_color_selector=supervisor.color_selector, **kwargs)
        view.attach(gui)
        shown(view)
        select(supervisor, view, [])
        return view, supervisor, calls
    return make


def column_band(p, column, n_columns):
    """Pixel columns of a cluster column."""
    w = p.array.shape[1]
    x0 = LABEL_MARGIN / 2 * w
    width = (w - x0) / n_columns
    return slice(int(x0 + column * width) + 1, int(x0 + (column + 1) * width) - 1)


def test_template_view_draws_selected_colours(template_view, select):
    view, supervisor, calls = template_view()
    assert calls == [[0, 1, 2, 3]]
    select(supervisor, view, [1, 2])
    assert calls == [[0, 1, 2, 3]]  # A selection does not fetch the templates again.
    p = pixels(view)
    for i, column in enumerate([1, 2]):
        mask = p.matching(rgb255(selected_cluster_color(i)), tolerance=20)
        assert mask[:, column_band(p, column, 4)].sum() > 10
        for other in {0, 1, 2, 3} - {column}:
            assert not mask[:, column_band(p, other, 4)].any()
    # Clusters not selected: darker, drawn.
    assert p.drawn(threshold=20)[:, column_band(p, 0, 4)].sum() > 10
    assert view.dock.status == "4 clusters, 6 channels"


def test_template_view_merge_in_place(template_view, select):
    view, supervisor, calls = template_view()
    supervisor.merge([1, 2])
    supervisor.block()
    assert calls == [[0, 1, 2, 3], [4]]  # Only the new template is fetched.
    assert list(view.all_cluster_ids) == [0, 4, 3]
    # One curve per channel of each cluster, in the column order.
    assert view._curve_cluster.tolist() == [0] * 3 + [4] * 3 + [3] * 3
    assert view.visual.n_vertices == 9 * N_SAMPLES
    select(supervisor, view, [4])
    p = pixels(view)
    mask = p.matching(rgb255(selected_cluster_color(0)), tolerance=20)
    assert mask[:, column_band(p, 1, 3)].sum() > 10
    assert not mask[:, column_band(p, 0, 3)].any() and not mask[:, column_band(p, 2, 3)].any()


def test_template_view_scaling_sort_click(template_view, select):
    view, supervisor, _ = template_view()
    select(supervisor, view, [3])
    mask_color = rgb255(selected_cluster_color(0))

    def height():
        p = pixels(view)
        box = p.bbox(p.matching(mask_color, tolerance=20)[:, column_band(p, 3, 4)])
        return box[1] - box[0]

    h = height()
    for _ in range(5):
        view.actions.get("increase").trigger()
    assert height() > h + 15
    view.canvas.emit("mouse_wheel", pos=(50, 50), delta=(0, -1), modifiers=("Control",))
    assert view.scaling == pytest.approx(1.1 ** 4)
    view.actions.get("reset_scaling").trigger()
    assert height() == h

    supervisor.sort("id", "desc")
    assert list(view.all_cluster_ids) == [3, 2, 1, 0]
    p = pixels(view)
    assert p.matching(mask_color, tolerance=20)[:, column_band(p, 0, 4)].sum() > 10

    requests = []

    def on_select_more(sender, cluster_ids):
        requests.append(cluster_ids)

    connect(on_select_more, event=ev.SELECT_MORE)
    w, hgt = view.canvas.get_size()
    x = (LABEL_MARGIN / 2 + (1 - LABEL_MARGIN / 2) * 1.5 / 4) * w
    EventSender().click(view.canvas, (x, hgt / 2), modifiers=("Shift",))
    unconnect(on_select_more)
    assert requests == [[2]]
    supervisor.block()
    assert supervisor.selected == [3, 2]


def test_template_view_bad_templates(make_gui_with_supervisor, shown):
    gui, supervisor = make_gui_with_supervisor(enable_threading=False)
    view = TemplateView(
        templates=lambda ids: [Bunch(template=np.zeros((10, 2)), channel_ids=[0])] * len(ids),
        channel_ids=[0, 1], cluster_ids=[0])
    view.attach(gui)
    supervisor.block()
    assert "a template of shape (10, 2) for 1 channels" in view.dock.status
    with pytest.raises(ValueError, match="2 channel labels for 3 channels"):
        TemplateView(templates=None, channel_ids=[0, 1, 2], channel_labels=["a", "b"])
