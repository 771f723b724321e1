"""The trace view's time navigation (TraceNavigationMixin), on a view-less object."""

import numpy as np
import pytest

from phy.cluster.views.trace_navigation import TraceNavigationMixin


class Navigator(TraceNavigationMixin):
    """The attributes the mixin reads, as the trace view has them."""

    sample_rate = 1000.0
    duration = 100.0
    min_interval_samples = 10
    go_fraction = 0.25
    interval_factor = 1.25
    _spike_times_takes_cluster = True

    def __init__(self, spike_times):
        self._interval = (0.0, 1.0)
        self.cluster_ids = [7]
        self.spike_times = lambda cluster_id: spike_times[cluster_id]
        self.plots = 0

    @property
    def time(self):
        return 0.5 * sum(self._interval)

    @property
    def half_duration(self):
        return 0.5 * (self._interval[1] - self._interval[0])

    @half_duration.setter
    def half_duration(self, value):
        self.set_interval((self.time - value, self.time + value))

    def plot(self):
        self.plots += 1


@pytest.fixture
def nav():
    return Navigator({7: np.array([10.0, 20.0, 30.5])})


def test_go_to_and_clipping(nav):
    nav.go_to(50)
    assert nav._interval == (49.5, 50.5) and nav.plots == 1
    nav.go_to_start()
    assert nav._interval == (0.0, 1.0)
    nav.go_to(-10)  # clipped to the recording
    assert nav._interval == (0.0, 1.0)
    nav.go_to_end()
    assert nav._interval == (99.0, 100.0)
    nav.set_interval((5.0, 5.001))  # at least min_interval_samples
    assert nav._interval == pytest.approx((5.0, 5.01))


def test_shifts_and_zoom(nav):
    nav.go_to(50)
    nav.go_right()
    assert nav.time == pytest.approx(50.25)
    nav.go_left()
    nav.jump_right()
    assert nav.time == pytest.approx(51)
    nav.jump_left()
    nav.widen()
    assert nav.half_duration == pytest.approx(0.625) and nav.time == pytest.approx(50)
    nav.narrow()
    assert nav.half_duration == pytest.approx(0.5)


def test_next_and_previous_spike_of_the_first_cluster(nav):
    nav.go_to(15)
    nav.go_to_next_spike()
    assert nav.time == pytest.approx(20)
    nav.go_to_next_spike()
    assert nav.time == pytest.approx(30.5)
    nav.go_to_next_spike()  # no spike after: stays
    assert nav.time == pytest.approx(30.5)
    nav.go_to_previous_spike()
    assert nav.time == pytest.approx(20)
    nav.cluster_ids = []
    nav.go_to_previous_spike()  # no selection: stays
    assert nav.time == pytest.approx(20)
