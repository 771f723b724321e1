"""Example plugin: a custom view, the spike count of the selected clusters over time.

One row per selected cluster (a stacked layout), the number of spikes in each of 100 bins
over the whole recording, in the cluster's colour. Copy this file into ~/.phy/plugins/ and add
'ExampleSpikeCountViewPlugin' to c.TemplateGUI.plugins in ~/.phy/phy_config.py.
"""

import numpy as np

from phy import IPlugin
from phy.cluster.views import ManualClusteringView
from phy.plot.visuals import PlotVisual
from phy.utils.color import selected_cluster_color


class SpikeCountView(ManualClusteringView):
    """The spike count of the selected clusters in `n_bins` bins over the recording."""

    n_bins = 100

    def __init__(self, spike_times=None, duration=None):
        # `spike_times(cluster_id)` returns a Bunch whose `data` holds the spike times.
        super().__init__()
        self.spike_times = spike_times
        self.duration = duration
        self.canvas.set_layout('stacked', n_plots=1)
        self.visual = PlotVisual()
        self.canvas.add_visual(self.visual)

    def on_select(self, cluster_ids=(), **kwargs):
        """Draw the spike counts of the selected clusters, one row each."""
        self.cluster_ids = list(cluster_ids)
        if not self.cluster_ids:
            return
        bins = np.linspace(0., self.duration, self.n_bins + 1)
        x = np.repeat(bins, 2)[1:-1]  # a step line: each bin is a flat segment
        self.visual.reset_batch()
        self.canvas.stacked.n_boxes = len(self.cluster_ids)
        for i, cluster_id in enumerate(self.cluster_ids):
            counts, _ = np.histogram(self.spike_times(cluster_id).data, bins=bins)
            self.visual.add_batch_data(
                x=x, y=np.repeat(counts, 2), color=selected_cluster_color(i),
                data_bounds=(0, 0, self.duration, max(counts.max(), 1)), box_index=i)
        self.canvas.update_visual(self.visual)
        self.canvas.update()


class ExampleSpikeCountViewPlugin(IPlugin):
    """Add the SpikeCountView to the GUI."""

    def attach_to_controller(self, controller):
        """Register the view creator; open one view at the start."""
        def create_spike_count_view():
            return SpikeCountView(spike_times=controller.get_spike_times,
                                  duration=controller.model.duration)

        controller.view_creator['SpikeCountView'] = create_spike_count_view
        # Open the view if the GUI state has none (the View menu can add more).
        controller.at_least_one_view('SpikeCountView')
