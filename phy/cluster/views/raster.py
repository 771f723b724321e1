"""The raster view: every spike of every cluster, time on x, one row per cluster.

Twenty million spikes are uploaded once. Each spike carries its time and a *slot*: the id of
its cluster when it was uploaded. A small table (a texture, two texels per slot) gives each slot
its current row and colour, so that selecting, sorting, recolouring and merging clusters only
rewrite this table (a few thousand values), and a split rewrites the slots of the moved spikes.
"""

import logging

import numpy as np

from phy.plot import BaseVisual
from phy.plot.visual import load_glsl
from phy.plot.visuals.utils import item_texture
from phy.utils import Bunch

from .all_clusters import AllClustersMixin
from .base import ManualClusteringView
from .mixins import MarkerSizeMixin

logger = logging.getLogger(__name__)

_VERTEX_SHADER = """#version 330 core
{utils}
in float a_time;
in float a_slot;
// Two texels per slot: the colour, then (y, shown, 0, 0).
uniform sampler2D u_slots;
uniform float u_size;
uniform float u_pixel_ratio;
out vec4 v_color;
out float v_size;

void main() {{
    int slot = int(a_slot);
    vec4 row = fetch_item(u_slots, 2 * slot + 1);
    vec2 pos = vec2(a_time, row.x);
    gl_Position = transform(pos);
    if (row.y < 0.5) gl_Position = vec4(-2.0, -2.0, -2.0, 1.0);  // hidden: out of the clip space
    v_color = fetch_item(u_slots, 2 * slot);
    v_size = u_size * u_pixel_ratio;
    gl_PointSize = v_size;
}}
"""

_FRAGMENT_SHADER = """#version 330 core
in vec4 v_color;
in float v_size;
out vec4 out_color;

void main() {
    // A vertical tick, a third of the marker size wide (at least one pixel).
    float half_width = max(0.5, v_size / 6.0) / v_size;
    if (abs(gl_PointCoord.x - 0.5) > half_width) discard;
    out_color = v_color;
}
"""


class RasterVisual(BaseVisual):
    """Spikes as vertical ticks whose row and colour come from a per-slot table.

    ``set_data(time, slot)``: per spike, x in NDC and the slot (an integer below 2**24).
    ``set_slot_table(color, y, shown)``: per slot, the colour, the y in NDC and whether shown.
    """

    def __init__(self):
        super().__init__()
        self.vertex_shader = _VERTEX_SHADER.format(utils=load_glsl("utils.glsl"))
        self.fragment_shader = _FRAGMENT_SHADER
        self.set_primitive_type("points")
        self.slot_table = np.zeros((0, 4), dtype=np.float32)

    def set_data(self, time, slot):
        """Set the x (NDC) and the slot of every spike."""
        self._check_program()
        time = np.asarray(time, dtype=np.float32)
        slot = np.asarray(slot, dtype=np.float32)
        if time.shape != slot.shape or time.ndim != 1:
            raise ValueError(
                f"RasterVisual: `time` and `slot` must be 1D of the same length, got "
                f"{time.shape} and {slot.shape}.")
        self.program["a_time"] = time
        self.program["a_slot"] = slot
        self.n_vertices = len(time)
        self.emit_visual_set_data()

    def update_slots(self, slot, offset):
        """Rewrite the slots of the spikes ``offset:offset + len(slot)`` (a partial upload)."""
        self.program.update_attribute("a_slot", np.asarray(slot, dtype=np.float32), offset)
        self.canvas.update()

    def set_slot_table(self, color, y, shown):
        """Set the colour (``(n_slots, 4)``), y (NDC) and visibility of every slot."""
        n = len(y)
        table = np.zeros((n, 2, 4), dtype=np.float32)
        table[:, 0] = color
        table[:, 1, 0] = y
        table[:, 1, 1] = shown
        self.slot_table = table.reshape(-1, 4)
        self.program["u_slots"] = item_texture(self.slot_table)
        self.canvas.update()

    def set_marker_size(self, size):
        """Set the tick height, in pixels."""
        self.program["u_size"] = float(size)
        self.canvas.update()


class RasterView(AllClustersMixin, MarkerSizeMixin, ManualClusteringView):
    """Show a raster plot of all clusters.

    Constructor
    -----------
    spike_times : array-like
        An `(n_spikes,)` array with the spike times, in seconds.
    spike_clusters : array-like
        An `(n_spikes,)` array with the spike-cluster assignments.
    cluster_ids : array-like
        The list of all clusters to show initially (by default, those of `spike_clusters`).
    cluster_color_selector : ClusterColorSelector
        The object managing the color mapping.
    spikes_in_clusters : function
        ``spikes_in_clusters(cluster_ids)`` returns the sorted ids of the spikes of clusters
        (the supervisor's ``clustering.spikes_in_clusters``): after a split or an undo, the
        view rewrites the rows of these spikes only. Without it, the spikes of the deleted
        clusters are hidden until :meth:`set_spike_clusters`. A merge needs nothing.

    """

    default_shortcuts = {
        "increase_marker_size": "ctrl+shift++",
        "decrease_marker_size": "ctrl+shift+-",
    }
    state_attrs = ("marker_size",)
    default_marker_size = 5.0

    def __init__(self, spike_times, spike_clusters, cluster_ids=None,
                 cluster_color_selector=None, spikes_in_clusters=None, **kwargs):
        super().__init__(**kwargs)
        self.spike_times = np.asarray(spike_times)
        spike_clusters = np.asarray(spike_clusters)
        if self.spike_times.shape != spike_clusters.shape or spike_clusters.ndim != 1:
            raise ValueError(
                f"RasterView: spike_times and spike_clusters must be 1D arrays of the same "
                f"length, got shapes {self.spike_times.shape} and {spike_clusters.shape}.")
        if cluster_ids is None:
            cluster_ids = np.unique(spike_clusters)
        self.init_all_clusters(cluster_ids, cluster_color_selector)
        self.spikes_in_clusters = spikes_in_clusters
        self._pending = spike_clusters  # Spike clusters waiting to be uploaded.
        self._prepared = None  # The spikes prepared for the upload, until drawn.
        self._spike_slots = None  # The slots uploaded (float32, one per spike).
        self._slot_cluster = np.zeros(0, dtype=np.int64)  # Slot -> current cluster (-1: none).
        self.time_bounds = (0.0, 1.0)

        self.canvas.enable_panzoom()
        self.canvas.enable_axes(show_y=False)
        self.visual = RasterVisual()
        self.canvas.add_visual(self.visual)

    # Data
    # ---------------------------------------------------------------------------------------------

    def prepare(self, cluster_ids):
        """The spike times in NDC and the slots, when spikes wait to be uploaded (else None).

        The result is also kept (``_prepared``) until drawn: a selection made meanwhile makes
        this record stale, and its own ``prepare`` reuses the arrays instead of computing them
        again.
        """
        spike_clusters = self._pending
        if spike_clusters is None:
            return Bunch(spikes=None)
        prepared = self._prepared  # A selection made while the spikes were being prepared.
        if prepared is not None and prepared.source is spike_clusters:
            return Bunch(spikes=prepared)
        t = self.spike_times
        t0, t1 = (float(t.min()), float(t.max())) if t.size else (0.0, 1.0)
        t1 = t1 if t1 > t0 else t0 + 1.0
        time = np.empty(t.shape, dtype=np.float32)
        np.multiply(t - t0, 2.0 / (t1 - t0), out=time, casting="unsafe")
        time -= 1.0
        if spike_clusters.size and spike_clusters.min() < 0:
            raise ValueError("RasterView: spike_clusters has negative cluster ids.")
        # Kept until drawn, in case a newer selection makes this record stale (it then reuses it).
        self._prepared = Bunch(
            source=spike_clusters, time=time, slots=spike_clusters.astype(np.float32),
            time_bounds=(t0, t1))
        return Bunch(spikes=self._prepared)

    def draw(self, data):
        """Upload the spikes if they changed, and the slot table (rows and colours)."""
        spikes = data.spikes
        if spikes is not None and spikes.source is self._pending:
            self._pending = self._prepared = None
            self.visual.set_data(time=spikes.time, slot=spikes.slots)
            self._spike_slots = spikes.slots
            n_slots = int(spikes.source.max()) + 1 if spikes.source.size else 0
            self._slot_cluster = np.arange(n_slots, dtype=np.int64)
            self.time_bounds = spikes.time_bounds
            t0, t1 = spikes.time_bounds
            self.canvas.axes.reset_data_bounds((t0, -1.0, t1, 1.0))
        data.spikes = None  # The spikes are on the GPU: do not keep them for redraw().
        self.visual.set_marker_size(self.marker_size)
        self.update_color()

    def set_spike_clusters(self, spike_clusters):
        """Set the spike clusters for all spikes (uploaded again)."""
        spike_clusters = np.asarray(spike_clusters)
        if spike_clusters.shape != self.spike_times.shape:
            raise ValueError(
                f"RasterView: spike_clusters has shape {spike_clusters.shape}, the spike times "
                f"{self.spike_times.shape}.")
        self._pending = spike_clusters
        self.plot()

    def _grow_slots(self, max_id):
        """Make room for the slot `max_id`."""
        n = len(self._slot_cluster)
        if max_id >= n:
            self._slot_cluster = np.r_[self._slot_cluster, np.full(max_id + 1 - n, -1)]

    def _move_spikes(self, up):
        """Update the slots after a clustering change (in place)."""
        if not up.added and not up.deleted:
            return
        self._grow_slots(max(up.added, default=0))
        old = np.isin(self._slot_cluster, up.deleted)
        if up.description == "merge" and up.history != "undo" and len(up.added) == 1:
            self._slot_cluster[old] = up.added[0]  # The spikes do not move: their slots do.
            return
        self._slot_cluster[old] = -1
        if self.spikes_in_clusters is None or self._spike_slots is None:
            return
        lo, hi = len(self._spike_slots), 0
        for cluster_id in up.added:
            spike_ids = np.asarray(self.spikes_in_clusters([cluster_id]), dtype=np.int64)
            if spike_ids.size:
                self._spike_slots[spike_ids] = cluster_id
                lo, hi = min(lo, int(spike_ids[0])), max(hi, int(spike_ids[-1]) + 1)
            self._slot_cluster[cluster_id] = cluster_id
        if hi > lo:
            self.visual.update_slots(self._spike_slots[lo:hi], offset=lo)

    def on_clusters_changed(self, up):
        """Show a clustering change, a new order or new clusters (rows and colours only)."""
        if up is not None:
            self._move_spikes(up)
        self.update_color()

    # Drawing
    # ---------------------------------------------------------------------------------------------

    @property
    def n_rows(self):
        """Number of rows (the clusters shown)."""
        return max(len(self.all_cluster_ids), 1)

    def update_color(self, selected_clusters=None):
        """Update the color of the spikes, depending on the selected clusters."""
        ids = self.all_cluster_ids
        n_slots = len(self._slot_cluster)
        if self.visual.program is None or not n_slots:
            return
        row_of = np.full(max(int(ids.max(initial=-1)), n_slots) + 1, -1, dtype=np.int64)
        row_of[ids] = np.arange(len(ids))
        clusters = self._slot_cluster
        rows = np.where(clusters >= 0, row_of[np.maximum(clusters, 0)], -1)
        shown = rows >= 0
        colors = self.cluster_colors(selected=selected_clusters)
        color = np.zeros((n_slots, 4), dtype=np.float32)
        color[shown] = colors[rows[shown]]
        y = 1.0 - (rows + 0.5) * 2.0 / self.n_rows
        self.visual.set_slot_table(color, y, shown)

    def cluster_at(self, pos):
        """The cluster of the row under a mouse position."""
        y = self.canvas.window_to_ndc(pos)[1]
        row = int(np.floor((1.0 - y) / 2.0 * self.n_rows))
        return int(self.all_cluster_ids[row]) if 0 <= row < len(self.all_cluster_ids) else None

    def attach(self, gui):
        """Attach the view to the GUI, and draw all the clusters."""
        super().attach(gui)
        self.plot()

    def update_status(self):
        """Show the number of clusters and spikes."""
        self.set_dock_status(
            f"{len(self.all_cluster_ids)} clusters, {len(self.spike_times):,} spikes")
