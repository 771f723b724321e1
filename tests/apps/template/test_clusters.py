"""The saved clusters of a template dataset (phy/apps/template/clusters.py)."""

import numpy as np

from phy.apps.template import load_model


def test_clusters_file_created_from_the_templates(synthetic):
    d, _ = synthetic
    (d / "spike_clusters.npy").unlink()
    m = load_model(d / "params.py")
    created = np.load(d / "spike_clusters.npy").ravel()  # a copy of spike_templates.npy
    assert np.array_equal(created, np.asarray(m.spike_templates))
    assert np.array_equal(np.asarray(m.spike_clusters), created)
    assert np.array_equal(m.cluster_ids, np.unique(np.asarray(m.spike_templates)))


def test_cluster_template_counts_follow_the_saved_clusters(synthetic):
    d, _ = synthetic
    m = load_model(d / "params.py")
    st = np.asarray(m.spike_templates)
    assert np.array_equal(m.get_cluster_template_counts(3), np.bincount(
        st[st == 3], minlength=m.n_templates))  # the clusters are the templates
    new = st.copy()
    new[(st == 1) | (st == 2)] = 100  # a merge of two templates
    new[np.flatnonzero(st == 4)[::2]] = 101  # a split of another one
    m.save_spike_clusters(new)
    for cluster_id in (100, 101, 4, 5):
        expected = np.bincount(st[new == cluster_id], minlength=m.n_templates)
        assert np.array_equal(m.get_cluster_template_counts(cluster_id), expected)
    assert m.get_cluster_template_counts(1) is None  # not a saved cluster any more
    assert m.get_cluster_main_template(101) == 4
    reopened = load_model(d / "params.py")  # from the cached table
    assert np.array_equal(reopened.get_cluster_template_counts(100),
                          m.get_cluster_template_counts(100))
