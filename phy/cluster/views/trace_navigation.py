"""Moving through the recording in the trace view: :class:`TraceNavigationMixin`.

The time-navigation actions of :class:`~phy.cluster.views.TraceView` (go to a time, to the
start or the end, left/right, jump, widen/narrow, next/previous spike of the first selected
cluster). The view provides ``interval``, ``half_duration``, ``time``, ``duration``,
``sample_rate``, ``spike_times``, ``cluster_ids``, ``plot()`` and the parameters
``min_interval_samples``, ``go_fraction`` and ``interval_factor``.
"""

import numpy as np


class TraceNavigationMixin:
    """The time navigation of the trace view."""

    def _clipped_interval(self, t0, t1):
        """The interval shown for ``(t0, t1)``: not too short, inside the recording."""
        d = float(np.clip(t1 - t0, self.min_interval_samples / self.sample_rate, self.duration))
        t0 = float(np.clip(t0, 0.0, self.duration - d))
        return (t0, t0 + d)

    def set_interval(self, interval=None):
        """Display the traces and spikes in a given interval."""
        t0, t1 = self._interval if interval is None else (float(v) for v in interval)
        self._interval = self._clipped_interval(t0, t1)
        self.plot()

    def go_to(self, time):
        """Go to a specific time (in seconds)."""
        time = float(time)
        self.set_interval((time - self.half_duration, time + self.half_duration))

    def shift(self, delay):
        """Shift the interval by a given delay (in seconds)."""
        self.go_to(self.time + float(delay))

    def go_to_start(self):
        """Go to the start of the recording."""
        self.go_to(self.half_duration)

    def go_to_end(self):
        """Go to end of the recording."""
        self.go_to(self.duration - self.half_duration)

    def go_left(self):
        """Go to left."""
        self.shift(-self.go_fraction * 2 * self.half_duration)

    def go_right(self):
        """Go to right."""
        self.shift(self.go_fraction * 2 * self.half_duration)

    def jump_left(self):
        """Jump to the previous interval (one interval to the left)."""
        self.shift(-2 * self.half_duration)

    def jump_right(self):
        """Jump to the next interval (one interval to the right)."""
        self.shift(2 * self.half_duration)

    def widen(self):
        """Increase the interval size."""
        self.half_duration *= self.interval_factor

    def narrow(self):
        """Decrease the interval size."""
        self.half_duration /= self.interval_factor

    def _first_cluster_spike_times(self):
        if self.spike_times is None or not self.cluster_ids:
            return np.zeros(0)
        if self._spike_times_takes_cluster:
            return np.asarray(self.spike_times(self.cluster_ids[0]), dtype=np.float64)
        return np.asarray(self.spike_times(), dtype=np.float64)

    def go_to_next_spike(self):
        """Jump to the next spike from the first selected cluster."""
        times = self._first_cluster_spike_times()
        after = times[times > self.time + 0.5 / self.sample_rate]
        if len(after):
            self.go_to(after.min())

    def go_to_previous_spike(self):
        """Jump to the previous spike from the first selected cluster."""
        times = self._first_cluster_spike_times()
        before = times[times < self.time - 0.5 / self.sample_rate]
        if len(before):
            self.go_to(before.max())

    def on_select_time(self, sender, time):
        """Go to a time picked in another view (alt+click in the amplitude view)."""
        self.go_to(time)
