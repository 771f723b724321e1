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


def test_saved_spikes_per_cluster_are_views_of_the_cached_grouping(synthetic):
    from phy.cluster.clustering import group_spikes

    d, _ = synthetic
    m = load_model(d / "params.py")

    def same(spc, spike_clusters):
        expected = group_spikes(spike_clusters)
        return sorted(spc) == sorted(expected) and all(
            np.array_equal(spc[c], expected[c]) for c in expected)

    spc = m.saved_spikes_per_cluster()  # the clusters are the templates
    assert same(spc, np.asarray(m.spike_clusters))
    assert all(not s.flags.writeable for s in spc.values())
    new = np.asarray(m.spike_templates).copy()
    new[new == 2] = 50  # a saved clustering that differs from the templates
    m.save_spike_clusters(new)
    assert same(m.saved_spikes_per_cluster(), new)


def test_gui_clustering_starts_from_the_cached_grouping(synthetic, monkeypatch, qapp):
    import phy.cluster.clustering as clustering_module
    from phy.apps.template import TemplateController

    def no_sort(dense, counts):
        raise AssertionError("the spikes were sorted again")

    d, _ = synthetic
    monkeypatch.setattr(clustering_module, "_group_order", no_sort)
    c = TemplateController(dir_path=d, config_dir=d / "config", enable_threading=False)
    try:
        st = np.asarray(c.model.spike_templates)
        assert np.array_equal(c.supervisor.clustering.spikes_per_cluster[3],
                              np.flatnonzero(st == 3))
        up = c.supervisor.merge([1, 2])
        assert np.array_equal(c.supervisor.clustering.spikes_per_cluster[up.added[0]],
                              np.flatnonzero((st == 1) | (st == 2)))
    finally:
        c.close()
