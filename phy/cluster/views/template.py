"""The template view: every cluster's template in a grid of channels (rows) by clusters (columns).

The templates are fetched once per cluster and kept; a merge or a split fetches the templates of
the new clusters only. The positions of all the template curves are computed in one vectorized
pass (the columns follow the cluster order), the colours are per-curve (a texture) so that a new
selection only changes them.
"""

import numpy as np

from phy.plot import PlotVisual, TextVisual
from phy.utils import Bunch

from .all_clusters import AllClustersMixin
from .base import ManualClusteringView
from .mixins import SCALING_SETTING, ScalingMixin

#: Fraction of the width of a column taken by the templates.
COLUMN_FILL = 0.9
#: Height of the largest template, in rows, at scaling 1.
TEMPLATE_HEIGHT = 6.0
#: Width of the margin with the channel labels, in NDC.
LABEL_MARGIN = 0.12


def _template_curves(bunch, channel_rows, amplitude):
    """The curves of one cluster: y ``(n_curves, n_samples)`` in [-1, 1], the row of each."""
    template = np.asarray(bunch.template, dtype=np.float32)
    channels = np.asarray(bunch.channel_ids)
    if template.ndim != 2 or template.shape[1] != len(channels):
        raise ValueError(
            f"TemplateView: a template of shape {template.shape} for {len(channels)} channels.")
    keep = np.array([c in channel_rows for c in channels.tolist()], dtype=bool)
    rows = np.array([channel_rows[c] for c in channels[keep].tolist()], dtype=np.int64)
    return Bunch(y=template[:, keep].T / amplitude, rows=rows)


class TemplateView(AllClustersMixin, ScalingMixin, ManualClusteringView):
    """Show all template waveforms of all clusters in a grid `(n_channels, n_clusters)`.

    Constructor
    -----------
    templates : function
        Maps cluster_ids to a list of `[Bunch(template, channel_ids)]` where `template` is an
        `(n_samples, n_channels)` array, and `channel_ids` specifies the channels of the
        `template` array (sparse format).
    channel_ids : array-like
        The list of all channel ids (the rows, from top to bottom).
    channel_labels : list
        Labels of all shown channels. By default, this is just the channel ids.
    cluster_ids : array-like
        The list of all clusters to show initially.
    cluster_color_selector : ClusterColorSelector
        The object managing the color mapping.

    """

    default_shortcuts = {"increase": "ctrl+alt++", "decrease": "ctrl+alt+-"}
    state_attrs = ("scaling",)
    settings = (SCALING_SETTING,)

    def __init__(self, templates=None, channel_ids=None, channel_labels=None, cluster_ids=None,
                 cluster_color_selector=None, **kwargs):
        super().__init__(**kwargs)
        self.templates = templates
        self.channel_ids = np.asarray(channel_ids if channel_ids is not None else [])
        self.channel_labels = [str(c) for c in (
            channel_labels if channel_labels is not None else self.channel_ids.tolist())]
        if len(self.channel_labels) != len(self.channel_ids):
            raise ValueError(
                f"TemplateView: {len(self.channel_labels)} channel labels for "
                f"{len(self.channel_ids)} channels.")
        self._channel_rows = {int(c): i for i, c in enumerate(self.channel_ids.tolist())}
        self.init_all_clusters(cluster_ids, cluster_color_selector)
        self._curves = {}  # cluster id -> Bunch(y, rows), y normalized by the amplitude
        self.amplitude = None  # The peak amplitude of all the templates, set at first draw.
        self._layout = None  # (cluster order, scaling, size) of the positions drawn.
        self._curve_cluster = np.zeros(0, dtype=np.int64)  # The cluster of each curve drawn.

        self.canvas.enable_panzoom()
        self.visual = PlotVisual()
        self.canvas.add_visual(self.visual)
        self.label_visual = TextVisual(color=(1.0, 1.0, 1.0, 0.75))
        self.canvas.add_visual(self.label_visual)

    # Data
    # ---------------------------------------------------------------------------------------------

    def _fetch(self, cluster_ids):
        """The templates of clusters (a list of Bunch), checked."""
        cluster_ids = [int(c) for c in cluster_ids]
        if not cluster_ids:
            return []
        bunchs = list(self.templates(cluster_ids))
        if len(bunchs) != len(cluster_ids):
            raise ValueError(
                f"TemplateView: templates() returned {len(bunchs)} templates for "
                f"{len(cluster_ids)} clusters.")
        return bunchs

    def _fetch_missing(self):
        """Fetch the templates of the clusters shown that were not fetched yet, keep them.

        Runs in ``prepare`` (worker thread) and after clustering changes: ``_curves`` is a
        cache of the data function (the first templates set the amplitude), not a drawing state.
        """
        missing = [c for c in self.all_cluster_ids.tolist() if c not in self._curves]
        bunchs = self._fetch(missing)
        if self.amplitude is None and bunchs:
            peaks = [np.abs(np.asarray(b.template)).max(initial=0) for b in bunchs]
            self.amplitude = float(max(peaks)) or 1.0
        for cluster_id, bunch in zip(missing, bunchs):
            self._curves[cluster_id] = _template_curves(bunch, self._channel_rows, self.amplitude)

    def prepare(self, cluster_ids):
        """Fetch the templates of the clusters shown that were not fetched yet."""
        self._fetch_missing()
        return Bunch()

    def draw(self, data):
        """Draw the templates (positions when the clusters or the scaling changed), colours."""
        self._update_positions()
        self.update_color()

    def on_clusters_changed(self, up):
        """Show a clustering change, a new order or new clusters, fetching only new templates."""
        if up is not None:
            for cluster_id in up.deleted:
                self._curves.pop(int(cluster_id), None)
        self._fetch_missing()
        self._update_positions()
        self.update_color()

    def set_spike_clusters(self, spike_clusters):
        """The spike clusters changed: the templates of the clusters shown are fetched again."""
        self._curves = {}
        self.plot()

    # Drawing
    # ---------------------------------------------------------------------------------------------

    def _shown(self):
        """The clusters shown that have their templates (in order)."""
        return [c for c in self.all_cluster_ids.tolist() if c in self._curves]

    def _column_bounds(self):
        """X of the left edge of the columns, and the width of one column (NDC)."""
        n = max(len(self._shown()), 1)
        return -1.0 + LABEL_MARGIN, (2.0 - LABEL_MARGIN) / n

    def _update_positions(self):
        """Compute and upload the curves of all clusters, if the layout changed."""
        shown = self._shown()
        layout = (tuple(shown), self.scaling, len(self._curves))
        if layout == self._layout:
            return
        self._layout = layout
        n_samples = max((self._curves[c].y.shape[1] for c in shown), default=0)
        columns = [(i, c) for i, c in enumerate(shown)
                   if self._curves[c].y.shape[1] == n_samples and len(self._curves[c].rows)]
        counts = [len(self._curves[c].rows) for _, c in columns]
        self._curve_cluster = np.repeat(
            np.array([c for _, c in columns], dtype=np.int64), counts)
        column = np.repeat(np.array([i for i, _ in columns], dtype=np.int64), counts)
        y = (np.concatenate([self._curves[c].y for _, c in columns]) if columns
             else np.zeros((0, n_samples), dtype=np.float32))
        rows = (np.concatenate([self._curves[c].rows for _, c in columns]) if columns
                else np.zeros(0, dtype=np.int64))
        x0, width = self._column_bounds()
        row_height = 2.0 / max(len(self.channel_ids), 1)
        local_x = np.linspace(-1.0, 1.0, n_samples, dtype=np.float32)
        pos = np.empty((len(y), n_samples, 2), dtype=np.float32)
        pos[..., 0] = (x0 + (column[:, None] + 0.5) * width
                       + local_x * (0.5 * COLUMN_FILL * width))
        pos[..., 1] = (1.0 - (rows[:, None] + 0.5) * row_height
                       + y * (0.5 * TEMPLATE_HEIGHT * row_height * self.scaling))
        self.visual.set_data(
            pos=pos.reshape(-1, 2), plot_sizes=np.full(len(y), n_samples),
            color=self._curve_colors())
        self._update_labels()

    def _curve_colors(self, selected_clusters=None):
        """The colour of each curve: that of its cluster."""
        shown = self._shown()
        colors = self.cluster_colors(shown, selected=selected_clusters)
        index = {c: i for i, c in enumerate(shown)}
        return colors[[index[c] for c in self._curve_cluster.tolist()]].reshape(-1, 4)

    def _update_labels(self):
        """The channel labels in the left margin (at most about one every 12 pixels)."""
        n = len(self.channel_ids)
        height = self.canvas.get_size()[1]
        step = max(1, int(np.ceil(n * 14 / max(height, 1))))
        rows = np.arange(0, n, step)
        pos = np.c_[np.full(len(rows), -1.0 + LABEL_MARGIN / 2),
                    1.0 - (rows + 0.5) * 2.0 / max(n, 1)]
        self.label_visual.set_data(
            pos=pos.reshape(-1, 2), text=[self.channel_labels[i] for i in rows], anchor=(0, 0))

    def update_color(self, selected_clusters=None):
        """Update the color of the clusters, taking the selected clusters into account."""
        if self.visual.n_vertices:
            self.visual.set_color(self._curve_colors(selected_clusters))

    def cluster_at(self, pos):
        """The cluster of the column under a mouse position."""
        x = self.canvas.window_to_ndc(pos)[0]
        x0, width = self._column_bounds()
        shown = self._shown()
        column = int(np.floor((x - x0) / width))
        return shown[column] if 0 <= column < len(shown) else None

    def on_mouse_wheel(self, e):
        """Change the template size with ctrl+wheel (and the colour scheme with shift+wheel)."""
        super().on_mouse_wheel(e)
        dx, dy = e.delta
        if e.modifiers == ("Control",) and (dx or dy):
            self.scaling *= self.scaling_increment ** np.sign(dy or dx)

    def attach(self, gui):
        """Attach the view to the GUI, and draw all the templates."""
        super().attach(gui)
        self.plot()

    def update_status(self):
        """Show the number of clusters and channels."""
        self.set_dock_status(f"{len(self._shown())} clusters, {len(self.channel_ids)} channels")
