"""The feature view: a grid of projections of the spikes on principal components and attributes.

Each subplot of the grid (4 x 4 by default) shows two dimensions of the spikes of the selected
clusters, over a subset of all spikes in grey (the background). A dimension is written as in
phy 2: a *relative* channel index and a principal component letter (``'0A'``: first PC of the
first shown channel, ``'1B'``: second PC of the second channel), or the name of a spike
attribute (``'time'``). A subplot is ``'x,y'``: ``'time,0A'`` shows the first PC of the first
channel as a function of time. The default grid has time on the diagonal and the four dimensions
``0A 1A 0B 1B`` against each other elsewhere; :meth:`FeatureView.set_grid_dim` changes it.

The shown channels are the best channels of the first selected cluster (those it shares with
the other selected clusters first), unless they are fixed: after a channel click in the waveform
view (``channel_click`` on the bus: the clicked channel becomes the first or second channel), or
when the automatic channel selection is off (``c``). All the principal-component subplots share
one scale (the largest absolute value among the selected clusters' shown features), divided by
``scaling`` (``ctrl++`` / ``ctrl+-``, control+wheel); attributes span their whole range.

Control+click draws a lasso in a subplot; the split (``k``) takes every spike of the selected
clusters inside it, all of them and not only those shown (``features(..., load_all=True)``).
Alt+click on a subplot chooses its x (left button) or y (right button) dimension: the view
emits ``select_feature`` on the bus (the amplitude view may show that feature).
"""

import logging
import re

import numpy as np

from phy.plot import LineVisual, ScatterVisual, TextVisual
from phy.utils import Bunch, connect, emit
from phy.utils import bus_events as ev

from .base import ManualClusteringView
from .mixins import (
    MARKER_SIZE_SETTING,
    SCALING_SETTING,
    LassoMixin,
    MarkerSizeMixin,
    ScalingMixin,
)

logger = logging.getLogger(__name__)

#: A principal-component dimension: relative channel index and PC letter.
_PC_DIM = re.compile(r"^(\d+)([A-Z])$")
#: Colour of the background spikes.
BACKGROUND_COLOR = (0.5, 0.5, 0.5, 0.5)
#: Colour of the zero lines and of the subplot labels.
_LINE_COLOR = (1.0, 1.0, 1.0, 0.2)
_LABEL_COLOR = (1.0, 1.0, 1.0, 0.6)


def default_grid_dim(attribute="time"):
    """The default 4 x 4 grid: ``0A 1A 0B 1B`` against each other, `attribute` on the diagonal.

    Without an attribute (None), the diagonal shows the next dimension instead.
    """
    dims = ["0A", "1A", "0B", "1B"]
    return [[f"{attribute or dims[(i + 1) % 4]},{dims[i]}" if i == j else f"{dims[j]},{dims[i]}"
             for j in range(4)] for i in range(4)]


def parse_dim(dim, attributes=()):
    """Parse a dimension name: ``('attr', name)`` or ``('pc', channel_index, pc_index)``.

    Raises a ValueError naming the dimension when it is neither an attribute nor ``<int><A-Z>``.
    """
    dim = str(dim).strip()
    if dim in attributes:
        return ("attr", dim)
    match = _PC_DIM.match(dim)
    if match is None:
        raise ValueError(
            f"Invalid feature dimension {dim!r}: use a relative channel and a PC letter ('0A', "
            f"'1B'...) or an attribute ({', '.join(attributes) or 'none'}).")
    return ("pc", int(match.group(1)), ord(match.group(2)) - ord("A"))


def _check_grid_dim(grid_dim, attributes):
    """Return the grid as a list of rows of ``'x,y'`` strings, or raise a ValueError."""
    rows = [[str(cell).replace(" ", "") for cell in row] for row in np.atleast_2d(
        np.asarray(grid_dim, dtype=object))]
    if not rows or not rows[0] or len({len(row) for row in rows}) != 1:
        raise ValueError(f"The feature grid must be a non-empty 2D array, got {grid_dim!r}.")
    for row in rows:
        for cell in row:
            dims = cell.split(",")
            if len(dims) != 2:
                raise ValueError(f"Invalid feature subplot {cell!r}: write two dimensions 'x,y'.")
            for dim in dims:
                parse_dim(dim, attributes)
    return rows


def _choose_channels(bunches):
    """The first cluster's channels, those shared by all the selected clusters first."""
    first = [int(c) for c in bunches[0].channel_ids]
    others = [set(int(c) for c in b.channel_ids) for b in bunches[1:]]
    common = [c for c in first if all(c in s for s in others)]
    return common + [c for c in first if c not in common]


def _on_channels(bunch, channel_ids):
    """The ``(n_spikes, len(channel_ids), n_pcs)`` features of a bunch on some channels.

    Returns None when the bunch lacks one of the channels.
    """
    index = {int(c): i for i, c in enumerate(bunch.channel_ids)}
    if not all(int(c) in index for c in channel_ids):
        return None
    return np.asarray(bunch.data)[:, [index[int(c)] for c in channel_ids], :]


class FeatureView(LassoMixin, ScalingMixin, MarkerSizeMixin, ManualClusteringView):
    """A 4x4 subplot matrix with different projections of the principal component features.

    The view keeps track of which channels are currently shown (``channel_ids``).

    Parameters
    ----------
    features : function
        Maps ``(cluster_id, channel_ids=None, load_all=False)`` to
        ``Bunch(data, channel_ids, channel_labels, spike_ids, masks)``:

        * ``data``: ``(n_spikes, n_channels, n_features)`` array;
        * ``channel_ids``: the channel of every row of ``data`` (best channels first when the
          call gives no ``channel_ids``; the requested ones otherwise);
        * ``channel_labels`` (optional): the label of each of these channels;
        * ``spike_ids``: ``(n_spikes,)`` array;
        * ``masks`` (optional, not used by the view): ``(n_spikes, n_channels)``.

        A subset of the cluster's spikes (the controller's choice, e.g. 2,500), or all of them
        with ``load_all=True`` (lasso splits). ``cluster_id=None`` asks for the background: a
        subset of all spikes on the given channels (None: no background).
    attributes : dict
        Maps an attribute name to a 1D array with ``n_spikes`` numbers (e.g. spike times),
        indexed by spike id.
    grid_dim : array-like (2D)
        The initial grid (see :meth:`set_grid_dim`); :func:`default_grid_dim` by default.

    """

    default_marker_size = 3.0
    default_shortcuts = {
        "increase": "ctrl++",
        "decrease": "ctrl+-",
        "toggle_automatic_channel_selection": "c",
    }
    state_attrs = ("scaling", "marker_size", "fixed_channels", "grid_dim")
    settings = (MARKER_SIZE_SETTING, SCALING_SETTING)

    def __init__(self, features=None, attributes=None, grid_dim=None, **kwargs):
        super().__init__(**kwargs)
        self.features = features
        self.attributes = dict(attributes or {})
        self._attribute_bounds = {
            name: self._bounds_of(values) for name, values in self.attributes.items()}
        default = default_grid_dim(
            "time" if "time" in self.attributes else next(iter(self.attributes), None))
        self.grid_dim = _check_grid_dim(default if grid_dim is None else grid_dim,
                                        self.attributes)
        #: Whether the channels stay as they are when the selection changes.
        self.fixed_channels = False
        #: The shown channels (the grid's relative channel k is ``channel_ids[k]``).
        self.channel_ids = None
        self.channel_labels = {}

        self.canvas.set_layout("grid", shape=self._shape)
        self.canvas.layout.add_boxes(self.canvas)
        self.canvas.enable_panzoom()
        self.background_visual = ScatterVisual()
        self.line_visual = LineVisual()
        self.visual = ScatterVisual()
        self.text_visual = TextVisual(color=_LABEL_COLOR)
        for visual in (self.line_visual, self.background_visual, self.visual):
            self.canvas.add_visual(visual)
        self.canvas.add_visual(self.text_visual, exclude_origins=(self.canvas.panzoom,))

    @staticmethod
    def _bounds_of(values):
        values = np.asarray(values, dtype=np.float64)
        finite = values[np.isfinite(values)]
        vmin, vmax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        return (vmin, vmax) if vmax > vmin else (vmin - 1.0, vmax + 1.0)

    @property
    def _shape(self):
        return len(self.grid_dim), len(self.grid_dim[0])

    # Data
    # ---------------------------------------------------------------------------------------------

    def _n_used_channels(self, grid_dim):
        """Number of shown channels the grid refers to (largest relative channel + 1)."""
        dims = [parse_dim(d, self.attributes) for row in grid_dim for cell in row
                for d in cell.split(",")]
        return max([d[1] + 1 for d in dims if d[0] == "pc"], default=0)

    def _load(self, cluster_ids, channel_ids, n_used, load_all=False):
        """The features of the selected clusters on their shown channels.

        Returns ``(channel_ids, sources, labels)``: the shown channels (``channel_ids`` when
        given, else chosen from the clusters), one ``Bunch(spike_ids, pcs)`` per cluster (``pcs``
        being ``(n_spikes, n_used, n_pcs)``: the features on the first `n_used` channels), and
        the ``{channel_id: label}`` of the channels of the features.
        """
        # Given channels: only those the grid uses are loaded (all the spikes of a big cluster
        # on many channels would not fit in memory).
        request = list(channel_ids)[:n_used] if channel_ids is not None else None
        bunches = [self.features(c, channel_ids=request, load_all=load_all) for c in cluster_ids]
        labelled = [b for b in bunches if b is not None and len(b.channel_ids)]
        if not labelled:
            return channel_ids, [None] * len(cluster_ids), {}
        channels = list(channel_ids) if channel_ids is not None else _choose_channels(labelled)
        used = channels[:n_used]
        sources = []
        for cluster_id, bunch in zip(cluster_ids, bunches):
            if bunch is None:
                sources.append(None)
                continue
            source = self._source(bunch, used)
            if source is None:  # This cluster's features lack some shown channels: ask them.
                source = self._source(
                    self.features(cluster_id, channel_ids=used, load_all=load_all), used)
            sources.append(source)
        return channels, sources, self._labels(labelled)

    @staticmethod
    def _source(bunch, channel_ids):
        """``Bunch(spike_ids, pcs)``: the features of a bunch on some channels, or None.

        ``pcs`` is ``(n_spikes, len(channel_ids), n_pcs)``; the spikes without features (NaN)
        are left out. None when the bunch lacks one of the channels.
        """
        pcs = _on_channels(bunch, channel_ids)
        if pcs is None:
            return None
        spike_ids = np.asarray(bunch.spike_ids)
        keep = np.isfinite(pcs).all(axis=(1, 2))
        if not keep.all():
            spike_ids, pcs = spike_ids[keep], pcs[keep]
        return Bunch(spike_ids=spike_ids, pcs=pcs)

    @staticmethod
    def _labels(bunches):
        """The ``{channel_id: label}`` of the channels of some feature bunches (id by default)."""
        out = {}
        for b in bunches:
            labels = b.get("channel_labels")
            for i, c in enumerate(b.channel_ids):
                out.setdefault(int(c), str(labels[i]) if labels is not None else str(int(c)))
        return out

    def _values(self, source, dim):
        """The values of one parsed dimension for the spikes of a source (None if absent)."""
        if dim[0] == "attr":
            return np.asarray(self.attributes[dim[1]][source.spike_ids], dtype=np.float64)
        _, channel, pc = dim
        if channel >= source.pcs.shape[1] or pc >= source.pcs.shape[2]:
            return None
        return np.asarray(source.pcs[:, channel, pc], dtype=np.float64)

    def _cells(self, grid_dim):
        """``(box, dim_x, dim_y)`` of every subplot, dimensions parsed."""
        return [((i, j), *(parse_dim(d, self.attributes) for d in cell.split(",")))
                for i, row in enumerate(grid_dim) for j, cell in enumerate(row)]

    def _cell_positions(self, source, dims):
        """``(n, 2)`` positions of a source in one subplot, or None when a dimension is absent."""
        x, y = (self._values(source, d) for d in dims)
        if x is None or y is None:
            return None
        return np.column_stack([x, y])

    def _dim_bounds(self, dim, pc_bound, scaling=1.0):
        """Data bounds ``(vmin, vmax)`` of a dimension: scaled PC bounds, or attribute range."""
        if dim[0] == "attr":
            return self._attribute_bounds[dim[1]]
        return (-pc_bound / scaling, pc_bound / scaling)

    def _cell_bounds(self, dims, pc_bound, scaling=1.0):
        """Data bounds ``(xmin, ymin, xmax, ymax)`` of a subplot."""
        (x0, x1), (y0, y1) = (self._dim_bounds(d, pc_bound, scaling) for d in dims)
        return (x0, y0, x1, y1)

    @staticmethod
    def _pc_bound(sources):
        """Largest absolute feature value of the sources (1 when there is none)."""
        bound = max((float(np.abs(s.pcs).max()) for s in sources
                     if s is not None and s.pcs.size), default=0.0)
        return bound if bound > 0 else 1.0

    def _points(self, source, cells, pc_bound):
        """The points of a source in the subplots, to draw (None if none).

        ``Bunch(pos, box_index, pc_axes)``: ``pos`` in the NDC of the subplots at scaling 1
        (float32), ``pc_axes`` whether each coordinate is a PC (the scaling applies to it).
        """
        normalized = {}

        def norm(dim):
            if dim not in normalized:
                v = self._values(source, dim)
                if v is not None:
                    lo, hi = self._dim_bounds(dim, pc_bound)
                    v = (2.0 * (v - lo) / (hi - lo) - 1.0).astype(np.float32)
                normalized[dim] = v
            return normalized[dim]

        pos, boxes, pc_axes = [], [], []
        for cell in cells:
            x, y = (norm(d) for d in cell.dims)
            if x is None or y is None or not len(x):
                continue
            pos.append(np.column_stack([x, y]))
            boxes.append(np.broadcast_to(np.array(cell.box, dtype=np.float32), (len(x), 2)))
            pc_axes.append(np.broadcast_to([d[0] == "pc" for d in cell.dims], (len(x), 2)))
        if not pos:
            return None
        return Bunch(pos=np.concatenate(pos), box_index=np.concatenate(boxes),
                     pc_axes=np.concatenate(pc_axes))

    def prepare(self, cluster_ids, fixed_channels=False):
        """Load the features of the selected clusters and of the background (worker thread).

        The channels are the view's current ones when ``fixed_channels`` (a channel click) or
        ``self.fixed_channels`` is set and the view has channels, else chosen from the clusters.
        """
        grid_dim = [list(row) for row in self.grid_dim]
        fixed = (fixed_channels or self.fixed_channels) and self.channel_ids is not None
        channel_ids = list(self.channel_ids) if fixed else None
        out = Bunch(cluster_ids=list(cluster_ids), grid_dim=grid_dim, channel_ids=channel_ids,
                    channel_labels={}, cells=[], clusters=[], background=None, pc_bound=1.0)
        if not cluster_ids:
            return out
        n_used = self._n_used_channels(grid_dim)
        channel_ids, sources, labels = self._load(cluster_ids, channel_ids, n_used)
        loaded = [s for s in sources if s is not None]
        if channel_ids is None or not loaded:
            return out
        used = channel_ids[:n_used]
        background = self.features(None, channel_ids=used, load_all=False) if used else None
        background = self._source(background, used) if background is not None else None
        n_pcs = max(s.pcs.shape[2] for s in loaded)
        # The subplots whose dimensions exist (the others stay empty).
        cells = [Bunch(box=box, dims=dims) for box, *dims in self._cells(grid_dim)
                 if all(d[0] == "attr" or (d[1] < len(used) and d[2] < n_pcs) for d in dims)]
        out.pc_bound = pc_bound = self._pc_bound(sources)
        out.update(
            channel_ids=channel_ids, channel_labels=labels, cells=cells,
            clusters=[self._points(s, cells, pc_bound) if s is not None else None
                      for s in sources],
            background=self._points(background, cells, pc_bound) if background else None)
        return out

    def get_clusters_data(self, fixed_channels=None, load_all=None):
        """Return one Bunch per selected cluster and subplot, with attributes pos and spike_ids.

        Also ``data_bounds`` (those drawn), ``box_index`` and ``cluster_id``. The channels are
        the shown ones when ``fixed_channels`` or ``load_all`` is set (else chosen from the
        clusters). With ``load_all``, every spike of the clusters, and only the subplot of the
        lasso when there is one (a lasso split).
        """
        if not self.cluster_ids:
            return []
        data = self._data
        grid_dim = data.grid_dim if data is not None else self.grid_dim
        n_used = self._n_used_channels(grid_dim)
        channel_ids = (list(self.channel_ids) if (fixed_channels or load_all)
                       and self.channel_ids is not None else None)
        channel_ids, sources, _ = self._load(self.cluster_ids, channel_ids, n_used, load_all)
        pc_bound = data.pc_bound if data is not None else self._pc_bound(sources)
        lasso_box = self.canvas.lasso.box if load_all and self.canvas.lasso.count else None
        out = []
        for box, *dims in self._cells(grid_dim):
            if lasso_box is not None and tuple(box) != tuple(lasso_box):
                continue
            bounds = self._cell_bounds(dims, pc_bound, self.scaling)
            for cluster_id, source in zip(self.cluster_ids, sources):
                pos = self._cell_positions(source, dims) if source is not None else None
                if pos is not None:
                    out.append(Bunch(pos=pos, spike_ids=source.spike_ids, data_bounds=bounds,
                                     box_index=box, cluster_id=cluster_id))
        return out

    # Drawing
    # ---------------------------------------------------------------------------------------------

    def _label(self, dim, channel_ids):
        if dim[0] == "attr":
            return dim[1]
        _, k, pc = dim
        channel = channel_ids[k] if k < len(channel_ids) else None
        name = self.channel_labels.get(channel, str(channel)) if channel is not None else "?"
        return f"{name}{chr(ord('A') + pc)}"

    def draw(self, data):
        """Draw the background, the selected clusters, the zero lines and the labels."""
        self.channel_ids = data.channel_ids
        self.channel_labels.update(data.channel_labels)
        shape = (len(data.grid_dim), len(data.grid_dim[0]))
        if self.canvas.layout.shape != shape:
            self.canvas.layout.shape = shape
        visuals = (self.visual, self.background_visual, self.line_visual, self.text_visual)
        for visual in visuals:
            visual.reset_batch()
        self._add_points(self.background_visual, data.background, BACKGROUND_COLOR)
        for i, points in enumerate(data.clusters):
            self._add_points(self.visual, points, self.selected_color(i))
        self._add_decorations(data.cells, data.channel_ids or [])
        for visual in visuals:
            if not visual.has_batch_data:
                visual.add_batch_data(**self._empty_data(visual))
            self.canvas.update_visual(visual)

    @staticmethod
    def _empty_data(visual):
        if isinstance(visual, TextVisual):
            return dict(pos=np.zeros((0, 2)), text=[])
        if isinstance(visual, LineVisual):
            return dict(pos=np.zeros((0, 4)))
        return dict(pos=np.zeros((0, 2)))

    def _add_points(self, visual, points, color):
        """Add prepared points to a visual, the PC coordinates multiplied by the scaling."""
        if points is None:
            return
        scale = np.where(points.pc_axes, np.float32(self.scaling), np.float32(1))
        visual.add_batch_data(pos=points.pos * scale, color=color, size=self.marker_size,
                              box_index=points.box_index)

    def _add_decorations(self, cells, channel_ids):
        """Zero lines of the PC dimensions and the x / y labels of every subplot."""
        segments, line_boxes, texts, anchors, text_boxes = [], [], [], [], []
        for cell in cells:
            dim_x, dim_y = cell.dims
            if dim_x[0] == "pc":
                segments.append((0, -1, 0, 1))
                line_boxes.append(cell.box)
            if dim_y[0] == "pc":
                segments.append((-1, 0, 1, 0))
                line_boxes.append(cell.box)
            texts += [self._label(dim_x, channel_ids), self._label(dim_y, channel_ids)]
            anchors += [(-1.1, 1.2), (1.1, -1.2)]  # x at the bottom right, y at the top left
            text_boxes += [cell.box, cell.box]
        if segments:
            self.line_visual.add_batch_data(
                pos=np.array(segments, dtype=np.float64), color=_LINE_COLOR,
                box_index=np.array(line_boxes))
        if texts:
            corners = np.array([(1, -1), (-1, 1)] * len(cells), dtype=np.float64)
            self.text_visual.add_batch_data(
                pos=corners, text=texts, anchor=np.array(anchors),
                box_index=np.array(text_boxes))

    def update_status(self):
        """Show the channels in the dock title bar."""
        if self.channel_ids is None:
            return
        labels = ", ".join(self.channel_labels.get(c, str(c)) for c in self.channel_ids[:4])
        self.set_dock_status(
            f"channels {labels}{', ...' if len(self.channel_ids) > 4 else ''}"
            f"{' (fixed)' if self.fixed_channels else ''}")

    # Parameters and actions
    # ---------------------------------------------------------------------------------------------

    def set_state(self, state):
        """Set the view state; a saved grid that does not fit this dataset is ignored."""
        state = dict(state)
        grid_dim = state.pop("grid_dim", None)
        super().set_state(state)
        if grid_dim is None:
            return
        try:
            self.grid_dim = _check_grid_dim(grid_dim, self.attributes)
        except ValueError as e:
            logger.warning("Ignoring the saved feature grid: %s", e)

    def set_grid_dim(self, grid_dim):
        """Change the grid dim dynamically.

        Parameters
        ----------
        grid_dim : array-like (2D)
            ``grid_dim[row][col]`` is a string with two values separated by a comma. Each value
            is the relative channel id (0, 1, 2...) followed by the PC (A, B, C...). For
            example, ``grid_dim[row][col] = '0B,1A'``. Each value can also be an attribute
            name, for example ``time``: ``grid_dim[row][col] = 'time,2C'``. The grid may have
            any number of rows and columns.

        """
        self.grid_dim = _check_grid_dim(grid_dim, self.attributes)
        self.plot()

    def toggle_automatic_channel_selection(self, checked):
        """Toggle the automatic selection of channels when the cluster selection changes."""
        self.fixed_channels = not checked
        self.update_status()

    def clear_channels(self):
        """Reset the current channels."""
        self.channel_ids = None
        self.plot()

    def attach(self, gui):
        """Attach the view to the GUI, and follow the channel clicks of the waveform view."""
        super().attach(gui)
        self.actions.add(self.toggle_automatic_channel_selection, checkable=True,
                         checked=not self.fixed_channels)
        self.actions.add(self.clear_channels)
        connect(self.on_channel_click, event=ev.CHANNEL_CLICK)

    def on_channel_click(self, sender=None, channel_id=None, key=None, button=None):
        """Respond to the click on a channel from another view, and update the relevant subplots.

        The clicked channel becomes the first shown channel (left button: dimensions ``0A``,
        ``0B``...), the second one (right button: ``1A``, ``1B``...), or channel ``key - 1``
        when a number key is held; a channel already shown swaps places. The channels then stay
        fixed until the next selection (or for good when the automatic selection is off).
        """
        if self.channel_ids is None or channel_id is None:
            return
        channels = list(self.channel_ids)
        d = int(np.clip(key - 1, 0, len(channels) - 1)) if key else (
            0 if button == "Left" else min(1, len(channels) - 1))
        channel_id = int(channel_id)
        if channels[d] == channel_id:
            return
        if channel_id in channels:
            channels[channels.index(channel_id)] = channels[d]
        channels[d] = channel_id
        self.channel_ids = channels
        logger.debug("Feature view channels: %s.", channels[:2])
        self.plot(fixed_channels=True)

    def on_mouse_click(self, e):
        """Select a feature dimension by clicking on a box in the feature view (alt+click).

        Left button: the x dimension of the subplot; right button: its y dimension. Emits
        ``select_feature(view, dim=, channel_id=, pc=)`` on the bus.
        """
        if e.modifiers != ("Alt",) or e.button not in ("Left", "Right"):
            return
        (i, j), _ = self.canvas.layout.box_map(e.pos)
        if i >= len(self.grid_dim) or j >= len(self.grid_dim[0]):
            return
        names = self.grid_dim[i][j].split(",")
        if e.button == "Right":
            names = names[::-1]
        dim, other = (parse_dim(d, self.attributes) for d in names)
        pc_dim = dim if dim[0] == "pc" else other
        channels = self.channel_ids or []
        channel_id = (channels[pc_dim[1]] if pc_dim[0] == "pc" and pc_dim[1] < len(channels)
                      else None)
        pc = dim[2] if dim[0] == "pc" else None
        emit(ev.SELECT_FEATURE, self, dim=names[0], channel_id=channel_id, pc=pc)

    def on_mouse_wheel(self, e):
        """Change the scaling with control+wheel (alt+wheel: the marker size)."""
        super().on_mouse_wheel(e)
        dx, dy = e.delta
        steps = dy or dx
        if e.modifiers == ("Control",) and steps:
            self.scaling *= self.scaling_increment ** np.sign(steps)
