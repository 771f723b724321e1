import numpy as np
import pytest

from phy.apps.template.templates import Templates, ptp

from .array_writer import ArrayWriter


def _positions(n):
    return np.c_[np.zeros(n), 10.0 * np.arange(n)]


def _dense(n_templates=2, n_samples=10, n_channels=8, peak=3):
    data = np.zeros((n_templates, n_samples, n_channels), dtype=np.float32)
    amp = np.exp(-np.abs(np.arange(n_channels) - peak) / 1.5)
    data[0, 5] = -amp
    data[0, 6] = 0.5 * amp
    return data


def test_dense_best_channels():
    data = _dense()
    t = Templates(data, None, np.eye(8), _positions(8), np.zeros(8, int), n_closest_channels=4)
    b = t.get(0)
    assert b.channel_ids.tolist() == [3, 2, 4, 1]  # 4 closest to the peak, by amplitude
    assert np.allclose(b.amplitude, ptp(data[0][:, [3, 2, 4, 1]]))
    assert b.template.dtype == np.float32 and b.template.shape == (10, 4)
    assert t.get(0, amplitude_threshold=0.5).channel_ids.tolist() == [3, 2, 4]
    shanks = np.array([0, 0, 0, 1, 1, 1, 1, 1])
    t2 = Templates(data, None, np.eye(8), _positions(8), shanks, n_closest_channels=12)
    assert t2.get(0).channel_ids.tolist() == [3, 4, 5, 6, 7]  # same shank as the peak
    # An all-zero template still gets channels (around channel 0).
    assert t.get(1).channel_ids[0] == 0


def test_closest_channels_ties_by_id():
    pos = np.array([[0.0, 0.0], [1.0, 0.0], [-1.0, 0.0], [0.0, 5.0]])
    t = Templates(np.zeros((1, 2, 4)), None, np.eye(4), pos, np.zeros(4, int))
    assert t.closest_channels(0).tolist() == [0, 1, 2, 3]


def test_unwhitening_and_scaling():
    data = _dense(n_channels=4, peak=1)
    wmi = np.eye(4) * 2.0
    wmi[1, 2] = 0.5  # mixes channel 1 into channel 2
    t = Templates(data, None, wmi, _positions(4), np.zeros(4, int), template_scaling=3.0)
    expected = data[0] @ wmi * 3.0
    b = t.get(0, channel_ids=[2, 1])
    assert np.allclose(b.template, expected[:, [2, 1]])
    assert np.allclose(b.amplitude, ptp(expected[:, [2, 1]]))
    assert np.allclose(t.get(0, channel_ids=[2, 1], unwhiten=False).template, data[0][:, [2, 1]])
    assert np.allclose(t.get(0, unwhiten=False).template, data[0][:, t.get(0).channel_ids])


def test_sparse_templates():
    # Template 0: columns on channels 5, 2, 7 (7 has no signal), -1 padding.
    data = np.zeros((3, 6, 4), dtype=np.float32)
    data[0, 2, 0], data[0, 2, 1], data[0, 2, 2] = -1.0, -3.0, 1e-9
    cols = np.array([[5, 2, 7, -1], [1, 0, -1, -1], [-1, -1, -1, -1]])
    wmi = np.diag(np.arange(1.0, 9.0))
    t = Templates(data, cols, wmi, _positions(8), np.zeros(8, int), n_closest_channels=1)
    b = t.get(0)
    # All channels with signal, by decreasing amplitude, no distance restriction.
    assert b.channel_ids.tolist() == [2, 5]
    assert np.allclose(b.amplitude, [9.0, 6.0])
    # All-zero sparse template: keeps its first listed channel. Fully padded: no channel.
    assert t.get(1).channel_ids.tolist() == [1]
    assert t.get(2).channel_ids.tolist() == []
    on = t.get(0, channel_ids=[7, 5, 0])
    assert np.allclose(ptp(on.template), [0.0, 6.0, 0.0])


def test_nan_templates_in_memory():
    data = _dense()
    data[1] = np.nan
    data[0, 0, 0] = np.inf
    t = Templates(data, None, np.eye(8), _positions(8), np.zeros(8, int))
    assert np.all(np.isfinite(t.get(0).template)) and np.all(t.get(1).template == 0)
    assert np.isnan(data[1]).all()  # the source array is untouched

    w = ArrayWriter()
    values = t.compute_derived(w)
    assert values == {"n_nonfinite": 80 + 1, "n_nan_templates": 1}
    assert w.arrays["peak_channels"].tolist() == [3, 0]
    assert w.arrays["best_channels"].shape[0] == 2


@pytest.mark.parametrize("sparse", [False, True])
def test_alf_peaks_and_durations(sparse):
    data = _dense(n_channels=4, peak=2)
    cols = np.tile(np.arange(4), (2, 1)) if sparse else None
    t = Templates(data, cols, np.eye(4), _positions(4), np.zeros(4, int))
    peaks, durations = t.alf_peaks_and_durations()
    assert peaks[0] == 2 and durations[0] == 1.0
