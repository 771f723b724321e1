"""Raw waveforms: :class:`WaveformMixin` (waveform view, raw amplitudes)."""

import numpy as np

from phy.utils import bus_events as ev
from phy.utils import connect

from ..view_data import display_filters, template_waveforms


class WaveformMixin:
    """The waveform view (types: waveforms, mean waveforms, templates), raw amplitudes.

    The model implements ``get_waveforms(spike_ids, channel_ids)``. The waveforms are shown
    through the display filter of the trace view (FORMATS §4.9): high-pass by default, and
    the one the trace view switches to (alt+r).
    """

    #: Name of the display filter of the waveforms ('raw': none); follows the trace view.
    raw_data_filter = None

    def _waveform_filter(self):
        """The display filter in use (None: the raw data)."""
        if "_display_filters" not in self.__dict__:
            self._display_filters = display_filters(self.model)
        filters = self._display_filters
        if self.raw_data_filter is None:
            self.raw_data_filter = next(iter(filters), "raw")
        return filters.get(self.raw_data_filter)

    def _on_raw_data_filter_changed(self, sender, name):
        """Apply the trace view's new display filter to the waveforms, and show them again."""
        self.raw_data_filter = name
        for view in self.gui.list_views("WaveformView") if self.gui is not None else ():
            view.plot()

    def _set_view_creator(self):
        super()._set_view_creator()
        self.view_creator["WaveformView"] = self.create_waveform_view

    @property
    def _has_waveforms(self):
        return (getattr(self.model, "traces", None) is not None
                or getattr(self.model, "spike_waveforms", None) is not None)

    def _waveform_functions(self):
        """The waveform types of the waveform view."""
        return template_waveforms(
            self.model, self.n_spikes_waveforms, cluster_spikes=self._cluster_spikes,
            cluster_channels=self.get_best_channels,
            cluster_template=getattr(self, "get_template_for_cluster", None),
            waveform_filter=self._waveform_filter)

    def create_waveform_view(self):
        """Create the waveform view (None without waveforms nor templates)."""
        from phy.cluster.views import WaveformView

        functions = self._waveform_functions()
        if "waveforms" not in functions:
            return None
        view = WaveformView(waveforms=functions)
        view.n_spikes_waveforms = self.n_spikes_waveforms
        if not self.__dict__.get("_follows_trace_filter"):  # once, for every waveform view
            self._follows_trace_filter = True
            connect(self._on_raw_data_filter_changed, event=ev.RAW_DATA_FILTER_CHANGED)
        return view

    def get_spike_raw_amplitudes(self, spike_ids, channel_id=None, **kwargs):
        """Return the raw amplitudes on the best channel of the first selected cluster.

        The peak-to-peak amplitude of each waveform; 0 where no waveform can be read.
        """
        spike_ids = np.asarray(spike_ids, dtype=np.int64)
        if channel_id is None or not len(spike_ids):
            return np.zeros(len(spike_ids))
        data = self.model.get_waveforms(spike_ids, [int(channel_id)])
        if data is None:
            return np.zeros(len(spike_ids))
        return np.ptp(np.asarray(data, dtype=np.float64)[:, :, 0], axis=1)

    def get_mean_spike_raw_amplitudes(self, cluster_id):
        """Return the average of the spike raw amplitudes."""
        spike_ids = self.get_spike_ids(cluster_id, self.n_spikes_waveforms)
        return float(np.mean(self.get_spike_raw_amplitudes(
            spike_ids, channel_id=self.get_best_channel(cluster_id))))

    def _amplitude_functions(self):
        """The raw amplitudes, before the amplitude types of the next mixins."""
        out = {}
        if self._has_waveforms:
            out["raw"] = self._amplitude_function(self.get_spike_raw_amplitudes)
        return {**out, **super()._amplitude_functions()}
