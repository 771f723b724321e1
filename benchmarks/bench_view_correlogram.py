"""Benchmark of the correlogram, ISI and firing-rate views at 2 M spikes.

On the cached synthetic template dataset of the view benchmarks (2 M spikes, 400 clusters; see
:mod:`benchmarks.datasets`), for 1, 2 and 10 selected clusters (the largest ones), and for one
cluster of about 500 k spikes (the 100 smallest clusters merged): the time of ``prepare`` (the
data functions: correlograms and baselines, or the histograms) and of ``draw`` (visuals set),
then of the first frame (upload and render, read back with ``glReadPixels``).

The data functions are those the Template GUI gives the views: spike ids per cluster computed
once (as the clustering keeps them), at most ``n_spikes_correlograms`` = 100 000 spikes per
cluster for the correlograms (a random subset, the same for the baselines), all the spikes of
each cluster for the ISI and firing-rate histograms. The measures run in a child process (its
own Qt application) with Mesa's software renderer, under Xvfb when there is no display.
"""

import functools
import sys

import numpy as np

from benchmarks.datasets import view_dataset
from benchmarks.gui_child import emit_json, print_table, run_module_child, show_canvas, timed
from phy.apps.view_data import SpikeData
from phy.cluster.clustering import group_spikes

SIZE = (800, 600)
#: The Template GUI's correlogram budget, per cluster.
N_SPIKES_CORRELOGRAMS = 100_000
SELECTIONS = (1, 2, 10)
#: Number of small clusters merged into one big cluster (the budget case).
N_MERGED = 100
REPEATS = 3


def correlogram_view(model):
    """A correlogram view of a ``TemplateModel`` (at most 100 000 spikes per cluster)."""
    from phy.cluster.views.correlogram import CorrelogramView

    data = SpikeData(np.asarray(model.spike_times), group_spikes(model.spike_clusters),
                     model.sample_rate, model.duration)
    return CorrelogramView(data.correlograms, data.firing_rate)


def _measure(app, view, cluster_ids, n_spikes, name):
    """Best of a few prepare/draw/first-frame times of one selection."""
    container = show_canvas(app, view.canvas, SIZE)
    view.cluster_ids = list(cluster_ids)
    times = []
    for _ in range(REPEATS):
        t_prepare, data = timed(lambda: view.prepare(view.cluster_ids))
        t_draw, _ = timed(functools.partial(view.draw, data))
        t_frame, _ = timed(view.canvas.read_pixels)
        times.append((t_prepare, t_draw, t_frame))
    view.close()
    container.close()
    t_prepare, t_draw, t_frame = np.min(times, axis=0)
    return dict(name=name, n_clusters=len(cluster_ids), n_spikes=n_spikes,
                prepare=t_prepare, draw=t_draw, frame=t_frame)


def _child(quick):
    """Run the measures in this process and print them as JSON lines."""
    from phy.apps.template import load_model
    from phy.cluster.views.correlogram import CorrelogramView
    from phy.cluster.views.histogram import FiringRateView, ISIView
    from phy.gui.qt import create_app

    app = create_app()
    model = load_model(view_dataset(quick=quick))
    clusters = np.asarray(model.spike_clusters)
    spikes_per_cluster = group_spikes(clusters)
    data = SpikeData(np.asarray(model.spike_times), spikes_per_cluster, model.sample_rate,
                     model.duration)
    counts = {c: len(s) for c, s in spikes_per_cluster.items()}
    largest = sorted(counts, key=counts.get, reverse=True)
    emit_json(n_spikes=int(model.n_spikes), n_clusters=len(counts))

    for n in SELECTIONS:
        ids = largest[:n]
        used = sum(min(counts[c], N_SPIKES_CORRELOGRAMS) for c in ids)
        view = CorrelogramView(data.correlograms, data.firing_rate)
        emit_json(**_measure(app, view, ids, used, "correlograms"))
    for cls, stat in ((ISIView, data.isi), (FiringRateView, data.spike_times_of)):
        for n in SELECTIONS[:2]:
            ids = largest[:n]
            view = cls(stat)
            if cls is FiringRateView:
                view.x_max = model.duration
            result = _measure(app, view, ids, sum(counts[c] for c in ids), cls.__name__)
            emit_json(**result)

    # One big cluster: the smallest clusters merged, subsampled to the budget.
    small = largest[-N_MERGED:]
    merged_id = max(counts) + 1
    merged = np.where(np.isin(clusters, small), merged_id, clusters)
    merged_spc = group_spikes(merged)
    data = SpikeData(np.asarray(model.spike_times), merged_spc, model.sample_rate, model.duration)
    n_merged = len(merged_spc[merged_id])
    view = CorrelogramView(data.correlograms, data.firing_rate)
    result = _measure(app, view, [merged_id], min(n_merged, N_SPIKES_CORRELOGRAMS),
                      f"correlograms, {n_merged:,} spk")
    emit_json(**result)


def _print_table(results):
    header = f"{'view':<30} {'clusters':>8} {'spikes':>9} {'prepare':>9} {'draw':>8} {'frame':>8}"
    print_table(header, (
        f"{r['name']:<30} {r['n_clusters']:>8} {r['n_spikes']:>9,} "
        f"{r['prepare'] * 1e3:>7.1f}ms {r['draw'] * 1e3:>6.1f}ms {r['frame'] * 1e3:>6.1f}ms"
        for r in results))


def main(quick=False):
    """Measure in a child process and print the table."""
    view_dataset(quick=quick)  # written once, before the timed child process
    lines = run_module_child(
        "benchmarks.bench_view_correlogram", "correlogram view", bool(quick))
    info, results = lines[0], lines[1:]
    print(f"{info['n_spikes']:,} spikes, {info['n_clusters']} clusters; at most "
          f"{N_SPIKES_CORRELOGRAMS:,} spikes per cluster in the correlograms; "
          f"{SIZE[0]}x{SIZE[1]} canvas.\n")
    _print_table(results)
    return results


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
