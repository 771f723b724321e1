import hashlib
import logging
import os

import numpy as np
import pytest

from phy.apps.template import TemplateModel, get_template_params, load_model, spikes
from phy.io import DataFormatError, LazyVector


def _hashes(d):
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in d.iterdir() if p.is_file()}


def _isolated(model, n=20):
    s = np.asarray(model.spike_samples)
    nsw = model.n_samples_waveforms
    ok = (np.diff(s, prepend=-10**9) > nsw) & (np.diff(s, append=10**12) > nsw)
    return np.nonzero(ok)[0][:n]


# -------------------------------------------------------------------------------------------------
# The real sample dataset
# -------------------------------------------------------------------------------------------------

def test_real_dataset(real_dir):
    m = load_model(real_dir / "params.py")
    assert (m.n_spikes, m.n_templates, m.n_channels, m.n_channels_dat) == (314, 64, 32, 34)
    assert m.sample_rate == 25000.0 and m.n_samples_waveforms == 82
    assert m.traces is None and m.duration == pytest.approx(11.93612)
    assert m.dtype == np.int16 and m.offset == 0
    assert m.channel_mapping.tolist()[:3] == [7, 9, 11] and m.channel_mapping[-1] == 5
    assert m.channel_mapping.dtype == np.int64
    assert m.channel_positions.shape == (32, 2) and set(m.channel_shanks.tolist()) == {0, 1}
    assert m.channel_probes.tolist() == [0] * 32
    assert m.spike_times.dtype == np.float64 and m.spike_times[-1] == 298403 / 25000
    assert m.spike_samples.dtype == np.int64 and m.spike_samples[-1] == 298403
    assert m.spike_templates.dtype == np.int64 and m.spike_clusters.dtype == np.int64
    assert np.array_equal(m.spike_clusters, m.spike_templates)
    assert m.amplitudes.shape == (314,)
    assert m.metadata == {"group": {4: "good"}}
    assert np.unique(m.spike_templates).size == 62
    t0 = m.get_template(0)
    assert t0.channel_ids.tolist() == [4, 3, 5, 2, 6, 1, 7, 0, 8]
    assert m.channel_labels[4] == "15"
    assert np.argmax(t0.amplitude) == 0 and t0.template.shape == (82, 9)
    assert m.get_cluster_channels(0).tolist() == [4, 3, 5, 2, 6, 1, 7, 0, 8]
    # Cluster amplitude of cluster 0 as reported by phy in cluster_info.tsv.
    assert m.templates_peak_amplitudes[0] == pytest.approx(70.89144897, abs=1e-6)
    assert m.templates_peak_channels[0] == 4
    assert np.all(m.similar_templates == 0) and m.similar_templates.shape == (64, 64)
    assert m.n_features_per_channel == 3
    assert m.features.shape == (314, 12, 3)


def test_real_dataset_features(real_dir):
    m = load_model(real_dir / "params.py")
    pc = np.load(real_dir / "pc_features.npy")
    ind = np.load(real_dir / "pc_feature_ind.npy").astype(int)
    s = 10
    t = int(m.spike_templates[s])
    f = m.get_features([s], ind[t][[2, 0]].tolist() + [31])
    assert f.shape == (1, 3, 3)
    assert np.allclose(f[0, 0], pc[s, :, 2]) and np.allclose(f[0, 1], pc[s, :, 0])
    assert np.all(f[0, 2] == 0) or 31 in ind[t]
    tf = np.load(real_dir / "template_features.npy")
    tind = np.load(real_dir / "template_feature_ind.npy").astype(int)
    out = m.get_template_features([s])
    assert out.shape == (1, 64) and np.allclose(out[0, tind[t]], tf[s])


def test_read_only_dataset_is_not_written(phy_data, dataset_copy, caplog):
    d = dataset_copy(phy_data / "template", read_only=True)
    before = _hashes(d)
    with caplog.at_level(logging.WARNING):
        m = load_model(d / "params.py")
    assert m.n_spikes == 314 and "sim_binary.dat" in caplog.text
    assert m.get_cluster_spikes(4).size == np.sum(np.load(d / "spike_clusters.npy") == 4)
    assert _hashes(d) == before and not (d / ".phy").exists()  # the cache stayed in memory
    with pytest.raises(DataFormatError, match="not writable"):
        m.save_metadata("group", {1: "good"})


def test_sorter_files_never_modified(real_dir):
    before = _hashes(real_dir)
    m = load_model(real_dir / "params.py")
    m.get_template(3)
    m.get_features(np.arange(10), [0, 1])
    m.save_spike_clusters(np.asarray(m.spike_clusters) + 1)
    m.save_metadata("group", {1: "good"})
    after = _hashes(real_dir)
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == {"spike_clusters.npy", "cluster_group.tsv"}
    assert set(after) - set(before) == {"spike_clusters.npy.bak", "cluster_group.tsv.bak"}


# -------------------------------------------------------------------------------------------------
# Synthetic datasets: what the generator wrote is what the model returns
# -------------------------------------------------------------------------------------------------

def test_synthetic_round_trip(synthetic):
    d, info = synthetic
    m = load_model(d / "params.py")
    assert m.n_channels_dat == 33 and m.traces.shape == (info.n_samples, 32)
    assert m.duration == pytest.approx(info.duration)
    spikes = _isolated(m)
    assert spikes.size >= 10
    for s in spikes:
        t = int(m.spike_templates[s])
        template = m.get_template(t)
        truth = info.templates[t][:, template.channel_ids]
        assert np.allclose(template.template, truth, atol=1e-4)
        assert template.channel_ids[0] == np.argmax(np.ptp(info.templates[t], axis=0))
        w = m.get_waveforms([s], template.channel_ids)[0]
        residual = w - m.amplitudes[s] * truth
        noise = info.channel_noise[template.channel_ids]
        assert np.all(np.abs(residual).max(axis=0) < 6 * noise + 1)
        assert residual.std() == pytest.approx(noise.mean(), rel=0.35)
        # PC features: projection of the waveform on the principal components.
        ch = np.load(d / "pc_feature_ind.npy")[t].astype(int)
        f = m.get_features([s], ch)[0]
        expected = (info.pcs @ (m.amplitudes[s] * info.templates[t][:, ch])).T
        assert np.all(np.abs(f - expected) < 6 * info.channel_noise[ch][:, None] + 1)
        assert m.get_template_features([s])[0, t] == pytest.approx(m.amplitudes[s], abs=0.1)


def test_synthetic_waveforms_channel_mapping_and_edges(synthetic):
    d, info = synthetic
    m = load_model(d / "params.py")
    raw = np.fromfile(d / "raw.dat", dtype=np.int16).reshape(-1, 33)
    w = m.get_waveforms([0, 5], None)
    assert w.shape == (2, 82, 32) and w.dtype == np.float32
    s = int(m.spike_samples[5])
    assert np.array_equal(w[1], raw[s - 41:s + 41, :32])
    # Near the edges, windows are zero-padded.
    m.spike_samples = np.array([3, info.n_samples - 2])
    w = m.get_waveforms([0, 1], [0, 1])
    assert np.array_equal(w[0, 38:], raw[:44, :2]) and np.all(w[0, :38] == 0)
    assert np.array_equal(w[1, :43], raw[-43:, :2]) and np.all(w[1, 43:] == 0)


def test_spikes_per_template_and_cluster(synthetic):
    d, _ = synthetic
    m = load_model(d / "params.py")
    st = np.asarray(m.spike_templates)
    for t in range(m.n_templates):
        assert np.array_equal(m.get_template_spikes(t), np.nonzero(st == t)[0])
    assert m.get_template_spikes(999).size == 0
    assert np.array_equal(m.cluster_ids, np.unique(st))
    assert np.array_equal(m.get_cluster_spikes(3), np.nonzero(st == 3)[0])
    assert m.get_cluster_spikes(12345).size == 0
    assert m.get_cluster_main_template(3) == 3 and m.get_cluster_main_template(12345) is None
    assert m.get_cluster_channels(12345).size == 0
    w = m.get_cluster_spike_waveforms(3)
    assert w.shape == (np.sum(st == 3), 82, m.get_cluster_channels(3).size)
    w = m.get_template_spike_waveforms(3)
    assert w.shape[0] == np.sum(st == 3)
    assert np.array_equal(m.get_template_waveforms(3), m.get_template(3).template)


def test_cache_reused_and_validated(synthetic, monkeypatch):
    d, _ = synthetic
    m1 = load_model(d / "params.py")
    assert (d / ".phy" / "derived" / "spikes" / "meta.json").exists()
    assert isinstance(m1.spike_times, LazyVector) and m1.spike_times.dtype == np.float64
    spikes_2 = m1.get_template_spikes(2)

    def fail(*args, **kwargs):
        raise AssertionError("recomputed a valid cache")

    for name in ("check_spikes", "check_clusters", "check_vector", "template_order"):
        monkeypatch.setattr(spikes, name, fail)
    m2 = load_model(d / "params.py")
    assert np.array_equal(m1.spike_times, m2.spike_times)
    assert np.array_equal(m2.get_template_spikes(2), spikes_2)
    assert np.array_equal(m2.get_cluster_spikes(2), spikes_2)  # clusters = templates
    monkeypatch.undo()
    # spike_clusters.npy rewritten outside the GUI, same ids, same size and same mtime:
    # detected (status-change time and inode).
    path = d / "spike_clusters.npy"
    st = path.stat()
    sc = np.load(path)
    new = sc.copy()
    new[:10] = sc[10:20]
    np.save(path, new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    m3 = load_model(d / "params.py")
    assert np.array_equal(m3.spike_clusters, new)
    c = int(new[0])
    assert np.array_equal(m3.get_cluster_spikes(c), np.nonzero(new == c)[0])
    assert np.array_equal(m3.get_template_spikes(2), spikes_2)


def test_derived_arrays_without_cache(synthetic, monkeypatch):
    d, _ = synthetic
    monkeypatch.setenv("PHY_DISABLE_CACHE", "1")
    m = load_model(d / "params.py")
    assert not (d / ".phy").exists()
    assert np.array_equal(m.get_template_spikes(1),
                          np.nonzero(np.asarray(m.spike_templates) == 1)[0])


# -------------------------------------------------------------------------------------------------
# Parameters
# -------------------------------------------------------------------------------------------------

def test_get_template_params(synthetic, set_params):
    d, _ = synthetic
    p = get_template_params(d / "params.py")
    assert p["dir_path"] == d and p["dat_path"] == [d / "raw.dat"]
    assert p["dtype"] == np.int16 and p["sample_rate"] == 30000.0 and p["offset"] == 0
    (d / "sub").mkdir()
    set_params(d, dir_path="sub", DAT_PATH="../raw.dat")
    p = get_template_params(d / "params.py")
    assert p["dir_path"] == d / "sub" and p["dat_path"] == [d / "sub" / "../raw.dat"]


@pytest.mark.parametrize("change,match", [
    (dict(dtype=None), "required key 'dtype' is missing"),
    (dict(sample_rate=None), "required key 'sample_rate' is missing"),
    (dict(sample_rate=0), "sample_rate should be positive"),
    (dict(sample_rate="fast"), "sample_rate should be a number"),
    (dict(dtype="nonsense"), "dtype should be the type of the raw samples"),
    (dict(n_channels_dat=-3), "n_channels_dat should be positive"),
    (dict(n_closest_channels="x"), "n_closest_channels should be an integer"),
])
def test_params_errors(synthetic, set_params, change, match):
    d, _ = synthetic
    set_params(d, **change)
    with pytest.raises(DataFormatError, match=match):
        load_model(d / "params.py")


def test_params_missing_dat_path(synthetic, tmp_path):
    d, _ = synthetic
    (d / "params.py").write_text("dtype = 'int16'\nsample_rate = 1000.\n")
    with pytest.raises(DataFormatError, match=r"params.py: the required key 'dat_path'"):
        load_model(d / "params.py")
    with pytest.raises(DataFormatError, match="does not exist"):
        load_model(tmp_path / "nothing" / "params.py")
    with pytest.raises(DataFormatError, match="does not exist"):
        TemplateModel(dir_path=tmp_path / "nothing", sample_rate=1.0)
    with pytest.raises(DataFormatError, match="sample rate"):
        TemplateModel(dir_path=d, sample_rate=0)


def test_params_overrides(synthetic, set_params, caplog):
    d, info = synthetic
    set_params(d, n_closest_channels=3, template_scaling=2.0, show_mapped_channels=False,
               amplitude_threshold=0.0, my_key="hello", describe=1)
    with caplog.at_level(logging.WARNING):
        m = load_model(d / "params.py")
    assert "reserved name" in caplog.text and callable(m.describe)
    assert m.my_key == "hello"
    b = m.get_template(0)
    assert b.channel_ids.size <= 3
    assert np.allclose(b.template, 2 * info.templates[0][:, b.channel_ids], atol=1e-4)
    assert m.channel_labels == [str(i) for i in range(32)]
    assert m.get_template(0, amplitude_threshold=0.9).channel_ids.size <= 3
    with pytest.raises(ValueError):
        m.get_template(99)


# -------------------------------------------------------------------------------------------------
# Saving
# -------------------------------------------------------------------------------------------------

def test_save_spike_clusters(synthetic):
    d, _ = synthetic
    m = load_model(d / "params.py")
    original = (d / "spike_clusters.npy").read_bytes()
    new = np.asarray(m.spike_clusters).copy()
    new[:5] = 100
    m.save_spike_clusters(new)
    saved = np.load(d / "spike_clusters.npy")
    assert saved.dtype == np.int32 and saved.shape == (m.n_spikes,)
    assert np.array_equal(saved, new)
    assert (d / "spike_clusters.npy.bak").read_bytes() == original
    assert 100 in m.cluster_ids and np.array_equal(m.get_cluster_spikes(100), np.arange(5))
    assert np.array_equal(load_model(d / "params.py").spike_clusters, new)
    big = new.astype(np.int64)
    big[0] = 2**40
    m.save_spike_clusters(big)
    assert np.load(d / "spike_clusters.npy").dtype == np.int64
    with pytest.raises(ValueError):
        m.save_spike_clusters(new[:-1])
    with pytest.raises(ValueError):
        m.save_spike_clusters(new.astype(float))
    assert not list(d.glob(".*.tmp"))


def test_save_metadata_and_mean_waveforms(synthetic):
    d, _ = synthetic
    m = load_model(d / "params.py")
    m.save_metadata("quality", {2: 0.5, 1: "x", 3: None})
    assert (d / "cluster_quality.tsv").read_text() == "cluster_id\tquality\n1\tx\n2\t0.5\n"
    assert m.metadata["quality"] == {2: 0.5, 1: "x"}
    assert load_model(d / "params.py").metadata["quality"] == {1: "x", 2: 0.5}
    from phy.utils import Bunch

    path = m.save_mean_waveforms({
        5: Bunch(data=np.ones((1, 82, 2)), channel_ids=[3, 1]), 2: np.full((82, 32), 2.0)})
    arr = np.load(path)
    assert path.name == "clusters.meanWaveforms.npy" and arr.shape == (2, 82, 32)
    assert np.all(arr[0] == 2) and np.all(arr[1][:, [1, 3]] == 1) and arr[1].sum() == 164
    m.save_mean_waveforms(np.zeros((1, 82, 32)))
    assert (d / "clusters.meanWaveforms.npy.bak").exists()


def test_describe_and_close(synthetic, capsys):
    d, _ = synthetic
    m = load_model(d / "params.py")
    m.describe()
    out = capsys.readouterr().out
    assert "# of spikes             600\n" in out and "Raw data                " in out
    assert "<TemplateModel" in repr(m)
    m.close()
    assert m.traces.n_samples == 0 and m.spike_times is None


def test_headless_imports():
    import subprocess
    import sys

    code = ("import sys, phy.io, phy.traces, phy.apps.template; "
            "bad = [m for m in sys.modules if m.startswith(('PyQt5', 'OpenGL'))]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
