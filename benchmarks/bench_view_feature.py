"""Benchmark of the feature view and of the template feature view at full size.

On the views' benchmark dataset (2 M spikes, 384 channels, 400 templates; ``--quick``: the small
one), opened with the template data layer, the views get their data functions from the model
(:func:`phy.apps.view_data.feature_functions`: PC features of 2,500 spikes per cluster and
2,500 background spikes, spike times;
:func:`phy.cluster.views.template_feature.template_feature_coords`). For one and for two
selected clusters (the largest ones), the time of ``view.prepare(cluster_ids)`` (worker
thread: reading and arranging the data; the first call and the best of the next ones) and of
``view.draw(data)`` (GUI thread: the visuals' data), then of one frame read back (upload and
rendering, Mesa's llvmpipe). The measures run in a child process with its own Qt application,
under an Xvfb server started for the occasion when there is no display. Target: prepare + draw
of the feature view <= 30 ms.
"""

import sys

import numpy as np

from benchmarks.gui_child import emit_json, print_table, run_module_child, show_canvas, timed
from phy.apps.view_data import feature_functions

SIZE = (800, 600)
#: Spikes shown per cluster, and background spikes, in the feature view.
N_SPIKES_SHOWN = 2500
N_BACKGROUND = 2500
REPEATS = 3


def feature_view(model):
    """A feature view of a ``TemplateModel`` (PC features)."""
    from phy.cluster.views.feature import FeatureView

    functions = feature_functions(model)
    return FeatureView(features=functions.features, attributes=functions.attributes)


def _measure(view, cluster_ids):
    """Times of prepare (first, best of the next), draw and one frame for a selection."""
    t_first, data = timed(lambda: view.prepare(cluster_ids))
    t_prepare = min(timed(lambda: view.prepare(cluster_ids))[0] for _ in range(REPEATS))
    view.cluster_ids = list(cluster_ids)
    t_draw = min(timed(lambda: view.draw(data))[0] for _ in range(REPEATS))
    t_frame = min(timed(view.canvas.read_pixels)[0] for _ in range(REPEATS))
    return dict(view=type(view).__name__, n_clusters=len(cluster_ids), first_prepare=t_first,
                prepare=t_prepare, draw=t_draw, frame=t_frame)


def _child(quick):
    """Run the measures in this process and print them as JSON lines."""
    from benchmarks.datasets import view_dataset
    from phy.apps.template import load_model
    from phy.cluster.views.feature import FeatureView
    from phy.cluster.views.template_feature import TemplateFeatureView, template_feature_coords
    from phy.gui.qt import create_app

    app = create_app()
    model = load_model(view_dataset(quick=quick), read_only=True)
    counts = np.bincount(np.asarray(model.spike_clusters))
    largest = [int(c) for c in np.argsort(counts)[::-1][:2]]
    emit_json(n_spikes=model.n_spikes, n_channels=model.n_channels,
              clusters={c: int(counts[c]) for c in largest})
    f = feature_functions(model)
    coords = template_feature_coords(
        model.get_template_features, model.get_cluster_spikes, model.spike_templates)
    views = [FeatureView(features=f.features, attributes=f.attributes),
             TemplateFeatureView(coords=coords)]
    for view in views:
        container = show_canvas(app, view.canvas, SIZE)
        for ids in (largest[:1], largest):
            emit_json(**_measure(view, ids))
        view.close()
        container.close()
    model.close()


def main(quick=False):
    """Measure in a child process and print the table."""
    lines = run_module_child("benchmarks.bench_view_feature", "feature view", bool(quick))
    info, results = lines[0], lines[1:]
    print(f"{info['n_spikes']:,} spikes, {info['n_channels']} channels; the largest clusters "
          f"{info['clusters']} (spikes); {SIZE[0]}x{SIZE[1]} canvas.\n")
    header = (f"{'view':<22} {'clusters':>8} {'1st prepare':>12} {'prepare':>9} {'draw':>8} "
              f"{'prepare+draw':>13} {'frame':>8}")
    print_table(header, (
        f"{r['view']:<22} {r['n_clusters']:>8} {r['first_prepare'] * 1e3:>10.1f}ms "
        f"{r['prepare'] * 1e3:>7.1f}ms {r['draw'] * 1e3:>6.1f}ms "
        f"{(r['prepare'] + r['draw']) * 1e3:>11.1f}ms {r['frame'] * 1e3:>6.1f}ms"
        for r in results))
    return results


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
