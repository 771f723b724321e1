"""Benchmark of the amplitude and probe views: prepare and draw at full size.

On the views' benchmark dataset (:func:`benchmarks.datasets.view_dataset`: 2 M spikes, 384
channels, raw data) loaded with the template data layer, the selection of the largest cluster,
then of the two largest, is prepared (``view.prepare``: the data functions, NumPy, the worker
thread's share) and drawn (``view.draw``: the visuals' data set, the GUI thread's share), then
one frame is rendered and read back (``read_pixels``: upload and draw, Mesa's software renderer
here). The amplitude view shows the template amplitudes of at most 10 000 spikes per cluster
and 10 000 background spikes (the Template GUI's budget). Each time is the median of
``REPEATS`` runs after a warm-up selection. Targets: prepare + draw ≤ 20 ms for the amplitude
view, ≤ 5 ms for the probe view.

The factories :func:`amplitude_view` and :func:`probe_view` (a view from a ``TemplateModel``)
serve :mod:`benchmarks.bench_views_responsiveness` too.
"""

import functools
import statistics
import sys

import numpy as np

from benchmarks.gui_child import emit_json, print_table, run_module_child, show_canvas, timed
from phy.apps.view_data import template_amplitudes

#: Amplitudes shown per cluster, and background spikes.
N_AMPLITUDES = 10_000
#: The canvas size of the measures.
SIZE = (800, 600)
#: Runs of each measure (the median is reported).
REPEATS = 5
#: Targets of prepare + draw, in seconds.
TARGETS = {"AmplitudeView": 0.020, "ProbeView": 0.005}


def amplitude_view(model):
    """An amplitude view of a ``TemplateModel`` (template amplitudes)."""
    from phy.cluster.views.amplitude import AmplitudeView

    return AmplitudeView(
        amplitudes={"template": template_amplitudes(model)}, duration=model.duration)


def probe_view(model):
    """A probe view of a ``TemplateModel``."""
    from phy.cluster.views.probe import ProbeView

    return ProbeView(positions=model.channel_positions, best_channels=model.get_cluster_channels,
                     channel_labels=model.channel_labels)


def largest_clusters(model, n):
    """The `n` clusters with the most spikes, largest first."""
    counts = np.bincount(np.asarray(model.spike_clusters))
    return [int(c) for c in np.argsort(counts)[::-1][:n]]


def _n_points(data):
    """Points drawn for the selection: amplitudes (background included) or best channels."""
    if "channels" in data:
        return sum(len(c) for c in data.channels)
    return sum(len(b.pos) for b in [data.background, *data.clusters] if b is not None)


def _median_time(f):
    times = []
    for _ in range(REPEATS):
        t, out = timed(f)
        times.append(t)
    return statistics.median(times), out


def _row(r):
    """One table line of a selection's measures, with the verdict against the target."""
    total, target = r["prepare"] + r["draw"], TARGETS[r["view"]]
    verdict = "ok" if total <= target else "OVER"
    return (f"{r['view']:<14} {r['n_clusters']:>8} {r['n_points']:>7,} "
            f"{r['prepare'] * 1e3:>7.1f}ms {r['draw'] * 1e3:>6.1f}ms {r['frame'] * 1e3:>6.1f}ms "
            f"{total * 1e3:>8.1f}ms {target * 1e3:>5.0f}ms {verdict}")


def _child(quick):
    """Measure in this process; print JSON lines."""
    from benchmarks.datasets import view_dataset
    from phy.apps.template import load_model
    from phy.gui.qt import create_app

    app = create_app()
    model = load_model(view_dataset(quick=quick))
    emit_json(dataset=dict(n_spikes=model.n_spikes, n_channels=model.n_channels))
    clusters = largest_clusters(model, 3)
    for make in (amplitude_view, probe_view):
        view = make(model)
        container = show_canvas(app, view.canvas, SIZE)
        view.draw(view.prepare([clusters[2]]))  # warm-up: caches, programs
        view.canvas.read_pixels()
        for selection in (clusters[:1], clusters[:2]):
            view.cluster_ids = selection
            t_prepare, data = _median_time(functools.partial(view.prepare, selection))
            t_draw, _ = _median_time(functools.partial(view.draw, data))
            t_frame, _ = _median_time(view.canvas.read_pixels)
            emit_json(view=view.name, n_clusters=len(selection), n_points=_n_points(data),
                      prepare=t_prepare, draw=t_draw, frame=t_frame)
        view.close()
        container.close()
    model.close()


def main(quick=False):
    """Measure in a child process and print the table."""
    lines = run_module_child("benchmarks.bench_view_amplitude", "amplitude/probe view", bool(quick))
    d = lines[0]["dataset"]
    print(f"{d['n_spikes']:,} spikes, {d['n_channels']} channels; {SIZE[0]}x{SIZE[1]} canvas, "
          f"median of {REPEATS}.\n")
    header = (f"{'view':<14} {'clusters':>8} {'points':>7} {'prepare':>9} {'draw':>8} "
              f"{'frame':>8} {'prep+draw':>10} {'target':>7}")
    results = lines[1:]
    print_table(header, map(_row, results))
    return results


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
