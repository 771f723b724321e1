import numpy as np
import pytest
from scipy import signal

from phy.traces import (
    Filter,
    apply_filter,
    butterworth,
    filter_waveforms,
    high_pass_filter,
    subtract_median,
)

RATE = 25000.0


def _sine(freq, n=5000):
    return np.sin(2 * np.pi * freq * np.arange(n) / RATE)


def _gain(fil, freq):
    y = fil(_sine(freq))
    mid = slice(1000, 4000)  # away from the edges (no padding)
    return np.abs(y[mid]).max()


def test_high_pass_filter_gains():
    fil = high_pass_filter(RATE)
    assert fil.low == 150.0 and fil.order == 3
    assert _gain(fil, 10.0) < 0.01
    assert _gain(fil, 2000.0) == pytest.approx(1.0, abs=0.01)
    # Zero phase, applied forward and backward: squared magnitude response at the cut-off.
    assert _gain(fil, 150.0) == pytest.approx(0.5, abs=0.05)


def test_zero_phase():
    x = np.zeros(2001)
    x[1000] = 1.0
    y = high_pass_filter(RATE)(x)
    assert np.argmax(np.abs(y)) == 1000
    assert np.allclose(y[1000 - 50:1000], y[1001:1051][::-1], atol=1e-3)


def test_band_and_low_pass():
    band = Filter(rate=RATE, low=500.0, high=3000.0, order=3)
    assert _gain(band, 50.0) < 0.01 and _gain(band, 10000.0) < 0.01
    assert _gain(band, 1200.0) == pytest.approx(1.0, abs=0.05)
    low = Filter(rate=RATE, high=500.0)
    assert _gain(low, 5000.0) < 0.01 and _gain(low, 20.0) == pytest.approx(1.0, abs=0.01)
    assert "Filter" in repr(low)
    with pytest.raises(ValueError):
        butterworth(RATE)
    with pytest.raises(ValueError):
        butterworth(0, low=10)


def test_apply_filter_axis_and_dtypes():
    x = np.tile(_sine(10.0)[:, None], (1, 3)).astype(np.int16) * 100 + 1000
    coefs = butterworth(RATE, low=150.0)
    y = apply_filter(x, coefs, axis=0)
    assert y.dtype == np.float32 and y.shape == x.shape
    assert np.allclose(y, apply_filter(x.T, coefs, axis=1).T)
    assert apply_filter(np.zeros(10), coefs).dtype == np.float64
    assert apply_filter(np.zeros((0, 3)), coefs).shape == (0, 3)


def test_filter_waveforms():
    w = np.zeros((2, 82, 3), dtype=np.int16) + 500
    w[:, 41, :] = 400
    out = filter_waveforms(w, axis=1)  # "raw": median subtraction only
    assert out.dtype == np.float32
    assert np.all(out[:, 0] == 0) and np.all(out[:, 41] == -100)
    filtered = filter_waveforms(w, high_pass_filter(RATE), axis=1)
    assert np.argmin(filtered[0, :, 0]) == 41
    assert subtract_median(np.array([1.0, 2.0, 9.0])).tolist() == [-1.0, 0.0, 7.0]


def _sosfilt_forward_backward(x, coefs, axis=0):
    """The reference: ``sosfilt`` forward, then backward on the reversed output (float64)."""
    sos = signal.tf2sos(*coefs)
    y = signal.sosfilt(sos, np.asarray(x, dtype=np.float64), axis=axis)
    return np.flip(signal.sosfilt(sos, np.flip(y, axis), axis=axis), axis)


@pytest.mark.parametrize("n_samples", [1, 31, 32, 33, 1000, 30_017])
def test_apply_filter_equals_sosfilt_forward_backward(n_samples):
    # The blocked computation gives sosfilt's values, edges included, for any length (last
    # block partial or not), within float32 rounding of the data's scale.
    rng = np.random.default_rng(n_samples)
    offsets = rng.integers(-2000, 2000, 24)  # Raw data: large channel offsets.
    x = (rng.normal(0, 30, (n_samples, 24)) + offsets).astype(np.int16)
    for coefs in (butterworth(RATE, low=150.0), butterworth(RATE, low=500.0, high=5000.0)):
        y = apply_filter(x, coefs, axis=0)
        assert y.shape == x.shape and y.dtype == np.float32 and y.flags.c_contiguous
        np.testing.assert_allclose(
            y, _sosfilt_forward_backward(x, coefs), rtol=0, atol=2e-6 * np.abs(x).max())
        # float64 data: float64 result, equal to double precision.
        y64 = apply_filter(x.astype(np.float64), coefs, axis=0)
        assert y64.dtype == np.float64
        np.testing.assert_allclose(
            y64, _sosfilt_forward_backward(x, coefs), rtol=0, atol=1e-9 * np.abs(x).max())


def test_apply_filter_waveform_axis_equals_sosfilt():
    # Spike waveforms (n_spikes, n_samples, n_channels), filtered along axis 1.
    rng = np.random.default_rng(5)
    w = rng.normal(0, 50, (7, 82, 5)).astype(np.float32)
    coefs = butterworth(RATE, low=150.0)
    np.testing.assert_allclose(apply_filter(w, coefs, axis=1),
                               _sosfilt_forward_backward(w, coefs, axis=1), rtol=0, atol=1e-3)


def test_filter_margin_equals_whole_recording():
    # What the trace view does: filter the window with a 20 ms margin on each side.
    rng = np.random.default_rng(4)
    x = rng.normal(size=(30_000, 3)) * 50
    fil = high_pass_filter(RATE)
    whole = fil(x)
    margin = int(0.02 * RATE)
    i, j = 10_000, 20_000
    window = fil(x[i - margin:j + margin])[margin:-margin]
    np.testing.assert_allclose(window, whole[i:j], rtol=0, atol=1e-4 * np.abs(whole).max())
