"""Real sorter layouts (KiloSort 2.5/3/4, SpyKING CIRCUS, SpikeInterface) opened by the model."""

import numpy as np
import pytest

from phy.apps.template import load_model
from phy.io.synthetic import LAYOUTS, make_template_dataset
from phy.utils import read_tsv

N_SPIKES, N_TEMPLATES, N_CHANNELS = 400, 6, 16


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def layout(request, tmp_path_factory):
    """A small dataset of every layout (not written to by the tests): ``(name, info)``."""
    path = tmp_path_factory.mktemp(request.param) / "dataset"
    info = make_template_dataset(path, n_spikes=N_SPIKES, n_templates=N_TEMPLATES,
                                 n_channels=N_CHANNELS, duration=1.0, layout=request.param,
                                 seed=4)
    return request.param, info


def _files(d):
    return sorted(p.name for p in d.iterdir())


@pytest.mark.parametrize("name,present,absent", [
    ("kilosort2.5", ["cluster_KSLabel.tsv", "cluster_ContamPct.tsv", "cluster_Amplitude.tsv",
                     "whitening_mat.npy", "whitening_mat_inv.npy", "templates_ind.npy",
                     "template_features.npy", "spike_clusters.npy"],
     ["template_ind.npy", "cluster_group.tsv", "channel_shanks.npy"]),
    ("kilosort4", ["cluster_group.tsv", "spike_positions.npy", "spike_detection_templates.npy",
                   "kept_spikes.npy"],
     ["template_features.npy", "template_feature_ind.npy", "template_ind.npy"]),
    ("spykingcircus", ["whitening_mat.npy", "template_features.npy"],
     ["spike_clusters.npy", "whitening_mat_inv.npy", "cluster_group.tsv"]),
    ("spikeinterface", ["template_ind.npy", "cluster_si_unit_ids.tsv",
                        "cluster_channel_group.tsv", "channel_map_si.npy", "recording.dat"],
     ["template_features.npy", "templates_ind.npy"]),
])
def test_layout_files(tmp_path, name, present, absent):
    info = make_template_dataset(tmp_path, n_spikes=50, n_templates=3, n_channels=8,
                                 duration=0.2, layout=name)
    files = _files(tmp_path)
    assert set(present) <= set(files) and not set(absent) & set(files)
    opts = info.layout
    times = np.load(tmp_path / "spike_times.npy")
    assert times.dtype == np.dtype(opts.spike_times)
    assert times.ndim == (2 if opts.column_vectors else 1)
    assert f"hp_filtered = {opts.hp_filtered}" in info.params_path.read_text()
    assert np.load(tmp_path / "templates.npy").shape[1] == opts.n_samples_waveforms


def test_kilosort_dtypes_and_order(tmp_path):
    make_template_dataset(tmp_path, n_spikes=50, n_templates=3, n_channels=8, duration=0.2,
                          layout="kilosort3")
    clusters = np.load(tmp_path / "spike_clusters.npy")
    assert clusters.dtype == np.uint32 and clusters.shape == (50, 1)
    assert np.load(tmp_path / "templates.npy", mmap_mode="r").flags.f_contiguous
    assert np.load(tmp_path / "pc_features.npy").shape == (50, 3, 8)
    ind = np.load(tmp_path / "templates_ind.npy")
    assert ind.dtype == np.float64 and np.all(ind == np.arange(8))
    # KiloSort 4: cluster_group.tsv is a copy of cluster_KSLabel.tsv.
    make_template_dataset(tmp_path / "ks4", n_spikes=50, n_templates=3, n_channels=8,
                          duration=0.2, layout="kilosort4")
    ks4 = tmp_path / "ks4"
    assert (ks4 / "cluster_group.tsv").read_text() == (ks4 / "cluster_KSLabel.tsv").read_text()
    assert (ks4 / "cluster_group.tsv").read_text().startswith("cluster_id\tKSLabel\n")


def test_spikeinterface_sparse_by_id(tmp_path):
    info = make_template_dataset(tmp_path, n_spikes=50, n_templates=4, n_channels=16,
                                 duration=0.2, layout="spikeinterface")
    ind = np.load(tmp_path / "template_ind.npy")
    assert ind.dtype == np.int64 and np.any(ind == -1)
    assert np.array_equal(ind, info.template_channels)
    for row in ind:
        listed = row[row >= 0]
        assert np.all(np.diff(listed) > 0) and np.all(row[listed.size:] == -1)
    assert np.array_equal(np.load(tmp_path / "pc_feature_ind.npy"), ind)
    pc = np.load(tmp_path / "pc_features.npy")
    t = np.load(tmp_path / "spike_templates.npy")
    assert np.all(pc[np.broadcast_to((ind[t] < 0)[:, None, :], pc.shape)] == 0)
    assert np.allclose(np.load(tmp_path / "whitening_mat_inv.npy"), np.eye(16))
    assert "dat_path = r'" in info.params_path.read_text()
    assert "dat_path = None" in make_template_dataset(
        tmp_path / "noraw", n_spikes=20, n_templates=2, n_channels=4, duration=0.1,
        raw_data=False, layout="spikeinterface").params_path.read_text()


def test_unknown_layout(tmp_path):
    with pytest.raises(ValueError, match="Unknown layout 'kilosort9'"):
        make_template_dataset(tmp_path, layout="kilosort9")


# -------------------------------------------------------------------------------------------------
# Every layout opened by the model
# -------------------------------------------------------------------------------------------------

def test_layout_counts_and_metadata(layout):
    name, info = layout
    d = info.dir_path
    m = load_model(info.params_path, read_only=True)
    assert (m.n_spikes, m.n_templates, m.n_channels) == (N_SPIKES, N_TEMPLATES, N_CHANNELS)
    templates = np.load(d / "spike_templates.npy").ravel()
    assert np.array_equal(m.cluster_ids, np.unique(templates))
    assert np.array_equal(np.asarray(m.spike_clusters), templates)
    assert m.n_samples_waveforms == LAYOUTS[name]["n_samples_waveforms"]
    fields = {f: {r["cluster_id"]: r[f]} for p in d.glob("cluster_*.tsv")
              for r in read_tsv(p) for f in r if f != "cluster_id"}
    assert set(m.metadata) == set(fields)
    if name.startswith("kilosort"):
        labels = {r["cluster_id"]: r["KSLabel"] for r in read_tsv(d / "cluster_KSLabel.tsv")}
        assert m.metadata["KSLabel"] == labels and set(labels.values()) <= {"good", "mua"}
        assert "group" not in m.metadata  # KiloSort 4's cluster_group.tsv holds KSLabel
        assert isinstance(m.metadata["ContamPct"][0], float)
    if name == "spikeinterface":
        assert m.metadata["si_unit_id"] == {i: 3 * i + 1 for i in range(N_TEMPLATES)}


def test_layout_templates(layout):
    name, info = layout
    m = load_model(info.params_path, read_only=True)
    amp = np.ptp(info.templates, axis=1)
    for t in range(N_TEMPLATES):
        b = m.get_template(t)
        channels = b.channel_ids
        assert channels.dtype == np.int64 and np.all(channels >= 0)
        assert channels[0] == np.argmax(amp[t]) == m.templates_peak_channels[t]
        assert np.all(np.diff(b.amplitude) <= 0)
        if info.template_channels is not None:  # sparse: every listed channel, by amplitude
            listed = info.template_channels[t]
            assert sorted(channels.tolist()) == sorted(listed[listed >= 0].tolist())
        else:  # dense: the 12 channels closest to the peak channel
            assert channels.size == m.n_closest_channels
        assert np.allclose(b.template, info.templates[t][:, channels], atol=1e-3)
        # Any channel can be asked: zeros where the template has no data.
        on = m.get_template(t, channel_ids=np.arange(N_CHANNELS)).template
        assert np.allclose(on, info.templates[t], atol=1e-3)
        assert np.all(m.get_template_channels(t) >= 0)
    assert np.all(m.templates_channels >= 0) and np.all(m.templates_channels < N_CHANNELS)
    for c in m.cluster_ids:
        assert np.all(m.get_cluster_channels(c) >= 0)


def test_layout_features(layout):
    name, info = layout
    d = info.dir_path
    m = load_model(info.params_path, read_only=True)
    pc = np.load(d / "pc_features.npy")
    ind = np.load(d / "pc_feature_ind.npy").astype(np.int64)
    t = np.load(d / "spike_templates.npy").ravel().astype(np.int64)
    for s in (0, 7, N_SPIKES - 1):
        cols = np.nonzero(ind[t[s]] >= 0)[0]
        f = m.get_features([s], ind[t[s], cols])
        assert f.shape == (1, cols.size, pc.shape[1])
        assert np.allclose(f[0], pc[s][:, cols].T)
        others = np.setdiff1d(np.arange(N_CHANNELS), ind[t[s]])
        assert np.all(m.get_features([s], others) == 0)
    has_tf = (d / "template_features.npy").exists()
    assert has_tf == info.layout.template_features
    tf = m.get_template_features([0, 1])
    if has_tf:
        tind = np.load(d / "template_feature_ind.npy").astype(np.int64)
        assert tf.shape == (2, N_TEMPLATES)
        assert np.allclose(tf[1, tind[t[1]]], np.load(d / "template_features.npy")[1])
    else:
        assert tf is None and m.template_features is None


def test_layout_waveforms_and_describe(layout, capsys):
    name, info = layout
    m = load_model(info.params_path, read_only=True)
    nsw = m.n_samples_waveforms
    raw = np.fromfile(info.dir_path / info.layout.raw_name, dtype=np.int16).reshape(
        -1, N_CHANNELS + 1)
    samples = np.load(info.dir_path / "spike_times.npy").ravel().astype(np.int64)
    spikes = np.array([10, 200])
    channels = np.array([3, 0, 7])
    w = m.get_waveforms(spikes, channels)
    assert w.shape == (2, nsw, 3) and w.dtype == np.float32
    for i, s in enumerate(spikes):
        start = samples[s] - nsw // 2
        assert np.array_equal(w[i], raw[start:start + nsw, channels])
    m.describe()
    out = capsys.readouterr().out
    assert f"# of spikes             {N_SPIKES}\n" in out
    assert ("sparse" in out) == (info.template_channels is not None)
    if name == "kilosort4":
        assert sorted(m.spike_attributes) == ["detection_templates", "positions"]
        assert m.spike_attributes.positions.shape == (N_SPIKES, 2)


def test_spykingcircus_spike_clusters_created(tmp_path):
    info = make_template_dataset(tmp_path, n_spikes=60, n_templates=3, n_channels=8,
                                 duration=0.2, layout="spykingcircus")
    m = load_model(info.params_path)
    assert (tmp_path / "spike_clusters.npy").exists()
    assert np.array_equal(np.asarray(m.spike_clusters),
                          np.load(tmp_path / "spike_templates.npy").ravel())
    wm = np.load(tmp_path / "whitening_mat.npy")
    assert np.allclose(m.wmi, np.linalg.inv(wm))
    assert not (tmp_path / "whitening_mat_inv.npy").exists()  # computed, not written


def test_spikeinterface_template_without_channels(tmp_path):
    """A unit whose channels are all padding: no channel at all, never -1."""
    info = make_template_dataset(tmp_path, n_spikes=60, n_templates=3, n_channels=8,
                                 duration=0.2, layout="spikeinterface", raw_data=False)
    ind = np.load(tmp_path / "template_ind.npy")
    ind[1] = -1
    np.save(tmp_path / "template_ind.npy", ind)
    m = load_model(info.params_path)
    assert m.get_template(1).channel_ids.size == 0
    assert m.get_template(1, channel_ids=[0, 1]).template.shape == (90, 2)
    assert np.all(m.templates_peak_channels >= 0) and np.all(m.templates_channels >= 0)
    assert np.all(m.get_cluster_channels(1) >= 0)


def test_layout_without_features(tmp_path):
    info = make_template_dataset(tmp_path, n_spikes=60, n_templates=3, n_channels=8,
                                 duration=0.2, layout="kilosort4", features=False)
    assert not list(tmp_path.glob("*feature*"))
    m = load_model(info.params_path)
    assert m.get_features([0, 1], [0, 1]) is None and m.get_template_features([0]) is None
    assert m.get_waveforms([5], [0, 1]).shape == (1, 61, 2)
