"""Benchmark of the Template GUI on three dataset sizes (issue "The Template GUI").

Each size runs in its own child process (a fresh Qt application, peak memory of its own) on the
datasets of :data:`benchmarks.datasets.GUI_SIZES`: 60 k spikes / 64 channels with raw data,
2 M / 384 channels / 400 clusters with 5 min of raw data, 20 M / 384 / 700 clusters without raw
data. Measured:

* *model*: seconds to open the model (``load_model``; the ``.phy/`` cache is built beforehand);
* *GUI ready*: seconds from the controller's creation to the GUI shown with every view drawn
  (the first selection made by the wizard included);
* *select*: seconds from ``supervisor.select`` to every view drawn and painted, over
  :data:`N_SELECTIONS` different selections (one or two clusters) made :data:`PAUSE` s apart:
  median and 90th percentile;
* *save*: seconds of a save after a merge (every output file written);
* *peak*: the child's peak resident memory (MB), GUI included.

Budgets (this 2-core CPU-only machine, software OpenGL): select median ≤ 250 ms at 2 M with
raw data and ≤ 150 ms at 20 M; GUI ready ≤ 3 s at 20 M; peak memory ≤ 1.5 GB at 20 M;
save ≤ 1 s at 20 M.
"""

import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.gui_child import emit_json, print_table, run_module_child, wait_until

#: Selections measured (each a different cluster or pair of clusters).
N_SELECTIONS = 20
#: Seconds between a selection drawn and the next one (a person looks at the views): more than
#: the supervisor's coalescing delay, which would otherwise delay the next selection.
PAUSE = 0.5
#: Size of the GUI window.
GUI_SIZE = (1600, 1000)
#: Budgets in seconds (and MB for the memory) per size.
BUDGETS = {
    "2M": {"select_median": 0.250},
    "20M": {"select_median": 0.150, "ready": 3.0, "peak_mb": 1500, "save": 1.0},
}


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class DrawWatch:
    """Counts the paints of every view's canvas, to wait until each view drew a selection."""

    def __init__(self, views):
        self.views = list(views)
        self.paints = {id(v): 0 for v in self.views}
        for view in self.views:
            self._wrap(view)

    def _wrap(self, view):
        canvas = getattr(view, "canvas", None)
        if canvas is None or not hasattr(canvas, "_paint"):
            return
        paint = canvas._paint

        def counted(*args, **kwargs):
            out = paint(*args, **kwargs)
            self.paints[id(view)] += 1
            return out

        canvas._paint = counted

    def snapshot(self):
        """The paint counts now."""
        return dict(self.paints)

    def drawn_since(self, snapshot, cluster_ids):
        """Whether every view shows `cluster_ids`, is idle and painted after `snapshot`."""
        for view in self.views:
            if not hasattr(view, "canvas"):
                continue
            if list(getattr(view, "cluster_ids", cluster_ids)) != list(cluster_ids):
                return False
            if getattr(view, "is_busy", False):
                return False
            if self.paints[id(view)] <= snapshot[id(view)]:
                return False
        return True


def _idle(app, seconds):
    """Process the Qt events for `seconds`."""
    t0 = time.perf_counter()
    wait_until(app, lambda: time.perf_counter() - t0 > seconds)


def _selections(supervisor, n):
    """`n` different selections: the clusters in the wizard's order, alone or with a neighbour."""
    ids = list(supervisor.cluster_ids)
    rng = np.random.default_rng(0)
    out = []
    for i in rng.choice(len(ids), size=min(n, len(ids)), replace=False):
        out.append([ids[i]] if len(out) % 2 == 0 else [ids[i], ids[(i + 1) % len(ids)]])
    return out


def _child(size):
    """Measure one size in this process; print JSON lines."""
    from benchmarks.datasets import gui_dataset
    from phy.apps.template import TemplateController, load_model
    from phy.gui.qt import create_app

    shadow = _shadow_folder(gui_dataset(size).parent)
    params_path = shadow / "params.py"
    load_model(params_path).close()  # the .phy/ cache, built once (not measured here)
    t0 = time.perf_counter()
    model = load_model(params_path)
    t_model = time.perf_counter() - t0

    app = create_app()
    config_dir = Path(tempfile.mkdtemp(prefix="phy-bench-config-"))
    t0 = time.perf_counter()
    controller = TemplateController(dir_path=params_path.parent, config_dir=config_dir,
                                    model=model, clear_state=True)
    gui = controller.create_gui(size=GUI_SIZE)
    supervisor = controller.supervisor
    watch = DrawWatch(gui.views)
    snapshot = watch.snapshot()
    gui.show()
    wait_until(app, lambda: bool(supervisor.selected), timeout=300)
    wait_until(app, lambda: watch.drawn_since(snapshot, supervisor.selected), timeout=300)
    t_ready = time.perf_counter() - t0

    durations = []
    for cluster_ids in _selections(supervisor, N_SELECTIONS):
        _idle(app, PAUSE)
        snapshot = watch.snapshot()
        t0 = time.perf_counter()
        supervisor.select(cluster_ids)
        wait_until(app, lambda c=cluster_ids, s=snapshot: watch.drawn_since(s, c), timeout=300)
        durations.append(time.perf_counter() - t0)

    supervisor.merge(supervisor.cluster_ids[:2])
    wait_until(app, lambda: not any(getattr(v, "is_busy", False) for v in gui.views))
    t0 = time.perf_counter()
    supervisor.save()
    t_save = time.perf_counter() - t0
    emit_json(size=size, n_spikes=model.n_spikes, n_channels=model.n_channels,
              n_clusters=len(supervisor.cluster_ids), model=t_model, ready=t_ready,
              select_median=float(np.median(durations)),
              select_p90=float(np.percentile(durations, 90)), save=t_save, peak_mb=_peak_mb(),
              views=sorted(type(v).__name__ for v in gui.views))
    gui.close()
    controller.close()
    shutil.rmtree(config_dir, ignore_errors=True)
    shutil.rmtree(shadow, ignore_errors=True)


def _shadow_folder(folder):
    """A temporary dataset folder of symbolic links to `folder`'s files.

    The GUI's save replaces links (never the benchmark dataset's files) and the ``.phy/`` cache
    and state are written there: every run starts from the sorter's output.
    """
    shadow = Path(tempfile.mkdtemp(prefix="phy-bench-gui-"))
    for path in folder.iterdir():
        if path.is_file() and not path.name.startswith("."):
            (shadow / path.name).symlink_to(path)
    return shadow


def _verdict(size, r):
    over = [f"{k} {r[k]:.3g} > {v:.3g}" for k, v in BUDGETS.get(size, {}).items() if r[k] > v]
    return "over budget: " + ", ".join(over) if over else "ok"


def main(quick=False):
    """Measure each size in a child process and print the results."""
    sizes = ["60k"] if quick else ["60k", "2M", "20M"]
    rows = []
    for size in sizes:
        (r,) = run_module_child("benchmarks.bench_template_gui", "Template GUI", size)
        rows.append(
            f"{size:>4} {r['n_spikes']:>10,} {r['n_clusters']:>5} {r['model']:>7.2f} "
            f"{r['ready']:>7.2f} {r['select_median'] * 1e3:>8.0f} {r['select_p90'] * 1e3:>7.0f} "
            f"{r['save']:>6.2f} {r['peak_mb']:>7.0f}  {_verdict(size, r)}")
    print_table(f"{'size':>4} {'spikes':>10} {'clus':>5} {'model s':>7} {'ready s':>7} "
                f"{'sel50 ms':>8} {'sel90 ms':>7} {'save s':>6} {'peak MB':>7}  verdict", rows)
