"""The Kwik GUI end to end: every view drawn, a merge and a label saved into the .kwik."""

import numpy as np

from phy.apps.kwik import KwikModel
from phy.utils import read_tsv

from ...cluster.views.conftest import pixels

#: The views of the Kwik GUI (the trace view needs raw data).
VIEWS = ["WaveformView", "FeatureView", "AmplitudeView", "CorrelogramView", "ISIView",
         "FiringRateView", "RasterView", "ProbeView", "TraceView"]


def _show_and_select(qtbot, c, cluster_ids):
    gui = c.gui
    gui.resize(1400, 1000)
    with qtbot.waitExposed(gui):
        gui.show()
    c.supervisor.select(list(cluster_ids))
    c.supervisor.block()
    qtbot.waitUntil(lambda: not any(getattr(v, "is_busy", False) for v in gui.views))


def _check_views(c, names, cluster_ids):
    for name in names:
        view = c.gui.get_view(name)
        assert view.cluster_ids == list(cluster_ids), name
        assert pixels(view).drawn().sum() > 50, f"{name} drew nothing"


def test_real_gui_merge_label_save(qtbot, real_kwik, make_kwik_controller):
    original = np.array(KwikModel(real_kwik, clustering="original").spike_clusters)
    c = make_kwik_controller(real_kwik)
    assert real_kwik.with_name("hybrid_10sec.kwik.bak").read_bytes() == real_kwik.read_bytes()
    gui = c.create_gui(default_views=VIEWS)
    assert gui.name == "KwikGUI"
    assert c.create_trace_view() is None  # no raw data: no traces, no waveforms
    assert c.create_waveform_view() is None
    views = [v for v in VIEWS if v not in ("TraceView", "WaveformView")]
    assert sorted(gui.view_count) == sorted(views + ["ClusterView", "SimilarityView"])
    assert list(gui.get_view("AmplitudeView").amplitudes) == ["feature"]
    _show_and_select(qtbot, c, [2, 3])
    _check_views(c, views, [2, 3])
    # Best channels: by decreasing mean mask, all above 0.1.
    masks = c.model.get_masks(c.get_spike_ids(2, 100)).mean(axis=0)
    best = c.get_best_channels(2)
    assert np.all(np.diff(masks[best]) <= 0) and masks[best].min() > 0.1
    assert c.similarity == "peak_channel"
    s = c.supervisor
    n2, n3 = len(c.get_spike_ids(2)), len(c.get_spike_ids(3))
    new = s.merge([2, 3]).added[0]
    s.label("group", "good", cluster_ids=[new])
    s.label("group", "noise", cluster_ids=[5])
    assert s.save()
    expected = np.array(s.clustering.spike_clusters)
    info = read_tsv(real_kwik.parent / "cluster_info.tsv")
    assert {int(r["cluster_id"]) for r in info} == set(s.cluster_ids.tolist())
    m = KwikModel(real_kwik)
    assert np.array_equal(m.spike_clusters, expected)
    assert (m.spike_clusters == new).sum() == n2 + n3
    assert m.cluster_groups[new] == "good" and m.cluster_groups[5] == "noise"
    assert m.cluster_groups[4] == "unsorted"
    m.clustering = "original"  # untouched
    assert np.array_equal(m.spike_clusters, original)
    assert set(m.cluster_groups.values()) == {"unsorted"}
    m.close()


def test_synthetic_groups(qtbot, synthetic_kwik, make_kwik_controller):
    c = make_kwik_controller(synthetic_kwik, channel_group=1)
    assert c.model.channel_group == 1 and c.cache_dir.name == "1"
    c.create_gui(default_views=VIEWS)
    _show_and_select(qtbot, c, [0, 1])
    _check_views(c, VIEWS, [0, 1])
    assert list(c.gui.get_view("AmplitudeView").amplitudes) == ["raw", "feature"]
    assert c.get_best_channel(1) == 1  # masks 1 on the main channel of cluster 1
