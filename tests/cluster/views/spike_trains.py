"""Spike trains with a known structure, and the data functions of the correlogram and histogram
views computed from them (what the controller will provide), for the view tests."""

import numpy as np

from phy.cluster import correlograms, firing_rate
from phy.utils import Bunch

SAMPLE_RATE = 10_000.0
DURATION = 20.0


def spike_trains(seed=0):
    """``(spike_times, spike_clusters)``, sorted, of four clusters.

    * 0: 40 Hz, regular, with a 3 ms refractory period (no interval below 3 ms);
    * 1: 10 Hz, each spike 5.5 ms after a spike of cluster 0 (a cross-correlogram peak at +5 ms);
    * 2: 5 Hz Poisson;
    * 3: 20 Hz Poisson.
    """
    rng = np.random.default_rng(seed)
    t0 = np.cumsum(0.003 + rng.exponential(0.022, int(40 * DURATION)))
    t0 = t0[t0 < DURATION - 0.01]
    t1 = rng.choice(t0, int(10 * DURATION), replace=False) + 0.0055
    t2 = rng.uniform(0, DURATION, int(5 * DURATION))
    t3 = rng.uniform(0, DURATION, int(20 * DURATION))
    times = np.concatenate([t0, t1, t2, t3])
    clusters = np.repeat([0, 1, 2, 3], [len(t0), len(t1), len(t2), len(t3)])
    order = np.argsort(times, kind="stable")
    return times[order], clusters[order]


def correlogram_functions(spike_times, spike_clusters, sample_rate=SAMPLE_RATE,
                          duration=DURATION):
    """The ``correlograms`` and ``firing_rate`` functions of the correlogram view."""
    spike_times = np.asarray(spike_times, dtype=np.float64)
    spike_clusters = np.asarray(spike_clusters)

    def ccg(cluster_ids, bin_size, window_size):
        keep = np.isin(spike_clusters, cluster_ids)
        return correlograms(
            spike_times[keep], spike_clusters[keep], cluster_ids=cluster_ids,
            sample_rate=sample_rate, bin_size=bin_size, window_size=window_size)

    def rate(cluster_ids, bin_size):
        keep = np.isin(spike_clusters, cluster_ids)
        return firing_rate(spike_clusters[keep], cluster_ids, bin_size=bin_size,
                           duration=duration)

    return ccg, rate


def cluster_times(spike_times, spike_clusters):
    """``times(cluster_id)``: the spike times of a cluster."""
    return lambda cluster_id: np.asarray(spike_times)[np.asarray(spike_clusters) == cluster_id]


def isi_stat(spike_times, spike_clusters):
    """The ``cluster_stat`` of the ISI view: the intervals between the spikes of a cluster."""
    times = cluster_times(spike_times, spike_clusters)
    return lambda cluster_id: Bunch(data=np.diff(times(cluster_id)))


def spy_set_data(visual):
    """Record the validated data (and the per-vertex box index) of each ``set_data`` call."""
    calls = []
    original = visual.set_data

    def set_data(*args, **kwargs):
        data = original(*args, **kwargs)
        box_index = visual.box_index
        calls.append(Bunch(data=data, box_index=None if box_index is None else box_index.copy()))
        return data

    visual.set_data = set_data
    return calls


def item_boxes(call, counts):
    """The box of each item of a recorded ``set_data`` call, from the item sizes (vertices)."""
    starts = np.cumsum(counts) - counts
    return [tuple(int(v) for v in np.atleast_1d(call.box_index[s])) for s in starts]


def wheel(canvas, notches, modifiers):
    """Send a wheel event with modifiers ("Alt", "Control") to a canvas."""
    from phy.gui.qt import QApplication, QPoint, QPointF, Qt, QWheelEvent

    flags = Qt.NoModifier
    for m in modifiers:
        flags |= {"Alt": Qt.AltModifier, "Control": Qt.ControlModifier}[m]
    event = QWheelEvent(QPointF(10, 10), QPointF(10, 10), QPoint(0, 0),
                        QPoint(0, int(120 * notches)), Qt.NoButton, flags, Qt.NoScrollPhase, False)
    QApplication.sendEvent(canvas, event)
