"""The raster view: every spike of every cluster, time on x, one row per cluster.

Twenty million spikes are uploaded once. Each spike carries its time and a *slot*: the id of
its cluster when it was uploaded. A small table (a texture, two texels per slot) gives each slot
its current row and colour, so that selecting, sorting, recolouring and merging clusters only
rewrite this table (a few thousand values), and a split rewrites the slots of the moved spikes.

Above ``max_points`` spikes, drawing every spike as a point costs too much per frame (a minute
on a software renderer at 20 M spikes), and the screen cannot show more than its pixels anyway.
The view then draws a *count image* instead: the spikes binned per (slot, pixel column) of the
visible time range, at the current zoom (:func:`bin_spikes`, on a worker thread, again after a
pan/zoom with a debounce), one textured quad per slot whose row and colour come from the same
table. Every spike still lights its pixel column, selections and merges still only rewrite the
table, and zoomed in, the columns resolve single spikes.
"""

import logging

import numpy as np

from phy.gui.threads import Debouncer
from phy.plot import BaseVisual
from phy.plot.visual import load_glsl
from phy.plot.visuals.utils import item_texture
from phy.utils import Bunch, connect
from phy.utils import bus_events as ev

from .all_clusters import AllClustersMixin
from .base import ManualClusteringView
from .mixins import MARKER_SIZE_SETTING, MarkerSizeMixin

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


_DENSITY_VERTEX_SHADER = """#version 330 core
{utils}
in float a_slot;
in vec2 a_corner;  // (0 or 1: first or last column, -1 or 1: bottom or top).
uniform sampler2D u_slots;
uniform vec2 u_x_range;  // x (NDC) of the left edge of the first column, right edge of the last.
uniform float u_size;
uniform float u_pixel_ratio;
uniform vec2 u_framebuffer_size;
out vec4 v_color;
out float v_u;
flat out int v_slot;

void main() {{
    int slot = int(a_slot);
    vec4 row = fetch_item(u_slots, 2 * slot + 1);
    gl_Position = transform(vec2(mix(u_x_range.x, u_x_range.y, a_corner.x), row.x));
    // The row is u_size pixels high (at least one), like the ticks.
    gl_Position.y += a_corner.y * max(u_size * u_pixel_ratio, 1.0) / u_framebuffer_size.y;
    if (row.y < 0.5) gl_Position = vec4(-2.0, -2.0, -2.0, 1.0);  // hidden: out of the clip space
    v_color = fetch_item(u_slots, 2 * slot);
    v_u = a_corner.x;
    v_slot = slot;
}}
"""

_DENSITY_FRAGMENT_SHADER = """#version 330 core
uniform sampler2D u_counts;  // One row per slot, one column per bin: the spikes (0 = none).
in vec4 v_color;
in float v_u;
flat in int v_slot;
out vec4 out_color;

void main() {
    int width = textureSize(u_counts, 0).x;
    int column = clamp(int(floor(v_u * float(width))), 0, width - 1);
    if (texelFetch(u_counts, ivec2(column, v_slot), 0).r == 0.0) discard;
    out_color = v_color;
}
"""

#: The corners of a slot's quad (two triangles): (column side, row side).
_QUAD = np.array([[0, -1], [1, -1], [0, 1], [0, 1], [1, -1], [1, 1]], dtype=np.float32)


class _SlotTableVisual(BaseVisual):
    """A visual whose slots take their row and colour from a table (a texture)."""

    def __init__(self, vertex_shader, fragment_shader, primitive_type):
        super().__init__()
        self.vertex_shader = vertex_shader.format(utils=load_glsl("utils.glsl"))
        self.fragment_shader = fragment_shader
        self.set_primitive_type(primitive_type)
        self.slot_table = np.zeros((0, 4), dtype=np.float32)

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


class RasterVisual(_SlotTableVisual):
    """Spikes as vertical ticks whose row and colour come from a per-slot table.

    ``set_data(time, slot)``: per spike, x in NDC and the slot (an integer below 2**24).
    ``set_slot_table(color, y, shown)``: per slot, the colour, the y in NDC and whether shown.
    """

    def __init__(self):
        super().__init__(_VERTEX_SHADER, _FRAGMENT_SHADER, "points")

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


class RasterDensityVisual(_SlotTableVisual):
    """Spike counts per (slot, column) as one textured quad per slot, coloured by the table.

    ``set_data(counts, x_range)``: a ``(n_slots, n_columns)`` uint8 image (0: no spike) and the
    x (NDC) of the left edge of its first column and the right edge of its last one. A pixel of
    a slot's row is lit in its colour when its column has a spike.
    """

    def __init__(self):
        super().__init__(_DENSITY_VERTEX_SHADER, _DENSITY_FRAGMENT_SHADER, "triangles")

    def set_data(self, counts, x_range):
        """Set the count image and the x range (NDC) it covers."""
        self._check_program()
        counts = np.asarray(counts)
        if counts.ndim != 2 or counts.dtype != np.uint8 or not counts.size:
            raise ValueError(
                f"RasterDensityVisual: `counts` must be a non-empty 2D uint8 array, got "
                f"{counts.dtype} {counts.shape}.")
        n_slots = counts.shape[0]
        self.program["u_counts"] = counts
        self.program["u_x_range"] = np.asarray(x_range, dtype=np.float32)
        self.program["a_slot"] = np.repeat(np.arange(n_slots, dtype=np.float32), len(_QUAD))
        self.program["a_corner"] = np.tile(_QUAD, (n_slots, 1))
        self.n_vertices = n_slots * len(_QUAD)
        self.emit_visual_set_data()


def bin_spikes(spike_times, slots, n_slots, t_range, n_columns, is_sorted=False):
    """Count the spikes per (slot, time column): a ``(n_slots, n_columns)`` uint8 image.

    The columns divide ``t_range = (start, stop)`` (seconds) evenly; spikes outside are
    ignored; counts above 255 are clipped (the image tells where spikes are). With
    ``is_sorted``, the spike times are sorted and only those in the range are read.
    """
    start, stop = t_range
    if is_sorted:
        i0, i1 = np.searchsorted(spike_times, [start, stop])
        times, slots = spike_times[i0:i1], slots[i0:i1]
    else:
        keep = (spike_times >= start) & (spike_times < stop)
        times, slots = spike_times[keep], slots[keep]
    column = np.empty(times.shape, dtype=np.int64)
    np.multiply(times - start, n_columns / (stop - start), out=column, casting="unsafe")
    np.clip(column, 0, n_columns - 1, out=column)
    column += slots.astype(np.int64) * n_columns
    counts = np.bincount(column, minlength=n_slots * n_columns)
    return np.minimum(counts, 255).astype(np.uint8).reshape(n_slots, n_columns)


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
    max_points : int
        Above this number of spikes, the view draws the spikes binned per pixel column of the
        visible time range (see the module docstring), not one point per spike.

    """

    default_shortcuts = {
        "increase_marker_size": "ctrl+shift++",
        "decrease_marker_size": "ctrl+shift+-",
    }
    state_attrs = ("marker_size",)
    settings = (MARKER_SIZE_SETTING,)
    default_marker_size = 5.0
    #: Above this number of spikes, draw the count image instead of the spikes.
    max_points = 1_000_000
    #: Delay between two rebinnings of the count image while panning or zooming (ms).
    rebin_delay = 100

    def __init__(self, spike_times, spike_clusters, cluster_ids=None,
                 cluster_color_selector=None, spikes_in_clusters=None, max_points=None,
                 **kwargs):
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
        self.max_points = self.max_points if max_points is None else int(max_points)
        #: Whether the view draws the count image (more than `max_points` spikes).
        self.binned = self.spike_times.size > self.max_points
        self.bins = None  # The count image drawn and its geometry (binned mode).
        self._bins_version = 0  # Increases when spikes change slot: the count image is stale.
        self._times_sorted = False

        self.canvas.enable_panzoom()
        self.canvas.enable_axes(show_y=False)
        self.visual = RasterDensityVisual() if self.binned else RasterVisual()
        self.canvas.add_visual(self.visual)
        if self.binned:
            self._rebin_debouncer = Debouncer(delay=self.rebin_delay)
            connect(self._on_pan_zoom, event=ev.PAN_ZOOM, sender=self.canvas)

    # Data
    # ---------------------------------------------------------------------------------------------

    def prepare(self, cluster_ids, bins=None):
        """The spikes waiting to be uploaded (else None), and the count image asked for.

        ``spikes``: the spike times in NDC and the slots. The record is also kept
        (``_prepared``) until drawn: a selection made meanwhile makes this record stale, and
        its own ``prepare`` reuses the arrays instead of computing them again. ``bins``: the
        count image of the geometry `bins` (see :meth:`bins_needed`), or None.
        """
        spikes = self._prepare_spikes()
        if bins is not None:
            bins = self._bin(bins, spikes)
        return Bunch(spikes=spikes, bins=bins)

    def _bin(self, geometry, spikes):
        """The count image of a geometry, from the uploaded spikes or the prepared ones."""
        source = spikes if spikes is not None else Bunch(
            slots=self._spike_slots, time_bounds=self.time_bounds,
            is_sorted=self._times_sorted, n_slots=len(self._slot_cluster))
        if source.slots is None:
            return None
        t0, t1 = source.time_bounds
        x0, x1 = geometry.x_range
        t_range = (t0 + (x0 + 1) * (t1 - t0) / 2, t0 + (x1 + 1) * (t1 - t0) / 2)
        counts = bin_spikes(self.spike_times, source.slots, source.n_slots, t_range,
                            geometry.n_columns, is_sorted=source.is_sorted)
        return Bunch(geometry, counts=counts)

    def _prepare_spikes(self):
        """The spikes waiting to be uploaded (None if none), computed once."""
        spike_clusters = self._pending
        if spike_clusters is None:
            return None
        prepared = self._prepared  # A selection made while the spikes were being prepared.
        if prepared is not None and prepared.source is spike_clusters:
            return prepared
        t = self.spike_times
        t0, t1 = (float(t.min()), float(t.max())) if t.size else (0.0, 1.0)
        t1 = t1 if t1 > t0 else t0 + 1.0
        time = None
        if not self.binned:  # The points' x (NDC); the count image bins the times instead.
            time = np.empty(t.shape, dtype=np.float32)
            np.multiply(t - t0, 2.0 / (t1 - t0), out=time, casting="unsafe")
            time -= 1.0
        if spike_clusters.size and spike_clusters.min() < 0:
            raise ValueError("RasterView: spike_clusters has negative cluster ids.")
        # Kept until drawn, in case a newer selection makes this record stale (it then reuses it).
        self._prepared = Bunch(
            source=spike_clusters, time=time, slots=spike_clusters.astype(np.float32),
            time_bounds=(t0, t1), is_sorted=bool(np.all(t[1:] >= t[:-1])),
            n_slots=int(spike_clusters.max()) + 1 if spike_clusters.size else 0)
        return self._prepared

    def draw(self, data):
        """Upload the spikes (or the count image) if they changed, and the slot table."""
        spikes = data.spikes
        if spikes is not None and spikes.source is self._pending:
            self._pending = self._prepared = None
            if not self.binned:
                self.visual.set_data(time=spikes.time, slot=spikes.slots)
            self._spike_slots = spikes.slots
            self._times_sorted = spikes.is_sorted
            self._slot_cluster = np.arange(spikes.n_slots, dtype=np.int64)
            self.time_bounds = spikes.time_bounds
            t0, t1 = spikes.time_bounds
            self.canvas.axes.reset_data_bounds((t0, -1.0, t1, 1.0))
        bins = data.bins
        if bins is not None and bins.version == self._bins_version and self._pending is None:
            self.visual.set_data(counts=bins.counts, x_range=bins.x_range)
            self.bins = bins
        # The spikes are on the GPU: do not keep them (nor the count image) for redraw().
        data.spikes = data.bins = None
        self.visual.set_marker_size(self.marker_size)
        self.update_color()

    def plot(self, **kwargs):
        """Update the view; in binned mode, bin the spikes again if the zoom asks for it."""
        super().plot(bins=self.bins_needed(), **kwargs)

    def bins_needed(self):
        """The geometry of the count image to compute, or None if the one drawn fits.

        The columns are the pixel columns of the visible time range, and up to half a screen
        on each side (for panning), within the spikes' range.
        """
        if not self.binned:
            return None
        x0, _, x1, _ = self.canvas.panzoom.get_range()
        width = max(self.canvas.framebuffer_size()[0], 1)
        px = (x1 - x0) / width
        left = int(min(width // 2, max(0, np.ceil((x0 + 1) / px))))
        right = int(min(width // 2, max(0, np.ceil((1 - x1) / px))))
        old = self.bins
        if (old is not None and old.version == self._bins_version
                and abs(old.px / px - 1) < 1e-3
                and old.x_range[0] <= max(x0, -1.0) + px / 2
                and min(x1, 1.0) <= old.x_range[1] + px / 2):
            return None
        return Bunch(x_range=(x0 - left * px, x1 + right * px), n_columns=width + left + right,
                     px=px, version=self._bins_version)

    def _on_pan_zoom(self, sender, pan, zoom):
        # Before the first drawing (plot() after attach), there is nothing to bin again.
        if self._spike_slots is not None and self.bins_needed() is not None:
            self._rebin_debouncer.submit(self.plot, key="rebin")

    def on_resize(self, e):
        """Bin the spikes for the new width (binned mode)."""
        if self.binned and not self._closed:
            self._on_pan_zoom(self.canvas, None, None)

    def set_spike_clusters(self, spike_clusters):
        """Set the spike clusters for all spikes (uploaded again)."""
        spike_clusters = np.asarray(spike_clusters)
        if spike_clusters.shape != self.spike_times.shape:
            raise ValueError(
                f"RasterView: spike_clusters has shape {spike_clusters.shape}, the spike times "
                f"{self.spike_times.shape}.")
        self._pending = spike_clusters
        self._bins_version += 1
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
        if hi <= lo:
            return
        if self.binned:  # The count image of the new slots, on a worker thread.
            self._bins_version += 1
            self.plot()
        else:
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
