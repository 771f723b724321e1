"""The controllers' answers on the live clustering (no GUI): channels, metrics, similarity."""

import numpy as np
import pytest

from phy.apps.base import NEW_CLUSTER_ID_FILE, BaseController
from phy.utils import Bunch, load_json


def test_template_values(real_dir, make_controller):
    c = make_controller(real_dir)
    m = c.model
    assert c.get_best_channels(0).tolist() == [4, 3, 5, 2, 6, 1, 7, 0, 8]
    for cluster_id in m.cluster_ids[:5].tolist():
        spikes = m.get_cluster_spikes(cluster_id)
        template = c.get_template_for_cluster(cluster_id)
        assert template == m.get_cluster_main_template(cluster_id)
        assert np.array_equal(c.get_best_channels(cluster_id), m.get_template_channels(template))
        assert c.get_template_counts(cluster_id).sum() == len(spikes)
        assert np.array_equal(c.get_spike_ids(cluster_id), spikes)
        assert c.get_cluster_amplitude(cluster_id) == pytest.approx(
            m.templates_peak_amplitudes[template])
        assert c.get_mean_firing_rate(cluster_id) == pytest.approx(len(spikes) / m.duration)
        best = c.get_best_channel(cluster_id)
        assert c.get_probe_depth(cluster_id) == m.channel_positions[best][1]
        assert c.get_channel_shank(cluster_id) == m.channel_shanks[best]
        assert c.get_best_channel_label(cluster_id) == m.channel_labels[best]
        assert cluster_id in c.get_clusters_on_channel(best)
    assert len(c.get_spike_ids(0, n=3)) == 3
    times = c.get_spike_times(0)
    assert np.array_equal(times.data, m.spike_times[m.get_cluster_spikes(0)])
    assert np.array_equal(times.spike_ids, m.get_cluster_spikes(0))
    assert times.lim == (0, m.duration)
    background = c.get_background_spike_ids(50)
    assert len(background) == 50 and np.all(np.diff(background) > 0)
    # Amplitudes: scaling times the template amplitude.
    ids = np.arange(10)
    assert np.allclose(c.get_spike_template_amplitudes(ids),
                       m.amplitudes[ids] * m.templates_peak_amplitudes[m.spike_templates[ids]])
    assert len(c.get_amplitudes(0)) == len(m.get_cluster_spikes(0))


def test_similarity(synthetic_dir, make_controller):
    c = make_controller(synthetic_dir)
    assert c.model.similar_templates.any()
    sims = c.template_similarity(0)
    values = [s for _, s in sims]
    assert values == sorted(values, reverse=True) and 0 not in [i for i, _ in sims]
    other, value = sims[0]
    t0, t1 = (np.flatnonzero(c.get_template_counts(i)) for i in (0, other))
    assert value == pytest.approx(c.model.similar_templates[np.ix_(t0, t1)].max())
    peak = c.peak_channel_similarity(0)
    same = [i for i, s in peak if s == 1.0]
    assert same and all(c.get_best_channel(i) == c.get_best_channel(0) for i in same)


def test_similarity_fallback_correlation(real_dir, make_controller):
    from phy.apps.mixins.template import template_correlation

    c = make_controller(real_dir)
    assert not c.model.similar_templates.any()  # all zeros: the template correlation is used
    corr = template_correlation(c.model)
    other, value = c.template_similarity(0)[0]
    t0, t1 = (np.flatnonzero(c.get_template_counts(i)) for i in (0, other))
    assert value == pytest.approx(corr[np.ix_(t0, t1)].max()) and value > 0.5


def test_live_clustering_after_merge(real_dir, make_controller):
    c = make_controller(real_dir)
    s = c.create_supervisor()
    assert s.columns == ["id", "ch", "sh", "depth", "fr", "amp", "n_spikes", "group"]
    a, b = 2, 7
    n_a, n_b = len(c.get_spike_ids(a)), len(c.get_spike_ids(b))
    up = s.merge([a, b])
    new = up.added[0]
    counts = c.get_template_counts(new)
    assert counts.sum() == n_a + n_b == len(c.get_spike_ids(new))
    main = int(np.argmax(counts))
    assert np.array_equal(c.get_best_channels(new), c.model.get_template_channels(main))
    row = next(r for r in s.cluster_info if r["id"] == new)
    assert row["n_spikes"] == n_a + n_b
    assert row["fr"] == pytest.approx((n_a + n_b) / c.model.duration)
    assert row["amp"] == pytest.approx(c.model.templates_peak_amplitudes[main])
    assert new in [i for i, _ in c.template_similarity(0)]
    # The next cluster id is saved with the dataset.
    assert load_json(real_dir / ".phy" / NEW_CLUSTER_ID_FILE)["new_cluster_id"] == new + 1
    s.undo()
    assert a in s.cluster_ids and new not in s.cluster_ids


def test_new_cluster_ids_not_reused(real_dir, make_controller):
    c = make_controller(real_dir)
    up = c.create_supervisor().merge([2, 7])
    c.close()
    # Not saved: the clustering on disk is the old one, but the id of the merge is taken.
    c2 = make_controller(real_dir)
    up2 = c2.create_supervisor().merge([3, 5])
    assert up2.added[0] == up.added[0] + 1


class ProtocolModel:
    """A model with only the Model protocol: 3 clusters, the waveforms peak on one channel."""

    def __init__(self, dir_path, n_spikes=300, n_channels=6):
        self.dir_path = dir_path
        self.n_channels = n_channels
        self.channel_mapping = np.arange(n_channels)
        self.channel_positions = np.c_[np.zeros(n_channels), np.arange(n_channels) * 10.0]
        self.channel_shanks = None
        self.sample_rate = 1000.0
        self.duration = 10.0
        self.spike_times = np.linspace(0, 9.9, n_spikes)
        self.spike_clusters = np.arange(n_spikes) % 3
        self.metadata = {"group": {0: "good"}, "quality": {1: 3.0}}
        self.traces = self.features = None
        self.n_samples_waveforms = 20
        self.spike_attributes = Bunch()
        self.saved = {}

    def get_waveforms(self, spike_ids, channel_ids):
        channels = np.arange(self.n_channels) if channel_ids is None else np.asarray(channel_ids)
        out = np.zeros((len(spike_ids), self.n_samples_waveforms, len(channels)), np.float32)
        peaks = 2 * np.asarray(self.spike_clusters)[spike_ids]  # cluster c peaks on channel 2c
        for i, p in enumerate(peaks):
            out[i, 10, channels == p] = -100
        return out

    def save_spike_clusters(self, spike_clusters):
        self.saved["spike_clusters"] = spike_clusters

    def save_metadata(self, name, values):
        self.saved[name] = values


def test_base_controller_protocol(tmp_path, qapp, config_dir):
    c = BaseController(model=ProtocolModel(tmp_path), config_dir=config_dir)
    assert c.get_best_channel(1) == 2 and c.get_best_channel(2) == 4
    assert c.get_probe_depth(2) == 40.0 and c.get_channel_shank(2) is None
    assert c.get_best_channel_label(2) == "4"
    s = c.create_supervisor()
    assert s.columns == ["id", "ch", "depth", "fr", "n_spikes", "group", "quality"]
    assert c.similarity == "peak_channel" and list(c.similarity_functions) == [c.similarity]
    assert [i for i, _ in c._similarity(0)] == [1, 2]
    assert {"ProbeView", "RasterView", "CorrelogramView", "ClusterScatterView"} <= set(
        c.view_creator)
    assert c.create_amplitude_view() is None  # no amplitude type
    s.merge([0, 1])
    s.label("quality", 5.0, cluster_ids=[2])
    assert s.save()
    saved = c.model.saved
    assert sorted(np.unique(saved["spike_clusters"]).tolist()) == [2, 3]
    assert saved["quality"][2] == 5.0 and saved["group"][3] == "good"
    c.close()


def test_clear_cache_folder_keeps_the_users_data(tmp_path):
    from phy.apps.base import clear_cache_folder

    phy_dir = tmp_path / ".phy"
    kept = ["state.json", "new_cluster_id.json", "journal/journal.jsonl",
            "backups/original/spike_clusters.npy", "save/transaction.json",
            "1/journal/journal.jsonl", "1/state.json"]  # 1/: a Kwik channel group's cache
    removed = ["derived/clusters/cluster_ids.npy", "joblib/x.pkl", "1/derived/a.npy", "x.tmp"]
    for name in kept + removed:
        (phy_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (phy_dir / name).write_text("x")
    clear_cache_folder(phy_dir)
    assert all((phy_dir / name).exists() for name in kept)
    assert not any((phy_dir / name).exists() for name in removed)
    (phy_dir / "derived" / "a.npy").parent.mkdir()
    (phy_dir / "derived" / "a.npy").write_text("x")
    clear_cache_folder(phy_dir, keep_model_cache=True)
    assert (phy_dir / "derived" / "a.npy").exists()
