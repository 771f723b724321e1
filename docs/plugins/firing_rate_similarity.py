"""Example plugin: a custom similarity, clusters with a close mean firing rate, as default.

The similarity view then lists first the clusters whose firing rate is closest to the
selected one's. Copy this file into ~/.phy/plugins/ and add
'ExampleFiringRateSimilarityPlugin' to c.TemplateGUI.plugins in ~/.phy/phy_config.py.
"""

from phy import IPlugin


class ExampleFiringRateSimilarityPlugin(IPlugin):
    """Add the `firing_rate` similarity, the default one of the similarity view."""

    def attach_to_controller(self, controller):
        """Register the similarity function and make it the current one."""
        # A cluster's firing rate never changes: cache it (cluster ids are never reused).
        firing_rate = controller.context.memcache(controller.get_mean_firing_rate)

        def firing_rate_similarity(cluster_id):
            """[(other cluster, similarity)], the closest firing rates first."""
            fr = firing_rate(cluster_id)
            # The supervisor exists when the similarity view asks: use the live clusters.
            similar = [(other, 1. / (1. + abs(firing_rate(other) - fr)))
                       for other in controller.supervisor.clustering.cluster_ids
                       if other != cluster_id]
            return sorted(similar, key=lambda x: -x[1])

        controller.similarity_functions['firing_rate'] = firing_rate_similarity
        # The default similarity of the similarity view (Select > Similarity switches).
        controller.similarity = 'firing_rate'
