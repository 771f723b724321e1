"""The scatter view: any two numbers per spike, for the selected clusters.

A :class:`ScatterView` is given a ``coords`` function that maps the selected clusters to one
``Bunch(x, y, spike_ids, data_bounds)`` per cluster; the i-th Bunch is drawn in the colour of
the i-th selected cluster, all of them in one frame (the union of their ``data_bounds``), with
axes. Control+click draws a lasso; the split takes every spike inside it
(``coords(cluster_ids, load_all=True)``). Alt+wheel changes the marker size.
"""

import numpy as np

from phy.plot import ScatterVisual
from phy.utils import Bunch

from .base import ManualClusteringView
from .mixins import MARKER_SIZE_SETTING, LassoMixin, MarkerSizeMixin

#: Margin around the data when the bounds are computed from the positions (fraction of the span).
_MARGIN = 0.05


def _union_bounds(bunches):
    """The ``(xmin, ymin, xmax, ymax)`` rectangle holding every bunch (given or computed bounds).

    Bunches without ``data_bounds`` contribute the bounds of their (finite) positions, widened
    by a small margin; the result is never empty.
    """
    rects = []
    for b in bunches:
        if b.get("data_bounds") is not None:
            rects.append(np.asarray(b.data_bounds, dtype=np.float64))
            continue
        pos = b.pos
        if len(pos):
            lo, hi = pos.min(axis=0), pos.max(axis=0)
            m = np.where(hi > lo, _MARGIN * (hi - lo), 1.0)
            rects.append(np.r_[lo - m, hi + m])
    if not rects:
        return (-1.0, -1.0, 1.0, 1.0)
    rects = np.array(rects)
    x0, y0 = rects[:, :2].min(axis=0)
    x1, y1 = rects[:, 2:].max(axis=0)
    x0, x1 = (x0, x1) if x1 > x0 else (x0 - 1, x1 + 1)  # given empty bounds
    y0, y1 = (y0, y1) if y1 > y0 else (y0 - 1, y1 + 1)
    return (float(x0), float(y0), float(x1), float(y1))


class ScatterView(LassoMixin, MarkerSizeMixin, ManualClusteringView):
    """A scatter plot of two numbers per spike for all selected clusters.

    Parameters
    ----------
    coords : function
        Maps ``(cluster_ids, load_all=False)`` to a list ``[Bunch(x, y, spike_ids,
        data_bounds), ...]`` for each cluster (``data_bounds`` optional), or None when there
        is nothing to show. ``load_all=True``: every spike of the clusters (lasso splits),
        else a subset.

    """

    default_marker_size = 5.0
    state_attrs = ("marker_size",)
    settings = (MARKER_SIZE_SETTING,)

    def __init__(self, coords=None, **kwargs):
        super().__init__(**kwargs)
        self.coords = coords
        self.canvas.enable_panzoom()
        self.canvas.enable_axes()
        self.visual = ScatterVisual()
        self.canvas.add_visual(self.visual)

    def _get(self, cluster_ids, load_all=False):
        """The coordinates of the clusters: a list of ``Bunch(pos, spike_ids, data_bounds)``.

        Spikes without finite coordinates are left out.
        """
        bunches = self.coords(list(cluster_ids), load_all=load_all) if cluster_ids else None
        out = []
        for b in bunches or []:
            pos = np.column_stack([np.asarray(b.x, dtype=np.float64).ravel(),
                                   np.asarray(b.y, dtype=np.float64).ravel()])
            finite = np.isfinite(pos).all(axis=1)
            out.append(Bunch(pos=pos[finite], spike_ids=np.asarray(b.spike_ids)[finite],
                             data_bounds=b.get("data_bounds")))
        return out

    def prepare(self, cluster_ids):
        """The coordinates of the selected clusters and their common bounds (worker thread)."""
        clusters = self._get(cluster_ids)
        return Bunch(clusters=clusters, data_bounds=_union_bounds(clusters))

    def get_clusters_data(self, load_all=None):
        """Return a list of Bunch instances, with attributes pos and spike_ids.

        One per cluster given by ``coords``, with the ``data_bounds`` drawn.
        """
        clusters = self._get(self.cluster_ids, load_all=bool(load_all))
        bounds = self._data.data_bounds if self._data is not None else _union_bounds(clusters)
        for b in clusters:
            b.data_bounds = bounds
        return clusters

    def draw(self, data):
        """Draw the clusters in their colours, and the axes in the data coordinates."""
        self.visual.reset_batch()
        for i, b in enumerate(data.clusters):
            self.visual.add_batch_data(
                pos=b.pos, color=self.selected_color(i), size=self.marker_size,
                data_bounds=data.data_bounds)
        if not data.clusters:
            self.visual.add_batch_data(pos=np.zeros((0, 2)))
        self.canvas.update_visual(self.visual)
        self.canvas.axes.reset_data_bounds(data.data_bounds)

    def update_status(self):
        """Show the number of spikes shown in the dock title bar."""
        n = sum(len(b.spike_ids) for b in self._data.clusters)
        self.set_dock_status(f"{n} spikes" if n else "")
