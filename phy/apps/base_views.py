"""The views every controller has: :class:`BaseViewsMixin` of :class:`~phy.apps.BaseController`.

Probe, raster, correlogram, ISI, firing rate, amplitude, cluster scatter and IPython views,
each made by a ``create_*_view`` method from the controller's live cluster functions. A
method returns None when the dataset lacks what the view shows (no amplitude type: no
amplitude view).
"""

from .view_data import SpikeData


class BaseViewsMixin:
    """The ``create_*_view`` methods of the views that need only the Model protocol."""

    def _set_view_creator(self):
        """Populate the ``self.view_creator`` dictionary (mixins add theirs after ``super()``)."""
        self.view_creator.update({
            "ClusterScatterView": self.create_cluster_scatter_view,
            "CorrelogramView": self.create_correlogram_view,
            "ISIView": self.create_isi_view,
            "FiringRateView": self.create_firing_rate_view,
            "AmplitudeView": self.create_amplitude_view,
            "ProbeView": self.create_probe_view,
            "RasterView": self.create_raster_view,
            "IPythonView": self.create_ipython_view,
        })

    def _channel_labels(self):
        labels = getattr(self.model, "channel_labels", None)
        return list(labels) if labels is not None else [
            str(int(c)) for c in self.model.channel_mapping]

    @property
    def spike_data(self):
        """The correlogram, ISI and firing-rate functions of the live clusters (one, shared)."""
        if getattr(self, "_spike_data", None) is None:
            self._spike_data = SpikeData(
                self.spike_times, self._cluster_spikes, self.model.sample_rate,
                self.model.duration, n_spikes_correlograms=self.n_spikes_correlograms)
        return self._spike_data

    def create_probe_view(self):
        """Create a probe view."""
        from phy.cluster.views import ProbeView

        return ProbeView(positions=self.model.channel_positions,
                         best_channels=self.get_best_channels,
                         channel_labels=self._channel_labels())

    def create_raster_view(self):
        """Create a raster view."""
        from phy.cluster.views import RasterView

        s = self.supervisor
        return RasterView(
            self.spike_times, s.clustering.spike_clusters, cluster_ids=s.all_cluster_ids,
            cluster_color_selector=s.color_selector,
            spikes_in_clusters=lambda ids: self.clustering.spikes_in_clusters(ids))

    def create_correlogram_view(self):
        """Create a correlogram view."""
        from phy.cluster.views import CorrelogramView

        return CorrelogramView(correlograms=self.spike_data.correlograms,
                               firing_rate=self.spike_data.firing_rate)

    def create_isi_view(self):
        """Create an ISI view."""
        from phy.cluster.views import ISIView

        return ISIView(cluster_stat=self.spike_data.isi)

    def create_firing_rate_view(self):
        """Create a firing rate view (over the whole recording)."""
        from phy.cluster.views import FiringRateView

        view = FiringRateView(cluster_stat=self.spike_data.spike_times_of)
        view.x_max = float(self.model.duration)
        return view

    def create_amplitude_view(self):
        """Create the amplitude view (None without any amplitude type)."""
        from phy.cluster.views import AmplitudeView

        functions = self._amplitude_functions()
        if not functions:
            return None
        return AmplitudeView(amplitudes=functions, duration=float(self.model.duration))

    def create_cluster_scatter_view(self):
        """Create the cluster scatter view (the clusters' metrics, one disc per cluster)."""
        from phy.cluster.views import ClusterScatterView

        s = self.supervisor
        x_axis = "amp" if "amp" in s.columns else "n_spikes"
        return ClusterScatterView(
            cluster_info=lambda c: s.wizard.cluster_rows.get(c) or {},
            cluster_ids=s.all_cluster_ids, cluster_color_selector=s.color_selector,
            x_axis=x_axis)

    def create_ipython_view(self):
        """Create an IPython View, with ``m`` (model), ``c`` (controller), ``s`` (supervisor)."""
        from phy.gui import ipython

        namespace = dict(m=self.model, c=self, s=self.supervisor)

        class IPythonView(ipython.IPythonView):  # its name in the GUI and its state
            """The IPython view with the controller's objects injected when attached."""

            def attach(self, gui, **kwargs):
                super().attach(gui, **namespace, **kwargs)

            def stop(self):
                """Stop the kernel; delete qtconsole's completion popup (a parentless window)."""
                super().stop()
                popup = getattr(self, "_completion_widget", None)
                if popup is not None and popup.parent() is None:
                    popup.deleteLater()

        return IPythonView()
