"""Probe view: every channel of the probe, the best channels of the selected clusters highlighted.

The channels are grey dots at their positions; the best channels of each selected cluster are
larger dots in the cluster's colour (the first cluster's the largest, so that channels shared by
several clusters show concentric rings). The channel labels are toggled with
``toggle_show_labels``.
"""

import numpy as np

from phy.gui.settings import Setting
from phy.plot import ScatterVisual, TextVisual
from phy.utils import Bunch

from .base import ManualClusteringView


def _probe_bounds(positions, margin=(0.25, 0.06)):
    """Data bounds around the channel positions, with an (x, y) margin on each side.

    The margins are fractions of the extent (of 1 for a flat one); the wider horizontal margin
    leaves room for the labels right of the last column.
    """
    lo, hi = positions.min(axis=0), positions.max(axis=0)
    span = hi - lo
    span = np.where(span > 0, span, np.maximum(np.abs(hi), 1.0))
    margin = np.asarray(margin)
    lo, hi = lo - margin * span, hi + margin * span
    return tuple(float(v) for v in (lo[0], lo[1], hi[0], hi[1]))


class ProbeView(ManualClusteringView):
    """The positions of all channels on the probe, the selected clusters' channels highlighted.

    Constructor
    -----------
    positions : array-like
        An (n_channels, 2) array with the channel positions.
    best_channels : function
        Maps cluster_id to the list of the best_channel_ids.
    channel_labels : list
        Label of each channel (default: the channel ids).

    """

    state_attrs = ("do_show_labels",)
    settings = (Setting("do_show_labels", "Show the channel labels", bool,
                        setter="toggle_show_labels"),)

    #: Whether the channel labels are shown.
    do_show_labels = False
    #: Size of the channel dots, in pixels.
    dot_size = 5.0
    #: Size of the best channels' dots of the first selected cluster, in pixels.
    selected_dot_size = 13.0
    #: Size decrease of the best channels' dots from one selected cluster to the next.
    selected_dot_step = 3.0
    #: Colour of the channel dots.
    channel_color = (0.55, 0.55, 0.55, 1.0)

    def __init__(self, positions=None, best_channels=None, channel_labels=None, **kwargs):
        super().__init__(**kwargs)
        positions = np.asarray(positions, dtype=np.float64)
        if positions.ndim != 2 or positions.shape[1] != 2 or not len(positions):
            raise ValueError(
                f"ProbeView: `positions` must be an (n_channels, 2) array, got shape "
                f"{positions.shape}.")
        self.positions = positions
        self.n_channels = len(positions)
        self.best_channels = best_channels
        labels = list(channel_labels) if channel_labels is not None else range(self.n_channels)
        if len(labels) != self.n_channels:
            raise ValueError(
                f"ProbeView: {len(labels)} channel labels for {self.n_channels} channels.")
        self.data_bounds = _probe_bounds(positions)
        self.canvas.enable_panzoom()

        self.probe_visual = ScatterVisual()
        self.canvas.add_visual(self.probe_visual)
        self.probe_visual.set_data(
            pos=positions, color=self.channel_color, size=self.dot_size,
            data_bounds=self.data_bounds)
        self.cluster_visual = ScatterVisual()
        self.canvas.add_visual(self.cluster_visual)
        self.label_visual = TextVisual(color=(1.0, 1.0, 1.0, 0.9))
        self.canvas.add_visual(self.label_visual)
        # The label right of its dot.
        self.label_visual.set_data(
            pos=positions, text=[str(label) for label in labels], anchor=(1.6, 0.0),
            data_bounds=self.data_bounds)
        self._show_labels(self.do_show_labels)

    def prepare(self, cluster_ids):
        """The best channels of each selected cluster."""
        channels = []
        for cluster_id in cluster_ids:
            ids = np.asarray(self.best_channels(cluster_id), dtype=np.int64).ravel()
            bad = ids[(ids < 0) | (ids >= self.n_channels)]
            if bad.size:
                raise ValueError(
                    f"The best channels of cluster {cluster_id} include {bad.tolist()}, not "
                    f"among the {self.n_channels} channels of the probe.")
            channels.append(ids)
        return Bunch(channels=channels)

    def draw(self, data):
        """Highlight the best channels of each selected cluster in its colour."""
        self.cluster_visual.reset_batch()
        for i, ids in enumerate(data.channels):
            size = max(self.selected_dot_size - i * self.selected_dot_step, self.dot_size + 1)
            self.cluster_visual.add_batch_data(
                pos=self.positions[ids], color=self.selected_color(i), size=size,
                data_bounds=self.data_bounds)
        if not data.channels:
            self.cluster_visual.add_batch_data(pos=np.zeros((0, 2)), data_bounds=self.data_bounds)
        self.canvas.update_visual(self.cluster_visual)

    def _show_labels(self, show):
        self.do_show_labels = bool(show)
        (self.label_visual.show if self.do_show_labels else self.label_visual.hide)()

    def toggle_show_labels(self, checked):
        """Toggle the display of the channel labels."""
        self._show_labels(checked)

    def set_state(self, state):
        """Set the view state (the labels shown or not)."""
        super().set_state(state)
        self._show_labels(self.do_show_labels)

    def attach(self, gui):
        """Attach the view to the GUI."""
        super().attach(gui)
        self.actions.add(self.toggle_show_labels, checkable=True, checked=self.do_show_labels)
