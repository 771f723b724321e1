import numpy as np
import pytest

from phy.traces import Thresholder, compute_threshold


def test_compute_threshold_robust_std():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20000, 4)) * np.array([1.0, 2.0, 3.0, 4.0])
    x[::100, 0] = 1000.0  # spikes barely change the robust estimate
    single = compute_threshold(x, single_threshold=True, std_factor=(2.0, 4.0))
    assert single.shape == (2,)
    per = compute_threshold(x, single_threshold=False, std_factor=(2.0, 4.0))
    assert per.shape == (2, 4)
    assert np.allclose(per[0], 2 * np.array([1, 2, 3, 4]), rtol=0.05)
    assert np.allclose(per[1], 2 * per[0])
    assert per[0, 0] < 2.2  # not inflated by the outliers
    default = compute_threshold(x[:, :1])
    assert np.allclose(default / default[0], [1.0, 2.25])  # weak 2, strong 4.5 std


def test_compute_threshold_bad_input():
    with pytest.raises(ValueError, match="n_samples, n_channels"):
        compute_threshold(np.zeros(10))


def test_thresholder_modes():
    data = np.array([[-3.0, 1.0], [2.0, -0.5]])
    thres = Thresholder("positive", thresholds=(0.8, 1.5))
    assert np.array_equal(thres.transform(data), data)
    assert np.array_equal(Thresholder("negative").transform(data), -data)
    assert np.array_equal(Thresholder("both").transform(data), np.abs(data))
    crossings = thres(data)
    assert np.array_equal(crossings["weak"], [[False, True], [True, False]])
    assert np.array_equal(crossings["strong"], [[False, False], [True, False]])
    neg = Thresholder("negative", thresholds={"strong": 2.5})
    data_t = neg.transform(data)
    assert np.array_equal(neg.detect(data_t, "strong"), data_t > 2.5)
    assert np.array_equal(neg.detect(data_t, 0.4), [[True, False], [False, True]])
    # Per-channel thresholds.
    per = Thresholder("both", thresholds=dict(weak=np.array([2.5, 0.1])))
    assert np.array_equal(per(data, "weak"), [[True, True], [False, True]])


def test_thresholder_errors():
    with pytest.raises(ValueError, match="Unknown detection mode"):
        Thresholder("up")
    with pytest.raises(KeyError, match="Unknown threshold 'medium'"):
        Thresholder("positive", (1, 2)).detect(np.zeros(3), "medium")
