"""KwikModel on the real sample and on synthetic datasets: reading, switching, saving."""

import h5py
import numpy as np
import pytest

from phy.apps.kwik import KwikModel, kwik_describe
from phy.apps.kwik import clusterings as cl
from phy.apps.template.transaction import SaveError
from phy.io import DataFormatError
from phy.io.kwik_writer import KwikCreator


def test_real(real_kwik):
    m = KwikModel(real_kwik)
    assert m.channel_groups == [0] and m.channel_group == 0 and m.recordings == [0]
    assert m.clusterings == ["main", "original"] and m.clustering == "main"
    assert m.n_channels == 32 and m.n_spikes == 1653 and m.sample_rate == 20000.0
    assert m.cluster_ids.tolist() == [0] + list(range(2, 18))
    assert set(m.cluster_groups.values()) == {"unsorted"}
    assert m.channel_positions[0].tolist() == [35, 310] and m.channel_positions[31].tolist() == [
        0, 0]
    assert sum(len(v) for v in m.adjacency.values()) == 2 * 61 and m.adjacency[0] == {1, 2}
    assert m.spike_samples[0] == 35 and m.spike_samples[-1] == 197670
    assert np.all(np.diff(m.spike_samples) >= 0)
    assert m.spike_times[-1] == pytest.approx(197670 / 20000)
    assert m.traces is None and m.n_samples_waveforms == 32
    assert isinstance(m.features_masks, np.memmap)  # never loaded: mapped at its offset
    with h5py.File(real_kwik.with_suffix(".kwx"), "r") as f:
        fm = f["channel_groups/0/features_masks"][[3, 700]]
    f = m.get_features([3, 700], [0, 5])
    assert f.shape == (2, 2, 3) and np.array_equal(f[:, 1], fm[:, 15:18, 0])
    assert np.array_equal(m.get_masks([3, 700])[:, 5], fm[:, 15, 1])
    assert m.features[[3]].shape == (1, 96) and m.masks.shape == (1653, 96)
    assert m.get_waveforms([0, 1], [0, 1, 2]).shape == (2, 32, 3)  # zeros without raw data
    m.clustering = "original"
    assert m.clustering == "original" and len(m.spike_clusters) == 1653
    with pytest.raises(DataFormatError, match="No clustering 'nope'"):
        m.clustering = "nope"
    m.close()


def test_describe(real_kwik, capsys):
    kwik_describe(real_kwik)
    out = capsys.readouterr().out
    rows = dict((line[:24].strip(), line[24:]) for line in out.splitlines())
    assert rows["Kwik file"] == str(real_kwik)
    assert rows["Recordings"] == "1" and rows["List of shanks"] == "0*"
    assert rows["Clusterings"] == "main*, original"
    assert rows["Channels"] == "32" and rows["Spikes"] == "1653" and rows["Clusters"] == "17"
    assert rows["Duration"] == "10s"


def test_save_round_trip(real_kwik):
    m = KwikModel(real_kwik)
    original = np.array(m.spike_clusters)
    new = original.copy()
    new[new == 3] = 2  # merge 3 into 2
    new[new == 4] = 100
    m.save(new, {2: "good", 5: "noise", 100: "mua", 6: "my_label"})
    m.close()
    m = KwikModel(real_kwik)
    assert np.array_equal(m.spike_clusters, new)
    assert m.cluster_groups[2] == "good" and m.cluster_groups[5] == "noise"
    assert m.cluster_groups[100] == "mua" and m.cluster_groups[7] == "unsorted"
    assert m.cluster_groups[6] == "my_label" and m.group_names[4] == "My_Label"
    m.clustering = "original"
    assert np.array_equal(m.spike_clusters, original)
    assert set(m.cluster_groups.values()) == {"unsorted"}
    with pytest.raises(DataFormatError, match="never changed"):
        m.save(new, {})


def test_save_is_atomic(real_kwik, monkeypatch):
    m = KwikModel(real_kwik)
    before = real_kwik.read_bytes()

    def crash(*args, **kwargs):
        raise RuntimeError("crash in the middle of the save")

    monkeypatch.setattr(cl, "_group_ids", crash)  # after the spike clusters were written
    with pytest.raises(SaveError, match="RuntimeError: crash in the middle"):
        m.save(np.zeros(m.n_spikes, dtype=np.int32), {})
    assert real_kwik.read_bytes() == before
    assert list((real_kwik.parent / ".phy" / "save").glob("staged-*")) == []
    assert KwikModel(real_kwik).cluster_ids.tolist() == m.cluster_ids.tolist()


def test_clusterings(real_kwik):
    m = KwikModel(real_kwik)
    m.copy_clustering("original", "copy")
    m.add_clustering("empty", np.zeros(m.n_spikes, dtype=np.int32))
    assert m.clusterings == ["main", "copy", "empty", "original"]
    m.rename_clustering("copy", "renamed")
    m.clustering = "renamed"
    assert m.cluster_ids.tolist() == [0] + list(range(2, 18))
    m.clustering = "empty"
    assert m.cluster_ids.tolist() == [0] and m.cluster_groups == {0: "unsorted"}
    with pytest.raises(DataFormatError, match="in use"):
        m.delete_clustering("empty")
    m.clustering = "main"
    m.delete_clustering("empty")
    assert KwikModel(real_kwik).clusterings == ["main", "original", "renamed"]


def test_synthetic_groups_and_recordings(synthetic_kwik):
    m = KwikModel(synthetic_kwik)
    assert m.channel_groups == [0, 1] and m.recordings == [0, 1] and m.channel_group == 0
    assert m.traces is not None and m.traces.shape == (80000, 8)
    assert m.duration == pytest.approx(4.0)
    # Spike samples of recording 1 come after the 40000 samples of recording 0.
    with h5py.File(synthetic_kwik, "r") as f:
        ts = f["channel_groups/0/spikes/time_samples"][...].astype(np.int64)
        rec = f["channel_groups/0/spikes/recording"][...]
    assert np.array_equal(m.spike_samples, ts + 40000 * rec)
    assert m.channel_order.tolist() == list(range(8))
    # Waveforms: filtered, the spike (negative) on the cluster's main channel.
    c = int(m.spike_clusters[0])
    w = m.get_waveforms(m.get_cluster_spikes(c)[:20])
    assert w.shape == (20, 32, 8) and w.dtype == np.float32
    assert np.argmin(w.mean(axis=0).min(axis=0)) == c % 8
    m.channel_group = 1
    assert m.channel_order.tolist() == list(range(8, 16))
    assert m.channel_positions[0, 0] == 200.0 and m.n_spikes == 2000
    assert m.traces.channel_map.tolist() == list(range(8, 16))
    w = m.get_waveforms(m.get_cluster_spikes(2)[:20])
    assert np.argmin(w.mean(axis=0).min(axis=0)) == 2
    with pytest.raises(DataFormatError, match="No channel group 5"):
        m.channel_group = 5
    m.close()


def test_bad_files(tmp_path):
    path = tmp_path / "x.kwik"
    with pytest.raises(DataFormatError, match="does not exist"):
        KwikModel(path)
    path.write_text("not hdf5")
    with pytest.raises(DataFormatError, match="Cannot open"):
        KwikModel(path)
    KwikCreator(path).create_empty()
    with h5py.File(path, "a") as f:
        f.attrs["kwik_version"] = 1
    with pytest.raises(DataFormatError, match="kwik_version 1"):
        KwikModel(path)
