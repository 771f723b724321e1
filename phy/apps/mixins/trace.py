"""Raw data: :class:`TraceMixin` (trace view and its display filter)."""

import numpy as np

from ..view_data import display_filters, trace_function


class TraceMixin:
    """The trace view, when the model has raw data (``traces``).

    The view's display filter is a high-pass filter unless the raw data is already filtered
    (``model.hp_filtered``); ``switch_raw_data_filter`` (alt+r) toggles it.
    """

    def _set_view_creator(self):
        super()._set_view_creator()
        self.view_creator["TraceView"] = self.create_trace_view

    def _spike_channels(self):
        """``spike_channels(spike_ids)``: the best channels of the spikes' clusters, -1 padded.

        Models with templates (``get_template_channels``) give the channels of the spikes'
        templates instead (see :func:`~phy.apps.view_data.trace_function`).
        """
        if hasattr(self.model, "get_template_channels"):
            return None

        def spike_channels(spike_ids):
            clusters = np.asarray(self.clustering.spike_clusters[spike_ids])
            out = np.full((len(spike_ids), self.n_best_channels), -1, dtype=np.int64)
            for c in np.unique(clusters).tolist():
                channels = np.asarray(self.get_best_channels(c))[:self.n_best_channels]
                out[clusters == c, :len(channels)] = channels
            return out

        return spike_channels

    def create_trace_view(self):
        """Create a trace view (None without raw data)."""
        from phy.cluster.views import TraceView

        model = self.model
        if getattr(model, "traces", None) is None:
            return None
        return TraceView(
            traces=trace_function(
                model, spike_times=self.spike_times,
                spike_clusters=lambda: self.clustering.spike_clusters,
                spike_channels=self._spike_channels()),
            spike_times=lambda cluster_id: self.get_spike_times(cluster_id).data,
            sample_rate=model.sample_rate,
            duration=model.duration, n_channels=model.n_channels,
            channel_positions=model.channel_positions, channel_labels=self._channel_labels(),
            filters=display_filters(model), cluster_color_selector=self.supervisor.color_selector)
