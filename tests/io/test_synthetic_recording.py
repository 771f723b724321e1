import numpy as np
import pytest

from phy.io.synthetic_recording import SyntheticRecording, adjacency_from_positions


def test_adjacency_from_positions():
    pos = np.array([[0, 0], [0, 20], [0, 60]])
    assert adjacency_from_positions(pos, 25) == {0: {1}, 1: {0}, 2: set()}


def test_recording_is_deterministic_by_block():
    rec = SyntheticRecording(n_channels=8, sample_rate=10000.0, duration=2.5, n_units=3, seed=2)
    assert rec.shape == (25000, 8) and len(rec) == 25000 and rec.dtype == np.int16
    full = rec[:]
    assert full.dtype == np.int16 and full.shape == (25000, 8)
    assert np.array_equal(rec[9000:12345], full[9000:12345])  # across a block border
    assert np.array_equal(rec[100:200, 3], full[100:200, 3])
    assert np.array_equal(SyntheticRecording(n_channels=8, sample_rate=10000.0, duration=2.5,
                                             n_units=3, seed=2)[:], full)
    with pytest.raises(IndexError, match="slice"):
        rec[[1, 2]]


def test_recording_ground_truth_and_probe(tmp_path):
    rec = SyntheticRecording(n_channels=8, sample_rate=10000.0, duration=3.0, n_units=3,
                             noise_std=1.0, dtype="float32", refractory_ms=2.0, seed=4)
    s, u = rec.spike_samples, rec.spike_units
    assert np.all(np.diff(s) >= 0) and set(u) <= {0, 1, 2} and len(s) > 10
    for unit in range(3):
        assert np.diff(s[u == unit]).min() >= 20  # refractory period
    assert rec.channel_groups[0]["channels"] == list(range(8))
    assert all(b in rec.adjacency[a] for a, b in rec.channel_groups[0]["graph"])
    # The unit's waveform is in the data at its spike, trough on its main channel.
    data = rec[:]
    nsw = rec.templates.shape[1]
    isolated = np.flatnonzero((np.diff(s, prepend=-nsw) >= nsw) & (np.diff(s, append=10**9) >= nsw))
    i = isolated[0]
    window = data[s[i] - nsw // 2:s[i] - nsw // 2 + nsw]
    assert np.std(window - rec.templates[u[i]]) < 1.5
    assert np.argmin(data[s[i] - 3:s[i] + 4, rec.main_channels[u[i]]]) == 3
    path = rec.write_dat(tmp_path / "rec.dat")
    assert np.array_equal(np.fromfile(path, dtype=np.float32).reshape(-1, 8), data)


def test_recording_templates_given():
    templates = np.zeros((2, 11, 4))
    templates[0, 5, 1] = templates[1, 5, 3] = -50
    rec = SyntheticRecording(n_channels=4, duration=1.0, templates=templates, seed=0)
    assert rec.n_units == 2 and rec.main_channels.tolist() == [1, 3]
    with pytest.raises(ValueError, match="3 channels, not 4"):
        SyntheticRecording(n_channels=4, templates=np.zeros((1, 11, 3)))
