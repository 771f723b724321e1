import numpy as np
import pytest

from phy.io.synthetic import make_template_dataset, probe_positions


def _load(d, name):
    return np.load(d / f"{name}.npy")


def test_probe_positions():
    pos = probe_positions(8)
    assert pos.shape == (8, 2)
    assert sorted(set(pos[:, 0])) == [11.0, 27.0, 43.0, 59.0]
    assert pos[:, 1].tolist() == [0, 0, 20, 20, 40, 40, 60, 60]


def test_dataset_files_and_consistency(tmp_path):
    info = make_template_dataset(tmp_path / "d", n_spikes=500, n_templates=6, n_channels=32,
                                 duration=1.0, seed=3)
    d = info.dir_path
    assert info.params_path.read_text().startswith("dat_path = 'raw.dat'")
    times = _load(d, "spike_times")
    assert times.shape == (500, 1) and times.dtype == np.uint64
    assert np.all(np.diff(times[:, 0].astype(np.int64)) >= 0)
    st = _load(d, "spike_templates")
    assert st.dtype == np.uint32 and st.max() < 6
    assert np.array_equal(_load(d, "spike_clusters"), st[:, 0])
    templates = _load(d, "templates")
    wm = _load(d, "whitening_mat")
    assert np.allclose(templates @ _load(d, "whitening_mat_inv"), info.templates, atol=1e-4)
    assert np.allclose(wm @ _load(d, "whitening_mat_inv"), np.eye(32))
    # Templates are localised: exactly zero far from the peak.
    amp = np.ptp(info.templates, axis=1)
    assert np.all((amp == 0).sum(axis=1) > 0)
    assert np.all(np.argmin(info.templates.min(axis=2), axis=1) == 41)
    assert _load(d, "pc_features").shape == (500, 3, 12)
    assert _load(d, "template_features").shape == (500, 6)
    assert np.allclose(np.diag(_load(d, "similar_templates")), 1)
    raw = np.fromfile(d / "raw.dat", dtype=np.int16).reshape(-1, 33)
    assert raw.shape[0] == info.n_samples
    assert set(np.unique(raw[:, 32])) == {0, 100}  # the unmapped sync channel
    assert (d / "cluster_group.tsv").read_text().startswith("cluster_id\tgroup\n0\tgood")


def test_injected_spike_in_raw_data(tmp_path):
    info = make_template_dataset(tmp_path, n_spikes=20, n_templates=2, n_channels=8,
                                 duration=2.0, noise_std=0.5, raw_dtype="float32", seed=1)
    raw = np.fromfile(tmp_path / "raw.dat", dtype=np.float32).reshape(-1, 9)
    s = _load(tmp_path, "spike_times")[:, 0].astype(np.int64)
    t = _load(tmp_path, "spike_templates")[:, 0]
    a = _load(tmp_path, "amplitudes")[:, 0]
    isolated = np.nonzero((np.diff(s, prepend=-1000) > 82) & (np.diff(s, append=10**9) > 82))[0]
    i = isolated[0]
    window = raw[s[i] - 41:s[i] + 41, :8]
    residual = window - a[i] * info.templates[t[i]]
    assert residual.std() < 1.0 and np.abs(a[i] * info.templates[t[i]]).max() > 20


def test_seeded_and_variants(tmp_path):
    kw = dict(n_spikes=300, n_templates=4, n_channels=32, duration=0.5, raw_data=False)
    a = make_template_dataset(tmp_path / "a", seed=5, **kw)
    b = make_template_dataset(tmp_path / "b", seed=5, **kw)
    c = make_template_dataset(tmp_path / "c", seed=6, **kw)
    assert np.array_equal(_load(a.dir_path, "spike_times"), _load(b.dir_path, "spike_times"))
    assert not np.array_equal(a.templates, c.templates)
    assert "dat_path = ''" in a.params_path.read_text()
    assert not (a.dir_path / "raw.dat").exists()
    d = make_template_dataset(tmp_path / "d", seed=5, sparse=True, column_vectors=False,
                              fortran=True, spike_clusters=False, features=False,
                              metadata=False, chunk_size=7, **kw)
    assert _load(d.dir_path, "spike_times").shape == (300,)
    assert _load(d.dir_path, "spike_times").dtype == np.int64
    assert np.all(np.diff(_load(d.dir_path, "spike_times")) >= 0)  # sorted across chunks
    ind = _load(d.dir_path, "template_ind")
    data = np.load(d.dir_path / "templates.npy", mmap_mode="r")
    assert data.flags.f_contiguous and data.shape[2] == ind.shape[1]
    assert np.any(ind == -1) and np.all(data[np.broadcast_to(
        (ind == -1)[:, None, :], data.shape)] == 0)
    for name in ("spike_clusters", "pc_features", "cluster_group"):
        assert not list(d.dir_path.glob(f"{name}.*"))


@pytest.mark.parametrize("n_channels,n_templates,n_spikes", [(1, 1, 1), (2, 1, 3)])
def test_degenerate_sizes(tmp_path, n_channels, n_templates, n_spikes):
    info = make_template_dataset(tmp_path, n_spikes=n_spikes, n_templates=n_templates,
                                 n_channels=n_channels, duration=0.1)
    assert _load(info.dir_path, "templates").shape == (n_templates, 82, n_channels)
    assert _load(info.dir_path, "pc_features").shape[0] == n_spikes
