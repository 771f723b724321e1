"""Templates: :class:`TemplateMixin` (template view, amplitudes, features and similarity).

The model has ``spike_templates``, ``amplitudes``, ``n_templates``, ``similar_templates``,
``templates_peak_amplitudes``, ``template_features`` (or None) and implements
``get_template(template_id, channel_ids=None)`` and ``get_template_channels(template_id)``
(as :class:`~phy.apps.template.TemplateModel` does). A cluster's channels and amplitude are
those of its main template: the template of most of its spikes in the live clustering.
"""

import numpy as np

from phy.utils import Bunch

from ..base import cluster_cached
from ..view_data import spike_template_amplitudes


def template_correlation(model):
    """The cosine similarity of every pair of (whitened) templates, ``(n, n)`` float32."""
    st = model.sparse_templates
    data = np.asarray(st.data, dtype=np.float32)
    n, n_samples = data.shape[:2]
    if st.cols is None:
        dense = data
    else:
        dense = np.zeros((n, n_samples, model.n_channels), dtype=np.float32)
        for t in range(n):
            cols = np.asarray(st.cols[t])
            dense[t][:, cols[cols >= 0]] = data[t][:, cols >= 0]
    flat = dense.reshape(n, -1)
    norms = np.linalg.norm(flat, axis=1)
    norms[norms == 0] = 1
    return (flat @ flat.T) / np.outer(norms, norms)


class TemplateMixin:
    """Support templates.

    The model needs to implement specific properties and methods.

    amplitudes : array-like
        The template amplitude of every spike (only with TemplateMixin).
    n_templates : int
        Initial number of templates.
    spike_templates : array-like
        The template initial id of every spike.
    get_template(template_id) : int => Bunch(template, channel_ids)
        Return the template data as a (n_samples, n_channels) array, the corresponding channel
        ids of the template.

    """

    def _set_view_creator(self):
        super()._set_view_creator()
        self.view_creator["TemplateView"] = self.create_template_view
        self.view_creator["TemplateFeatureView"] = self.create_template_feature_view

    @property
    def _has_templates(self):
        return getattr(self.model, "sparse_templates", None) is not None

    # Clusters and templates
    # ---------------------------------------------------------------------------------------------

    @cluster_cached
    def get_template_counts(self, cluster_id):
        """Return a histogram of the number of spikes in each template for a given cluster.

        A cluster id always names the same spikes (ids are never reused), so the model's table
        of its saved clusters answers for those; new clusters read their spikes' templates.
        """
        saved = getattr(self.model, "get_cluster_template_counts", None)
        counts = saved(cluster_id) if saved is not None else None
        if counts is not None:
            return counts
        templates = np.asarray(
            self.model.spike_templates[self._cluster_spikes(cluster_id)], dtype=np.int64)
        return np.bincount(templates, minlength=self.model.n_templates)

    @cluster_cached
    def _cluster_templates(self, cluster_id):
        return np.flatnonzero(self.get_template_counts(cluster_id))

    @cluster_cached
    def get_template_for_cluster(self, cluster_id):
        """Return the main template of a cluster: the template of most of its spikes."""
        return int(np.argmax(self.get_template_counts(cluster_id)))

    @cluster_cached
    def get_best_channels(self, cluster_id):
        """Return the best channels of a given cluster: those of its main template."""
        return np.asarray(
            self.model.get_template_channels(self.get_template_for_cluster(cluster_id)),
            dtype=np.int64)

    def get_template_amplitude(self, template_id):
        """Return the maximum amplitude of a template's waveforms across all channels."""
        return float(np.asarray(self.model.templates_peak_amplitudes)[int(template_id)])

    def get_cluster_amplitude(self, cluster_id):
        """Return the amplitude of the best template of a cluster."""
        return self.get_template_amplitude(self.get_template_for_cluster(cluster_id))

    def get_amplitudes(self, cluster_id, load_all=False):
        """Return the spike amplitudes found in amplitudes.npy, for a given cluster."""
        spike_ids = self.get_spike_ids(
            cluster_id, None if load_all else self.n_spikes_amplitudes)
        return np.asarray(self.model.amplitudes[spike_ids], dtype=np.float64)

    def get_spike_template_amplitudes(self, spike_ids, **kwargs):
        """Return the template amplitudes multiplied by the spike's amplitude."""
        return spike_template_amplitudes(self.model, spike_ids)

    def get_mean_spike_template_amplitudes(self, cluster_id):
        """Return the average of the spike template amplitudes."""
        return float(np.mean(self.get_spike_template_amplitudes(
            self.get_spike_ids(cluster_id, self.n_spikes_amplitudes))))

    def get_spike_template_features(self, spike_ids, first_cluster=None, **kwargs):
        """Return the template features of the requested spikes onto the first cluster.

        This is "the dot product (projection) of each spike waveform onto the template of the
        first cluster" (zeros without template features or without a first cluster).
        """
        spike_ids = np.asarray(spike_ids, dtype=np.int64)
        if first_cluster is None or getattr(self.model, "template_features", None) is None:
            return np.zeros(len(spike_ids))
        features = self.model.get_template_features(spike_ids)
        return np.nan_to_num(features[:, self.get_template_for_cluster(first_cluster)])

    def _cluster_metrics(self):
        metrics = super()._cluster_metrics()
        metrics["amp"] = self.get_cluster_amplitude
        return metrics

    def _amplitude_functions(self):
        """The template amplitudes first, then the amplitude types of the next mixins."""
        template = self._amplitude_function(
            self.get_spike_template_amplitudes, on_best_channel=False)
        return {"template": template, **super()._amplitude_functions()}

    # Similarity
    # ---------------------------------------------------------------------------------------------

    def _template_similarity_matrix(self):
        """``similar_templates.npy``, or the templates' correlation when it is missing."""
        if getattr(self, "_similar_templates", None) is None:
            sim = np.asarray(self.model.similar_templates, dtype=np.float64)
            if not sim.any() and self._has_templates:
                sim = template_correlation(self.model).astype(np.float64)
            self._similar_templates = sim
        return self._similar_templates

    def template_similarity(self, cluster_id):
        """Return the list of similar clusters to a given cluster.

        The similarity of two clusters is the largest similarity between a template of one and
        a template of the other (``similar_templates.npy``, else the template correlation).

        Returns
        -------
        similarities : list
            ``[(other_cluster_id, similarity), ...]`` by decreasing similarity.

        """
        sim = self._template_similarity_matrix()
        if not sim.size:
            return []
        sims = np.max(sim[self._cluster_templates(cluster_id)], axis=0)
        out = [(int(c), float(np.max(sims[self._cluster_templates(c)])))
               for c in self.cluster_ids.tolist() if c != cluster_id]
        return sorted(out, key=lambda x: -x[1])

    def _similarity_functions(self):
        """The template similarity, last: the default one."""
        return {**super()._similarity_functions(), "template": self.template_similarity}

    # Views
    # ---------------------------------------------------------------------------------------------

    def _cluster_template_bunch(self, cluster_id):
        template = self.model.get_template(self.get_template_for_cluster(cluster_id))
        return Bunch(template=template.template, channel_ids=template.channel_ids)

    def create_template_view(self):
        """Create a template view (None without templates)."""
        from phy.cluster.views import TemplateView

        if not self._has_templates:
            return None
        positions = np.asarray(self.model.channel_positions)
        channel_ids = np.lexsort((positions[:, 0], -positions[:, 1]))  # top of the probe first
        labels = self._channel_labels()
        s = self.supervisor
        return TemplateView(
            templates=lambda cluster_ids: [self._cluster_template_bunch(c) for c in cluster_ids],
            channel_ids=channel_ids, channel_labels=[labels[c] for c in channel_ids],
            cluster_ids=s.all_cluster_ids, cluster_color_selector=s.color_selector)

    def create_template_feature_view(self):
        """Create the template feature view (None without template features)."""
        from phy.cluster.views import TemplateFeatureView
        from phy.cluster.views.template_feature import template_feature_coords

        has = getattr(self.model, "template_features", None) is not None
        coords = template_feature_coords(
            self.model.get_template_features if has else None,
            cluster_spikes=self._cluster_spikes, spike_templates=self.model.spike_templates,
            n_spikes_shown=self.n_spikes_features)
        return TemplateFeatureView(coords=coords) if coords is not None else None
