"""The template feature view: the spikes of two clusters projected on the clusters' templates.

KiloSort 2/3 write ``template_features.npy``: the projection of each spike on the templates
closest to its own. :func:`template_feature_coords` turns it into the ``coords`` function of a
:class:`TemplateFeatureView` (a :class:`~phy.cluster.views.scatter.ScatterView`): the spikes of
the first two selected clusters, x being their projection on the first cluster's templates and
y on the second's (each cluster's templates weighted by its number of spikes from each). Two
well-separated clusters form two groups along the axes; a cluster to split shows two groups.

How a controller decides: the view exists only when the dataset has template features.
``template_feature_coords`` returns None when given no template features function, and the
controller then creates no view::

    coords = template_feature_coords(
        model.get_template_features if model.template_features is not None else None,
        cluster_spikes=lambda c: supervisor.clustering.spikes_in_clusters([c]),
        spike_templates=model.spike_templates)
    if coords is not None:
        TemplateFeatureView(coords=coords).attach(gui)
"""

import numpy as np

from phy.utils import Bunch
from phy.utils.array import regular_subset

from .scatter import ScatterView

#: Number of spikes per cluster shown (a regular subset).
N_SPIKES_SHOWN = 2500
#: Number of spikes whose template features are read at once (bounds the memory).
CHUNK_SIZE = 10_000


def _template_weights(spike_ids, spike_templates):
    """The templates of a cluster's spikes and their share of the spikes."""
    templates, counts = np.unique(
        np.asarray(spike_templates[np.asarray(spike_ids, dtype=np.int64)], dtype=np.int64),
        return_counts=True)
    return templates, counts / max(counts.sum(), 1)


def template_feature_coords(template_features, cluster_spikes, spike_templates,
                            n_spikes_shown=N_SPIKES_SHOWN, chunk_size=CHUNK_SIZE):
    """Return the ``coords`` function of :class:`TemplateFeatureView`, or None.

    Parameters
    ----------
    template_features : function or None
        Maps spike ids to their ``(n_spikes, n_templates)`` template features, NaN rows for the
        spikes without (``TemplateModel.get_template_features``); None when the dataset has no
        template features: no view.
    cluster_spikes : function
        Maps a cluster id to the ids of all its spikes (the current clustering).
    spike_templates : array-like
        The template of every spike.
    n_spikes_shown : int
        Spikes per cluster shown (a regular subset); the lasso takes all of them.
    chunk_size : int
        Spikes whose template features are read at once.

    Returns
    -------
    coords : function or None
        ``coords(cluster_ids, load_all=False)``: two ``Bunch(x, y, spike_ids)`` for the first two
        selected clusters (None with fewer than two): the projections of each cluster's spikes
        on the templates of the first cluster (x) and of the second one (y).

    """
    if template_features is None:
        return None

    def project(spike_ids, weights):
        out = np.empty((len(spike_ids), len(weights)))
        for start in range(0, len(spike_ids), chunk_size):
            chunk = slice(start, start + chunk_size)
            features = np.asarray(template_features(spike_ids[chunk]), dtype=np.float64)
            for k, (templates, w) in enumerate(weights):
                out[chunk, k] = features[:, templates] @ w
        return out

    def coords(cluster_ids, load_all=False):
        if len(cluster_ids) < 2:
            return None
        spikes = [np.asarray(cluster_spikes(c), dtype=np.int64) for c in cluster_ids[:2]]
        weights = [_template_weights(s, spike_templates) for s in spikes]
        out = []
        for s in spikes:
            shown = s if load_all else regular_subset(s, n_spikes_shown)
            xy = project(shown, weights)
            out.append(Bunch(x=xy[:, 0], y=xy[:, 1], spike_ids=shown))
        return out

    return coords


class TemplateFeatureView(ScatterView):
    """The template features of the first two selected clusters (a :class:`ScatterView`).

    Parameters
    ----------
    coords : function
        From :func:`template_feature_coords`.

    """

    def update_status(self):
        """Say which templates the axes are, or that two clusters are needed."""
        ids = self.cluster_ids
        self.set_dock_status(
            f"x: templates of {ids[0]}, y: templates of {ids[1]}" if len(ids) >= 2
            else "select two clusters")
