"""Flood-fill spike detection: connected components of threshold crossings in time and space.

Two weak threshold crossings ``(s, c)`` and ``(s', c')`` are connected when
``|s - s'| <= join_size`` and ``c' == c`` or ``c'`` is adjacent to ``c`` on the probe. A spike
is a connected component of the weak crossings that contains at least one strong crossing.
The components are found at once for a whole chunk (a sparse graph of the crossings and
``scipy.sparse.csgraph.connected_components``), without a Python loop over samples.
"""

import numpy as np

from phy.utils import Bunch


def _adjacency_csr(probe_adjacency_list, n_channels):
    """``(indptr, indices)`` of every channel's neighbourhood (itself included)."""
    rows = [sorted({c} | {int(n) for n in probe_adjacency_list.get(c, ()) if 0 <= n < n_channels}
                   ) for c in range(n_channels)]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.array([n for r in rows for n in r], dtype=np.int64)
    return indptr, indices


def _symmetric(probe_adjacency_list):
    """The adjacency with every edge in both directions, keys as ints."""
    out = {}
    for c, neighbors in (probe_adjacency_list or {}).items():
        for n in neighbors:
            out.setdefault(int(c), set()).add(int(n))
            out.setdefault(int(n), set()).add(int(c))
    return out


class FloodFillDetector:
    """Detect spikes in weak and strong threshold crossings.

    Parameters
    ----------
    probe_adjacency_list : dict
        A dict ``{channel: [neighbors]}`` (channels are the columns of the crossing arrays;
        edges are made symmetric).
    join_size : int
        The number of samples defining the tolerance in time for finding connected
        components.

    Examples
    --------
    >>> det = FloodFillDetector(probe_adjacency_list=..., join_size=...)  # doctest: +SKIP
    >>> components = det(weak_crossings, strong_crossings)  # doctest: +SKIP

    ``components`` is a list of ``(n, 2)`` int arrays with the sample and channel for every
    sample in the component.

    """

    def __init__(self, probe_adjacency_list=None, join_size=None):
        self.probe_adjacency_list = _symmetric(probe_adjacency_list)
        self.join_size = int(join_size or 0)
        if self.join_size < 0:
            raise ValueError("join_size must be non-negative.")

    def label(self, weak_crossings, strong_crossings):
        """Label the crossings of the components that contain a strong crossing.

        Parameters
        ----------
        weak_crossings, strong_crossings : ndarray
            Boolean ``(n_samples, n_channels)`` arrays.

        Returns
        -------
        components : Bunch
            ``samples``, ``channels`` (int64) and ``labels`` (``0 .. n_components - 1``,
            components ordered by their first sample) of the crossings in the kept components,
            sorted by label then sample then channel, and ``n_components``.

        """
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        weak = np.asarray(weak_crossings, dtype=bool)
        strong = np.asarray(strong_crossings, dtype=bool)
        if weak.shape != strong.shape or weak.ndim != 2:
            raise ValueError("The weak and strong crossings must be 2D arrays of one shape.")
        weak = weak | strong  # a strong crossing is also a weak one
        n_samples, n_channels = weak.shape
        s, c = np.nonzero(weak)
        n = s.size
        empty = np.zeros(0, dtype=np.int64)
        if n == 0:
            return Bunch(samples=empty, channels=empty, labels=empty, n_components=0)
        index = np.full(weak.shape, -1, dtype=np.int32 if n < 2 ** 31 else np.int64)
        index[s, c] = np.arange(n)
        indptr, indices = _adjacency_csr(self.probe_adjacency_list, n_channels)
        # Every crossing against the crossings later in time (or at the same sample) nearby.
        degree = np.diff(indptr)[c]
        src = np.repeat(np.arange(n), degree)
        nb = indices[np.repeat(indptr[c], degree) + np.arange(degree.sum())
                     - np.repeat(np.cumsum(degree) - degree, degree)]
        edges_i, edges_j = [], []
        for dt in range(self.join_size + 1):
            t = s[src] + dt
            ok = t < n_samples
            j = np.full(src.shape, -1, dtype=np.int64)
            j[ok] = index[t[ok], nb[ok]]
            ok = j >= 0
            edges_i.append(src[ok])
            edges_j.append(j[ok])
        i, j = np.concatenate(edges_i), np.concatenate(edges_j)
        graph = coo_matrix((np.ones(i.size, dtype=np.int8), (i, j)), shape=(n, n)).tocsr()
        _, labels = connected_components(graph, directed=False)
        kept = (np.bincount(labels, weights=strong[s, c]) > 0)[labels]
        # Renumber the kept components by first crossing (crossings are in time order).
        _, first, labels = np.unique(labels[kept], return_index=True, return_inverse=True)
        rank = np.empty(first.size, dtype=np.int64)
        rank[np.argsort(first)] = np.arange(first.size)
        labels = rank[labels]
        s, c = s[kept].astype(np.int64), c[kept].astype(np.int64)
        order = np.lexsort((c, s, labels))
        return Bunch(samples=s[order], channels=c[order], labels=labels[order],
                     n_components=int(first.size))

    def __call__(self, weak_crossings=None, strong_crossings=None):
        """The components as a list of ``(n, 2)`` int arrays of sample and channel."""
        comp = self.label(weak_crossings, strong_crossings)
        points = np.c_[comp.samples, comp.channels]
        bounds = np.searchsorted(comp.labels, np.arange(1, comp.n_components))
        return np.split(points, bounds) if comp.n_components else []
