"""The trace view: raw data in a time window, with the spikes drawn on the traces.

The view shows an interval of the recording, one row per channel in probe order (``origin``
'top': the lowest channel at the top), the spikes of the selected clusters in their colours
(``toggle_highlighted_spikes`` hides the others).

What it costs: ``traces(interval)`` reads only the window (see :func:`select_traces`), the
optional display filter runs on the window (plus a margin against edge effects), and the view
draws what the screen can show: with more samples than pixel columns, each channel becomes its
per-column minimum and maximum (:func:`~phy.cluster.views.trace_data.bin_traces`), so that a
1-second window of 384 channels at 30 kHz is ~600,000 vertices instead of 11.5 million, and no
spike vanishes. Zooming in (pan/zoom) computes the bins of the visible part again from the
window kept in memory, down to every sample.

The spikes (``waveforms`` of the ``traces`` result) colour the samples (or pixel columns) they
cover on their channels, so what is drawn is what the filter shows. With a
``cluster_color_selector`` (shared with the other views), the spikes of unselected clusters have
their cluster's colour in the current colour scheme (pale; shift+wheel: next scheme), else grey.

Scrolling (:mod:`.trace_navigation`): the last windows read and filtered are cached, and the
next and previous windows are prepared ahead on the Qt thread pool after each drawing, so that
a jump by one window only bins and draws.
"""

import inspect
import logging

import numpy as np

from phy.gui.settings import Setting
from phy.plot import NDC, PlotVisual, TextVisual
from phy.utils import Bunch, connect, emit
from phy.utils import bus_events as ev

from .all_clusters import ColorSchemeMixin
from .base import ManualClusteringView
from .mixins import ScalingMixin, _wheel_steps
from .trace_cache import WindowCache
from .trace_data import (
    bin_classes,
    bin_traces,
    robust_amplitude,
    select_traces,
    spike_at,
    spike_classes,
    spike_table,
)
from .trace_navigation import TraceNavigationMixin

logger = logging.getLogger(__name__)

__all__ = ("TraceView", "select_traces")

#: Colour of the traces.
TRACE_COLOR = (0.3, 0.36, 0.44, 1.0)
#: Colour of the spikes of the clusters that are not selected.
OTHER_SPIKE_COLOR = (0.7, 0.7, 0.7, 1.0)
#: Number of pixel columns assumed before the view is shown.
DEFAULT_COLUMNS = 1000
#: Minimal spacing of the channel labels, in logical pixels.
LABEL_SPACING = 12


def _channel_means(data):
    """float32 mean of every channel of an ``(n_samples, n_channels)`` window."""
    if not data.size:
        return np.zeros(data.shape[1], dtype=np.float32)
    if np.issubdtype(data.dtype, np.integer):  # Exact integer sums.
        return (data.sum(axis=0, dtype=np.int64) / len(data)).astype(np.float32)
    return data.mean(axis=0, dtype=np.float64).astype(np.float32)


class TraceView(TraceNavigationMixin, ColorSchemeMixin, ScalingMixin, ManualClusteringView):
    """The raw traces of a time window, with the spikes drawn on them.

    Constructor
    -----------
    traces : function
        Maps a time interval ``(t0, t1)`` to a ``Bunch(data, color, waveforms)`` where
        ``data`` is an ``(n_samples, n_channels)`` array starting at sample
        ``round(t0 * sample_rate)`` (as :func:`select_traces` returns), ``color`` the optional
        trace colour and ``waveforms`` the spikes of the interval: a list of Bunch with
        ``data``, ``color``, ``channel_ids``, ``start_time``, ``spike_id``, ``spike_cluster``
        (phy 2), or one Bunch of arrays (see
        :func:`~phy.cluster.views.trace_data.spike_table`).
    spike_times : function
        Returns the relevant spike times: ``spike_times(cluster_id)``, the sorted times in
        seconds of the first selected cluster (a phy 2 function without argument is called
        as is).
    sample_rate : float
    duration : float
    n_channels : int
    channel_positions : array-like
        Positions of the channels, used for displaying the channels in the right y order.
    channel_labels : list
        Labels of all shown channels. By default, this is just the channel ids.
    filters : dict
        Display filters ``{name: f}``, ``f(data, axis=0)`` returning the filtered window; the
        view starts with the first one, and ``switch_raw_data_filter`` (alt+r) cycles through
        them and ``'raw'`` (no filter).
    cluster_color_selector : ClusterColorSelector
        Colours of the spikes of the clusters that are not selected (their cluster's colour in
        the colour scheme, which shift+wheel changes); None: grey.

    """

    #: Duration of the interval of a new view, in seconds.
    default_interval_duration = 1.0
    #: Shortest interval, in samples.
    min_interval_samples = 10
    #: Factor of widen/narrow.
    interval_factor = 1.25
    #: Shift of go_left/go_right (and per alt+wheel notch), as a fraction of the interval.
    go_fraction = 0.2
    #: Data read on each side of the interval when a filter is on, in seconds.
    filter_margin = 0.02
    #: Gain per ctrl+wheel notch.
    scaling_increment = 1.1
    #: Number of windows (read and filtered) kept in memory.
    cache_size = 4
    #: Saturation of the colour-scheme colours of the spikes of the clusters not selected:
    #: mixed with the grey of :data:`OTHER_SPIKE_COLOR` (pale, unlike the selected clusters').
    other_spikes_saturation = 0.5

    default_shortcuts = {
        "go_left": "alt+left", "go_right": "alt+right",
        "jump_left": "shift+alt+left", "jump_right": "shift+alt+right",
        "go_to": "alt+t", "go_to_start": "alt+home", "go_to_end": "alt+end",
        "go_to_next_spike": "alt+pgdown", "go_to_previous_spike": "alt+pgup",
        "increase": "alt+up", "decrease": "alt+down", "widen": "alt+-", "narrow": "alt++",
        "switch_origin": "alt+o", "toggle_highlighted_spikes": "alt+s",
        "toggle_show_labels": "alt+l", "switch_raw_data_filter": "alt+r",
    }
    default_snippets = {"go_to": "tg", "shift": "ts"}
    state_attrs = (
        "scaling", "origin", "do_show_labels", "show_all_spikes", "auto_scale",
        "raw_data_filter")
    local_state_attrs = ("interval",)
    settings = (
        Setting("scaling", "Gain", float, *ScalingMixin.scaling_bounds),
        Setting("half_duration", "Window duration (s)", float, 1e-3, 1e4, scale=2,
                persisted_by=("interval",)),
        Setting("origin", "First channel at the", str, choices=("top", "bottom")),
        Setting("raw_data_filter", "Filter", str, choices=lambda view: [*view.filters, "raw"]),
        Setting("auto_scale", "Automatic scaling", bool, setter="toggle_auto_scale"),
        Setting("do_show_labels", "Show the channel labels", bool, setter="toggle_show_labels"),
        Setting("show_all_spikes", "Show all spikes", bool, setter="toggle_highlighted_spikes"),
    )

    def __init__(
            self, traces=None, spike_times=None, sample_rate=None, duration=None,
            n_channels=None, channel_positions=None, channel_labels=None, filters=None,
            cluster_color_selector=None, **kwargs):
        super().__init__(**kwargs)
        if traces is None or not sample_rate or sample_rate <= 0:
            raise ValueError("TraceView needs a `traces` function and a positive sample rate.")
        if duration is None or duration <= 0:
            raise ValueError(f"TraceView needs a positive duration, got {duration}.")
        self.traces = traces
        self.spike_times = spike_times
        self._spike_times_takes_cluster = spike_times is not None and bool(
            inspect.signature(spike_times).parameters)
        self.sample_rate = float(sample_rate)
        self.duration = float(duration)
        self.n_channels = int(n_channels)
        positions = (np.asarray(channel_positions, dtype=np.float64).reshape(-1, 2)
                     if channel_positions is not None
                     else np.column_stack([np.zeros(self.n_channels), np.arange(self.n_channels)]))
        if len(positions) != self.n_channels:
            raise ValueError(
                f"TraceView: {len(positions)} channel positions for {self.n_channels} channels.")
        #: Channel shown in each row, from the lowest probe position (y, then x).
        self.channel_order = np.lexsort((positions[:, 0], positions[:, 1]))
        self.channel_ranks = np.argsort(self.channel_order)
        self.channel_labels = [str(c) for c in (
            channel_labels if channel_labels is not None else range(self.n_channels))]
        self.filters = dict(filters or {})
        self.cluster_color_selector = cluster_color_selector
        self._raw_data_filter = next(iter(self.filters), "raw")
        self._origin = "top"
        self.do_show_labels = True
        self.show_all_spikes = True
        self.auto_scale = True
        self._amplitude = None  # Data units of half a row at gain 1.
        self._data_version = 0  # Increases when the spike clusters change.
        self._geometry = (-1.0, 1.0, DEFAULT_COLUMNS)
        self._interval = (0.0, min(self.default_interval_duration, self.duration))
        self._cache = WindowCache(self.cache_size)
        #: Whether the neighbour windows are prepared ahead after each drawing (on worker
        #: threads: set on attach to a GUI with threading).
        self.prefetch = False

        self.canvas.enable_panzoom(xmin=-1, xmax=1, ymin=-1, ymax=1)
        self.trace_visual = PlotVisual()
        self.canvas.add_visual(self.trace_visual)
        t0, t1 = self._interval
        self.canvas.enable_axes(data_bounds=(t0, -1, t1, 1), show_y=False)  # Over the traces.
        self.label_visual = TextVisual(color=(1.0, 1.0, 1.0, 0.8))
        self.canvas.add_visual(self.label_visual, exclude_origins="all")
        connect(self._on_pan_zoom, event=ev.PAN_ZOOM, sender=self.canvas)

    # Parameters
    # ---------------------------------------------------------------------------------------------

    @property
    def interval(self):
        """Interval as (tmin, tmax)."""
        return self._interval

    @interval.setter
    def interval(self, value):
        self.set_interval(value)

    @property
    def half_duration(self):
        """Half of the duration of the current interval."""
        return 0.5 * (self._interval[1] - self._interval[0])

    @half_duration.setter
    def half_duration(self, value):
        t = self.time
        self.set_interval((t - value, t + value))

    @property
    def time(self):
        """Time at the center of the window."""
        return 0.5 * (self._interval[0] + self._interval[1])

    @property
    def origin(self):
        """'top' (the default): the channels from top to bottom; or 'bottom' (settable).

        The channels are in the order of their probe position (y, then x), the lowest first.
        """
        return self._origin

    @origin.setter
    def origin(self, value):
        if value not in ("top", "bottom"):
            raise ValueError(f"The origin must be 'top' or 'bottom', got {value!r}.")
        self._origin = value
        self.redraw()

    @property
    def stacked(self):
        """Vertical position of every channel's row centre, in NDC (channel order)."""
        n = self.n_channels
        y = 1.0 - (2 * self.channel_ranks + 1.0) / n
        return y if self._origin == "top" else -y

    @property
    def raw_data_filter(self):
        """Name of the display filter in use ('raw': none)."""
        return self._raw_data_filter

    @raw_data_filter.setter
    def raw_data_filter(self, name):
        if name != "raw" and name not in self.filters:
            logger.warning("Unknown raw data filter %r: the traces are shown unfiltered.", name)
            name = "raw"
        if name != self._raw_data_filter:
            self._raw_data_filter = name
            self._cache.clear()
            self.plot()
            emit(ev.RAW_DATA_FILTER_CHANGED, self, name)

    # Preparing and drawing
    # ---------------------------------------------------------------------------------------------

    def _window(self, key):
        """The window of a key ``(interval, filter name, data version)``, from the cache."""
        return self._cache.get(key, lambda: self._read_window(*key[:2]))

    def _read_window(self, interval, filter_name):
        """The (filtered) window of an interval, its channel means and its spike table.

        ``traces`` is the raw data or the filtered float32 data (both time-major in memory);
        the channel means (``center``) are subtracted from the bins only; the ``amplitude`` is
        the robust amplitude of the window.
        """
        sr = self.sample_rate
        t0, t1 = interval
        f = self.filters.get(filter_name)
        margin = self.filter_margin if f is not None else 0.0
        e0, e1 = max(0.0, t0 - margin), min(self.duration, t1 + margin)
        out = self.traces((e0, e1))
        data = np.asarray(out.data)
        first_sample = int(round(e0 * sr))
        if f is not None:
            data = np.asarray(f(data, axis=0), dtype=np.float32)
        r0 = min(max(int(round(t0 * sr)) - first_sample, 0), len(data))
        r1 = min(max(int(round(t1 * sr)) - first_sample, r0), len(data))
        data = data[r0:r1]
        first_sample += r0
        center = _channel_means(data)
        return Bunch(
            traces=data, first_sample=first_sample, center=center,
            amplitude=robust_amplitude(data, center=center),
            table=spike_table(out.get("waveforms"), sr, first_sample / sr),
            color=out.get("color") if out.get("color") is not None else TRACE_COLOR)

    def _bin_range(self, data, geometry):
        """Samples per bin, and the rows to bin: the visible ones and a screen on each side.

        Returns ``(bin_size, start, stop, visible_start, visible_stop)`` (rows of the window).
        """
        vx0, vx1, n_columns = geometry
        t0, t1 = data.interval
        sr = self.sample_rate
        tv0, tv1 = t0 + (np.array([vx0, vx1]) + 1) / 2 * (t1 - t0)
        width = tv1 - tv0
        n = len(data.traces)

        def row(t, round_):
            return int(np.clip(round_((t - data.first_sample / sr) * sr), 0, n))

        return (max(1, int(width * sr / max(n_columns, 1))),
                row(max(t0, tv0 - width), np.floor), row(min(t1, tv1 + width), np.ceil) + 1,
                row(tv0, np.floor), row(tv1, np.ceil))

    def _bins(self, data, bin_range):
        """Bins of a record's window, with the colour class of every (channel, bin)."""
        bin_size, start, stop = bin_range[:3]
        stop = min(stop, len(data.traces))
        bins = bin_traces(data.traces, start, stop, bin_size, offset=data.first_sample)
        center = data.center[:, None]
        bins.ymin = bins.ymin.astype(np.float32) - center  # Rounding is monotonic: still exact.
        bins.ymax = bins.ymin if bins.raw else bins.ymax.astype(np.float32) - center
        bins.bin_size, bins.start, bins.stop = bin_size, start, stop
        bins.classes = bin_classes(bins.edges, data.traces.shape[1], data.table, data.classes)
        return bins

    def prepare(self, cluster_ids, update_traces=True, update_waveforms=True):
        """Read, colour and bin the interval's window for the screen (worker thread).

        The window comes from the cache when it was read (or prefetched) before. With
        `update_traces` False, the last window is used again when the interval and the filter
        are the same; with `update_waveforms` False, the spikes keep their colours.
        """
        interval = self._interval
        key = (interval, self._raw_data_filter, self._data_version)
        last = self._data
        reuse = last is not None and last.key == key
        data = Bunch(last if reuse and not update_traces else self._window(key))
        data.update(key=key, interval=interval, cluster_ids=list(cluster_ids))
        if update_waveforms or not reuse:
            data.classes, data.other_clusters = spike_classes(
                data.table.spike_clusters, cluster_ids, self.show_all_spikes)
        data.bins = self._bins(data, self._bin_range(data, self._geometry))
        return data

    def draw(self, data):
        """Draw the binned traces, coloured where spikes are, the channel labels and axes."""
        if self.auto_scale or self._amplitude is None:
            self._amplitude = data.amplitude
        t0, t1 = data.interval
        self.canvas.axes.reset_data_bounds((t0, -1, t1, 1))
        bins = data.bins
        n_channels, n_bins = bins.ymin.shape
        centers = 0.5 * (bins.edges[:-1] + bins.edges[1:] - 1)
        x = -1 + 2 * ((data.first_sample + centers) / self.sample_rate - t0) / max(t1 - t0, 1e-12)
        classes = bins.classes
        if bins.raw:
            y = bins.ymin
        else:  # Zigzag min, max, max, min...: vertical segments joined along the envelope.
            x, classes = np.repeat(x, 2), np.repeat(classes, 2, axis=1)
            y = np.empty((n_channels, n_bins, 2), dtype=np.float32)
            y[:, 0::2, 0], y[:, 0::2, 1] = bins.ymin[:, 0::2], bins.ymax[:, 0::2]
            y[:, 1::2, 0], y[:, 1::2, 1] = bins.ymax[:, 1::2], bins.ymin[:, 1::2]
            y = y.reshape(n_channels, -1)
        gain = self.scaling / (self.n_channels * self._amplitude)
        y = self.stacked[:, None] + gain * y
        pos = np.column_stack([np.tile(x, n_channels), y.ravel()])
        self.trace_visual.set_data(
            pos=pos, plot_sizes=np.full(n_channels, y.shape[1]), color=data.color,
            data_bounds=NDC)
        if classes.any():
            self.trace_visual.set_color(self._palette(data)[classes.ravel()])
        self._update_labels()
        self._prefetch_neighbours(data.key)

    def _palette(self, data):
        """RGBA colour of every class: the traces, the clusters not selected, the selected ones."""
        others = data.other_clusters
        if self.cluster_color_selector is not None and len(others):
            other_colors = np.asarray(
                self.cluster_color_selector.get_colors(others), dtype=np.float64).reshape(-1, 4)
            s = self.other_spikes_saturation
            other_colors = (1 - s) * np.asarray(OTHER_SPIKE_COLOR) + s * other_colors
        else:
            other_colors = np.tile(OTHER_SPIKE_COLOR, (len(others), 1))
        selected = [self.selected_color(i) for i in range(len(data.cluster_ids))]
        return np.vstack([np.reshape(data.color, (1, 4)), other_colors,
                          np.reshape(selected, (-1, 4))])

    def update_color(self):
        """Colour the spikes again (the colour scheme changed)."""
        self.redraw()

    def _prefetch_neighbours(self, key):
        """Prepare the windows of jump_right and jump_left ahead, on worker threads."""
        if not self.prefetch or self._closed:
            return
        delay = 2 * self.half_duration
        for time in (self.time + delay, self.time - delay):
            interval = self._clipped_interval(time - self.half_duration,
                                              time + self.half_duration)
            if interval != key[0]:
                neighbour = (interval, *key[1:])
                self._cache.prefetch(neighbour, lambda k=neighbour: self._read_window(*k[:2]))

    def _update_labels(self):
        """Channel labels at the left edge, on the rows visible, without overlapping."""
        y = self.canvas.panzoom.map(np.column_stack([np.zeros(self.n_channels), self.stacked]))
        y = y[:, 1]
        width, height = (max(s, 1) for s in self.canvas.get_size())
        row_pixels = (2.0 / self.n_channels) * self.canvas.panzoom.zoom[1] * height / 2
        step = max(1, int(np.ceil(LABEL_SPACING / max(row_pixels, 1e-9))))
        shown = self.channel_order[::step]
        shown = shown[np.abs(y[shown]) < 1] if self.do_show_labels else shown[:0]
        self.label_visual.set_data(
            pos=np.column_stack([np.full(len(shown), -1.0 + 6.0 / width), y[shown]]).reshape(-1, 2),
            text=[self.channel_labels[c] for c in shown], anchor=(1.1, 0.0))

    def update_status(self):
        """Update the status text in the dock title bar."""
        t0, t1 = self._interval
        parts = [f"{t0:.3f} - {t1:.3f} s", self._raw_data_filter]
        if self.auto_scale:
            parts.append("auto scale")
        self.set_dock_status(", ".join(parts))

    # Selection, pan/zoom
    # ---------------------------------------------------------------------------------------------

    def plot(self, update_traces=True, update_waveforms=True):
        """Update the view with the current cluster selection."""
        self._geometry = self._view_geometry()
        super().plot(update_traces=update_traces, update_waveforms=update_waveforms)

    def on_select(self, cluster_ids=None, **kwargs):
        """Callback function when clusters are selected: colour their spikes (same window)."""
        self.cluster_ids = list(cluster_ids) if cluster_ids is not None else []
        self.plot(update_traces=False)

    def on_cluster(self, up):
        """After a clustering action, the spikes of the window are read again."""
        self._data_version += 1
        self._cache.clear()

    def _view_geometry(self):
        """``(x0, x1, n_columns)``: visible x range (NDC, before pan/zoom), pixel columns."""
        x0, _, x1, _ = self.canvas.panzoom.get_range()
        width = self.canvas.framebuffer_size()[0] if self.canvas.isExposed() else 0
        return (max(-1.0, x0), min(1.0, x1), width if width >= 16 else DEFAULT_COLUMNS)

    def _rebin_if_needed(self):
        """Bin the window again after a pan/zoom or resize, when needed.

        Needed when the visible rows are not all binned, or when the bins are more than 1.5
        times too small or too large for the pixel columns.
        """
        data = self._data
        if data is None:
            return
        geometry = self._view_geometry()
        bin_range = self._bin_range(data, geometry)
        bin_size, _, _, visible_start, visible_stop = bin_range
        old = data.bins
        ratio = bin_size / old.bin_size
        covered = old.start <= visible_start and visible_stop <= old.stop
        if covered and 2 / 3 < ratio < 1.5:
            self._update_labels()
            return
        self._geometry = geometry
        data.bins = self._bins(data, bin_range)
        self.redraw()

    def _on_pan_zoom(self, sender, pan, zoom):
        self._rebin_if_needed()

    def on_resize(self, e):
        """Bin the window for the new width."""
        self._rebin_if_needed()

    # Toggles
    # ---------------------------------------------------------------------------------------------

    def toggle_show_labels(self, checked):
        """Toggle the display of the channel ids."""
        self.do_show_labels = bool(checked)
        self._set_checked("toggle_show_labels", self.do_show_labels)
        self._update_labels()
        self.canvas.update()

    def toggle_highlighted_spikes(self, checked):
        """Toggle between showing all spikes or selected spikes."""
        self.show_all_spikes = bool(checked)
        self._set_checked("toggle_highlighted_spikes", self.show_all_spikes)
        self.plot(update_traces=False)

    def toggle_auto_scale(self, checked):
        """Toggle automatic scaling of the traces."""
        self.auto_scale = bool(checked)
        self._set_checked("toggle_auto_scale", self.auto_scale)
        self.redraw()

    def switch_origin(self):
        """Switch between top and bottom origin for the channels."""
        self.origin = "bottom" if self._origin == "top" else "top"

    def switch_raw_data_filter(self):
        """Switch to the next display filter (then to the raw data)."""
        names = [*self.filters, "raw"]
        self.raw_data_filter = names[(names.index(self._raw_data_filter) + 1) % len(names)]

    # Mouse
    # ---------------------------------------------------------------------------------------------

    def on_mouse_wheel(self, e):
        """Change the scaling (ctrl+wheel), move in time (alt), or the colour scheme (shift)."""
        super().on_mouse_wheel(e)
        steps = _wheel_steps(e)
        if not steps:
            return
        if e.modifiers == ("Control",):
            self.scaling *= self.scaling_increment ** np.sign(steps)
        elif e.modifiers == ("Alt",):
            self.shift(-np.sign(steps) * self.go_fraction * 2 * self.half_duration)

    def _time_channel(self, pos):
        """Time and channel under a mouse position."""
        x, y = self.canvas.window_to_ndc(pos)
        t0, t1 = self._interval
        row = (1 - y) if self._origin == "top" else (y + 1)
        rank = int(np.clip(np.floor(row / 2 * self.n_channels), 0, self.n_channels - 1))
        return t0 + (x + 1) / 2 * (t1 - t0), int(self.channel_order[rank])

    def on_mouse_click(self, e):
        """Select a cluster by clicking on a spike (ctrl+click), a channel with shift+click.

        Control+click asks the supervisor to select the spike's cluster (``request_select``);
        shift+click (right: PC B) shows the channel in the feature view (``channel_click``).
        """
        if self._data is None:
            return
        time, channel = self._time_channel(e.pos)
        if "Shift" in e.modifiers:
            emit(ev.CHANNEL_CLICK, self, channel_id=channel, key=None, button=e.button)
        elif "Control" in e.modifiers:
            spike = self._spike_at(time, channel)
            if spike is not None:
                logger.debug("Spike %d of cluster %d clicked.", spike["spike_id"],
                             spike["cluster_id"])
                emit(ev.REQUEST_SELECT, self, [spike["cluster_id"]])

    def _spike_at(self, time, channel):
        """The drawn spike on a channel closest to a time (within 5 pixels), or None."""
        t0, t1 = self._interval
        zoom, width = self.canvas.panzoom.zoom[0], max(self.canvas.get_size()[0], 1)
        return spike_at(self._data, time, channel, self.sample_rate,
                        tolerance=5 * (t1 - t0) / zoom / width)

    # GUI
    # ---------------------------------------------------------------------------------------------

    def attach(self, gui):
        """Attach the view to the GUI."""
        super().attach(gui)
        add = self.actions.add
        add(self.toggle_show_labels, checkable=True, checked=self.do_show_labels)
        add(self.toggle_highlighted_spikes, checkable=True, checked=self.show_all_spikes)
        add(self.toggle_auto_scale, checkable=True, checked=self.auto_scale)
        add(self.switch_origin)
        if self.filters:
            add(self.switch_raw_data_filter)
        self.actions.separator()
        add(self.go_to, prompt=True, prompt_default=lambda: f"{self.time:.3f}")
        add(self.shift, prompt=True, prompt_default=lambda: f"{self.half_duration:.3f}")
        for f in (self.go_to_start, self.go_to_end, self.go_left, self.go_right,
                  self.jump_left, self.jump_right, self.go_to_next_spike,
                  self.go_to_previous_spike, self.widen, self.narrow):
            add(f)
        connect(self.on_select_time, event=ev.SELECT_TIME)
        self.prefetch = self._threaded
        self.set_interval()

    def close(self):
        """Close the view; the prepared windows are dropped and prefetching stops."""
        super().close()
        self._cache.close()

