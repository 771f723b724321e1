"""Tests of the trace view's pure data functions: windows, envelopes, spike classes."""

import numpy as np
import pytest

from phy.cluster.views.trace_data import (
    bin_classes,
    bin_traces,
    robust_amplitude,
    select_traces,
    spike_classes,
    spike_table,
)
from phy.utils import Bunch


class SliceRecorder:
    """An array-like recording the slices read."""

    def __init__(self, n):
        self.n, self.reads = n, []

    def __len__(self):
        return self.n

    def __getitem__(self, item):
        self.reads.append((item.start, item.stop))
        return np.zeros((item.stop - item.start, 2))


def test_select_traces_reads_the_window_only():
    traces = SliceRecorder(1_000_000)
    assert select_traces(traces, (1.5, 2.0), sample_rate=1000.0).shape == (500, 2)
    assert select_traces(traces, (-1.0, 0.01), sample_rate=1000.0).shape == (10, 2)
    assert select_traces(traces, (999.9, 2000.0), sample_rate=1000.0).shape == (100, 2)
    assert select_traces(traces, (10, 20)).shape == (10, 2)  # In samples.
    assert traces.reads == [(1500, 2000), (0, 10), (999_900, 1_000_000), (10, 20)]


def test_select_traces_memmap_sparse_hour(tmp_path):
    """A 1-hour 384-channel file (83 GB, sparse): a window is a slice of the memory map."""
    path = tmp_path / "hour.dat"
    n_samples, n_channels = int(3600 * 30000), 384
    with open(path, "wb") as f:
        f.truncate(n_samples * n_channels * 2)
    mm = np.memmap(path, dtype=np.int16, mode="r", shape=(n_samples, n_channels))
    window = select_traces(mm, (3599.0, 3600.0), sample_rate=30000.0)
    assert window.shape == (30000, 384)
    assert np.shares_memory(window, mm)  # Not read yet: a view of the map.
    assert not np.asarray(window).any()


def test_bin_traces_envelope_exact():
    rng = np.random.default_rng(1)
    data = rng.normal(size=(1003, 3)).astype(np.float32)
    bins = bin_traces(data, 5, 1000, 10, offset=7)
    edges = bins.edges
    assert edges[0] == 5 and edges[-1] == 1000 and not bins.raw
    assert np.all((edges[1:-1] + 7) % 10 == 0)  # Aligned on absolute samples.
    for i in range(len(edges) - 1):
        chunk = data[edges[i]:edges[i + 1]]
        np.testing.assert_array_equal(bins.ymin[:, i], chunk.min(axis=0))
        np.testing.assert_array_equal(bins.ymax[:, i], chunk.max(axis=0))
    raw = bin_traces(data, 10, 20, 2)
    assert raw.raw and raw.ymin.shape == (3, 10)
    np.testing.assert_array_equal(raw.ymin, data[10:20].T)


def test_bin_classes_priority_and_hidden():
    waveforms = Bunch(spike_id=[0, 1, 2], spike_cluster=[5, 7, 9], start_time=[0.0, 0.0, 0.5],
                      n_samples=10, channel_ids=np.array([[0, 1], [1, 2], [2, -1]]))
    table = spike_table(waveforms, 100.0, 0.0)
    assert list(table.pair_spike) == [0, 0, 1, 1, 2, 2]
    edges = np.arange(0, 101, 5)
    classes, others = spike_classes(table.spike_clusters, [7])
    # Clusters 5 and 9 not selected (classes 1, 2), then the selected cluster 7 (class 3).
    assert list(others) == [5, 9] and list(classes) == [1, 3, 2]
    out = bin_classes(edges, 3, table, classes)
    assert list(out[0, :3]) == [1, 1, 0]  # Spike 0 (cluster 5) on channel 0, samples 0-9.
    assert list(out[1, :3]) == [3, 3, 0]  # The selected spike wins on channel 1.
    assert list(out[2, 9:13]) == [0, 2, 2, 0]  # Spike 2: samples 50-59, bins 10 and 11.
    assert list(out[2, :3]) == [3, 3, 0]
    hidden, others = spike_classes(table.spike_clusters, [7], show_all_spikes=False)
    assert list(hidden) == [-1, 1, -1] and not len(others)
    out = bin_classes(edges, 3, table, hidden)
    assert out[0].max() == 0 and list(out[1, :3]) == [1, 1, 0]


def test_bin_classes_equal_brute_force():
    # Many overlapping spikes, bins of irregular edges: each (channel, bin) has the highest
    # class among the spikes covering one of its samples.
    rng = np.random.default_rng(7)
    n, n_channels, n_samples = 300, 6, 8
    waveforms = Bunch(
        spike_id=np.arange(n), spike_cluster=rng.integers(0, 20, n),
        start_time=rng.uniform(-0.05, 1.0, n), n_samples=n_samples,
        channel_ids=rng.integers(-1, n_channels, (n, 3)))
    table = spike_table(waveforms, 1000.0, 0.0)
    classes, others = spike_classes(table.spike_clusters, [3, 11])
    edges = np.unique(np.r_[0, np.sort(rng.integers(1, 1000, 150)), 1000])
    expected = np.zeros((n_channels, len(edges) - 1), dtype=np.int16)
    for spike, channel in zip(table.pair_spike, table.pair_channel):
        if channel < 0:
            continue
        s0 = table.start[spike]
        for b in range(len(edges) - 1):
            if s0 < edges[b + 1] and s0 + n_samples > edges[b]:
                expected[channel, b] = max(expected[channel, b], classes[spike])
    np.testing.assert_array_equal(bin_classes(edges, n_channels, table, classes), expected)
    assert expected.max() == 1 + len(others) + 1  # The second selected cluster is drawn.


def test_bin_traces_channel_major_and_integers():
    # Windows time-major or channel-major in memory, int16 or float32: same exact envelope.
    rng = np.random.default_rng(2)
    data = (rng.normal(size=(1003, 5)) * 100).astype(np.int16)
    ref = bin_traces(data.astype(np.float32), 3, 1000, 10, offset=1)
    for layout in (data, np.ascontiguousarray(data.T).T, data.T.copy().T.astype(np.float32)):
        bins = bin_traces(layout, 3, 1000, 10, offset=1)
        np.testing.assert_array_equal(bins.edges, ref.edges)
        np.testing.assert_array_equal(bins.ymin, ref.ymin)
        np.testing.assert_array_equal(bins.ymax, ref.ymax)


def test_robust_amplitude_of_noise_and_flat_data():
    rng = np.random.default_rng(3)
    noise = rng.normal(0, 2.0, (100_000, 4)).astype(np.float32)
    # 15 median absolute values of a normal noise: about 10 standard deviations.
    assert 18 < robust_amplitude(noise) < 22
    centered = robust_amplitude(noise + 50, center=np.full(4, 50.0))
    assert centered == pytest.approx(robust_amplitude(noise), rel=1e-5)
    assert robust_amplitude(np.zeros((10, 2))) == 1.0
    assert robust_amplitude(np.zeros((0, 2))) == 1.0
