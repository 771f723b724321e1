"""Tests of the template feature view: the coords function, the view, a real dataset."""

import numpy as np

from phy.cluster.views.template_feature import TemplateFeatureView, template_feature_coords
from phy.utils import Bunch

from .conftest import pixels, rgb255


def make_data(seed=0):
    """Clusters 0 (templates 0 and 1, 3:1) and 1 (template 2); template features of all spikes.

    A spike projects with about 1 on its own template and 0.1 on the others.
    """
    rng = np.random.default_rng(seed)
    spike_templates = np.r_[np.zeros(3000), np.ones(1000), 2 * np.ones(2000)].astype(np.int64)
    spike_clusters = np.r_[np.zeros(4000), np.ones(2000)].astype(np.int64)
    n = len(spike_templates)
    features = 0.1 + 0.02 * rng.normal(size=(n, 4))
    features[np.arange(n), spike_templates] = 1 + 0.05 * rng.normal(size=n)
    features[-10:] = np.nan  # spikes without template features
    calls = []

    def template_features(spike_ids):
        calls.append(len(spike_ids))
        return features[spike_ids]

    template_features.calls = calls
    return Bunch(spike_templates=spike_templates, spike_clusters=spike_clusters,
                 features=features, template_features=template_features,
                 cluster_spikes=lambda c: np.nonzero(spike_clusters == c)[0])


def test_no_template_features_no_view():
    d = make_data()
    assert template_feature_coords(None, d.cluster_spikes, d.spike_templates) is None


def test_coords_project_on_the_clusters_templates():
    d = make_data()
    coords = template_feature_coords(
        d.template_features, d.cluster_spikes, d.spike_templates, n_spikes_shown=500,
        chunk_size=300)
    assert coords([0]) is None  # two clusters needed
    b0, b1 = coords([0, 1, 2])  # the first two clusters
    assert len(b0.spike_ids) == 500 and len(b1.spike_ids) == 500
    # x: weights 3/4, 1/4 on templates 0 and 1; y: template 2.
    f = d.features
    assert np.allclose(b0.x, 0.75 * f[b0.spike_ids, 0] + 0.25 * f[b0.spike_ids, 1])
    assert np.allclose(b0.y, f[b0.spike_ids, 2])
    assert np.allclose(b1.x[:5], (0.75 * f[:, 0] + 0.25 * f[:, 1])[b1.spike_ids[:5]])
    assert max(d.template_features.calls) <= 300  # read in chunks
    # Every spike for a lasso split.
    a0, a1 = coords([0, 1], load_all=True)
    assert np.array_equal(a0.spike_ids, np.arange(4000))
    assert np.array_equal(a1.spike_ids, np.arange(4000, 6000))
    assert np.isnan(a1.x[-10:]).all()


def test_view_draws_two_clusters(make_gui_with_supervisor, select, shown):
    d = make_data()
    gui, supervisor = make_gui_with_supervisor(d.spike_clusters)
    coords = template_feature_coords(d.template_features, d.cluster_spikes, d.spike_templates)
    view = TemplateFeatureView(coords=coords)
    view.attach(gui)
    gui.resize(1200, 700)
    shown(view)
    select(supervisor, view, [0])
    assert view.dock.status == "select two clusters"
    select(supervisor, view, [0, 1])
    assert view.dock.status == "x: templates of 0, y: templates of 1"
    assert len(view._data.clusters[1].spike_ids) == 1990  # the spikes without features left out
    px = pixels(view)
    h, w = px.array.shape[:2]
    m0 = px.matching(rgb255(view.selected_color(0)), tolerance=40)
    m1 = px.matching(rgb255(view.selected_color(1)), tolerance=40)
    # Cluster 0 along x (bottom right), cluster 1 along y (top left).
    assert px.centroid(m0)[0] > 0.5 * w and px.centroid(m0)[1] > 0.5 * h
    assert px.centroid(m1)[0] < 0.5 * w and px.centroid(m1)[1] < 0.5 * h


def test_template_dataset(phy_data, dataset_copy, make_gui_with_supervisor, select, shown):
    from phy.apps.template import load_model

    model = load_model(dataset_copy(phy_data / "template") / "params.py")
    assert model.template_features is not None
    coords = template_feature_coords(
        model.get_template_features, model.get_cluster_spikes, model.spike_templates)
    sc = np.asarray(model.spike_clusters)
    gui, supervisor = make_gui_with_supervisor(sc)
    view = TemplateFeatureView(coords=coords)
    view.attach(gui)
    shown(view)
    # The features of this dataset are on templates 0 to 15 only: two clusters among these.
    counts, st = np.bincount(sc), np.asarray(model.spike_templates)
    ids = [int(c) for c in np.argsort(counts)[::-1] if (st[sc == c] < 16).all()][:2]
    select(supervisor, view, ids)
    for c, b in zip(ids, view._data.clusters):  # the cluster's spikes that have features
        assert 0 < len(b.spike_ids) and np.isin(b.spike_ids, model.get_cluster_spikes(c)).all()
        rows = model.get_template_features(b.spike_ids)
        assert np.isfinite(rows).all()
    px = pixels(view)
    for i in range(2):
        assert px.matching(rgb255(view.selected_color(i)), tolerance=40).sum() > 5
    model.close()
