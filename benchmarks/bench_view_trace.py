"""Benchmark of the trace view: read, filter and draw a window; scroll through an hour.

* A 1 s window of the 384-channel benchmark dataset (30 kHz, 2 M spikes in 120 s, raw data on
  disk; the other clusters' spikes in their colour-scheme colours), high-pass filtered
  (``phy.traces.high_pass_filter``) and raw, with no, one and two selected clusters:
  ``prepare`` (read the window, filter, colour the spikes, bin it to the pixel columns) and
  ``draw`` (positions and colours to the GPU), then the frame (rendered and read back with
  ``glReadPixels``).
* Scrolling by one window (``jump_right``) in the middle of a 1-hour 384-channel recording: an
  83 GB sparse file (``truncate``: no disk used) memory-mapped; reading a window touches only
  that window, so the time does not depend on the file size. What is timed is the user's
  action: the jump (prepare, then draw), then the frame. The "cold" rows jump to a window never
  read (no prefetching); the "prefetched" rows jump after the prefetch of the neighbour windows
  (started by the previous drawing, on the thread pool) had time to finish: a cache hit.

The view (800x600) runs in a child process with Mesa's software renderer, like bench_plot.
"""

import functools
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.datasets import view_dataset
from benchmarks.gui_child import emit_json, print_table, run_module_child, show_canvas, timed
from phy.apps.view_data import trace_function

SIZE = (800, 600)
REPEATS = 3


def _measure(view, cluster_ids):
    """Best of REPEATS: prepare (the window read again: cache cleared), draw, frame."""
    best = None
    for _ in range(REPEATS):
        view._cache.clear()
        view._geometry = view._view_geometry()
        t_prepare, data = timed(lambda: view.prepare(cluster_ids))
        t_draw, _ = timed(functools.partial(view.draw, data))
        view._data = data
        t_frame, _ = timed(view.canvas.read_pixels)
        times = (t_prepare, t_draw, t_frame)
        if best is None or sum(times) < sum(best):
            best = times
    return dict(prepare=best[0], draw=best[1], frame=best[2],
                n_vertices=int(view.trace_visual.n_vertices))


def _measure_scroll(view, prefetch):
    """Best of REPEATS: ``jump_right`` (prepare and draw, timed apart), then the frame."""
    from phy.gui.threads import thread_pool

    view.prefetch = prefetch
    view._cache.clear()
    view.set_interval()  # Draws, and prefetches the neighbours when `prefetch`.
    times = {}

    def timing(name, f):
        def wrapped(*args, **kwargs):
            times[name], out = timed(functools.partial(f, *args, **kwargs))
            return out
        return wrapped

    view.prepare = timing("prepare", view.prepare)
    view.draw = timing("draw", view.draw)
    best = None
    for _ in range(REPEATS):
        thread_pool().waitForDone()  # The prefetch had time to finish.
        view.jump_right()
        t_frame, _ = timed(view.canvas.read_pixels)
        run = (times["prepare"], times["draw"], t_frame)
        if best is None or sum(run) < sum(best):
            best = run
    thread_pool().waitForDone()
    del view.prepare, view.draw
    return dict(prepare=best[0], draw=best[1], frame=best[2],
                n_vertices=int(view.trace_visual.n_vertices))


def _child(quick, hour_path):
    """Run the measures in this process and print them as JSON lines."""
    from phy.apps.template import load_model
    from phy.cluster.views import trace as trace_module
    from phy.gui.qt import create_app
    from phy.traces import high_pass_filter
    from phy.utils import Bunch, ClusterColorSelector

    app = create_app()
    model = load_model(view_dataset(quick=quick))
    sr = model.sample_rate
    view = trace_module.TraceView(
        traces=trace_function(model), spike_times=None, sample_rate=sr,
        duration=model.duration, n_channels=model.n_channels,
        channel_positions=model.channel_positions,
        filters={"high_pass": high_pass_filter(sr)},
        cluster_color_selector=ClusterColorSelector(
            cluster_ids=np.unique(np.asarray(model.spike_clusters))))
    container = show_canvas(app, view.canvas, SIZE, exposed=True)
    view.set_interval((60.0, 61.0))
    clusters = np.unique(np.asarray(model.spike_clusters[:20_000]))[:2].tolist()
    for filter_name in ("high_pass", "raw"):
        view._raw_data_filter = filter_name
        for ids in ([], clusters[:1], clusters):
            r = _measure(view, ids)
            emit_json(name=f"1 s x {model.n_channels} ch, {filter_name}, {len(ids)} selected",
                      **r)
    view.canvas.close()
    container.close()
    model.close()

    # Scrolling in an hour: a sparse memory-mapped file.
    n_channels = 64 if quick else 384
    mm = np.memmap(hour_path, dtype=np.int16, mode="r").reshape(-1, n_channels)
    hour = trace_module.TraceView(
        traces=lambda interval: Bunch(data=trace_module.select_traces(mm, interval, sr)),
        sample_rate=sr, duration=len(mm) / sr, n_channels=n_channels,
        filters={"high_pass": high_pass_filter(sr)})
    container = show_canvas(app, hour.canvas, SIZE, exposed=True)
    for filter_name in ("high_pass", "raw"):
        hour._raw_data_filter = filter_name
        for prefetch in (False, True):
            hour._interval = (1800.0, 1801.0)
            r = _measure_scroll(hour, prefetch)
            emit_json(name=f"scroll 1 s, 1 h x {n_channels} ch, {filter_name}, "
                      f"{'prefetched' if prefetch else 'cold'}", **r)
    hour.canvas.close()
    container.close()


def _print_table(results):
    header = (f"{'benchmark':<48} {'prepare':>9} {'draw':>8} {'frame':>8} {'total':>8} "
              f"{'vertices':>10}")
    print_table(header, (
        f"{r['name']:<48} {r['prepare'] * 1e3:>7.1f}ms {r['draw'] * 1e3:>6.1f}ms "
        f"{r['frame'] * 1e3:>6.1f}ms {(r['prepare'] + r['draw'] + r['frame']) * 1e3:>6.1f}ms "
        f"{r['n_vertices']:>10,}" for r in results))


def main(quick=False):
    """Measure in a child process and print the table."""
    view_dataset(quick=quick)  # Written once, before the timings.
    n_channels = 64 if quick else 384
    with tempfile.TemporaryDirectory() as tmp:
        hour_path = Path(tmp) / "hour.dat"
        with open(hour_path, "wb") as f:  # Sparse: an hour of zeros on no disk.
            f.truncate(3600 * 30000 * n_channels * 2)
        results = run_module_child(
            "benchmarks.bench_view_trace", "trace view", bool(quick), str(hour_path))
    print(f"TraceView, {SIZE[0]}x{SIZE[1]} canvas, best of {REPEATS}.\n")
    _print_table(results)
    return results


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
