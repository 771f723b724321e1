"""``make_kwik_dataset``: a synthetic kwik dataset, read back with h5py."""

import h5py
import numpy as np

from phy.io.synthetic_kwik import make_kwik_dataset

N_SPIKES, N_CLUSTERS, N_CHANNELS, NF = 600, 3, 4, 3
RATE, DURATION = 20000.0, 0.2
N_SAMPLES = int(RATE * DURATION)


def _make(tmp_path, **kwargs):
    kw = dict(n_spikes=N_SPIKES, n_clusters=N_CLUSTERS, n_channels=N_CHANNELS,
              n_channel_groups=2, n_recordings=2, n_features_per_channel=NF,
              sample_rate=RATE, duration=DURATION)
    kw.update(kwargs)
    return make_kwik_dataset(tmp_path / "sub" / "syn.kwik", **kw)


def _s(value):
    return bytes(np.asarray(value).ravel()[0]).decode()


def test_kwik_structure(tmp_path):
    path = _make(tmp_path)
    assert path == tmp_path / "sub" / "syn.kwik" and path.exists()
    assert (tmp_path / "sub" / "syn.kwx").exists()
    assert not list(path.parent.glob("*.dat"))  # no raw data by default
    with h5py.File(path, "r") as f:
        sd = f["application_data/spikedetekt"].attrs
        assert sd["sample_rate"] == RATE and sd["n_channels"] == 2 * N_CHANNELS
        assert sd["n_features_per_channel"] == NF
        assert sorted(f["recordings"].keys()) == ["0", "1"]
        assert f["recordings/1"].attrs["start_sample"] == N_SAMPLES
        assert f["recordings/1"].attrs["sample_rate"] == RATE
        assert sorted(f["channel_groups"].keys()) == ["0", "1"]
        for g in range(2):
            grp = f[f"channel_groups/{g}"]
            channels = list(range(g * N_CHANNELS, (g + 1) * N_CHANNELS))
            assert list(grp.attrs["channel_order"]) == channels
            assert sorted(int(c) for c in grp["channels"].keys()) == channels
            pos = np.array([grp[f"channels/{c}"].attrs["position"] for c in channels])
            assert np.all(pos[:, 0] >= 200 * g) and np.all(pos[:, 0] < 200 * g + 20)
            assert np.all(np.diff(pos[:, 1]) == 20)
            spikes = grp["spikes"]
            samples = spikes["time_samples"][:]
            recordings = spikes["recording"][:]
            assert samples.shape == recordings.shape == (N_SPIKES,)
            assert set(np.unique(recordings)) <= {0, 1}
            assert np.all(np.diff(recordings) >= 0)  # sorted by recording
            for r in (0, 1):
                s = samples[recordings == r].astype(np.int64)
                assert np.all(np.diff(s) >= 0)
                assert s.min() >= 0 and s.max() < N_SAMPLES
            main = spikes["clusters/main"][:]
            np.testing.assert_array_equal(main, spikes["clusters/original"][:])
            assert set(np.unique(main)) == set(range(N_CLUSTERS))
            for name in ("main", "original"):
                assert sorted(int(c) for c in grp[f"clusters/{name}"].keys()) == list(
                    range(N_CLUSTERS))


def test_kwx_features_masks(tmp_path):
    path = _make(tmp_path, n_channel_groups=1, n_recordings=1)
    with h5py.File(path, "r") as f:
        clusters = f["channel_groups/0/spikes/clusters/main"][:]
    with h5py.File(path.with_suffix(".kwx"), "r") as f:
        fm = f["channel_groups/0/features_masks"][:]
    assert fm.shape == (N_SPIKES, N_CHANNELS * NF, 2) and fm.dtype == np.float32
    masks = fm[:, ::NF, 1]  # one mask per channel
    features = fm[..., 0]
    for c in range(N_CLUSTERS):
        m = masks[clusters == c]
        main = c % N_CHANNELS
        assert np.all(m[:, main] == 1)
        assert np.all(m[:, (main + 1) % N_CHANNELS] > 0)
        others = [i for i in range(N_CHANNELS) if i not in (main, (main + 1) % N_CHANNELS)]
        assert np.all(m[:, others] == 0)
        # Features centred on a point of the cluster's own, unit noise around it.
        assert np.allclose(features[clusters == c].std(axis=0), 1.0, atol=0.3)
    centers = np.array([features[clusters == c].mean(axis=0) for c in range(N_CLUSTERS)])
    assert np.linalg.norm(centers[0] - centers[1]) > 3


def test_raw_data(tmp_path):
    path = _make(tmp_path, raw_data=True)
    files = [path.parent / f"syn_{r}.dat" for r in range(2)]
    n_total = 2 * N_CHANNELS
    with h5py.File(path, "r") as f:
        for r in range(2):
            assert _s(f[f"recordings/{r}/raw"].attrs["dat_path"]) == files[r].name
        raw_files = [_s([v]) for v in f["application_data/spikedetekt"].attrs["raw_data_files"]]
        assert raw_files == [p.name for p in files]
        groups = [(f[f"channel_groups/{g}/spikes/time_samples"][:].astype(np.int64),
                   f[f"channel_groups/{g}/spikes/recording"][:],
                   f[f"channel_groups/{g}/spikes/clusters/main"][:]) for g in range(2)]
    for r, p in enumerate(files):
        assert p.stat().st_size == N_SAMPLES * n_total * 2
        data = np.fromfile(p, dtype=np.int16).reshape(N_SAMPLES, n_total)
        assert abs(np.median(data)) < 20  # noise around 0
        for g, (samples, recordings, clusters) in enumerate(groups):
            sel = recordings == r
            cols = g * N_CHANNELS + clusters[sel] % N_CHANNELS
            # A negative spike on the cluster's main channel.
            assert np.median(data[samples[sel], cols]) < -250


def test_seed_reproducible(tmp_path):
    a = make_kwik_dataset(tmp_path / "a" / "x.kwik", n_spikes=100, duration=0.1, seed=3)
    b = make_kwik_dataset(tmp_path / "b" / "x.kwik", n_spikes=100, duration=0.1, seed=3)
    c = make_kwik_dataset(tmp_path / "c" / "x.kwik", n_spikes=100, duration=0.1, seed=4)
    key = "channel_groups/0/spikes/time_samples"
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb, h5py.File(c, "r") as fc:
        np.testing.assert_array_equal(fa[key][:], fb[key][:])
        assert not np.array_equal(fa[key][:], fc[key][:])
