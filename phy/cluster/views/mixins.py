"""Mixins of the cluster views: marker size, scaling and lasso splits.

Put them before :class:`~phy.cluster.views.base.ManualClusteringView` in the bases of a view
(``class MyView(LassoMixin, MarkerSizeMixin, ManualClusteringView)``). Each one adds its
actions to the view's actions in ``attach``; the drawing parameters (``marker_size``,
``scaling``) redraw the last data record when they change (``ManualClusteringView.redraw``).
"""

import numpy as np

from phy.gui.settings import Setting
from phy.plot import NDC, Range
from phy.plot.lasso import points_in_polygon
from phy.utils import bus_events as ev
from phy.utils import connect


def _wheel_steps(e):
    """Wheel notches of an event (Qt turns alt+wheel into a horizontal wheel on some systems)."""
    dx, dy = e.delta
    return dy or dx


class MarkerSizeMixin:
    """Marker size of a scatter-like view: ``marker_size`` and its actions, alt+wheel.

    Changing the size redraws the last record (``redraw()``); ``draw()`` reads
    ``self.marker_size``. Add ``'marker_size'`` to ``state_attrs`` to persist it.
    """

    #: Marker size of a new view, in pixels.
    default_marker_size = 5.0
    #: Factor applied by increase/decrease.
    marker_size_increment = 1.1
    #: Smallest and largest marker sizes, in pixels.
    marker_size_bounds = (1.0, 100.0)

    @property
    def marker_size(self):
        """Size of the spike markers, in pixels."""
        return getattr(self, "_marker_size", self.default_marker_size)

    @marker_size.setter
    def marker_size(self, value):
        self._marker_size = float(np.clip(value, *self.marker_size_bounds))
        self.redraw()

    def increase_marker_size(self):
        """Increase the marker size."""
        self.marker_size *= self.marker_size_increment

    def decrease_marker_size(self):
        """Decrease the marker size."""
        self.marker_size /= self.marker_size_increment

    def reset_marker_size(self):
        """Reset the marker size to the default value."""
        self.marker_size = self.default_marker_size

    def on_mouse_wheel(self, e):
        """Change the marker size with alt+wheel."""
        super().on_mouse_wheel(e)
        steps = _wheel_steps(e)
        if e.modifiers == ("Alt",) and steps:
            self.marker_size *= self.marker_size_increment ** np.sign(steps)

    def attach(self, gui):
        """Attach the view, with the marker size actions."""
        super().attach(gui)
        for f in (self.increase_marker_size, self.decrease_marker_size, self.reset_marker_size):
            self.actions.add(f)
        self.actions.separator()


#: The setting of the marker size, for the ``settings`` of the views with this mixin.
MARKER_SIZE_SETTING = Setting(
    "marker_size", "Marker size (px)", float, *MarkerSizeMixin.marker_size_bounds, decimals=1)


class ScalingMixin:
    """Scaling of what a view draws: ``scaling`` and the actions increase/decrease/reset.

    Changing the scaling redraws the last record (``redraw()``); ``draw()`` reads
    ``self.scaling``. Add ``'scaling'`` to ``state_attrs`` to persist it.
    """

    #: Scaling of a new view.
    default_scaling = 1.0
    #: Factor applied by increase/decrease.
    scaling_increment = 1.1
    #: Smallest and largest scalings.
    scaling_bounds = (1e-3, 1e3)

    @property
    def scaling(self):
        """Scaling of the drawn data (1 by default)."""
        return getattr(self, "_scaling", self.default_scaling)

    @scaling.setter
    def scaling(self, value):
        self._scaling = float(np.clip(value, *self.scaling_bounds))
        self.redraw()

    def increase(self):
        """Increase the scaling parameter."""
        self.scaling *= self.scaling_increment

    def decrease(self):
        """Decrease the scaling parameter."""
        self.scaling /= self.scaling_increment

    def reset_scaling(self):
        """Reset the scaling to the default value."""
        self.scaling = self.default_scaling

    def attach(self, gui):
        """Attach the view, with the scaling actions."""
        super().attach(gui)
        for f in (self.increase, self.decrease, self.reset_scaling):
            self.actions.add(f)
        self.actions.separator()


#: The setting of the scaling, for the ``settings`` of the views with this mixin.
SCALING_SETTING = Setting("scaling", "Scaling", float, *ScalingMixin.scaling_bounds)


class LassoMixin:
    """Lasso splits: control+click draws a polygon; ``request_split`` gets the spikes inside.

    The view implements ``get_clusters_data(load_all=True)``: one Bunch per selected cluster
    with ``pos`` (``(n, 2)``, data coordinates, all the spikes, may be memory-mapped),
    ``spike_ids`` (``(n,)``), ``data_bounds`` (the ``(xmin, ymin, xmax, ymax)`` given to the
    visual; without it ``pos`` is in normalized coordinates) and, with a layout, ``box_index``
    (one box for the whole Bunch, or one per spike). The positions are normalized by the same
    transform as the visuals and tested against the polygon (which the lasso already maps
    through the layout and pan/zoom), chunk by chunk.
    """

    #: Number of spikes tested at once.
    split_chunk_size = 100_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.canvas.enable_lasso()

    def attach(self, gui):
        """Attach the view and answer the supervisor's ``request_split``."""
        super().attach(gui)
        connect(self.on_request_split, event=ev.REQUEST_SPLIT)

    def on_request_split(self, sender=None):
        """Return the spikes enclosed by the lasso, and clear the lasso.

        Returns
        -------
        spike_ids : ndarray or None
            The sorted ids of all the spikes of the selected clusters inside the polygon;
            None when this view has no lasso polygon (so that another view can answer).

        """
        lasso = self.canvas.lasso
        if lasso.count < 3 or not self.cluster_ids:
            return None
        polygon, box = lasso.polygon, lasso.box
        found = [self._spikes_in_polygon(b, polygon, box)
                 for b in self.get_clusters_data(load_all=True)]
        lasso.clear()
        return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def _spikes_in_polygon(self, bunch, polygon, box):
        """The spike ids of one Bunch of ``get_clusters_data`` inside the polygon."""
        spike_ids = bunch.spike_ids
        box_index = bunch.get("box_index")
        per_spike_box = box_index is not None and np.ndim(box_index) > np.ndim(box)
        if box is not None and box_index is not None and not per_spike_box:
            if not np.array_equal(box_index, box):
                return np.zeros(0, dtype=np.int64)
        bounds = bunch.get("data_bounds")
        to_ndc = Range(NDC if bounds is None else bounds, NDC)
        out = []
        for start in range(0, len(spike_ids), self.split_chunk_size):
            chunk = slice(start, start + self.split_chunk_size)
            pos = np.asarray(bunch.pos[chunk], dtype=np.float64)
            inside = points_in_polygon(to_ndc.apply(pos), polygon)
            if box is not None and per_spike_box:
                in_box = np.asarray(box_index[chunk]) == box
                inside &= in_box.all(axis=1) if in_box.ndim == 2 else in_box
            out.append(np.asarray(spike_ids[chunk], dtype=np.int64)[inside])
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
