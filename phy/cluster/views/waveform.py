"""The waveform view: the selected clusters' waveforms in channel boxes laid out as the probe.

Each displayed channel has a box placed at the channel's position on the probe (a
:class:`~phy.plot.Boxed` layout, the largest boxes that do not overlap). The displayed channels
are those of the selected clusters, in order of appearance. In each box, every waveform of every
selected cluster is one line in the cluster's colour; optionally the mean of each cluster's
waveforms is drawn over them as a thick line, and the channel labels beside the boxes.

The view takes a dictionary of *waveform types*: ``{'waveforms': f, 'templates': g, ...}`` where
each function maps a cluster id to a Bunch with ``data`` ``(n_spikes, n_samples, n_channels)``,
``channel_ids``, ``channel_positions`` and, optionally, ``channel_labels``, ``masks``
``(n_spikes, n_channels)`` (saturation, 1 by default), ``alpha`` and ``spike_ids``. A function
that takes an ``n_spikes`` keyword argument is given :attr:`WaveformView.n_spikes_waveforms`;
the view shows at most that many waveforms per cluster in any case.

Amplitudes: the largest peak of the mean waveforms of the first selection shown with a type is
drawn as half a box height, and kept for that type (amplitudes compare across selections) until
the type is shown again after ``next_waveforms_type``/``previous_waveforms_type``, which
rescales it. The mean waveforms toggle (``m``) draws, over the waveforms of any type, the mean
of each cluster's waveforms (phy 2 switched to a ``mean_waveforms`` type instead).

Control+click on a box (or a click with a number key held) emits
:data:`~phy.utils.bus_events.CHANNEL_CLICK` with the box's ``channel_id``: the feature view
shows that channel as PC A (left button) or PC B (right button).

What costs what: preparing (worker thread) loads the waveforms and computes every vertex;
the box size, amplitude and probe scalings are GPU uniforms (no data is computed again); the
overlap toggle and the waveform type prepare again.
"""

import inspect
import logging

import numpy as np

from phy.gui.settings import Setting
from phy.plot import PlotVisual, TextVisual, ThickLineVisual
from phy.plot.layout import get_non_overlapping_boxes
from phy.utils import Bunch, emit
from phy.utils import bus_events as ev

from .base import ManualClusteringView

logger = logging.getLogger(__name__)

#: Fraction of the box width used by a cluster's waveforms when the clusters do not overlap.
CLUSTER_WIDTH_FILL = 0.9
#: Fraction of a box's width drawn in (a gap between horizontally adjacent boxes).
BOX_WIDTH_FILL = 0.9
#: Margin around the probe, in NDC (the waveforms of the outer boxes stay visible).
PROBE_MARGIN = 0.04
#: Alpha of the individual waveforms (a type returning one waveform per cluster is opaque).
WAVEFORM_ALPHA = 0.5
#: Width of the mean waveforms and of their dark outline, in pixels.
MEAN_WIDTH, MEAN_OUTLINE_WIDTH = 2.5, 5.0


def _fit_to_ndc(bounds, margin=PROBE_MARGIN):
    """Rescale ``(n, 4)`` box bounds linearly, per axis, so that together they fill NDC."""
    low, high = bounds[:, :2].min(axis=0), bounds[:, 2:].max(axis=0)
    span = np.where(high > low, high - low, 1.0)
    unit = (bounds - np.tile(low, 2)) / np.tile(span, 2)
    return (2 * unit - 1) * (1 - margin)


def probe_box_bounds(box_bounds, probe_scaling=(1.0, 1.0)):
    """Box bounds with the box centres spread by the probe scaling, fitted to NDC.

    Parameters
    ----------
    box_bounds : ndarray
        ``(n, 4)`` non-overlapping box bounds, in NDC.
    probe_scaling : 2-tuple
        Factors applied to the distances between the box centres (the box sizes are kept, then
        everything is fitted to NDC): above 1, the probe extends and the boxes shrink relatively.

    Returns
    -------
    box_bounds : ndarray
        ``(n, 4)`` bounds within NDC.

    """
    b = np.asarray(box_bounds, dtype=np.float64).reshape(-1, 4)
    center = 0.5 * (b[:, :2] + b[:, 2:]) * np.asarray(probe_scaling, dtype=np.float64)
    half = 0.5 * (b[:, 2:] - b[:, :2])
    fitted = _fit_to_ndc(np.hstack([center - half, center + half]))
    center, half = 0.5 * (fitted[:, :2] + fitted[:, 2:]), 0.5 * (fitted[:, 2:] - fitted[:, :2])
    half[:, 0] *= BOX_WIDTH_FILL
    return np.hstack([center - half, center + half])


def _check_bunch(bunch, waveforms_type, cluster_id):
    """Check the Bunch of a waveform function; return its data array."""
    what = f"The {waveforms_type!r} waveforms of cluster {cluster_id}"
    if bunch is None or bunch.get("data") is None:
        raise ValueError(f"{what} are not available.")
    data = np.asarray(bunch.data)
    if data.ndim != 3:
        raise ValueError(
            f"{what} must be a (n_spikes, n_samples, n_channels) array, got shape {data.shape}.")
    n_channels = data.shape[2]
    if len(bunch.channel_ids) != n_channels:
        raise ValueError(
            f"{what}: {len(bunch.channel_ids)} channel ids for {n_channels} channels of data.")
    if np.shape(bunch.channel_positions) != (n_channels, 2):
        raise ValueError(
            f"{what}: the channel positions must have shape ({n_channels}, 2), got "
            f"{np.shape(bunch.channel_positions)}.")
    masks = bunch.get("masks")
    if masks is not None and np.shape(masks) != (data.shape[0], n_channels):
        raise ValueError(
            f"{what}: the masks must have shape {(data.shape[0], n_channels)}, got "
            f"{np.shape(masks)}.")
    return data


class WaveformView(ManualClusteringView):
    """The waveforms of the selected clusters, on relevant channels, following the probe geometry.

    Constructor
    -----------
    waveforms : dict of functions (or one function)
        Every function maps a cluster id to a Bunch with ``data`` (a 3D array ``(n_spikes,
        n_samples, n_channels_loc)``), ``channel_ids`` (the channel ids of the third dimension),
        ``channel_labels`` (a label for every channel, optional), ``channel_positions`` (their
        ``(x, y)`` on the probe), ``masks`` (``(n_spikes, n_channels_loc)``, optional) and
        ``alpha`` (optional). The keys are the waveform types, cycled by
        ``next_waveforms_type``; the key ``waveforms`` is mandatory. One function stands for
        ``{'waveforms': function}``.
    waveforms_type : str
        Default key of the waveforms dictionary to plot initially (``waveform_type`` as in
        phy 2 is accepted too).

    Attributes
    ----------
    waveforms_types : list
        The waveform types, in cycling order.
    channel_ids : ndarray
        The displayed channels (one box each), of the last drawing.
    overlap : bool
        Whether to overlap the waveforms belonging to different clusters (else the clusters
        are side by side in each box).
    do_show_labels : bool
        Whether to show the channel labels.
    show_mean : bool
        Whether to draw the mean of each cluster's waveforms as a thick line.
    n_spikes_waveforms : int
        The largest number of waveforms shown per cluster.

    """

    #: Factor of the box size actions (widen, narrow, increase, decrease, ctrl+wheel).
    box_scaling_coeff = 1.1
    #: Factor of the probe scaling actions (extend/shrink horizontally/vertically).
    probe_scaling_coeff = 1.1
    #: Default number of waveforms shown per cluster.
    default_n_spikes_waveforms = 100

    default_shortcuts = {
        "toggle_waveform_overlap": "o",
        "toggle_show_labels": "ctrl+l",
        "toggle_mean_waveforms": "m",
        "next_waveforms_type": "w",
        "previous_waveforms_type": "shift+w",
        "widen": "ctrl+right",
        "narrow": "ctrl+left",
        "increase": "ctrl+up",
        "decrease": "ctrl+down",
        "extend_horizontally": "shift+right",
        "shrink_horizontally": "shift+left",
        "extend_vertically": "shift+up",
        "shrink_vertically": "shift+down",
    }
    default_snippets = {"change_n_spikes_waveforms": "wn"}
    state_attrs = ("waveforms_type", "overlap", "do_show_labels", "show_mean",
                   "n_spikes_waveforms")
    local_state_attrs = ("box_scaling", "probe_scaling")
    settings = (
        Setting("waveforms_type", "Waveforms type", str,
                choices=lambda view: view.waveforms_types, setter="change_waveforms_type"),
        Setting("n_spikes_waveforms", "Waveforms per cluster", int, 1, 100_000,
                setter="change_n_spikes_waveforms"),
        Setting("overlap", "Overlap the clusters", bool, setter="toggle_waveform_overlap"),
        Setting("do_show_labels", "Show the channel labels", bool, setter="toggle_show_labels"),
        Setting("show_mean", "Show the mean waveforms", bool, setter="toggle_mean_waveforms"),
        Setting("box_scaling", "Waveform amplitude", float, 1e-3, 1e3, index=1),
        Setting("box_scaling", "Waveform width", float, 1e-3, 1e3, index=0),
        Setting("probe_scaling", "Probe width", float, 1e-2, 1e2, index=0),
        Setting("probe_scaling", "Probe height", float, 1e-2, 1e2, index=1),
    )

    def __init__(self, waveforms=None, waveforms_type=None, waveform_type=None, **kwargs):
        if callable(waveforms):
            waveforms = {"waveforms": waveforms}
        if not isinstance(waveforms, dict) or "waveforms" not in waveforms:
            raise ValueError(
                "WaveformView needs a dictionary of waveform functions with a 'waveforms' key.")
        super().__init__(**kwargs)
        self.waveforms = dict(waveforms)
        self.waveforms_types = list(self.waveforms)
        self._takes_n_spikes = {
            name: "n_spikes" in inspect.signature(f).parameters
            for name, f in self.waveforms.items()}
        self._waveforms_type = "waveforms"
        self.waveforms_type = waveforms_type or waveform_type or "waveforms"
        self.overlap = False
        self.do_show_labels = True
        self.show_mean = False
        self.n_spikes_waveforms = self.default_n_spikes_waveforms
        self.channel_ids = np.zeros(0, dtype=np.int64)
        self._data_scales = {}  # Waveform type -> amplitude shown as 1 in a box.
        self._number_key = None  # The number key held, for channel clicks.

        self.canvas.set_layout("boxed", box_pos=np.zeros((1, 2)), has_clip=False)
        self.canvas.enable_panzoom()
        self._box_scaling = np.ones(2)
        self._probe_scaling = np.ones(2)
        self._box_bounds = np.array([[-1.0, -1.0, 1.0, 1.0]])
        self.waveform_visual = PlotVisual()
        self.mean_visual = ThickLineVisual(width=MEAN_WIDTH)
        self.label_visual = TextVisual(color=(1.0, 1.0, 1.0, 0.75))
        for visual in (self.waveform_visual, self.mean_visual, self.label_visual):
            self.canvas.add_visual(visual)

    # Properties
    # ---------------------------------------------------------------------------------------------

    @property
    def boxed(self):
        """Layout instance."""
        return self.canvas.layout

    @property
    def waveforms_type(self):
        """The waveform type shown (a key of the waveforms dictionary)."""
        return self._waveforms_type

    @waveforms_type.setter
    def waveforms_type(self, value):
        if value not in self.waveforms:
            logger.warning("%s: no waveform type %r (types: %s).", self.name, value,
                           ", ".join(self.waveforms_types))
            return
        self._waveforms_type = value

    @property
    def box_scaling(self):
        """Scaling of the channel boxes: (width, height) of the waveforms within their box."""
        return tuple(float(v) for v in self._box_scaling)

    @box_scaling.setter
    def box_scaling(self, value):
        self._box_scaling = np.clip(np.broadcast_to(np.asarray(value, dtype=np.float64), (2,)),
                                    1e-3, 1e3)
        self.boxed.scaling = self._box_scaling

    @property
    def probe_scaling(self):
        """Scaling of the entire probe: (x, y) factors of the distances between the boxes."""
        return tuple(float(v) for v in self._probe_scaling)

    @probe_scaling.setter
    def probe_scaling(self, value):
        self._probe_scaling = np.clip(
            np.broadcast_to(np.asarray(value, dtype=np.float64), (2,)), 1e-2, 1e2)
        self.boxed.box_bounds = probe_box_bounds(self._box_bounds, self._probe_scaling)

    # Data
    # ---------------------------------------------------------------------------------------------

    def _load(self, waveforms_type, cluster_id):
        """The Bunch of a cluster for a waveform type, with at most n_spikes_waveforms spikes."""
        f = self.waveforms[waveforms_type]
        n = int(self.n_spikes_waveforms)
        bunch = f(cluster_id, n_spikes=n) if self._takes_n_spikes[waveforms_type] else f(cluster_id)
        data = _check_bunch(bunch, waveforms_type, cluster_id)
        step = max(1, -(-data.shape[0] // n))
        out = Bunch(bunch)
        out.data = data[::step]
        out.masks = (np.ones(out.data.shape[::2], dtype=np.float32) if bunch.get("masks") is None
                     else np.asarray(bunch.masks, dtype=np.float32)[::step])
        if bunch.get("spike_ids") is not None:
            out.spike_ids = np.asarray(bunch.spike_ids)[::step]
        out.channel_ids = np.asarray(bunch.channel_ids, dtype=np.int64)
        return out

    def get_clusters_data(self, load_all=None):
        """Return the Bunch of each selected cluster, for the waveform type shown.

        Each Bunch has ``data`` (at most ``n_spikes_waveforms`` waveforms), ``channel_ids``,
        ``channel_positions``, ``masks`` and the other attributes returned by the waveform
        function (``spike_ids``...). ``load_all`` is not used (the view has no lasso).
        """
        return [self._load(self.waveforms_type, c) for c in self.cluster_ids]

    def _channels(self, bunches):
        """The displayed channels (union in order of appearance), their positions and labels."""
        ids, positions, labels = [], [], []
        for b in bunches:
            given = b.get("channel_labels")
            for i, c in enumerate(b.channel_ids):
                if c not in ids:
                    ids.append(int(c))
                    positions.append(np.asarray(b.channel_positions[i], dtype=np.float64))
                    labels.append(str(given[i]) if given is not None else str(c))
        return np.array(ids, dtype=np.int64), np.array(positions).reshape(-1, 2), labels

    def _cluster_x(self, slot, n_slots, n_samples):
        """X coordinates of the samples of a cluster's waveforms on each of its channels.

        Without overlap, the clusters sharing a box are side by side: the cluster takes the
        slot ``slot`` of ``n_slots`` equal parts of the box width (per channel).
        """
        x = np.linspace(-1.0, 1.0, n_samples)[None, :]
        slot, n_slots = np.asarray(slot)[:, None], np.asarray(n_slots)[:, None]
        if self.overlap:
            return np.broadcast_to(x, (len(slot), n_samples))
        width = 2.0 / n_slots
        side_by_side = -1.0 + width * (slot + 0.5) + 0.5 * width * CLUSTER_WIDTH_FILL * x
        return np.where(n_slots > 1, side_by_side, x)

    def prepare(self, cluster_ids):
        """Load the waveforms of the selected clusters and compute every vertex (worker thread).

        Returns
        -------
        data : Bunch
            ``waveforms_type``, ``channel_ids``, ``channel_labels``, ``box_bounds`` (before the
            probe scaling), ``data_scale`` (the amplitude drawn as half a box height: the
            type's scale, else the largest peak of the clusters' mean waveforms); the waveforms
            as ``pos`` (box coordinates), ``plot_sizes``, ``box_index`` (per vertex), ``masks``,
            ``plot_cluster`` (the index of the cluster of each waveform) and ``alpha`` (per
            cluster); the means as ``mean_pos``,
            ``mean_sizes``, ``mean_box``, ``mean_cluster``.

        """
        waveforms_type = self.waveforms_type
        bunches = [self._load(waveforms_type, c) for c in cluster_ids]
        channel_ids, positions, labels = self._channels(bunches)
        out = Bunch(
            cluster_ids=list(cluster_ids), waveforms_type=waveforms_type,
            channel_ids=channel_ids, channel_labels=labels,
            box_bounds=(get_non_overlapping_boxes(positions) if len(positions) else
                        np.array([[-1.0, -1.0, 1.0, 1.0]])))
        scale = self._data_scales.get(waveforms_type)
        if scale is None:  # The largest peak of the clusters' mean waveforms.
            peaks = [float(np.abs(b.data.mean(axis=0)).max()) for b in bunches if b.data.size]
            scale = max(peaks) if peaks and max(peaks) > 0 else None
        out.data_scale = scale
        out.update(self._waveform_vertices(bunches, channel_ids, 1.0 / (scale or 1.0)))
        return out

    def _waveform_vertices(self, bunches, channel_ids, gain):
        """Vertices of the waveforms and of their means, all clusters concatenated."""
        n_clusters = len(bunches)
        index = {int(c): i for i, c in enumerate(channel_ids)}
        boxes = [np.array([index[int(c)] for c in b.channel_ids], dtype=np.int64)
                 for b in bunches]
        present = np.zeros((n_clusters, len(channel_ids)), dtype=np.int64)
        for i, box in enumerate(boxes):
            present[i, box] = 1
        slots, n_slots = np.cumsum(present, axis=0) - 1, present.sum(axis=0)
        n_vertices = sum(b.data.size for b in bunches)
        pos = np.empty((n_vertices, 2), dtype=np.float32)
        box_index = np.empty(n_vertices, dtype=np.float32)
        sizes, means = [], []
        offset = 0
        for i, (b, box) in enumerate(zip(bunches, boxes)):
            n_spikes, n_samples, n_channels = b.data.shape
            n = b.data.size
            x = self._cluster_x(slots[i, box], n_slots[box], n_samples)
            block = pos[offset:offset + n].reshape(n_spikes, n_channels, n_samples, 2)
            block[..., 0] = x
            np.multiply(b.data.transpose(0, 2, 1), gain, out=block[..., 1], casting="unsafe")
            box_index[offset:offset + n].reshape(n_spikes, n_channels, n_samples)[:] = \
                box[None, :, None]
            offset += n
            sizes.append(np.full(n_spikes * n_channels, n_samples, dtype=np.int64))
            if n_spikes:
                mean = b.data.mean(axis=0, dtype=np.float64).T * gain  # (n_channels, n_samples)
                means.append(Bunch(
                    pos=np.stack(np.broadcast_arrays(x, mean), axis=-1).reshape(-1, 2),
                    box=box.astype(np.float32), sizes=np.full(n_channels, n_samples),
                    cluster=np.full(n_channels, i)))

        def cat(arrays, shape=(0,), dtype=np.float64):
            return np.concatenate(arrays) if arrays else np.zeros(shape, dtype=dtype)

        return Bunch(
            pos=pos, box_index=box_index, plot_sizes=cat(sizes, dtype=np.int64),
            masks=cat([b.masks.ravel() for b in bunches], dtype=np.float32),
            plot_cluster=np.repeat(np.arange(n_clusters), [len(s) for s in sizes]),
            alpha=[float(b.get("alpha", WAVEFORM_ALPHA if b.data.shape[0] > 1 else 1.0))
                   for b in bunches],
            mean_pos=cat([m.pos for m in means], (0, 2)),
            mean_box=cat([m.box for m in means], dtype=np.float32),
            mean_sizes=cat([m.sizes for m in means], dtype=np.int64),
            mean_cluster=cat([m.cluster for m in means], dtype=np.int64))

    # Drawing
    # ---------------------------------------------------------------------------------------------

    def _colors(self, data, opaque=False):
        """RGBA colour of each selected cluster, with the alpha of its waveforms (or opaque)."""
        return np.array([self.selected_color(i, 1.0 if opaque else alpha)
                         for i, alpha in enumerate(data.alpha)]).reshape(-1, 4)

    @staticmethod
    def _set(visual, visible, **kwargs):
        """Set the data of a visual and show it, or hide it."""
        if visible:
            visual.set_data(**kwargs)
            visual.show()
        else:
            visual.hide()

    def draw(self, data):
        """Draw the prepared waveforms, means and labels in the channel boxes (GUI thread)."""
        if data.data_scale is not None:
            self._data_scales.setdefault(data.waveforms_type, data.data_scale)
        self.channel_ids = data.channel_ids
        self._box_bounds = data.box_bounds
        self.boxed.box_bounds = probe_box_bounds(data.box_bounds, self._probe_scaling)
        colors = self._colors(data)
        self._set(
            self.waveform_visual, len(data.plot_sizes) > 0, pos=data.pos,
            plot_sizes=data.plot_sizes, color=colors[data.plot_cluster], masks=data.masks,
            box_index=data.box_index)
        # The means in the clusters' colours over a dark outline, to stand out of the waveforms.
        n_means = len(data.mean_sizes)
        mean_colors = self._colors(data, opaque=True)[data.mean_cluster]
        self._set(
            self.mean_visual, self.show_mean and n_means > 0,
            pos=np.concatenate([data.mean_pos, data.mean_pos]),
            plot_sizes=np.tile(data.mean_sizes, 2),
            color=np.concatenate([np.tile([0.0, 0.0, 0.0, 1.0], (n_means, 1)), mean_colors]),
            width=np.repeat([MEAN_OUTLINE_WIDTH, MEAN_WIDTH], n_means),
            box_index=np.tile(data.mean_box, 2))
        n_channels = len(data.channel_ids)
        self._set(
            self.label_visual, self.do_show_labels and n_channels > 0,
            pos=np.tile([-1.0, 0.0], (n_channels, 1)), text=data.channel_labels,
            anchor=(1.0, 1.2), box_index=np.arange(n_channels))

    def update_status(self, suffix=""):
        """Update the status text in the dock title bar: the waveform type shown."""
        n = len(self.channel_ids)
        channels = f", {n} channel{'s' if n != 1 else ''}" if n else ""
        self.set_dock_status(f"{self.waveforms_type}{channels}{suffix}")

    # Actions
    # ---------------------------------------------------------------------------------------------

    def attach(self, gui):
        """Attach the view to the GUI, with its actions."""
        super().attach(gui)
        add = self.actions.add
        add(self.toggle_waveform_overlap, checkable=True, checked=self.overlap)
        add(self.toggle_show_labels, checkable=True, checked=self.do_show_labels)
        add(self.toggle_mean_waveforms, checkable=True, checked=self.show_mean)
        add(self.next_waveforms_type)
        add(self.previous_waveforms_type)
        add(self.change_n_spikes_waveforms, prompt=True,
            prompt_default=lambda: str(self.n_spikes_waveforms))
        self.actions.separator()
        for f in (self.increase, self.decrease, self.widen, self.narrow,
                  self.extend_horizontally, self.shrink_horizontally,
                  self.extend_vertically, self.shrink_vertically, self.reset_scaling):
            add(f)
        self.actions.separator()

    def toggle_waveform_overlap(self, checked):
        """Toggle the overlap of the waveforms (else the clusters are side by side)."""
        self.overlap = bool(checked)
        self._set_checked("toggle_waveform_overlap", self.overlap)
        self.plot()

    def toggle_show_labels(self, checked):
        """Whether to show the channel ids or not."""
        self.do_show_labels = bool(checked)
        self._set_checked("toggle_show_labels", self.do_show_labels)
        self.redraw()

    def toggle_mean_waveforms(self, checked):
        """Show the mean waveform of each cluster as a thick line over its waveforms."""
        self.show_mean = bool(checked)
        self._set_checked("toggle_mean_waveforms", self.show_mean)
        self.redraw()

    def change_waveforms_type(self, waveforms_type):
        """Show another waveforms type (a key of the waveforms dictionary), rescaled."""
        self.waveforms_type = waveforms_type
        self._data_scales.pop(self.waveforms_type, None)  # Rescaled on the next drawing.
        self.plot()

    def _cycle_waveforms_type(self, step):
        i = self.waveforms_types.index(self.waveforms_type)
        self.change_waveforms_type(self.waveforms_types[(i + step) % len(self.waveforms_types)])

    def next_waveforms_type(self):
        """Switch to the next waveforms type (the amplitudes are rescaled)."""
        self._cycle_waveforms_type(1)

    def previous_waveforms_type(self):
        """Switch to the previous waveforms type (the amplitudes are rescaled)."""
        self._cycle_waveforms_type(-1)

    def change_n_spikes_waveforms(self, n_spikes_waveforms):
        """Change the largest number of waveforms shown per cluster."""
        self.n_spikes_waveforms = max(1, int(n_spikes_waveforms))
        self.plot()

    def _scale_boxes(self, x=1.0, y=1.0):
        self.box_scaling = self._box_scaling * (x, y)

    def _scale_probe(self, x=1.0, y=1.0):
        self.probe_scaling = self._probe_scaling * (x, y)

    def increase(self):
        """Increase the scaling parameter (the amplitude of the waveforms)."""
        self._scale_boxes(y=self.box_scaling_coeff)

    def decrease(self):
        """Decrease the scaling parameter (the amplitude of the waveforms)."""
        self._scale_boxes(y=1 / self.box_scaling_coeff)

    def widen(self):
        """Increase the horizontal scaling of the waveforms."""
        self._scale_boxes(x=self.box_scaling_coeff)

    def narrow(self):
        """Decrease the horizontal scaling of the waveforms."""
        self._scale_boxes(x=1 / self.box_scaling_coeff)

    def extend_horizontally(self):
        """Increase the horizontal scaling of the probe."""
        self._scale_probe(x=self.probe_scaling_coeff)

    def shrink_horizontally(self):
        """Decrease the horizontal scaling of the probe."""
        self._scale_probe(x=1 / self.probe_scaling_coeff)

    def extend_vertically(self):
        """Increase the vertical scaling of the probe."""
        self._scale_probe(y=self.probe_scaling_coeff)

    def shrink_vertically(self):
        """Decrease the vertical scaling of the probe."""
        self._scale_probe(y=1 / self.probe_scaling_coeff)

    def reset_scaling(self):
        """Reset the box and probe scalings to the default values."""
        self.box_scaling = (1.0, 1.0)
        self.probe_scaling = (1.0, 1.0)

    # Mouse and keys
    # ---------------------------------------------------------------------------------------------

    def on_mouse_wheel(self, e):
        """Change the box size (width and amplitude of the waveforms) with control+wheel."""
        super().on_mouse_wheel(e)
        dx, dy = e.delta
        steps = dy or dx
        if e.modifiers == ("Control",) and steps:
            k = self.box_scaling_coeff ** np.sign(steps)
            self._scale_boxes(k, k)

    def on_key_press(self, e):
        """Remember a number key held (1-9), for a click on a channel."""
        if e.key in tuple("123456789"):
            self._number_key = int(e.key)

    def on_key_release(self, e):
        """Forget the number key held."""
        if e.key in tuple("123456789"):
            self._number_key = None

    def on_mouse_click(self, e):
        """Select a channel by clicking on a box in the waveform view.

        Control+click (or a click with a number key held) emits ``channel_click`` on the bus
        with the ``channel_id`` of the box, the number ``key`` held (or None) and the
        ``button``: the feature view shows the channel as PC A (left) or PC B (right).
        """
        key = self._number_key
        if ("Control" not in e.modifiers and key is None) or not len(self.channel_ids):
            return
        box, _ = self.boxed.box_map(e.pos)
        channel_id = int(self.channel_ids[box])
        logger.debug("Click on channel %d with key %s and button %s.", channel_id, key, e.button)
        emit(ev.CHANNEL_CLICK, self, channel_id=channel_id, key=key, button=e.button)
