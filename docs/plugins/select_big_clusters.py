"""Example plugin: a custom action, select every cluster with at least N spikes.

In the Clustering menu; shortcut ctrl+alt+n (asks N in a dialog), snippet `:nb 1000`. Copy
this file into ~/.phy/plugins/ and add 'ExampleSelectBigClustersPlugin' to
c.TemplateGUI.plugins in ~/.phy/phy_config.py.
"""

from phy import IPlugin, connect


class ExampleSelectBigClustersPlugin(IPlugin):
    """Add the action `select_big_clusters` to the Clustering menu."""

    def attach_to_controller(self, controller):
        """Add the action when the GUI is ready."""
        @connect
        def on_gui_ready(sender, gui):
            # The actions of the supervisor are created with the GUI: add ours now.
            @controller.supervisor.actions.add(
                shortcut='ctrl+alt+n', alias='nb', prompt=True, prompt_default=lambda: 1000)
            def select_big_clusters(min_spikes):
                """Select the clusters with at least N spikes."""
                cluster_ids = [
                    c for c in controller.supervisor.clustering.cluster_ids
                    if len(controller.get_spike_ids(c)) >= min_spikes]
                controller.supervisor.select(cluster_ids)
                gui.status_message = f"{len(cluster_ids)} clusters with >= {min_spikes} spikes."
