"""The view data functions of phy.apps.view_data on a template model."""

import numpy as np

from phy.apps.template import load_model
from phy.apps.view_data import background_spikes, feature_functions, template_waveforms


def test_feature_background_kept_on_every_channel(real_dir):
    model = load_model(real_dir / "params.py")
    try:
        features = feature_functions(model, n_background=50).features
        background = background_spikes(model.n_spikes, 50)
        for channels in ([4, 3, 5], [0], [31, 2]):
            b = features(None, channel_ids=channels)
            np.testing.assert_array_equal(b.spike_ids, background)
            np.testing.assert_array_equal(b.channel_ids, channels)
            np.testing.assert_allclose(
                b.data, model.get_features(background, channels), equal_nan=True)
    finally:
        model.close()


def test_waveforms_filtered_by_the_display_filter(synthetic_dir):
    model = load_model(synthetic_dir / "params.py")
    try:
        def double(data, axis=0):
            return 2 * data

        raw = template_waveforms(model)["waveforms"](0)
        doubled = template_waveforms(model, waveform_filter=lambda: double)["waveforms"](0)
        np.testing.assert_array_equal(raw.spike_ids, doubled.spike_ids)
        np.testing.assert_allclose(doubled.data, 2 * raw.data)
        median = np.median(raw.data, axis=1)
        np.testing.assert_allclose(median, 0, atol=1e-4)  # the median over time subtracted
    finally:
        model.close()


def test_amplitude_background_computed_once_per_channel():
    from phy.apps.view_data import amplitude_function

    calls = []

    def values(spike_ids, channel_id=None):
        calls.append((len(spike_ids), channel_id))
        return np.asarray(spike_ids, dtype=np.float64) + (channel_id or 0)

    spikes = {0: np.arange(0, 100, 2), 1: np.arange(1, 100, 2)}
    f = amplitude_function(values, np.linspace(0, 1, 100), spikes.__getitem__, 100, n_max=10,
                           first_channel=lambda c: 10 * c)
    for _ in range(3):
        bg, first = f([None, 1])
        np.testing.assert_array_equal(bg.amplitudes, bg.spike_ids + 10)
        np.testing.assert_array_equal(first.amplitudes, first.spike_ids + 10)
    assert calls.count((10, 10)) == 4  # the background once, the cluster at each call
    bg, _ = f([None, 0])  # another first cluster, another channel: its own background
    np.testing.assert_array_equal(bg.amplitudes, bg.spike_ids)
