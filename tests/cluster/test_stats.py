import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import phy.cluster
from phy.cluster.stats import (
    correlogram_bins,
    correlograms,
    firing_rate,
    firing_rate_histogram,
    histogram_density,
    isi_histogram,
    mean_firing_rate,
)


def brute_force_correlograms(times, clusters, cluster_ids, sample_rate, bin_size, window_size):
    """The FORMATS §4.5 definition, literally: every ordered pair of distinct spikes."""
    s = [int(t * sample_rate) for t in times]
    b = int(sample_rate * bin_size)
    w = 2 * int(0.5 * window_size / bin_size) + 1
    h = w // 2
    n = len(cluster_ids)
    pos = {c: i for i, c in enumerate(cluster_ids)}
    k = np.zeros((n, n, h + 1), dtype=int)
    for a in range(len(s)):
        for p in range(a + 1, len(s)):
            d = (s[p] - s[a]) // b
            if d <= h:
                k[pos[clusters[a]], pos[clusters[p]], d] += 1
    out = np.zeros((n, n, w), dtype=int)
    for i in range(n):
        for j in range(n):
            for d in range(1, h + 1):
                out[i, j, h + d] = k[i, j, d]
                out[i, j, h - d] = k[j, i, d]
            out[i, j, h] = max(k[i, j, 0], k[j, i, 0])
    return out, k


@st.composite
def spike_trains(draw):
    n = draw(st.integers(0, 60))
    samples = sorted(draw(st.lists(st.integers(0, 400), min_size=n, max_size=n)))
    clusters = draw(st.lists(st.sampled_from([2, 5, 9]), min_size=n, max_size=n))
    bin_samples = draw(st.integers(1, 7))
    n_half = draw(st.integers(0, 6))
    return samples, clusters, bin_samples, n_half


@settings(max_examples=150, deadline=None)
@given(spike_trains(), st.booleans())
def test_correlograms_brute_force(train, symmetrize):
    samples, clusters, bin_samples, n_half = train
    sample_rate = 1000.
    times = np.array(samples, dtype=np.float64) / sample_rate
    bin_size = bin_samples / sample_rate
    window_size = (2 * n_half + 1) * bin_size
    cluster_ids = [9, 2, 5]  # an arbitrary order
    ccg = correlograms(times, clusters, cluster_ids=cluster_ids, sample_rate=sample_rate,
                       bin_size=bin_size, window_size=window_size, symmetrize=symmetrize)
    expected, one_sided = brute_force_correlograms(
        times, clusters, cluster_ids, sample_rate, bin_size, window_size)
    assert ccg.dtype == np.int32
    np.testing.assert_array_equal(ccg, expected if symmetrize else one_sided)


def test_correlograms_simple():
    # Cluster 0 at 0, 10 ms; cluster 1 at 2 ms. 1 ms bins, 11 ms window (5 bins per side).
    ccg = correlograms([0., .002, .010], [0, 1, 0], sample_rate=1000., bin_size=.001,
                       window_size=.011)
    assert ccg.shape == (2, 2, 11)
    h = 5
    # 1 occurs 2 ms after the first spike of 0 (the 10 ms pair is outside the window).
    assert ccg[0, 1, h + 2] == 1 and ccg[1, 0, h - 2] == 1
    assert ccg[0, 1].sum() == 1 and ccg[1, 0].sum() == 1
    assert ccg[0, 0].sum() == 0 and ccg[1, 1].sum() == 0


def test_correlograms_zero_lag_is_max_of_both_directions():
    # Two spikes of different clusters at the same sample: counted once, in sorted order.
    ccg = correlograms([0.1, 0.1], [3, 4], sample_rate=1000., bin_size=.001, window_size=.005)
    h = 2
    assert ccg[0, 1, h] == ccg[1, 0, h] == 1
    assert ccg[0, 0].sum() == 0


def test_correlograms_defaults_and_exports():
    assert phy.cluster.correlograms is correlograms
    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(0, 10, 500))
    ccg = correlograms(t, rng.integers(0, 3, 500), sample_rate=20000.)
    assert ccg.shape == (3, 3, 51)
    # Symmetry: ccg[i, j, h + d] == ccg[j, i, h - d].
    np.testing.assert_array_equal(ccg, ccg.transpose(1, 0, 2)[:, :, ::-1])
    assert correlogram_bins(1e-3, 50e-3, 30000.) == (30, 51, 25)


def test_correlograms_empty_cluster_and_empty_train():
    ccg = correlograms([0.1], [1], cluster_ids=[1, 7], sample_rate=1000.)
    assert ccg.shape == (2, 2, 51) and ccg.sum() == 0
    assert correlograms([], [], cluster_ids=[1], sample_rate=1000.).shape == (1, 1, 51)


def test_correlograms_errors():
    with pytest.raises(ValueError, match="sorted"):
        correlograms([0.2, 0.1], [0, 0], sample_rate=1000.)
    with pytest.raises(ValueError, match="not in `cluster_ids`: \\[4\\]"):
        correlograms([0.1, 0.2], [0, 4], cluster_ids=[0], sample_rate=1000.)
    with pytest.raises(ValueError, match="duplicate"):
        correlograms([0.1], [0], cluster_ids=[0, 0], sample_rate=1000.)
    with pytest.raises(ValueError, match="shorter than one sample"):
        correlograms([0.1], [0], sample_rate=100., bin_size=1e-3)
    with pytest.raises(ValueError, match="2 spike times but 1"):
        correlograms([0.1, 0.2], [0], sample_rate=100.)


def test_firing_rate_baseline():
    fr = firing_rate([0, 0, 1, 0], cluster_ids=[1, 0, 5], bin_size=.01, duration=10.)
    n = np.array([1, 3, 0])
    np.testing.assert_allclose(fr, n[:, None] * n[None, :] * .01 / 10.)
    np.testing.assert_allclose(firing_rate([0, 0], bin_size=1., duration=0), [[4.]])


def test_mean_firing_rate():
    assert mean_firing_rate(10, 100.) == .1
    assert mean_firing_rate(10, .5) == 10.  # the duration floor of 1 s


def test_histogram_density():
    density, edges = histogram_density([0.5, 1.5, 1.6, 4.0], 0., 4., 5)
    np.testing.assert_array_equal(edges, [0, 1, 2, 3, 4])
    # 4 bins (the last one closed), unit area.
    np.testing.assert_allclose(density, [.25, .5, 0, .25])
    assert np.isclose((density * np.diff(edges)).sum(), 1.)
    density, _ = histogram_density([], 0., 1., 3)
    np.testing.assert_array_equal(density, [0, 0])
    assert histogram_density([1.], 0., 1., 1)[0].shape == (1,)  # clipped to 2 edges
    with pytest.raises(ValueError, match="Empty histogram range"):
        histogram_density([1.], 1., 1., 10)


def test_isi_and_firing_rate_histograms():
    t = np.array([0., .25, .5, 1.25, 1.5])
    density, edges = isi_histogram(t, x_max=1., n_bins=5)
    np.testing.assert_array_equal(edges, [0, .25, .5, .75, 1.])
    # ISIs .25, .25, .75, .25 -> bins [.25, .5) x3 and [.75, 1] x1.
    np.testing.assert_allclose(density * .25 * 4, [0, 3, 0, 1])
    density, edges = firing_rate_histogram(t, duration=2., n_bins=3)
    np.testing.assert_allclose(edges, [0, 1., 2.])
    np.testing.assert_allclose(density * 1. * 5, [3, 2])
