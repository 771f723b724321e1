"""The clusters of a template dataset as saved on disk (``spike_clusters.npy``).

:class:`SavedClusters` is the part of :class:`~phy.apps.template.TemplateModel` that finds,
creates and validates the spike clusters file, and answers per saved cluster (its spikes,
templates, channels, waveforms) from arrays computed once and cached in ``.phy/``.
"""

import logging
from functools import partial

import numpy as np

from phy.io import DataFormatError

from . import loading, spikes

logger = logging.getLogger(__name__)

#: Version of the validation passes, part of their cache key (a new check invalidates the
#: results cached by an older phy).
CHECKS_VERSION = 2


class SavedClusters:
    """The saved clusters of :class:`~phy.apps.template.TemplateModel`.

    Uses the model's ``dir_path``, ``read_only``, ``n_spikes``, ``n_templates``, ``cache``,
    ``spike_templates``, ``_path()`` and its template methods.
    """

    def _load_clusters(self):
        path, alf = self._path("spike_clusters"), self._path("alf_spike_clusters")
        if path is not None and alf is not None:
            raise DataFormatError(f"Both {path.name} and {alf.name} exist in {self.dir_path}: "
                                  "remove one of them.")
        path = path or alf
        if path is None and self.read_only:
            logger.info("spike_clusters.npy not found: the clusters are the templates.")
            path = self._path("spike_templates")
        elif path is None:
            path = self.dir_path / "spike_clusters.npy"
            self._create_spike_clusters(path, self._path("spike_templates"))
        self._spike_clusters_path = path
        n = loading.header_length(path)
        if n != self.n_spikes:
            raise DataFormatError(f"{path.name} has {n} spikes, expected {self.n_spikes}.")
        self._cluster_info = self._cluster_order = self._cluster_templates = None
        ids = self.cluster_ids
        if ids.size and ids[0] < 0:
            logger.warning(spikes.negative_clusters_message(path.name, ids))
        self.spike_clusters = spikes.int_vector(spikes.open_vector(path))

    def _clusters(self):
        """The saved clusters: ``cluster_ids``, ``cluster_counts``, ``same_as_templates``."""
        if self._cluster_info is None:
            path = self._spike_clusters_path
            self._cluster_info = self.cache.get(
                "derived/clusters", [path, self._path("spike_templates")],
                partial(spikes.check_clusters, clusters_path=path, n_spikes=self.n_spikes,
                        spike_templates=self.spike_templates),
                params={"n_spikes": self.n_spikes, "checks": CHECKS_VERSION})
        return self._cluster_info

    @property
    def cluster_ids(self):
        """Sorted ids of the clusters in ``spike_clusters.npy``."""
        return np.asarray(self._clusters().cluster_ids)

    def get_cluster_spikes(self, cluster_id):
        """Return the spike ids that belong to a given cluster (as saved)."""
        info = self._clusters()
        ids = np.asarray(info.cluster_ids)
        i = int(np.searchsorted(ids, cluster_id))
        if i >= ids.size or ids[i] != cluster_id:
            return np.zeros(0, dtype=np.int64)
        if info.same_as_templates:
            return self.get_template_spikes(cluster_id)
        if self._cluster_order is None:
            path = self._spike_clusters_path
            self._cluster_order = self.cache.get(
                "derived/cluster_order", [path],
                partial(spikes.cluster_order, clusters_path=path, cluster_ids=ids,
                        counts=np.asarray(info.cluster_counts)),
                params={"n_spikes": self.n_spikes})
        g = self._cluster_order
        return g.cluster_order[g.cluster_offsets[i]:g.cluster_offsets[i + 1]].astype(np.int64)

    def get_cluster_template_counts(self, cluster_id):
        """Number of spikes of a saved cluster in each template (``(n_templates,)`` int64).

        Read from a table computed once per ``spike_clusters.npy`` (cached in ``.phy/``), not
        from the spikes' templates. None if `cluster_id` is not a saved cluster.
        """
        info = self._clusters()
        ids = np.asarray(info.cluster_ids)
        i = int(np.searchsorted(ids, cluster_id))
        if i >= ids.size or ids[i] != cluster_id:
            return None
        out = np.zeros(self.n_templates, dtype=np.int64)
        if info.same_as_templates:
            out[int(cluster_id)] = np.asarray(info.cluster_counts)[i]
            return out
        if self._cluster_templates is None:
            path, templates_path = self._spike_clusters_path, self._path("spike_templates")
            self._cluster_templates = self.cache.get(
                "derived/cluster_templates", [path, templates_path],
                partial(spikes.cluster_templates, clusters_path=path,
                        templates_path=templates_path, cluster_ids=ids,
                        n_templates=self.n_templates),
                params={"n_spikes": self.n_spikes, "n_templates": self.n_templates})
        t = self._cluster_templates
        pairs = slice(int(t.pair_offsets[i]), int(t.pair_offsets[i + 1]))
        out[np.asarray(t.pair_templates[pairs])] = np.asarray(t.pair_counts[pairs])
        return out

    def get_cluster_main_template(self, cluster_id):
        """The template with the most spikes in a cluster (ties: smallest id), or None."""
        counts = self.get_cluster_template_counts(cluster_id)
        return None if counts is None or not counts.any() else int(np.argmax(counts))

    def get_cluster_channels(self, cluster_id):
        """Return the most relevant channels of a cluster (those of its main template)."""
        template_id = self.get_cluster_main_template(cluster_id)
        if template_id is None:
            return np.zeros(0, dtype=np.int64)
        return self.get_template_channels(template_id)

    def get_cluster_spike_waveforms(self, cluster_id):
        """Return all spike waveforms of a cluster, on the most relevant channels."""
        return self.get_waveforms(
            self.get_cluster_spikes(cluster_id), self.get_cluster_channels(cluster_id))
