"""The spike-cluster assignments and their changes: :class:`Clustering`.

Every action (merge, split, assign) deletes some clusters and adds brand new ones; it costs
what the spikes it touches cost, not what the dataset costs: ``spikes_per_cluster`` is kept up
to date incrementally, and each action records its difference (the spike arrays of the deleted
and of the added clusters) in a :class:`History`, so that undo and redo only rewrite the
touched spikes.
"""

import logging

import numpy as np

from phy.utils import Bunch

from .history import History
from .update import UpdateInfo

logger = logging.getLogger(__name__)


def _frozen(arr):
    """Return a read-only view of an array (the arrays we hand out are never modified)."""
    arr = arr.view()
    arr.flags.writeable = False
    return arr


def _as_ids(arr, name):
    """Return a 1D int64 array of ids, or raise a ValueError naming the argument."""
    arr = np.asarray(arr)
    if arr.ndim == 0:
        arr = arr.reshape((1,))
    if arr.ndim != 1:
        raise ValueError(f"`{name}` must be a 1D array of ids, got shape {arr.shape}.")
    if arr.size and arr.dtype.kind not in "iu":
        if arr.dtype.kind == "f" and np.all(np.mod(arr, 1) == 0):
            return arr.astype(np.int64)
        raise ValueError(f"`{name}` must contain integers, got dtype {arr.dtype}.")
    return arr.astype(np.int64, copy=False)


def group_spikes(spike_clusters):
    """Return ``{cluster_id: sorted spike ids}`` for a spike-cluster array, in O(n_spikes).

    Cluster ids are mapped to dense 16-bit indices whenever possible, so that the stable sort
    is a radix sort (about 10 times faster than sorting the int64 ids). No temporary array of
    the size of `spike_clusters` is made besides the 16-bit indices and the result.
    """
    spike_clusters = np.asarray(spike_clusters)
    if spike_clusters.size == 0:
        return {}
    lo, hi = int(spike_clusters.min()), int(spike_clusters.max())
    small_ids = lo >= 0 and hi < max(4 * spike_clusters.size, 1 << 20)
    if small_ids:
        counts = np.bincount(spike_clusters, minlength=hi + 1)
        cluster_ids = np.flatnonzero(counts)
        counts = counts[cluster_ids]
    else:
        cluster_ids, counts = np.unique(spike_clusters, return_counts=True)
    if small_ids and cluster_ids.size <= 65536:
        lut = np.zeros(hi + 1, dtype=np.uint16)
        lut[cluster_ids] = np.arange(cluster_ids.size, dtype=np.uint16)
        dense = lut[spike_clusters]
    else:
        dense = np.searchsorted(cluster_ids, spike_clusters)
    order = np.argsort(dense, kind="stable")
    del dense
    bounds = np.r_[0, np.cumsum(counts)]
    order.flags.writeable = False
    return {int(c): order[bounds[i]:bounds[i + 1]] for i, c in enumerate(cluster_ids.tolist())}


def _remove_sorted(arr, remove):
    """Remove from the sorted array `arr` the values of its sorted subset `remove`."""
    keep = np.ones(arr.size, dtype=bool)
    keep[np.searchsorted(arr, remove)] = False
    return arr[keep]


class Clustering:
    """Handle cluster changes in a set of spikes.

    Parameters
    ----------
    spike_clusters : array-like
        The cluster id of every spike (copied into an int64 array).
    new_cluster_id : int
        A cluster id not used yet (and not used in the cache if there is one). The first new
        cluster gets ``max(new_cluster_id, max(spike_clusters) + 1)``: ids are never reused.
    spikes_per_cluster : dict
        ``{cluster_id: sorted spike ids}``, e.g. from a cache. Checked against
        `spike_clusters` (and recomputed with a warning when it does not match).
    history : History
        The undo history to record the actions in (the supervisor shares one with
        :class:`ClusterMeta`); by default a private one.

    Notes
    -----
    The actions return an :class:`UpdateInfo`. Each action stores its difference (the spikes of
    the deleted and of the added clusters), so undo and redo only rewrite the touched spikes.

    """

    def __init__(self, spike_clusters, new_cluster_id=None, spikes_per_cluster=None,
                 history=None):
        spike_clusters = _as_ids(spike_clusters, "spike_clusters")
        self._spike_clusters = np.array(spike_clusters, dtype=np.int64)
        if spikes_per_cluster is None or not self._check_spc(spikes_per_cluster):
            spikes_per_cluster = group_spikes(self._spike_clusters)
        self._spc = dict(spikes_per_cluster)
        next_id = int(self._spike_clusters.max()) + 1 if self._spike_clusters.size else 0
        self._next_id = max(next_id, int(new_cluster_id or 0))
        self._history = history if history is not None else History()
        self._cluster_ids = None
        self._spike_ids = None

    def _check_spc(self, spc):
        """Whether a given spikes_per_cluster matches spike_clusters exactly."""
        sc = self._spike_clusters
        total = 0
        for c, spikes in spc.items():
            spikes = np.asarray(spikes)
            total += spikes.size
            if spikes.size and (
                    np.any(sc[spikes] != c) or np.any(np.diff(spikes) <= 0)):
                break
        else:
            if total == sc.size:
                return True
        logger.warning("The given spikes_per_cluster does not match spike_clusters: "
                       "recomputing it.")
        return False

    # Properties
    # -------------------------------------------------------------------------------------------

    @property
    def history(self):
        """The undo history where the actions are recorded."""
        return self._history

    @property
    def spike_clusters(self):
        """A n_spikes-long vector with the cluster id of every spike (read-only)."""
        return _frozen(self._spike_clusters)

    @property
    def spikes_per_cluster(self):
        """A dictionary ``{cluster_id: spike_ids}`` of the non-empty clusters."""
        return dict(self._spc)

    @property
    def cluster_ids(self):
        """Ordered array of the ids of all non-empty clusters."""
        if self._cluster_ids is None:
            self._cluster_ids = _frozen(np.array(sorted(self._spc), dtype=np.int64))
        return self._cluster_ids

    @property
    def n_clusters(self):
        """Total number of clusters."""
        return len(self._spc)

    @property
    def n_spikes(self):
        """Number of spikes."""
        return self._spike_clusters.size

    @property
    def spike_ids(self):
        """Array of all spike ids."""
        if self._spike_ids is None:
            self._spike_ids = _frozen(np.arange(self.n_spikes, dtype=np.int64))
        return self._spike_ids

    def new_cluster_id(self):
        """Return a brand new cluster id.

        Ids strictly increase, also after an undo followed by a new action: an id is never
        reused, so any cache keyed by cluster id stays valid.
        """
        return self._next_id

    def n_spikes_in(self, cluster_id):
        """Number of spikes of a cluster (0 if it does not exist)."""
        spikes = self._spc.get(int(cluster_id))
        return 0 if spikes is None else spikes.size

    def spikes_in_clusters(self, clusters):
        """Return the sorted array of the spike ids belonging to a list of clusters."""
        clusters = _as_ids(clusters, "clusters")
        arrays = [self._spc[c] for c in np.unique(clusters).tolist() if c in self._spc]
        if not arrays:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate(arrays), kind="stable")

    # Actions
    # -------------------------------------------------------------------------------------------

    def _check_clusters(self, cluster_ids):
        missing = [c for c in cluster_ids if c not in self._spc]
        if missing:
            raise ValueError(f"Clusters {missing} do not exist.")

    def merge(self, cluster_ids, to=None):
        """Merge several clusters to a new cluster.

        Parameters
        ----------
        cluster_ids : array-like
            The clusters to merge (at least two, or nothing happens).
        to : int
            The id of the new cluster, by default :meth:`new_cluster_id`. It must not be an id
            in use.

        Returns
        -------
        up : UpdateInfo

        """
        cluster_ids = np.unique(_as_ids(cluster_ids, "cluster_ids")).tolist()
        self._check_clusters(cluster_ids)
        if len(cluster_ids) < 2:
            return UpdateInfo()
        to = self._next_id if to is None else int(to)
        if to in self._spc:
            raise ValueError(f"Cannot merge into cluster {to}: this id is in use.")
        deleted = {c: self._spc[c] for c in cluster_ids}
        spike_ids = np.sort(np.concatenate(list(deleted.values())), kind="stable")
        diff = Bunch(
            description="merge", deleted=deleted, added={to: _frozen(spike_ids)},
            spike_ids=_frozen(spike_ids), descendants=[(c, to) for c in cluster_ids],
            largest_old_cluster=max(cluster_ids, key=lambda c: deleted[c].size))
        return self._do(diff)

    def assign(self, spike_ids, spike_clusters_rel=0):
        """Make new spike cluster assignments.

        Parameters
        ----------
        spike_ids : array-like
            Spike ids.
        spike_clusters_rel : array-like or int
            Relative cluster labels of the spikes in `spike_ids` (same size), or one label for
            all of them. Only which spikes share a label matters.

        Returns
        -------
        up : UpdateInfo

        Notes
        -----
        Cluster ids are generated: every affected cluster disappears. The spikes of each
        relative label get a new id (from :meth:`new_cluster_id`, in increasing label order),
        then the remaining spikes of each affected cluster get another new id (in increasing
        old-id order). The affected spikes are therefore usually a strict superset of
        `spike_ids`.

        """
        spike_ids = _as_ids(spike_ids, "spike_ids")
        rel = _as_ids(spike_clusters_rel, "spike_clusters_rel")
        if rel.size == 1 and spike_ids.size != 1:
            rel = np.full(spike_ids.size, rel[0], dtype=np.int64)
        if rel.shape != spike_ids.shape:
            raise ValueError(
                f"`spike_clusters_rel` has {rel.size} values for {spike_ids.size} spikes.")
        if spike_ids.size == 0:
            return UpdateInfo()
        if spike_ids.min() < 0 or spike_ids.max() >= self.n_spikes:
            raise ValueError(f"Spike ids must be between 0 and {self.n_spikes - 1}.")
        if np.any(np.diff(spike_ids) <= 0):
            order = np.argsort(spike_ids, kind="stable")
            spike_ids, rel = spike_ids[order], rel[order]
            if np.any(np.diff(spike_ids) == 0):
                raise ValueError("`spike_ids` contains duplicate spikes.")
        return self._do(self._assign_diff(spike_ids, rel))

    def _assign_diff(self, spike_ids, rel):
        """The difference made by assigning sorted spikes to relative labels."""
        old = self._spike_clusters[spike_ids]
        old_ids, old_idx = np.unique(old, return_inverse=True)
        labels, label_idx = np.unique(rel, return_inverse=True)
        next_id = self._next_id
        added = {}
        # The spikes of each label, in increasing label order (sorted within a label).
        order = np.argsort(label_idx, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(label_idx, minlength=labels.size))]
        for i in range(labels.size):
            added[next_id + i] = _frozen(spike_ids[order[bounds[i]:bounds[i + 1]]])
        next_id += labels.size
        # The remaining spikes of each affected cluster, in increasing old-id order.
        order = np.argsort(old_idx, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(old_idx, minlength=old_ids.size))]
        deleted, descendants = {}, []
        for i, c in enumerate(old_ids.tolist()):
            deleted[c] = self._spc[c]
            remaining = _remove_sorted(deleted[c], spike_ids[order[bounds[i]:bounds[i + 1]]])
            if remaining.size:
                added[next_id] = _frozen(remaining)
                descendants.append((c, next_id))
                next_id += 1
        pairs = np.unique(old_idx * labels.size + label_idx)
        descendants += [(int(old_ids[p // labels.size]), self._next_id + int(p % labels.size))
                        for p in pairs]
        all_spikes = np.sort(np.concatenate(list(deleted.values())), kind="stable")
        contributed = np.bincount(old_idx, minlength=old_ids.size)
        return Bunch(
            description="assign", deleted=deleted, added=added, spike_ids=_frozen(all_spikes),
            descendants=sorted(descendants),
            largest_old_cluster=int(old_ids[np.argmax(contributed)]))

    def split(self, spike_ids, spike_clusters_rel=0):
        """Split some spikes into a new cluster (an :meth:`assign` to one label by default).

        Parameters
        ----------
        spike_ids : array-like
            Spike ids to split.
        spike_clusters_rel : array-like or int
            Relative cluster labels of the spikes.

        Returns
        -------
        up : UpdateInfo

        """
        return self.assign(spike_ids, spike_clusters_rel=spike_clusters_rel)

    def undo(self):
        """Undo the last action of the history (with a shared history, of either kind).

        Returns
        -------
        up : UpdateInfo, or None if there is nothing to undo.

        """
        return self._history.undo()

    def redo(self):
        """Redo the last undone action of the history.

        Returns
        -------
        up : UpdateInfo, or None if there is nothing to redo.

        """
        return self._history.redo()

    def reset(self):
        """Reset the clustering to the original clustering: all its changes are lost.

        The clustering actions are reverted and removed from the history (metadata actions of
        a shared history stay). Cluster ids are not reused afterwards.

        Returns
        -------
        up : UpdateInfo
            The net change (``description='reset'``).

        """
        before = set(self._spc)
        touched = []
        for diff in self._history.pop_owner(self):
            self._apply(diff.added, diff.deleted)
            touched.append(diff.spike_ids)
        after = set(self._spc)
        spike_ids = np.unique(np.concatenate(touched)) if touched else np.zeros(0, np.int64)
        return UpdateInfo(description="reset", spike_ids=spike_ids,
                          added=sorted(after - before), deleted=sorted(before - after))

    # Internal
    # -------------------------------------------------------------------------------------------

    def _apply(self, deleted, added):
        """Replace the clusters `deleted` by the clusters `added` (same spikes in all)."""
        sc = self._spike_clusters
        for c, spikes in added.items():
            sc[spikes] = c
        for c in deleted:
            del self._spc[c]
        self._spc.update(added)
        self._cluster_ids = None

    def _do(self, diff):
        self._apply(diff.deleted, diff.added)
        self._next_id = max(self._next_id, max(diff.added) + 1)
        self._history.add(self, diff)
        return self._update_info(diff)

    def _update_info(self, diff, reverse=False):
        deleted, added = (diff.added, diff.deleted) if reverse else (diff.deleted, diff.added)
        descendants = [(b, a) for a, b in diff.descendants] if reverse else diff.descendants
        return UpdateInfo(
            description=diff.description, spike_ids=diff.spike_ids, added=sorted(added),
            deleted=sorted(deleted), descendants=list(descendants),
            largest_old_cluster=None if reverse else diff.largest_old_cluster)

    def _undo_diff(self, diff):
        self._apply(diff.added, diff.deleted)
        return self._update_info(diff, reverse=True)

    def _redo_diff(self, diff):
        self._apply(diff.deleted, diff.added)
        return self._update_info(diff)
