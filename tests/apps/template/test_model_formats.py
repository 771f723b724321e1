"""Every optional-file combination and the edge cases of FORMATS.md §6 (template datasets)."""

import itertools
import logging
import os

import numpy as np
import pytest

from phy.apps.template import TemplateModel, load_model, loading
from phy.io import DataFormatError
from phy.io.synthetic import make_template_dataset

#: Optional files of a template dataset, removed alone and in pairs below.
OPTIONAL = {
    "amplitudes": ["amplitudes.npy"],
    "templates": ["templates.npy"],
    "similar_templates": ["similar_templates.npy"],
    "whitening_mat": ["whitening_mat.npy"],
    "whitening_mat_inv": ["whitening_mat_inv.npy"],
    "pc_features": ["pc_features.npy", "pc_feature_ind.npy"],
    "pc_feature_ind": ["pc_feature_ind.npy"],
    "template_features": ["template_features.npy", "template_feature_ind.npy"],
    "template_feature_ind": ["template_feature_ind.npy"],
    "channel_shanks": ["channel_shanks.npy"],
    "channel_positions": ["channel_positions.npy"],
    "metadata": ["cluster_group.tsv", "cluster_KSLabel.tsv"],
    "raw": ["raw.dat"],
    "spike_clusters": ["spike_clusters.npy"],
}

COMBINATIONS = ([(k,) for k in OPTIONAL] + list(itertools.combinations(OPTIONAL, 2))
                + [tuple(OPTIONAL)])


def _check(m, d, info, removed, capsys):
    n = m.n_spikes
    spikes = np.arange(0, n, 50)
    t = 2
    m.describe()
    out = capsys.readouterr().out
    assert f"# of spikes             {n:,}" in out
    assert m.amplitudes.shape == (n,)
    if "amplitudes" in removed:
        assert np.all(m.amplitudes == 0) and "Amplitudes              absent" in out
    if "templates" in removed:
        assert m.get_template(t) is None and m.get_template_waveforms(t) is None
        assert m.get_template_channels(t).tolist() == [0]
        assert m.n_templates == int(np.max(m.spike_templates)) + 1
        assert m.n_samples_waveforms == 0
    else:
        b = m.get_template(t)
        truth = info.templates[t]
        if "whitening_mat" in removed and "whitening_mat_inv" in removed:
            truth = truth / info.channel_noise  # identity: the whitened templates as stored
        assert np.allclose(b.template, truth[:, b.channel_ids], atol=1e-4)
        assert m.get_cluster_channels(t)[0] == b.channel_ids[0]
    if "similar_templates" in removed:
        assert np.all(m.similar_templates == 0)
    assert m.similar_templates.shape == (m.n_templates, m.n_templates)
    if "whitening_mat" in removed and "whitening_mat_inv" in removed:
        assert np.array_equal(m.wmi, np.eye(32))
    elif "whitening_mat_inv" in removed:
        assert np.allclose(m.wmi, np.diag(info.channel_noise))
    features = m.get_features(spikes, [0, 1, 2])
    if "pc_features" in removed:
        assert m.features is None and features is None
    else:
        assert features.shape == (spikes.size, 3, 3) and not np.any(np.isnan(features))
        if "pc_feature_ind" in removed:  # dense columns: column k is channel k
            assert np.allclose(features, np.load(d / "pc_features.npy")[spikes][:, :, :3]
                               .transpose(0, 2, 1))
    tf = m.get_template_features(spikes)
    if "template_features" in removed:
        assert tf is None and m.template_features is None
    else:
        assert tf.shape == (spikes.size, m.n_templates)
    if "channel_shanks" in removed:
        assert np.all(m.channel_shanks == 0)
    if "channel_positions" in removed:
        assert np.all(m.channel_positions[:, 0] == 0)
        assert np.all(np.diff(m.channel_positions[:, 1]) > 0)
    if "metadata" in removed:
        assert m.metadata == {}
    else:
        assert m.metadata["group"][0] == "good" and "KSLabel" in m.metadata
    waveforms = m.get_waveforms(spikes, [0, 1])
    if "raw" in removed:
        assert m.traces is None and waveforms is None
        assert m.duration == m.spike_times[-1]
        assert "Raw data                absent (raw.dat not found)" in out
    else:
        assert waveforms.shape == (spikes.size, m.n_samples_waveforms, 2)
        assert m.duration == pytest.approx(info.duration)
    if "spike_clusters" in removed:
        assert (d / "spike_clusters.npy").read_bytes() == (d / "spike_templates.npy").read_bytes()
    assert np.array_equal(m.spike_clusters, m.spike_templates)
    assert np.array_equal(m.get_cluster_spikes(t), m.get_template_spikes(t))


@pytest.mark.parametrize("removed", COMBINATIONS, ids=["+".join(c) for c in COMBINATIONS])
def test_optional_files(synthetic, capsys, caplog, removed):
    d, info = synthetic
    for key in removed:
        for name in OPTIONAL[key]:
            if (d / name).exists():
                (d / name).unlink()
    with caplog.at_level(logging.WARNING):
        m = load_model(d / "params.py")
    _check(m, d, info, removed, capsys)


# -------------------------------------------------------------------------------------------------
# Files and keys
# -------------------------------------------------------------------------------------------------

def test_spike_clusters_created_read_only_directory(synthetic):
    d, _ = synthetic
    (d / "spike_clusters.npy").unlink()
    mode = os.stat(d).st_mode
    os.chmod(d, 0o555)
    try:
        with pytest.raises(DataFormatError, match=f"directory {d} is not writable"):
            load_model(d / "params.py")
    finally:
        os.chmod(d, mode)


def test_both_spike_clusters_files(synthetic):
    d, _ = synthetic
    np.save(d / "spikes.clusters.npy", np.load(d / "spike_clusters.npy"))
    with pytest.raises(DataFormatError, match="Both spike_clusters.npy and spikes.clusters.npy"):
        load_model(d / "params.py")


@pytest.mark.parametrize("dat_path,present,warning", [
    (None, False, None), ("", False, None), ([], False, None), (["", " "], False, None),
    ("raw.dat", True, None), (["raw.dat", ""], True, None),
    (["missing.dat"], False, "not found"), (["raw.dat", "missing.bin"], False, "not found"),
    ("raw.xyz", False, "unsupported"),
])
def test_dat_path_values(synthetic, set_params, caplog, dat_path, present, warning):
    d, _ = synthetic
    os.link(d / "raw.dat", d / "raw.xyz")
    set_params(d, dat_path=dat_path)
    with caplog.at_level(logging.WARNING):
        m = load_model(d / "params.py")
    assert (m.traces is not None) == present
    if warning:
        assert warning in caplog.text
    if not present:
        assert m.duration == m.spike_times[-1]


def test_dat_path_list_and_absolute(synthetic, set_params, tmp_path):
    d, info = synthetic
    raw = np.fromfile(d / "raw.dat", dtype=np.int16).reshape(-1, 33)
    header = b"h" * 6
    for name, part in (("a.bin", raw[:1000]), ("b.bin", raw[1000:])):
        (tmp_path / name).write_bytes(header + part.tobytes())
    set_params(d, dat_path=[str(tmp_path / "a.bin"), str(tmp_path / "b.bin")], offset=6)
    m = load_model(d / "params.py")
    assert m.traces.n_samples == info.n_samples and len(m.traces.paths) == 2
    spikes = np.nonzero(np.abs(np.asarray(m.spike_samples) - 1000) < 60)[0]
    assert spikes.size  # windows across the two files
    expected = TemplateModel(
        dir_path=d, dat_path="raw.dat", dtype="int16", n_channels_dat=33,
        sample_rate=30000.0).get_waveforms(spikes, [0, 5])
    assert np.array_equal(m.get_waveforms(spikes, [0, 5]), expected)


def test_raw_size_not_multiple(synthetic):
    d, info = synthetic
    data = (d / "raw.dat").read_bytes()
    (d / "raw.dat").write_bytes(data[:(info.n_samples // 2) * 66] + b"xyz")
    with pytest.raises(DataFormatError, match=r"raw.dat does not match n_channels_dat, dtype "
                       r"and offset: .* not a multiple of 66 bytes \(one sample: 33 channels"):
        load_model(d / "params.py")


def test_spikes_after_end_of_raw_data(synthetic, caplog):
    d, info = synthetic
    data = (d / "raw.dat").read_bytes()
    (d / "raw.dat").write_bytes(data[:(info.n_samples // 2) * 66])
    with caplog.at_level(logging.WARNING):
        m = load_model(d / "params.py")
    assert "after the end of the raw data" in caplog.text
    assert m.traces.n_samples == info.n_samples // 2
    assert m.duration == pytest.approx(info.duration / 2, abs=1e-3)
    w = m.get_waveforms([m.n_spikes - 1], [0])
    assert np.all(w == 0)


def test_channel_map_beyond_raw_channels(synthetic, set_params):
    d, _ = synthetic
    set_params(d, n_channels_dat=20)
    with pytest.raises(DataFormatError, match=r"channel_map.npy .* params.py"):
        load_model(d / "params.py")


def test_channel_map_and_positions(synthetic, caplog):
    d, _ = synthetic
    cm = np.arange(32)[::-1].astype(np.int16)  # int16, reversed
    np.save(d / "channel_map.npy", cm)
    raw = np.fromfile(d / "raw.dat", dtype=np.int16).reshape(-1, 33)
    m = load_model(d / "params.py")
    s = int(m.spike_samples[3])
    assert np.array_equal(m.get_waveforms([3], [0, 1])[0], raw[s - 41:s + 41, [31, 30]])
    assert m.traces[s, 0] == raw[s, 31] and m.channel_labels[0] == "31"
    pos = np.load(d / "channel_positions.npy")
    pos[5] = pos[6]
    np.save(d / "channel_positions.npy", pos)
    with caplog.at_level(logging.WARNING):
        m = load_model(d / "params.py")
    assert "Duplicate channel positions" in caplog.text
    assert np.all(m.channel_positions[:, 0] == 0)
    np.save(d / "channel_positions.npy", pos[:, :1])
    with pytest.raises(DataFormatError, match="channel_positions.npy"):
        load_model(d / "params.py")
    np.save(d / "channel_positions.npy", pos)
    np.save(d / "channel_shanks.npy", np.zeros(5))
    with pytest.raises(DataFormatError, match="channel_shanks.npy is sized for 5 channels"):
        load_model(d / "params.py")
    (d / "channel_map.npy").unlink()
    with pytest.raises(DataFormatError, match="channel_map.npy not found"):
        load_model(d / "params.py")


def test_required_spike_files(synthetic):
    d, _ = synthetic
    (d / "spike_templates.npy").unlink()
    with pytest.raises(DataFormatError, match="spike_templates.npy not found"):
        load_model(d / "params.py")
    (d / "spike_times.npy").unlink()
    with pytest.raises(DataFormatError, match="spike_times.npy not found"):
        load_model(d / "params.py")


def test_alf_names(synthetic, set_params):
    d, _ = synthetic
    times = np.load(d / "spike_times.npy")[:, 0]
    (d / "spike_times.npy").unlink()
    np.save(d / "spikes.times.npy", times / 30000.0)
    for old, new in (("spike_templates", "spikes.templates"), ("amplitudes", "spikes.amps"),
                     ("spike_clusters", "spikes.clusters"), ("templates", "templates.waveforms"),
                     ("channel_map", "channels.rawInd"),
                     ("channel_positions", "channels.localCoordinates")):
        os.rename(d / f"{old}.npy", d / f"{new}.npy")
    m = load_model(d / "params.py")
    assert np.array_equal(m.spike_samples, times)
    assert np.allclose(m.spike_times, times / 30000.0)
    assert m.get_template(0) is not None
    m.save_spike_clusters(np.zeros(m.n_spikes, dtype=np.int64))
    assert np.all(np.load(d / "spikes.clusters.npy") == 0)
    assert not (d / "spike_clusters.npy").exists()
    np.save(d / "spikes.samples.npy", times + 1)  # samples win over seconds
    assert load_model(d / "params.py").spike_samples[0] == times[0] + 1


# -------------------------------------------------------------------------------------------------
# Numbers and shapes
# -------------------------------------------------------------------------------------------------

def test_vector_layouts_and_dtypes(synthetic):
    d, _ = synthetic
    # (Reference values are copied before files are rewritten in place under the memory maps.)
    ref = load_model(d / "params.py")
    ref_times, ref_templates = np.array(ref.spike_samples), np.array(ref.spike_templates)
    ref_amps, ref_features = np.array(ref.amplitudes), ref.get_features([1, 2], [0, 3])
    n = ref.n_spikes
    np.save(d / "spike_times.npy", (ref_times + 2**53 + 1).astype(np.uint64).reshape(1, n))
    np.save(d / "spike_templates.npy", ref_templates.astype(np.float64).reshape(n, 1))
    np.save(d / "spike_clusters.npy", ref_templates.astype(np.uint32))
    np.save(d / "amplitudes.npy", ref_amps.astype(">f4").reshape(1, n))
    np.save(d / "pc_feature_ind.npy", np.load(d / "pc_feature_ind.npy").astype(np.float64))
    m = load_model(d / "params.py")
    assert np.array_equal(m.spike_samples, ref_times + 2**53 + 1)  # no float rounding
    assert m.spike_samples.dtype == np.int64
    assert np.array_equal(m.spike_templates, ref_templates)
    assert np.array_equal(m.spike_clusters, ref_templates) and m.spike_clusters.dtype == np.int64
    assert np.allclose(m.amplitudes, ref_amps) and m.amplitudes.dtype.isnative
    assert np.array_equal(m.get_features([1, 2], [0, 3]), ref_features)


def test_fortran_big_endian_and_header_versions(synthetic):
    d, _ = synthetic
    ref = load_model(d / "params.py")
    ref_template, ref_positions = ref.get_template(1).template, ref.channel_positions
    ref_features = ref.get_features([4, 7], [0, 2, 9])
    ref_tf = ref.get_template_features([3])
    for name in ("templates", "channel_positions", "whitening_mat_inv", "pc_features",
                 "template_features", "similar_templates"):
        arr = np.load(d / f"{name}.npy")
        arr = np.asfortranarray(arr.astype(arr.dtype.newbyteorder(">")))
        with open(d / f"{name}.npy", "wb") as f:
            np.lib.format.write_array(f, arr, version=(2, 0) if name[0] < "p" else (3, 0))
    m = load_model(d / "params.py")
    assert np.allclose(m.get_template(1).template, ref_template)
    assert np.allclose(m.get_features([4, 7], [0, 2, 9]), ref_features)
    assert np.allclose(m.get_template_features([3]), ref_tf)
    assert np.array_equal(m.channel_positions, ref_positions)


def test_large_fortran_features_converted_in_cache(synthetic, monkeypatch):
    d, _ = synthetic
    ref = load_model(d / "params.py").get_features(np.arange(0, 600, 7), [0, 5, 11])
    np.save(d / "pc_features.npy", np.asfortranarray(np.load(d / "pc_features.npy")))
    monkeypatch.setattr(loading, "FORTRAN_CONVERSION_BYTES", 1000)
    m = load_model(d / "params.py")
    assert (d / ".phy" / "derived" / "pc_features" / "data.npy").exists()
    assert m.features.base is not None and np.array_equal(
        m.get_features(np.arange(0, 600, 7), [0, 5, 11]), ref)


@pytest.mark.parametrize("n_spikes,n_templates,n_channels", [(1, 1, 1), (1, 2, 3), (5, 1, 1)])
def test_degenerate_sizes(tmp_path, n_spikes, n_templates, n_channels):
    info = make_template_dataset(tmp_path, n_spikes=n_spikes, n_templates=n_templates,
                                 n_channels=n_channels, duration=0.05, seed=1)
    m = load_model(info.params_path)
    assert (m.n_spikes, m.n_channels) == (n_spikes, n_channels)
    assert m.n_templates == n_templates
    assert m.get_template(0).template.shape[0] == 82
    assert m.get_features([0], [0]).shape[0] == 1
    assert m.get_waveforms([0], [0]).shape == (1, 82, 1)
    assert m.get_cluster_spikes(int(m.spike_clusters[0])).size >= 1


def test_single_pc_two_dimensional_file(synthetic):
    d, _ = synthetic
    pc = np.load(d / "pc_features.npy")
    np.save(d / "pc_features.npy", pc[:, 0, :])
    m = load_model(d / "params.py")
    assert m.n_features_per_channel == 1
    ind = np.load(d / "pc_feature_ind.npy")[int(m.spike_templates[9])]
    assert np.allclose(m.get_features([9], ind[:2])[0, :, 0], pc[9, 0, :2])


def test_nan_values(synthetic, caplog):
    d, _ = synthetic
    files = {p.name: p.read_bytes() for p in d.glob("*.npy")}
    wmi = np.load(d / "whitening_mat_inv.npy")
    wmi[0, 1] = np.nan
    np.save(d / "whitening_mat_inv.npy", wmi)
    amps = np.load(d / "amplitudes.npy")
    amps[3] = np.inf
    np.save(d / "amplitudes.npy", amps)
    templates = np.load(d / "templates.npy")
    templates[4] = np.nan
    np.save(d / "templates.npy", templates)
    before = (d / "templates.npy").read_bytes()
    with caplog.at_level(logging.WARNING):
        m = load_model(d / "params.py")
    assert "1 NaN or infinite values in whitening_mat_inv.npy" in caplog.text
    assert "1 NaN or infinite values in amplitudes.npy" in caplog.text
    assert "templates.npy" in caplog.text and "1 templates entirely NaN" in caplog.text
    assert m.amplitudes[3] == 0 and np.isfinite(m.wmi).all()
    assert np.all(m.get_template(4).template == 0)
    assert (d / "templates.npy").read_bytes() == before  # fixed in memory only
    assert files.keys() <= {p.name for p in d.glob("*.npy")}


def test_cluster_ids(synthetic):
    d, _ = synthetic
    st = np.load(d / "spike_templates.npy")[:, 0].astype(np.int64)
    ids = np.array([-1, 7, 1000, 2**31 - 1, 42, 3, 99, 5])
    sc = ids[st]
    np.save(d / "spike_clusters.npy", sc)
    m = load_model(d / "params.py")
    assert m.cluster_ids.tolist() == sorted(set(sc.tolist()))
    for c in (-1, 1000, 2**31 - 1):
        assert np.array_equal(m.get_cluster_spikes(c), np.nonzero(sc == c)[0])
        assert m.get_cluster_main_template(c) == int(np.nonzero(ids == c)[0][0])


@pytest.mark.parametrize("name,value,match", [
    ("spike_templates", lambda a: a + 10, "refers to template"),
    ("similar_templates", lambda a: a[:3], "similar_templates.npy has shape"),
    ("amplitudes", lambda a: a[:-1], "amplitudes.npy has 599 rows"),
    ("spike_clusters", lambda a: a[:-1], "spike_clusters.npy has 599 spikes"),
    ("templates", lambda a: a[:, :, :5], "sparse templates need template_ind.npy"),
    ("templates", lambda a: a[0, 0], "3-D array"),
    ("pc_feature_ind", lambda a: a[:3], "pc_feature_ind.npy has shape"),
    ("pc_feature_ind", lambda a: a + 100, "refers to"),
])
def test_invalid_files(synthetic, name, value, match):
    d, _ = synthetic
    np.save(d / f"{name}.npy", value(np.load(d / f"{name}.npy")))
    with pytest.raises(DataFormatError, match=match):
        load_model(d / "params.py")


def test_equal_spike_times_allowed(synthetic):
    d, _ = synthetic
    times = np.load(d / "spike_times.npy")
    times[5] = times[4]
    np.save(d / "spike_times.npy", times)
    assert load_model(d / "params.py").spike_samples[5] == times[4, 0]


def test_sparse_templates_and_padding(tmp_path):
    info = make_template_dataset(tmp_path, n_spikes=300, n_templates=6, n_channels=32,
                                 duration=1.0, sparse=True, seed=2)
    d = info.dir_path
    m = load_model(info.params_path)
    for t in range(6):
        b = m.get_template(t)
        amp = np.ptp(info.templates[t], axis=0)
        assert set(b.channel_ids.tolist()) == set(np.nonzero(amp > 0)[0].tolist())
        assert np.all(np.diff(b.amplitude) <= 0)
        assert np.allclose(b.template, info.templates[t][:, b.channel_ids], atol=1e-4)
    # -1 padding in pc_feature_ind: those columns are dropped (0 in the output).
    ind = np.load(d / "pc_feature_ind.npy").astype(np.int64)
    t = int(m.spike_templates[0])
    ind[t, 1] = -1
    np.save(d / "pc_feature_ind.npy", ind)
    m = load_model(info.params_path)
    f = m.get_features([0], [ind[t, 0], np.load(d / "pc_feature_ind.npy")[t, 2],
                             int(np.setdiff1d(np.arange(32), ind[t])[0])])
    assert np.all(f[0, 2] == 0) and np.any(f[0, 0] != 0)
    # Templates whose columns are all zero keep their first listed channel.
    data = np.load(d / "templates.npy")
    data[2] = 0
    np.save(d / "templates.npy", data)
    tind = np.load(d / "template_ind.npy")
    assert load_model(info.params_path).get_template(2).channel_ids.tolist() == [tind[2, 0]]


def test_features_for_a_subset_of_spikes(synthetic):
    d, _ = synthetic
    ref = load_model(d / "params.py")
    ref_f, ref_tf = ref.get_features([3, 6], [0, 1]), ref.get_template_features([6])[0]
    subset = np.arange(0, 600, 3)
    for name in ("pc_features", "template_features"):
        np.save(d / f"{name}.npy", np.load(d / f"{name}.npy")[subset])
    np.save(d / "pc_feature_spike_ids.npy", subset.reshape(-1, 1))
    np.save(d / "template_feature_spike_ids.npy", subset)
    m = load_model(d / "params.py")
    f = m.get_features([3, 4, 6], [0, 1])
    assert np.array_equal(f[[0, 2]], ref_f)
    assert np.all(np.isnan(f[1]))
    tf = m.get_template_features([4, 6])
    assert np.all(np.isnan(tf[0])) and np.array_equal(tf[1], ref_tf)
    np.save(d / "pc_feature_spike_ids.npy", subset[::-1])
    with pytest.raises(DataFormatError, match="sorted"):
        load_model(d / "params.py")


def test_features_inconsistent_rows_ignored(synthetic, caplog):
    d, _ = synthetic
    np.save(d / "pc_features.npy", np.load(d / "pc_features.npy")[:10])
    with caplog.at_level(logging.WARNING):
        m = load_model(d / "params.py")
    assert m.features is None
    assert "pc_features.npy has 10 rows but the dataset has 600 spikes: ignored." in caplog.text


# -------------------------------------------------------------------------------------------------
# Spike attributes, reordered times, waveform subset
# -------------------------------------------------------------------------------------------------

def test_spike_attributes_and_reordered_times(synthetic, caplog):
    d, _ = synthetic
    np.save(d / "spike_positions.npy", np.random.default_rng(0).normal(size=(600, 2)))
    np.save(d / "spike_depth.npy", np.arange(600.0).reshape(-1, 1))
    np.save(d / "spike_bad.npy", np.zeros(3))
    times = np.load(d / "spike_times.npy")[:, 0].astype(np.int64)
    np.save(d / "spike_times_reordered.npy", times[::-1].copy())
    with caplog.at_level(logging.WARNING):
        m = load_model(d / "params.py")
    assert sorted(m.spike_attributes) == ["depth", "positions"]
    assert m.spike_attributes.positions.shape == (600, 2)
    assert m.spike_attributes.depth.shape == (600,)
    assert "spike_bad.npy" in caplog.text
    assert np.allclose(m.spike_times_reordered, times[::-1] / 30000.0)
    (d / "spike_times_reordered.npy").unlink()
    assert load_model(d / "params.py").spike_times_reordered is None


def test_waveform_subset(synthetic, set_params):
    d, _ = synthetic
    m = load_model(d / "params.py")
    spikes = np.array([2, 10, 50])
    channels = np.array([[0, 1, -1], [3, 2, 1], [5, 6, 7]], dtype=np.int32)
    raw = m.get_waveforms(spikes, None)
    wf = np.stack([raw[i][:, np.maximum(c, 0)] * (c >= 0) for i, c in enumerate(channels)])
    wf = wf + 1000.0  # distinguishable from the raw data
    np.save(d / "_phy_spikes_subset.spikes.npy", spikes)
    np.save(d / "_phy_spikes_subset.channels.npy", channels)
    np.save(d / "_phy_spikes_subset.waveforms.npy", wf)
    m = load_model(d / "params.py")
    out = m.get_waveforms([10, 50], [2, 7, 9])
    assert np.array_equal(out[0][:, 0], wf[1][:, 1]) and np.all(out[0][:, 1:] == 0)
    assert np.array_equal(out[1][:, 1], wf[2][:, 2])
    assert np.all(m.get_waveforms([10, 11], [2]) < 900)  # spike 11 not in the subset: raw
    (d / "templates.npy").unlink()
    set_params(d, dat_path="")
    m = load_model(d / "params.py")
    assert m.n_samples_waveforms == 82 and m.get_waveforms([2], [0]).shape == (1, 82, 1)
    assert m.get_waveforms([3], [0]) is None
    np.save(d / "_phy_spikes_subset.channels.npy", channels[:2])
    assert load_model(d / "params.py").spike_waveforms is None


# -------------------------------------------------------------------------------------------------
# Per-template summaries
# -------------------------------------------------------------------------------------------------

def test_template_summaries(synthetic):
    d, info = synthetic
    st = np.load(d / "spike_templates.npy")[:, 0].astype(int)
    amps = np.load(d / "amplitudes.npy")[:, 0]
    st[st == 7] = 6  # template 7 without spikes
    np.save(d / "spike_templates.npy", st.astype(np.uint32).reshape(-1, 1))
    np.save(d / "spike_clusters.npy", st)
    m = load_model(d / "params.py")
    a = m.templates_amplitudes
    assert np.isnan(a[7]) and a[0] == pytest.approx(amps[st == 0].mean())
    peaks = m.templates_channels
    assert peaks.tolist() == [int(np.argmax(np.ptp(t, axis=0) / info.channel_noise))
                              for t in info.templates]
    assert np.array_equal(m.templates_probes, np.zeros(8))
    durations = m.templates_waveforms_durations
    assert np.all(durations > 0) and np.all(durations < 2)  # trough before peak, in ms
    assert m.get_template_spikes(7).size == 0 and m.get_template(7) is not None


def test_sorter_specific_files_ignored_or_attributes(synthetic):
    """KiloSort 4 / SpikeInterface extras: ignored, or spike attributes when ``spike_*``."""
    d, info = synthetic
    np.save(d / "ops.npy", np.array({"fs": 30000}, dtype=object), allow_pickle=True)
    np.save(d / "templates_ind.npy", np.tile(np.arange(5), (8, 1)))  # plural: ignored
    np.save(d / "spike_detection_templates.npy", np.load(d / "spike_templates.npy"))
    np.save(d / "kept_spikes.npy", np.ones(600, dtype=bool))
    np.save(d / "channel_groups.npy", np.zeros(32, dtype=np.int64))
    np.save(d / "channel_map_si.npy", np.arange(32))
    (d / "temp_wh.dat").write_bytes(b"\x00" * 64)
    (d / "rez.mat").write_bytes(b"MATLAB")
    (d / "cluster_si_unit_ids.tsv").write_text("cluster_id\tsi_unit_id\n0\tunit0\n")
    m = load_model(d / "params.py")
    assert m.sparse_templates.cols is None  # templates_ind.npy does not make them sparse
    assert sorted(m.spike_attributes) == ["detection_templates"]
    assert m.spike_attributes.detection_templates.shape == (600,)
    assert m.metadata["si_unit_id"] == {0: "unit0"}
    assert np.allclose(m.get_template(1).template,
                       info.templates[1][:, m.get_template(1).channel_ids], atol=1e-4)
