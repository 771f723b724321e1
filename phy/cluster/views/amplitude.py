"""Amplitude view: the amplitude of the spikes of the selected clusters against time.

The spikes of the selected clusters are drawn in their colours over a subset of all the spikes
in grey (the background), with time axes. Several kinds of amplitudes (template, raw, feature...)
are given as a dictionary of functions and cycled with ``next_amplitude_type`` (``a``) and
``previous_amplitude_type`` (``shift+a``). Alt+click selects a time (``select_time`` on the bus,
used to move the trace view); control+click draws a lasso that splits every spike inside it.
"""

import logging

import numpy as np

from phy.gui.settings import Setting
from phy.plot import NDC, Range, ScatterVisual
from phy.utils import Bunch, emit
from phy.utils import bus_events as ev

from .base import ManualClusteringView
from .mixins import MARKER_SIZE_SETTING, LassoMixin, MarkerSizeMixin

logger = logging.getLogger(__name__)


def _as_columns(bunch, amplitudes_type):
    """``(spike_ids, pos)`` of an amplitude Bunch; ``pos`` is ``(n, 2)``: time, amplitude."""
    spike_ids = np.asarray(bunch.spike_ids, dtype=np.int64).ravel()
    times = np.asarray(bunch.spike_times, dtype=np.float64).ravel()
    amplitudes = np.asarray(bunch.amplitudes, dtype=np.float64).ravel()
    if not spike_ids.shape == times.shape == amplitudes.shape:
        raise ValueError(
            f"The {amplitudes_type!r} amplitudes: spike_ids, spike_times and amplitudes have "
            f"different lengths ({spike_ids.size}, {times.size}, {amplitudes.size}).")
    return spike_ids, np.column_stack([times, amplitudes])


def _data_bounds(positions, duration=None):
    """The ``(tmin, ymin, tmax, ymax)`` data bounds showing every (time, amplitude) position.

    Time from 0 to the duration (or to the last spike), amplitudes from min(0, smallest) to 5%
    above the largest.
    """
    pos = [p for p in positions if len(p)]
    pos = np.concatenate(pos) if pos else np.zeros((0, 2))
    finite = pos[np.isfinite(pos).all(axis=1)]
    tmax = duration or (finite[:, 0].max() if len(finite) else 1.0)
    tmin = min(0.0, finite[:, 0].min()) if len(finite) else 0.0
    ymin = min(0.0, finite[:, 1].min()) if len(finite) else 0.0
    ymax = finite[:, 1].max() if len(finite) else 1.0
    ymax = ymax + 0.05 * (ymax - ymin)
    if ymax <= ymin:
        ymax = ymin + 1.0
    if tmax <= tmin:
        tmax = tmin + 1.0
    return (float(tmin), float(ymin), float(tmax), float(ymax))


class AmplitudeView(LassoMixin, MarkerSizeMixin, ManualClusteringView):
    """Amplitude plot of the selected clusters (amplitude vs time) over background spikes.

    Constructor
    -----------
    amplitudes : dict
        Dictionary ``{amplitude_name: function}``, for different types of amplitudes (a single
        function is one type named ``amplitude``). Each function maps ``cluster_ids`` (a list,
        and a keyword ``load_all``) to a list
        ``[Bunch(amplitudes, spike_ids, spike_times), ...]`` with one Bunch per cluster. The
        cluster id None stands for the background spikes (a subset of all spikes). With
        ``load_all=True`` (lasso splits), each Bunch holds every spike of its cluster; otherwise
        a displayable subset.
    amplitudes_type : str
        The type shown first (default: the first key of ``amplitudes``).
    duration : float
        Recording duration in seconds: the time axis spans ``[0, duration]`` (default: up to
        the last spike shown).

    """

    default_shortcuts = {
        "next_amplitude_type": "a",
        "previous_amplitude_type": "shift+a",
    }
    state_attrs = ("amplitudes_type", "marker_size")
    settings = (
        Setting("amplitudes_type", "Amplitudes", str, choices=lambda view: list(view.amplitudes),
                update="plot"),
        MARKER_SIZE_SETTING,
    )

    #: Marker size of a new view, in pixels.
    default_marker_size = 4.0
    #: Opacity of the spikes of the selected clusters.
    marker_alpha = 0.75
    #: Colour of the background spikes.
    background_color = (0.6, 0.6, 0.6, 0.5)

    def __init__(self, amplitudes=None, amplitudes_type=None, duration=None, **kwargs):
        super().__init__(**kwargs)
        if callable(amplitudes):
            amplitudes = {"amplitude": amplitudes}
        self.amplitudes = dict(amplitudes or {})
        if not self.amplitudes:
            raise ValueError("AmplitudeView needs at least one amplitude function.")
        self._amplitudes_type = next(iter(self.amplitudes))
        if amplitudes_type is not None:
            self.amplitudes_type = amplitudes_type
        self.duration = duration
        #: The (tmin, ymin, tmax, ymax) data coordinates of the window, as last drawn.
        self.data_bounds = _data_bounds([], duration)
        self.canvas.enable_panzoom()
        self.canvas.enable_axes(data_bounds=self.data_bounds)
        self.visual = ScatterVisual()
        self.canvas.add_visual(self.visual)

    # Amplitude types
    # ---------------------------------------------------------------------------------------------

    @property
    def amplitudes_type(self):
        """The name of the amplitude type shown (a key of ``amplitudes``)."""
        return self._amplitudes_type

    @amplitudes_type.setter
    def amplitudes_type(self, name):
        if name not in self.amplitudes:
            raise ValueError(
                f"Unknown amplitude type {name!r}: use one of {', '.join(self.amplitudes)}.")
        self._amplitudes_type = name

    def _cycle_amplitude_type(self, step):
        names = list(self.amplitudes)
        self.amplitudes_type = names[(names.index(self.amplitudes_type) + step) % len(names)]
        logger.debug("Switch to %s amplitudes.", self.amplitudes_type)
        self.plot()

    def next_amplitude_type(self):
        """Switch to the next amplitude type."""
        self._cycle_amplitude_type(1)

    def previous_amplitude_type(self):
        """Switch to the previous amplitude type."""
        self._cycle_amplitude_type(-1)

    def set_state(self, state):
        """Set the view state; an amplitude type this view does not have is ignored."""
        state = dict(state)
        if state.get("amplitudes_type", self.amplitudes_type) not in self.amplitudes:
            logger.debug("Ignore the saved amplitude type %r.", state.pop("amplitudes_type"))
        super().set_state(state)

    # Data
    # ---------------------------------------------------------------------------------------------

    def _amplitude_bunches(self, cluster_ids, load_all=False):
        """``[Bunch(cluster_id, spike_ids, pos)]`` for the clusters (None: the background)."""
        if not len(cluster_ids):
            return []
        name = self.amplitudes_type
        bunches = self.amplitudes[name](list(cluster_ids), load_all=load_all) or []
        if len(bunches) != len(cluster_ids):
            raise ValueError(
                f"The {name!r} amplitude function returned {len(bunches)} Bunches for "
                f"{len(cluster_ids)} clusters.")
        out = []
        for cluster_id, bunch in zip(cluster_ids, bunches):
            spike_ids, pos = _as_columns(bunch, name)
            out.append(Bunch(cluster_id=cluster_id, spike_ids=spike_ids, pos=pos))
        return out

    def get_clusters_data(self, load_all=None):
        """Return a list of Bunch instances, with attributes pos and spike_ids.

        One Bunch per selected cluster: ``pos`` holds (time, amplitude) pairs and
        ``data_bounds`` the bounds drawn. With ``load_all=True``, every spike of the clusters;
        otherwise the displayed subset, after the background spikes (``cluster_id`` None).
        """
        cluster_ids = list(self.cluster_ids)
        if not cluster_ids:
            return []
        ids = cluster_ids if load_all else [None] + cluster_ids
        bunches = self._amplitude_bunches(ids, load_all=bool(load_all))
        for b in bunches:
            b.data_bounds = self.data_bounds
        return bunches

    def prepare(self, cluster_ids):
        """The background and the selected clusters' amplitudes, and the data bounds."""
        if not cluster_ids:
            return Bunch(background=None, clusters=[], data_bounds=self.data_bounds,
                         amplitudes_type=self.amplitudes_type)
        bunches = self._amplitude_bunches([None] + list(cluster_ids))
        return Bunch(
            background=bunches[0], clusters=bunches[1:],
            data_bounds=_data_bounds([b.pos for b in bunches], self.duration),
            amplitudes_type=self.amplitudes_type)

    def draw(self, data):
        """Draw the background spikes in grey, then each selected cluster in its colour."""
        self.visual.reset_batch()
        bounds = data.data_bounds
        batches = []
        if data.background is not None:
            batches.append((data.background.pos, self.background_color))
        batches += [(b.pos, self.selected_color(i, self.marker_alpha))
                    for i, b in enumerate(data.clusters)]
        for pos, color in batches:
            self.visual.add_batch_data(
                pos=pos, color=color, size=self.marker_size, data_bounds=bounds)
        if not batches:
            self.visual.add_batch_data(pos=np.zeros((0, 2)), data_bounds=bounds)
        self.canvas.update_visual(self.visual)
        if bounds != self.data_bounds:
            self.data_bounds = bounds
            self.canvas.axes.reset_data_bounds(bounds)

    def update_status(self):
        """Show the amplitude type in the dock title bar."""
        self.set_dock_status(self.amplitudes_type)

    # GUI
    # ---------------------------------------------------------------------------------------------

    def attach(self, gui):
        """Attach the view to the GUI."""
        super().attach(gui)
        self.actions.add(self.next_amplitude_type)
        self.actions.add(self.previous_amplitude_type)
        self.actions.separator()

    def on_mouse_click(self, e):
        """Alt+click: select the time under the mouse (``select_time`` on the bus)."""
        if "Alt" not in e.modifiers or e.button != "Left":
            return
        x = self.canvas.window_to_ndc(e.pos)[0]
        tmin, _, tmax, _ = self.data_bounds
        time = Range(NDC, self.data_bounds).apply(np.array([[x, 0.0]]))[0, 0]
        time = float(np.clip(time, tmin, tmax))
        logger.debug("Select time %.3f s.", time)
        emit(ev.SELECT_TIME, self, time)
