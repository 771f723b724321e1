"""Benchmark of the GUI's responsiveness: how long the GUI thread is blocked while selecting.

A GUI with threading on, the supervisor (native tables) and the views of :data:`VIEWS` attached
(each made from the ``TemplateModel`` of the views' benchmark dataset, 2 M spikes / 384
channels, by a factory named ``"module:function"``) is shown; a ``QTimer`` ticks every
``TICK_MS`` ms on the GUI thread and records the gaps between its ticks. Eight clusters (the
largest ones) are then selected in a row, twice:

* *one by one*: each selection once every view has drawn the previous one;
* *key repeat*: one selection every ``REPEAT_MS`` ms without waiting (holding a key down), so
  that the views drop the stale selections.

The longest gap is the longest time the GUI thread did not run its timer (supervisor and
tables included); the longest *busy* time is the GUI thread's CPU time in such a gap, which the
other processes of a shared machine do not inflate: the verdicts use it (Mesa's rasterizer
threads are not counted: their work stands for the GPU's). Target (issue "Cluster views"):
at most one frame's work per view: ``FRAME_MS`` ms
per attached view (60 Hz), and the sum over the views of their longest ``draw`` plus longest
paint as measured (software rendering makes the paints slow here: the second verdict shows
whether anything else, data loading say, blocks the GUI thread). The longest gap of an idle
second before is the noise floor of the machine (other processes, Xvfb).

To measure another view, add its factory to :data:`VIEWS`.
"""

import importlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.gui_child import emit_json, run_child, wait_until

#: The views attached to the GUI: view name -> ``"module:function"``, a function of a
#: ``TemplateModel`` returning the view.
VIEWS = {
    "WaveformView": "benchmarks.bench_view_waveform:waveform_view",
    "FeatureView": "benchmarks.bench_view_feature:feature_view",
    "AmplitudeView": "benchmarks.bench_view_amplitude:amplitude_view",
    "CorrelogramView": "benchmarks.bench_view_correlogram:correlogram_view",
    "ProbeView": "benchmarks.bench_view_amplitude:probe_view",
}
#: Clusters selected in a row.
N_SELECTIONS = 8
#: Period of the timer measuring the GUI thread's availability, in milliseconds.
TICK_MS = 5
#: Delay between two selections of the "key repeat" run, in milliseconds.
REPEAT_MS = 30
#: One frame's work, in milliseconds (60 Hz).
FRAME_MS = 1000 / 60
#: Duration of the idle measure (noise floor), in seconds.
IDLE_S = 1.0
#: Size of the GUI window.
GUI_SIZE = (1400, 900)


def make_view(name, model):
    """Make the view `name` of :data:`VIEWS` for a ``TemplateModel``."""
    module, function = VIEWS[name].split(":")
    return getattr(importlib.import_module(module), function)(model)


class GapRecorder:
    """A timer ticking every `TICK_MS` ms on the GUI thread, recording the longest gaps.

    ``max_gap`` is the longest wall time between two ticks; ``max_busy`` the longest CPU time
    of the GUI thread between two ticks (``time.thread_time``): the time it was blocked by its
    own work, without the time the system gave to other processes.
    """

    def __init__(self):
        from phy.gui.qt import QTimer

        self.max_gap = self.max_busy = 0.0
        self._last = None
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def _tick(self):
        now = (time.perf_counter(), time.thread_time())
        if self._last is not None:
            self.max_gap = max(self.max_gap, now[0] - self._last[0])
            self.max_busy = max(self.max_busy, now[1] - self._last[1])
        self._last = now

    def start(self):
        """Start recording (from zero)."""
        self.max_gap = self.max_busy = 0.0
        self._last = None
        self.timer.start()

    def stop(self):
        """Stop; return the longest gap and the longest busy time, in seconds."""
        self.timer.stop()
        return self.max_gap, self.max_busy


def _timed(obj, method, durations):
    """Record the duration of each call of ``obj.method`` in `durations` (instance wrapper)."""
    f = getattr(obj, method)

    def timed(*args):
        t0 = time.perf_counter()
        try:
            return f(*args)
        finally:
            durations.append(time.perf_counter() - t0)

    setattr(obj, method, timed)


def _select_in_a_row(app, supervisor, views, clusters, wait_drawn):
    """Select each cluster from the event loop; return the longest GUI thread gap and busy time
    (s) and the longest ``supervisor.select`` call (tables, emitting ``select``)."""
    from phy.gui.qt import QTimer

    recorder = GapRecorder()
    pending, selects = list(clusters), []

    def idle():
        return not any(v.is_busy for v in views)

    def next_selection():
        if not pending:
            return
        if wait_drawn and not idle():
            QTimer.singleShot(TICK_MS, next_selection)
            return
        t0 = time.perf_counter()
        supervisor.select([pending.pop(0)])
        selects.append(time.perf_counter() - t0)
        QTimer.singleShot(TICK_MS if wait_drawn else REPEAT_MS, next_selection)

    recorder.start()
    QTimer.singleShot(0, next_selection)
    wait_until(app, lambda: not pending and idle(), timeout=300)
    t0 = time.perf_counter()
    wait_until(app, lambda: time.perf_counter() - t0 > 0.1)  # the last paints
    return (*recorder.stop(), max(selects))


def _child(quick, names):
    """Measure in this process; print JSON lines."""
    from benchmarks.bench_view_amplitude import largest_clusters
    from benchmarks.datasets import view_dataset
    from phy.apps.template import load_model
    from phy.cluster import Supervisor
    from phy.cluster.tables import ClusterView
    from phy.gui import GUI
    from phy.gui.qt import create_app

    app = create_app()
    model = load_model(view_dataset(quick=quick))
    ClusterView.implementation = "native"
    supervisor = Supervisor(spike_clusters=np.asarray(model.spike_clusters), select_delay=0)
    config_dir = Path(tempfile.mkdtemp(prefix="phy-bench-config-"))  # the GUI state goes there
    gui = GUI(name="ResponsivenessGUI", size=GUI_SIZE, enable_threading=True,
              config_dir=config_dir)
    supervisor.attach(gui)
    views, draws, paints = [], {}, {}
    for name in names:
        view = make_view(name, model)
        view.attach(gui)
        _timed(view, "draw", draws.setdefault(name, []))
        _timed(view.canvas, "_paint", paints.setdefault(name, []))  # in paintGL
        views.append(view)
    gui.show()
    wait_until(app, lambda: all(v.canvas.isValid() and v.canvas.isExposed() for v in views))
    clusters = largest_clusters(model, N_SELECTIONS + 1)
    supervisor.select([clusters[-1]])  # warm-up: caches, programs
    wait_until(app, lambda: not any(v.is_busy for v in views), timeout=300)
    emit_json(dataset=dict(n_spikes=model.n_spikes, n_channels=model.n_channels), views=names)
    recorder = GapRecorder()  # the noise floor: the longest gap without any selection
    recorder.start()
    t0 = time.perf_counter()
    wait_until(app, lambda: time.perf_counter() - t0 > IDLE_S)
    emit_json(idle=recorder.stop())
    for label, wait_drawn in (("one by one", True), ("key repeat", False)):
        for durations in (*draws.values(), *paints.values()):
            durations.clear()
        gap, busy, select = _select_in_a_row(
            app, supervisor, views, clusters[:N_SELECTIONS], wait_drawn)
        emit_json(run=label, max_gap=gap, max_busy=busy, max_select=select,
                  n_draws={n: len(d) for n, d in draws.items()},
                  max_draw={n: max(d, default=0.0) for n, d in draws.items()},
                  max_paint={n: max(d, default=0.0) for n, d in paints.items()})
    supervisor.close()
    gui.close()
    model.close()
    shutil.rmtree(config_dir, ignore_errors=True)


def main(quick=False, names=None):
    """Measure in a child process and print the results."""
    names = list(names or VIEWS)
    code = (f"from benchmarks.bench_views_responsiveness import _child; "
            f"_child({bool(quick)}, {names!r})")
    lines = run_child(code, "views responsiveness")
    d = lines[0]["dataset"]
    target = FRAME_MS * len(names)
    print(f"{d['n_spikes']:,} spikes, {d['n_channels']} channels, threading on; views: "
          f"{', '.join(names)}.\nSelecting {N_SELECTIONS} clusters in a row; the GUI thread's "
          f"longest block (timer every {TICK_MS} ms), target one frame per view "
          f"({target:.0f} ms).\n")
    gap, busy = lines[1]["idle"]
    print(f"idle ({IDLE_S:.0f} s, no selection): longest gap {gap * 1e3:.1f} ms, longest busy "
          f"{busy * 1e3:.1f} ms (the noise floor of this machine)")
    for r in lines[2:]:
        # One frame's work per view, as measured: the sum of each view's longest draw + paint.
        frames = sum(r["max_draw"][n] + r["max_paint"][n] for n in names) * 1e3
        busy = r["max_busy"] * 1e3
        print(f"{r['run']}: longest gap {r['max_gap'] * 1e3:.1f} ms, longest busy {busy:.1f} ms "
              f"(vs {target:.0f} ms: {'ok' if busy <= target else 'OVER'}; vs one measured frame "
              f"per view, {frames:.1f} ms: {'ok' if busy <= frames + TICK_MS else 'OVER'}); "
              f"longest supervisor.select {r['max_select'] * 1e3:.1f} ms")
        for n in names:
            print(f"    {n:<16} {r['n_draws'][n]} draws, longest draw "
                  f"{r['max_draw'][n] * 1e3:.1f} ms, longest paint "
                  f"{r['max_paint'][n] * 1e3:.1f} ms")
    return lines[2:]


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
