"""KwikModel: open time, peak memory and save time of a kwik dataset with 5 M spikes.

A synthetic kwik dataset (:func:`phy.io.synthetic_kwik.make_kwik_dataset`: one channel group
of 8 channels × 3 features, 2 recordings, 100 clusters, no raw data) is generated once in a
temporary directory (``--quick``: 200 k spikes). Each measure runs in a fresh subprocess:
the wall time of ``KwikModel(path)`` and the peak resident memory above the interpreter
(``VmHWM`` after the open minus ``VmRSS`` after the imports, Linux); then reading the
features of 2 500 spikes (memory-mapped ``.kwx``), and ``model.save`` (a merge written
atomically into a copy of the ``.kwik``). Goal: opening in seconds with memory bounded by the
per-spike vectors (~17 bytes per spike: samples, recordings, clusters), the features never
loaded. The dataset is deleted at the end.
"""

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (5_000_000,)
QUICK_SIZES = (200_000,)

_SCRIPT = """
import json, sys, time
import numpy as np
from phy.apps.kwik import KwikModel

def status_kb(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))

base = status_kb("VmRSS")
t0 = time.perf_counter()
model = KwikModel(sys.argv[1])
out = dict(open_time=time.perf_counter() - t0, n_spikes=int(model.n_spikes))
out["open_rss_mb"] = max(0, status_kb("VmHWM") - base) / 1024
ids = np.linspace(0, model.n_spikes - 1, 2500).astype(np.int64)
t0 = time.perf_counter()
model.get_features(ids, np.arange(model.n_channels))
out["features_time"] = time.perf_counter() - t0
if sys.argv[2] == "save":
    clusters = np.array(model.spike_clusters)
    clusters[clusters == 1] = 0
    t0 = time.perf_counter()
    model.save(clusters, {0: "good"})
    out["save_time"] = time.perf_counter() - t0
print(json.dumps(out))
"""


def _run(path, save=False):
    out = subprocess.run([sys.executable, "-c", _SCRIPT, str(path), "save" if save else "-"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _generate(path, n_spikes):
    from phy.io.synthetic_kwik import make_kwik_dataset

    t0 = time.perf_counter()
    make_kwik_dataset(path, n_spikes=n_spikes, n_clusters=100, n_channels=8, n_recordings=2,
                      duration=n_spikes / 1000.0, seed=0)
    return time.perf_counter() - t0


def main(quick=False):
    """Run the benchmark (``quick``: 200 k spikes)."""
    root = Path(tempfile.mkdtemp(prefix="phy-bench-kwik-"))
    rows = []
    try:
        for n_spikes in QUICK_SIZES if quick else SIZES:
            path = root / f"n{n_spikes}" / "data.kwik"
            gen_time = _generate(path, n_spikes)
            size_mb = sum(p.stat().st_size for p in path.parent.iterdir()) / 2**20
            runs = [_run(path) for _ in range(3)]
            saved = _run(path, save=True)
            row = dict(n_spikes=n_spikes, gen_time=gen_time, size_mb=size_mb,
                       open_time=statistics.median(r["open_time"] for r in runs),
                       open_rss_mb=max(r["open_rss_mb"] for r in runs),
                       features_ms=1e3 * statistics.median(r["features_time"] for r in runs),
                       save_time=saved["save_time"])
            rows.append(row)
            print(f"{n_spikes:,} spikes ({size_mb:,.0f} MB .kwik + .kwx, generated in "
                  f"{gen_time:.1f} s)\n"
                  f"  open KwikModel: {row['open_time']:.3f} s, peak RSS +"
                  f"{row['open_rss_mb']:.0f} MB\n"
                  f"  features of 2,500 spikes: {row['features_ms']:.1f} ms\n"
                  f"  save (atomic, merge + label): {row['save_time']:.3f} s", flush=True)
            shutil.rmtree(path.parent)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
