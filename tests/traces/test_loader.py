import numpy as np
import pytest

from phy.traces import Filter, SpikeLoader, WaveformLoader


def _traces():
    return np.arange(200 * 3, dtype=np.int16).reshape(200, 3)


def test_waveform_loader_windows_and_channels():
    traces = _traces()
    loader = WaveformLoader(traces, n_samples=(2, 3), channels=[2, 0])
    assert loader.n_samples_waveforms == 5 and loader.n_channels_waveforms == 2
    assert loader.channels.tolist() == [2, 0] and loader.traces is traces
    w = loader[[10, 50]]
    assert w.shape == (2, 5, 2) and w.dtype == np.float32
    assert np.array_equal(w[0], traces[8:13][:, [2, 0]])
    assert np.array_equal(loader[50], traces[48:53][:, [2, 0]])
    # Zeros beyond the data.
    edge = loader[[0, 199]]
    assert np.all(edge[0, :2] == 0) and np.array_equal(edge[0, 2:], traces[:3][:, [2, 0]])
    assert np.all(edge[1, 3:] == 0)
    loader.channels = None
    assert loader.n_channels_waveforms == 3 and loader.shape == (200, 5, 3)
    assert WaveformLoader(traces, n_samples=4).n_samples_before_after == (2, 2)


def test_waveform_loader_filter_offset_scale():
    rng = np.random.default_rng(0)
    traces = (rng.standard_normal((5000, 2)) * 100 + 1000).astype(np.int16)
    fil = Filter(rate=20000.0, low=500.0, high=9500.0, order=3)
    loader = WaveformLoader(traces, filter=fil, filter_margin=400, n_samples=20,
                            dc_offset=1.0, scale_factor=0.5)
    w = loader[[2500]]
    full = fil(traces.astype(np.float32))  # the filtered trace, far from its edges
    assert np.allclose(w[0], (full[2490:2510] - 1.0) * 0.5, atol=0.5)
    assert abs(w.mean()) < 20  # the DC of 1000 removed by the filter


def test_waveform_loader_errors():
    with pytest.raises(ValueError, match="number of samples"):
        WaveformLoader(_traces())
    with pytest.raises(RuntimeError, match="No traces"):
        WaveformLoader(n_samples=4)[[1]]


def test_spike_loader():
    traces = _traces()
    spike_samples = np.array([20, 40, 60])
    loader = SpikeLoader(WaveformLoader(traces, n_samples=4), spike_samples)
    assert loader.shape == (3, 4, 3) and loader.ndim == 3 and len(loader) == 3
    assert np.array_equal(loader[[2, 0]], [traces[58:62], traces[18:22]])
    assert np.array_equal(loader[1:2][0], traces[38:42])
