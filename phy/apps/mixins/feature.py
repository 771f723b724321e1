"""PC features: :class:`FeatureMixin` (feature view, feature amplitudes)."""

import numpy as np

from ..view_data import feature_functions


class FeatureMixin:
    """The feature view and the feature amplitudes of the amplitude view.

    The model has ``features`` (None: no feature view) and implements
    ``get_features(spike_ids, channel_ids)`` (``(n_spikes, n_channels, n_pcs)``).
    """

    def _set_view_creator(self):
        super()._set_view_creator()
        self.view_creator["FeatureView"] = self.create_feature_view

    @property
    def _has_features(self):
        return getattr(self.model, "features", None) is not None

    def create_feature_view(self):
        """Create the feature view (None without features)."""
        from phy.cluster.views import FeatureView

        if not self._has_features:
            return None
        f = feature_functions(
            self.model, self.n_spikes_features, self.n_spikes_features_background,
            cluster_spikes=self._cluster_spikes, cluster_channels=self.get_best_channels,
            spike_times=self.spike_times)
        attributes = dict(f.attributes)
        attributes.update(getattr(self.model, "spike_attributes", None) or {})
        return FeatureView(features=f.features, attributes=attributes)

    def create_amplitude_view(self):
        """Create the amplitude view, with the feature amplitudes among its types."""
        return super().create_amplitude_view()

    def get_spike_feature_amplitudes(self, spike_ids, channel_id=None, channel_ids=None, pc=None,
                                     **kwargs):
        """Return the features for the specified channel and PC (default: the first PC)."""
        spike_ids = np.asarray(spike_ids, dtype=np.int64)
        channel_id = channel_id if channel_id is not None else (
            channel_ids[0] if channel_ids is not None else None)
        if channel_id is None or not len(spike_ids):
            return np.zeros(len(spike_ids))
        data = self.model.get_features(spike_ids, [int(channel_id)])
        return np.nan_to_num(np.asarray(data, dtype=np.float64)[:, 0, pc or 0])

    def _amplitude_functions(self):
        """The feature amplitudes, before the amplitude types of the next mixins."""
        out = {}
        if self._has_features:
            out["feature"] = self._amplitude_function(self.get_spike_feature_amplitudes)
        return {**out, **super()._amplitude_functions()}
