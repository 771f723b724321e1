import numpy as np
import pytest

from phy.io.synthetic_recording import SyntheticRecording
from phy.traces import DEFAULT_PARAMS, SpikeDetekt

#: Matching tolerance between detected and ground-truth spikes.
TOLERANCE_MS = 0.5


@pytest.fixture(scope="module")
def recording():
    return SyntheticRecording(n_channels=16, sample_rate=20000.0, duration=8.0, n_units=6,
                              amplitude=(100.0, 160.0), noise_std=10.0, seed=3)


@pytest.fixture(scope="module")
def detection(recording):
    return SpikeDetekt(recording.sample_rate, recording.channel_groups).run(recording[:])


def _nearest(a, b):
    """Index in `b` of the nearest value to every element of `a`, and the distance."""
    j = np.clip(np.searchsorted(b, a), 1, len(b) - 1)
    j = np.where(np.abs(b[j - 1] - a) <= np.abs(b[j] - a), j - 1, j)
    return j, np.abs(b[j] - a)


def _isolated(rec):
    nsw = rec.templates.shape[1]
    s = rec.spike_samples
    return (np.diff(s, prepend=-10 ** 9) > nsw) & (np.diff(s, append=10 ** 12) > nsw)


def test_detection_recall_precision_timing(recording, detection):
    g = detection.groups[0]
    assert g.spike_samples.dtype == np.int64 and np.all(np.diff(g.spike_samples) >= 0)
    detected = g.spike_samples + g.spike_fractional.astype(np.float64)
    truth = recording.spike_samples
    tol = TOLERANCE_MS * 1e-3 * recording.sample_rate
    _, err = _nearest(truth[_isolated(recording)], detected)
    recall = np.mean(err <= tol)
    timing_ms = np.median(err[err <= tol]) / recording.sample_rate * 1e3
    _, err_det = _nearest(detected, truth.astype(np.float64))
    precision = np.mean(err_det <= tol)
    assert recall >= 0.95
    assert precision >= 0.90
    assert timing_ms <= 0.2
    assert g.thresholds.shape == (2,) and g.thresholds[1] / g.thresholds[0] == pytest.approx(2.25)


def test_masks_and_features(recording, detection):
    g = detection.groups[0]
    n_ch = recording.shape[1]
    assert g.masks.shape == (len(g.spike_samples), n_ch) and g.masks.dtype == np.float32
    assert g.features.shape == (len(g.spike_samples), n_ch, 3)
    assert g.masks.min() >= 0 and g.masks.max() <= 1
    detected = g.spike_samples + g.spike_fractional
    j, err = _nearest(detected, recording.spike_samples.astype(np.float64))
    matched = err <= 2
    units = recording.spike_units[j[matched]]
    main = recording.main_channels[units]
    assert np.all(g.masks[np.flatnonzero(matched), main] == 1)
    # Channels without signal from the unit are (almost always) masked out.
    silent = np.ptp(recording.templates[units], axis=1) == 0
    assert silent.sum() > 100
    assert g.masks[matched][silent].mean() < 0.1


def _two_units_same_channels(n_channels=8, nsw=61, rate=20000.0):
    """Two units with one spatial footprint and different waveform shapes."""
    t = (np.arange(nsw) - nsw // 2) / rate * 1e3  # ms
    narrow = -np.exp(-t ** 2 / (2 * 0.08 ** 2)) + 0.3 * np.exp(-(t - 0.4) ** 2 / (2 * 0.2 ** 2))
    wide = -np.exp(-t ** 2 / (2 * 0.25 ** 2)) + 0.6 * np.exp(-(t - 0.8) ** 2 / (2 * 0.3 ** 2))
    footprint = np.exp(-np.abs(np.arange(n_channels) - 3) / 1.5)
    return 120.0 * np.stack([np.outer(narrow, footprint), np.outer(wide, footprint)])


def test_features_separate_two_units_on_the_same_channels():
    rec = SyntheticRecording(n_channels=8, duration=6.0, templates=_two_units_same_channels(),
                             firing_rate=20.0, seed=5)
    g = SpikeDetekt(rec.sample_rate, rec.channel_groups).run(rec[:]).groups[0]
    detected = g.spike_samples + g.spike_fractional
    j, err = _nearest(detected, rec.spike_samples.astype(np.float64))
    ok = err <= 2
    x = g.features[ok].reshape(ok.sum(), -1).astype(np.float64)
    y = rec.spike_units[j[ok]]
    assert min(np.bincount(y)) > 50
    # Linear separability: Fisher discriminant, threshold at the midpoint of the means.
    m0, m1 = x[y == 0].mean(axis=0), x[y == 1].mean(axis=0)
    within = np.cov(x[y == 0].T) + np.cov(x[y == 1].T) + 1e-6 * np.eye(x.shape[1])
    w = np.linalg.solve(within, m1 - m0)
    predicted = (x - (m0 + m1) / 2) @ w > 0
    assert np.mean(predicted == (y == 1)) >= 0.95


def test_chunks_give_the_same_spikes_without_duplicates(recording):
    raw = recording[:40000]
    sd = SpikeDetekt(recording.sample_rate, recording.channel_groups, n_excerpts=4)
    big = sd.run(raw).groups[0]
    small_sd = SpikeDetekt(recording.sample_rate, recording.channel_groups, n_excerpts=4,
                           chunk_size_seconds=0.05, pca_n_waveforms_max=30)
    calls = []
    small = small_sd.run(raw, progress=lambda *a: calls.append(a)).groups[0]
    a = big.spike_samples + big.spike_fractional
    b = small.spike_samples + small.spike_fractional
    assert len(a) == len(b) and np.allclose(a, b, atol=0.05)
    assert np.array_equal(big.masks > 0, small.masks > 0)
    assert len(calls) == 40 and calls[-1][:2] == (40000, 40000)
    assert [c[0] for c in calls] == list(range(1000, 40001, 1000))
    assert all(c[2] >= 0 for c in calls) and calls[-1][2] == 0
    # The PCs fitted on 30 spikes differ, the features' shape does not.
    assert small.features.shape == big.features.shape


def test_channel_groups_and_per_channel_thresholds(recording):
    graph = recording.channel_groups[0]["graph"]
    groups = {g: dict(channels=chans, graph=[e for e in graph if set(e) <= set(chans)])
              for g, chans in ((0, list(range(8))), (3, list(range(15, 7, -1))))}
    out = SpikeDetekt(recording.sample_rate, groups, use_single_threshold=False,
                      n_excerpts=3).run(recording[:40000])
    assert sorted(out.groups) == [0, 3]
    g3 = out.groups[3]
    assert g3.channels.tolist() == list(range(15, 7, -1))
    assert g3.thresholds.shape == (2, 8) and g3.masks.shape[1] == 8
    # A unit whose footprint is within group 3 is detected there, its main channel masked 1.
    first = {u: s for s, u in zip(recording.spike_samples[::-1], recording.spike_units[::-1])}
    for u, s in first.items():
        main = recording.main_channels[u]
        if s >= 40000 or main < 8 or recording.templates[u, :, :8].min() < -10:
            continue
        j = np.argmin(np.abs(g3.spike_samples - s))
        assert abs(g3.spike_samples[j] - s) <= 2
        assert g3.masks[j, 15 - main] == 1


def test_defaults_and_errors(recording):
    sd = SpikeDetekt(20000.0)
    assert sd.params.extract_s_before == DEFAULT_PARAMS["extract_s_before"] == 10
    assert sd.filter.high == pytest.approx(0.475 * 20000)
    with pytest.raises(ValueError, match="sample rate"):
        SpikeDetekt(0)
    with pytest.raises(ValueError, match="outside the 16 columns"):
        SpikeDetekt(20000.0, {0: dict(channels=[0, 16])}).run(recording[:2000])
    # Nothing to detect: empty arrays of the right shapes.
    out = SpikeDetekt(20000.0).run(np.zeros((3000, 4), dtype=np.int16)).groups[0]
    assert out.spike_samples.shape == (0,) and out.features.shape == (0, 4, 3)
    assert out.masks.shape == (0, 4)


def test_spikes_handed_over_chunk_by_chunk(recording):
    raw = recording[:40000]
    kwargs = dict(n_excerpts=4, chunk_size_seconds=0.25, pca_n_waveforms_max=40)
    whole = SpikeDetekt(recording.sample_rate, recording.channel_groups, **kwargs).run(raw)
    batches = []
    out = SpikeDetekt(recording.sample_rate, recording.channel_groups, **kwargs).run(
        raw, on_spikes=lambda g, spikes: batches.append((g, spikes)))
    g = out.groups[0]
    assert "features" not in g and g.n_spikes == whole.groups[0].n_spikes == sum(
        len(b.spike_samples) for _, b in batches)
    assert len(batches) > 3 and {g for g, _ in batches} == {0}
    for name in ("spike_samples", "spike_fractional", "masks", "features", "peak_channels"):
        assert np.array_equal(np.concatenate([b[name] for _, b in batches]),
                              whole.groups[0][name]), name


def test_peak_channels(recording, detection):
    g = detection.groups[0]
    j, err = _nearest(g.spike_samples + g.spike_fractional,
                      recording.spike_samples.astype(np.float64))
    units = recording.spike_units[j[err <= 2]]
    # The peak channel is where the unit's (negative) template is largest, or close to it.
    amplitude = -recording.templates.min(axis=1)
    ratio = amplitude[units, g.peak_channels[err <= 2]] / amplitude[units].max(axis=1)
    assert g.peak_channels.dtype == np.int64 and np.mean(ratio >= 0.7) > 0.95
    positive = SpikeDetekt(recording.sample_rate, recording.channel_groups, n_excerpts=4,
                           detect_spikes="positive").run(recording[:40000]).groups[0]
    assert positive.peak_channels.max() < recording.shape[1]
    with pytest.raises(ValueError, match="sideways"):
        SpikeDetekt(20000.0, detect_spikes="sideways")
