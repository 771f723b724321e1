"""Example plugin: a custom column of the cluster view, the mean inter-spike interval.

Copy this file into ~/.phy/plugins/ and add 'ExampleClusterMetricsPlugin' to
c.TemplateGUI.plugins in ~/.phy/phy_config.py.
"""

import numpy as np

from phy import IPlugin


class ExampleClusterMetricsPlugin(IPlugin):
    """Add a `meanisi` column to the cluster view."""

    def attach_to_controller(self, controller):
        """Called when the controller is built, before the supervisor exists.

        The items of `controller.cluster_metrics` become columns of the cluster view.
        """

        def meanisi(cluster_id):
            """The mean inter-spike interval of a cluster, in seconds (0 with < 2 spikes)."""
            t = controller.get_spike_times(cluster_id).data
            return np.diff(t).mean() if len(t) >= 2 else 0

        # The memcache keeps the values for the session (cluster ids are never reused).
        controller.cluster_metrics['meanisi'] = controller.context.memcache(meanisi)
