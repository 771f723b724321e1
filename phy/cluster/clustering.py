"""The spike-cluster assignments and their changes: :class:`Clustering`.

An action (merge, split, assign) costs what the spikes it moves cost, not what the dataset or
the clusters it renames cost: a split of 10 k spikes spread over every cluster renames all the
clusters (every changed cluster gets a new id), yet only writes 10 k entries.

How
---
The spikes are partitioned in *groups* that never mix: each spike has a group (``_groups``, a
32-bit array) and each group a current cluster (``_group_cluster``); a cluster is a set of
groups. A merge gives the groups of the merged clusters to the new cluster and writes no spike;
an assign moves its spikes to new groups (one per label), and the remaining spikes of each
affected cluster keep their groups under a new cluster id. The sorted spike ids of each group
are computed when first needed, from the previous ones and the spikes the action removed or
added (:class:`_Spikes`); ``spike_clusters`` is computed (``_group_cluster[_groups]``) when
first read after a change. The history stores, per action, the spikes it moved (partitioned by
old group and by new group) and the groups of each deleted and added cluster: undo and redo
replay that difference, never a copy of the dataset.
"""

import logging
from collections.abc import Mapping

import numpy as np

from phy.utils import Bunch

from .history import History
from .update import Lazy, UpdateInfo

logger = logging.getLogger(__name__)

#: The longest chain of pending changes of a group's spikes (see ``_Spikes``).
MAX_CHAIN = 8


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


def _dense_index(spike_clusters):
    """Group the spikes by cluster, in O(n_spikes).

    Return the sorted distinct ids, the sorted spike ids of each, and the index of the cluster
    of every spike in the distinct ids (int32). Cluster ids are mapped to dense 16-bit indices
    whenever possible, so that the stable sort is a radix sort (about 10 times faster than
    sorting the int64 ids).
    """
    if spike_clusters.size == 0:
        return np.zeros(0, np.int64), [], np.zeros(0, np.int32)
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
    if spike_clusters.size <= np.iinfo(np.int32).max:  # spike ids in half the memory
        order = order.astype(np.int32)
    order = _frozen(order)
    bounds = np.r_[0, np.cumsum(counts)].tolist()
    spikes = [order[bounds[i]:bounds[i + 1]] for i in range(cluster_ids.size)]
    return cluster_ids.astype(np.int64), spikes, dense.astype(np.int32)


def group_spikes(spike_clusters):
    """Return ``{cluster_id: sorted spike ids}`` for a spike-cluster array, in O(n_spikes)."""
    cluster_ids, spikes, _ = _dense_index(np.asarray(spike_clusters))
    return dict(zip(cluster_ids.tolist(), spikes))


def _remove_sorted(arr, remove):
    """Remove from the sorted array `arr` the values of its sorted subset `remove`."""
    keep = np.ones(arr.size, dtype=bool)
    keep[np.searchsorted(arr, remove)] = False
    return arr[keep]


def _insert_sorted(arr, insert):
    """Insert into the sorted array `arr` the sorted values `insert` (not in `arr`)."""
    return np.insert(arr, np.searchsorted(arr, insert), insert)


def _sorted_union(arrays, n_spikes):
    """The sorted union of disjoint sorted arrays of spike ids below `n_spikes`."""
    arrays = [a for a in arrays if a.size]
    if len(arrays) <= 1:
        return arrays[0] if arrays else np.zeros(0, np.int64)
    total = sum(a.size for a in arrays)
    if 32 * total < n_spikes:  # few spikes: sort them (the runs make it a merge)
        return _frozen(np.sort(np.concatenate(arrays), kind="stable"))
    mask = np.zeros(n_spikes, dtype=bool)  # many spikes: one pass over a mask is cheaper
    for a in arrays:
        mask[a] = True
    return _frozen(np.flatnonzero(mask))


class _Spikes:
    """The sorted spike ids of a group, computed when first asked for.

    Either a given array, or a parent :class:`_Spikes` with a sorted array of spikes removed
    from it (``sign=-1``) or added to it (``sign=1``). A value never changes: an action makes
    new ones (:meth:`changed`), so a value taken before an action still describes the spikes
    before it. A chain of more than :data:`MAX_CHAIN` changes is computed at once, so that
    the spikes an unread group keeps for its changes (those of old undo steps) stay bounded.
    """

    __slots__ = ("_array", "_parent", "_delta", "_sign", "_depth")

    def __init__(self, array=None, parent=None, delta=None, sign=0):
        self._array, self._parent, self._delta, self._sign = array, parent, delta, sign
        self._depth = 0 if parent is None else parent._depth + 1

    def changed(self, delta, sign):
        """The spikes with `delta` removed (``sign=-1``) or added (``sign=1``).

        Reverting the change that made this value gives back its parent (with its array if it
        was computed): an undo right after an action computes nothing.
        """
        if self._parent is not None and self._delta is delta and self._sign == -sign:
            return self._parent
        new = _Spikes(parent=self, delta=delta, sign=sign)
        if new._depth > MAX_CHAIN:
            new.get()
        return new

    def get(self):
        """The sorted spike ids (computed on the first call, without recursion)."""
        if self._array is None:
            chain, node = [], self
            while node._array is None:
                chain.append(node)
                node = node._parent
            arr = node._array
            for node in reversed(chain):
                arr = (_remove_sorted if node._sign < 0 else _insert_sorted)(arr, node._delta)
            self._array, self._parent, self._delta, self._depth = _frozen(arr), None, None, 0
        return self._array


class _Union:
    """The sorted union of several disjoint spike sets, computed when first asked for."""

    __slots__ = ("_parts", "_n_spikes", "_array")

    def __init__(self, parts, n_spikes):
        self._parts, self._n_spikes, self._array = parts, n_spikes, None

    def get(self):
        """The sorted spike ids (computed on the first call)."""
        if self._array is None:
            self._array = _sorted_union([p.get() for p in self._parts], self._n_spikes)
            self._parts = None
        return self._array


class _SpikesPerCluster(Mapping):
    """A read-only ``{cluster_id: sorted spike ids}`` mapping computing each value on access."""

    def __init__(self, spikes):
        self._spikes = spikes

    def __getitem__(self, cluster_id):
        return self._spikes[cluster_id].get()

    def __iter__(self):
        return iter(self._spikes)

    def __len__(self):
        return len(self._spikes)


class _Cluster:
    """A live cluster: its groups, its number of spikes and its spike ids (lazy)."""

    __slots__ = ("groups", "size", "spikes")

    def __init__(self, groups, size, spikes):
        self.groups, self.size, self.spikes = groups, size, spikes


class Clustering:
    """Handle cluster changes in a set of spikes.

    Parameters
    ----------
    spike_clusters : array-like
        The cluster id of every spike.
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
    The actions return an :class:`UpdateInfo`; its ``spike_ids`` (every spike whose cluster
    changed) is computed when first read. Each action stores its difference (the spikes it
    moved), so undo and redo only rewrite those spikes; see the module docstring.

    """

    def __init__(self, spike_clusters, new_cluster_id=None, spikes_per_cluster=None,
                 history=None):
        spike_clusters = _as_ids(spike_clusters, "spike_clusters")
        cluster_ids, spikes, self._groups = _dense_index(spike_clusters)
        if spikes_per_cluster is not None and self._check_spc(
                spikes_per_cluster, spike_clusters):
            spikes = [_frozen(np.asarray(spikes_per_cluster[c], dtype=np.int64))
                      for c in cluster_ids.tolist()]
        self._group_cluster = cluster_ids.copy()  # grows (capacity) as splits add groups
        self._n_groups = cluster_ids.size
        self._values = {g: _Spikes(s) for g, s in enumerate(spikes)}  # group: its spikes
        self._clusters = {c: _Cluster((g,), s.size, self._values[g])
                          for g, (c, s) in enumerate(zip(cluster_ids.tolist(), spikes))}
        next_id = int(cluster_ids[-1]) + 1 if cluster_ids.size else 0
        self._next_id = max(next_id, int(new_cluster_id or 0))
        self._history = history if history is not None else History()
        self._spike_clusters = None  # computed when read after a change
        self._cluster_ids = None
        self._spike_ids = None

    @staticmethod
    def _check_spc(spc, spike_clusters):
        """Whether a given spikes_per_cluster matches spike_clusters exactly."""
        total = 0
        for c, spikes in spc.items():
            spikes = np.asarray(spikes)
            total += spikes.size
            if spikes.size and (
                    np.any(spike_clusters[spikes] != c) or np.any(np.diff(spikes) <= 0)):
                break
        else:
            if total == spike_clusters.size:
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
        """A n_spikes-long vector with the cluster id of every spike (read-only).

        Computed when first read after a change (one pass over the spikes). ``int32`` when
        every id fits (as ``spike_clusters.npy`` stores them: half the memory of ``int64`` on
        20 M spikes), else ``int64``.
        """
        if self._spike_clusters is None:
            lut = self._group_cluster[:self._n_groups]
            if lut.size and lut.max() <= np.iinfo(np.int32).max:  # half the memory
                lut = lut.astype(np.int32)
            self._spike_clusters = _frozen(lut[self._groups])
        return self._spike_clusters

    @property
    def spikes_per_cluster(self):
        """A read-only mapping ``{cluster_id: sorted spike ids}`` of the non-empty clusters.

        It does not change with later actions; each array is computed when first read.
        """
        return _SpikesPerCluster({c: cl.spikes for c, cl in self._clusters.items()})

    @property
    def cluster_ids(self):
        """Ordered array of the ids of all non-empty clusters."""
        if self._cluster_ids is None:
            self._cluster_ids = _frozen(np.array(sorted(self._clusters), dtype=np.int64))
        return self._cluster_ids

    @property
    def n_clusters(self):
        """Total number of clusters."""
        return len(self._clusters)

    @property
    def n_spikes(self):
        """Number of spikes."""
        return self._groups.size

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
        cluster = self._clusters.get(int(cluster_id))
        return 0 if cluster is None else cluster.size

    def spikes_in_clusters(self, clusters):
        """Return the sorted array of the spike ids belonging to a list of clusters."""
        clusters = _as_ids(clusters, "clusters")
        return _sorted_union([self._clusters[c].spikes.get() for c in np.unique(clusters).tolist()
                              if c in self._clusters], self.n_spikes)

    # Actions
    # -------------------------------------------------------------------------------------------

    def _check_clusters(self, cluster_ids):
        missing = [c for c in cluster_ids if c not in self._clusters]
        if missing:
            raise ValueError(f"Clusters {missing} do not exist.")

    def merge(self, cluster_ids, to=None):
        """Merge several clusters to a new cluster.

        Parameters
        ----------
        cluster_ids : list or array
            The clusters to merge (at least two, or nothing happens).
        to : int
            The id of the new cluster, by default :meth:`new_cluster_id`. It must not be lower
            than :meth:`new_cluster_id`: an id is never reused.

        Returns
        -------
        up : UpdateInfo

        """
        if not isinstance(cluster_ids, (list, tuple, np.ndarray)):
            raise ValueError("`cluster_ids` must be a list or an array of cluster ids, got "
                             f"{type(cluster_ids).__name__} {cluster_ids!r}.")
        if to is not None and int(to) < self._next_id:
            raise ValueError(f"Cannot merge into cluster {to}: the new id must be at least "
                             f"new_cluster_id() = {self._next_id} (ids are never reused).")
        cluster_ids = np.unique(_as_ids(cluster_ids, "cluster_ids")).tolist()
        self._check_clusters(cluster_ids)
        if len(cluster_ids) < 2:
            return UpdateInfo()
        to = self._next_id if to is None else int(to)
        merged = [self._clusters[c] for c in cluster_ids]
        sizes = {c: cl.size for c, cl in zip(cluster_ids, merged)}
        sizes[to] = sum(cl.size for cl in merged)
        diff = Bunch(
            description="merge", removed=[], inserted=[], sizes=sizes,
            deleted={c: cl.groups for c, cl in zip(cluster_ids, merged)},
            added={to: sum((cl.groups for cl in merged), ())},
            descendants=[(c, to) for c in cluster_ids],
            largest_old_cluster=max(cluster_ids, key=sizes.get))
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
        old_groups = self._groups[spike_ids]
        old_ids, old_idx = np.unique(self._group_cluster[old_groups], return_inverse=True)
        labels, label_idx = np.unique(rel, return_inverse=True)
        contributed = np.bincount(old_idx, minlength=old_ids.size)
        # The spikes move out of their groups, into one new group per label.
        moved_from = _split_by(spike_ids, old_groups)
        new_groups = self._new_groups(labels.size)
        inserted = list(zip(new_groups, _split_by(spike_ids, label_idx)[1]))
        added = {self._next_id + i: (g,) for i, g in enumerate(new_groups)}
        sizes = {c: spikes.size for c, (_, spikes) in zip(added, inserted)}
        # The remaining spikes of each affected cluster keep its groups, under a new id.
        next_id = self._next_id + labels.size
        deleted, descendants = {}, []
        for c, n in zip(old_ids.tolist(), contributed.tolist()):
            cluster = self._clusters[c]
            deleted[c], sizes[c] = cluster.groups, cluster.size
            if cluster.size > n:
                added[next_id], sizes[next_id] = cluster.groups, cluster.size - n
                descendants.append((c, next_id))
                next_id += 1
        pairs = np.unique(old_idx * labels.size + label_idx)
        descendants += zip(old_ids[pairs // labels.size].tolist(),
                           (self._next_id + pairs % labels.size).tolist())
        return Bunch(
            description="assign", removed=list(zip(*moved_from)), inserted=inserted,
            sizes=sizes, deleted=deleted, added=added, descendants=sorted(descendants),
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
        before = {c: cl.spikes for c, cl in self._clusters.items()}
        for diff in self._history.pop_owner(self):
            self._apply(diff, forward=False)
        deleted = sorted(set(before) - set(self._clusters))
        return UpdateInfo(
            description="reset", added=sorted(set(self._clusters) - set(before)),
            deleted=deleted, spike_ids=self._changed_spikes([before[c] for c in deleted]))

    # Internal
    # -------------------------------------------------------------------------------------------

    def _new_groups(self, n):
        """Reserve `n` new group indices (never reused, like cluster ids)."""
        start = self._n_groups
        if start + n > self._group_cluster.size:
            grown = np.zeros(max(2 * self._group_cluster.size, start + n, 64), np.int64)
            grown[:start] = self._group_cluster[:start]
            self._group_cluster = grown
        self._n_groups += n
        return list(range(start, start + n))

    def _changed_spikes(self, spikes):
        """The lazy `spike_ids` of an UpdateInfo: the union of the given spike sets."""
        return Lazy(_Union(spikes, self.n_spikes).get)

    def _apply(self, diff, forward):
        """Do (or revert) an action; return the lazy spike ids of the deleted clusters."""
        gone, new = (diff.deleted, diff.added) if forward else (diff.added, diff.deleted)
        changed = self._changed_spikes([self._clusters[c].spikes for c in gone])
        values = self._values
        if forward:
            for g, spikes in diff.removed:
                values[g] = values[g].changed(spikes, -1)
            moves = diff.inserted
            for g, spikes in moves:
                values[g] = _Spikes(spikes)
        else:
            for g, _ in diff.inserted:
                del values[g]
            moves = diff.removed
            for g, spikes in moves:
                values[g] = values[g].changed(spikes, 1)
        for g, spikes in moves:
            self._groups[spikes] = g
        for c in gone:
            del self._clusters[c]
        for c, groups in new.items():
            spikes = (values[groups[0]] if len(groups) == 1 else
                      _Union([values[g] for g in groups], self.n_spikes))
            self._clusters[c] = _Cluster(groups, diff.sizes[c], spikes)
        groups = [g for gs in new.values() for g in gs]
        self._group_cluster[groups] = np.repeat(list(new), [len(gs) for gs in new.values()])
        self._spike_clusters = self._cluster_ids = None
        return changed

    def _do(self, diff):
        changed = self._apply(diff, forward=True)
        self._next_id = max(self._next_id, max(diff.added) + 1)
        self._history.add(self, diff)
        return self._update_info(diff, changed)

    def _update_info(self, diff, spike_ids, reverse=False):
        deleted, added = (diff.added, diff.deleted) if reverse else (diff.deleted, diff.added)
        descendants = [(b, a) for a, b in diff.descendants] if reverse else diff.descendants
        return UpdateInfo(
            description=diff.description, spike_ids=spike_ids, added=sorted(added),
            deleted=sorted(deleted), descendants=list(descendants),
            largest_old_cluster=None if reverse else diff.largest_old_cluster)

    def _undo_diff(self, diff):
        return self._update_info(diff, self._apply(diff, forward=False), reverse=True)

    def _redo_diff(self, diff):
        return self._update_info(diff, self._apply(diff, forward=True))


def _split_by(spike_ids, keys):
    """Partition sorted spikes by key: the distinct keys and the sorted spikes of each."""
    uniq, idx = np.unique(keys, return_inverse=True)
    order = np.argsort(idx, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(idx, minlength=uniq.size))].tolist()
    return uniq.tolist(), [_frozen(spike_ids[order[bounds[i]:bounds[i + 1]]])
                           for i in range(uniq.size)]
