import numpy as np
import pytest

from phy.traces import WaveformExtractor


def _extractor(**kwargs):
    return WaveformExtractor(extract_before=3, extract_after=5, weight_power=2,
                             thresholds=dict(weak=1.0, strong=3.0), **kwargs)


def test_spike_sample_aligned_weighted_centre():
    ext = _extractor()
    comp = np.array([[10, 0], [11, 0], [12, 1]])
    # Normalised (v - 1) / 2: 1, 2, 1 -> weights 1, 4, 1: centre 11.
    assert ext.spike_sample_aligned(np.array([3.0, 5.0, 3.0]), comp) == pytest.approx(11.0)
    # Weights 1, 1, 4 -> (10 + 11 + 48) / 6.
    assert ext.spike_sample_aligned(np.array([3.0, 3.0, 5.0]), comp) == pytest.approx(69 / 6)


def test_masks_from_weak_and_strong():
    ext = _extractor()
    data_t = np.zeros((20, 4))
    comp = np.array([[5, 0], [6, 0], [6, 1], [7, 2]])
    wave = np.array([2.0, 4.0, 2.0, 1.5])
    masks = ext.masks(data_t, wave, comp)
    # Channel 0 peaks above strong: 1; channel 1 at 2 -> 0.5; channel 2 at 1.5 -> 0.25;
    # channel 3 not in the component: 0.
    assert masks.tolist() == [1.0, 0.5, 0.25, 0.0]
    # Per-channel thresholds.
    ext.set_thresholds(weak=np.array([0, 0, 1, 1]), strong=np.array([8, 4, 2, 2]))
    assert ext.masks(data_t, wave, comp).tolist() == [0.5, 0.5, 0.5, 0.0]


def test_extract_and_align():
    ext = _extractor()
    assert ext.n_samples == 8
    data = np.arange(40, dtype=np.float32).reshape(20, 2)  # column 0: 0, 2, 4, ...
    window = ext.extract(data, 10.25)
    assert window.shape == (9, 2) and window[0, 0] == 14.0  # rows 7 .. 15
    aligned = ext.align(window, 10.25)
    assert aligned.shape == (8, 2) and aligned.dtype == np.float32
    assert aligned[:, 0].tolist() == pytest.approx(2 * (np.arange(8) + 7.25))
    assert ext.extract(data, 10.25, channels=[1]).shape == (9, 1)
    many = ext.extract_many(data, np.array([10.25, 5.0]))
    assert np.allclose(many[0], aligned) and many[1, 3, 0] == 10.0  # sample 5 at index 3
    with pytest.raises(ValueError, match="beyond"):
        ext.extract(data, 1.0)
    with pytest.raises(ValueError, match="beyond"):
        ext.extract_many(data, np.array([18.0]))


def test_call_on_a_component():
    ext = _extractor()
    data = np.zeros((30, 3), dtype=np.float32)
    data[14:17, 1] = [-2.0, -6.0, -2.0]
    data[15, 2] = -2.5
    data_t = -data
    comp = np.array([[14, 1], [15, 1], [15, 2], [16, 1]])
    s, masks, waveform = ext(comp, data, data_t)
    assert s == pytest.approx(15.0)
    assert masks.tolist() == [0.0, 1.0, 0.75]
    assert waveform.shape == (8, 3) and waveform[3, 1] == -6.0  # the spike at extract_before


def test_thresholds_required():
    with pytest.raises(RuntimeError, match="thresholds"):
        WaveformExtractor(3, 5).spike_sample_aligned(np.ones(1), np.array([[1, 0]]))
