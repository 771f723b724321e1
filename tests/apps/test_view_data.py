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
