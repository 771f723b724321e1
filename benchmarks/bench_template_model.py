"""TemplateModel: load time and memory at 60 k / 2 M / 20 M spikes, raw waveform extraction.

Synthetic Neuropixels-like datasets (384 channels, 500 templates, KiloSort file layout: (n, 1)
uint64/uint32 vectors, 3 PCs × 32 channels, 32 template features) are generated once in a
temporary directory. Each load is measured in a fresh subprocess: wall time of
``load_model(params.py)`` and peak resident memory above the interpreter (``VmHWM`` after the
load minus ``VmRSS`` after the imports, Linux); the tracemalloc peak of the load is measured in
a separate run. The *first open* builds the derived arrays in ``.phy/``; the *cached load*
reuses them (budget at 20 M spikes: ≤ 0.5 s and ≤ 300 MB). ``get_waveforms`` reads 100 spikes
× 16 channels from the raw data of the smallest dataset (budget ≤ 20 ms). The generated
datasets are deleted at the end.
"""

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SIZES = (60_000, 2_000_000, 20_000_000)
N_TEMPLATES = 500
N_CHANNELS = 384

_LOAD_SCRIPT = """
import json, sys, time, tracemalloc
import numpy as np
from phy.apps.template import load_model

def status_kb(key):
    # VmHWM (peak RSS of this process image): unlike ru_maxrss, not inherited through exec.
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key))

traced = sys.argv[2] == "traced"
base = status_kb("VmRSS")
if traced:
    tracemalloc.start()
t0 = time.perf_counter()
model = load_model(sys.argv[1])
dt = time.perf_counter() - t0
out = dict(time=dt, n_spikes=int(model.n_spikes))
if traced:
    out["traced_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
else:
    out["rss_mb"] = max(0, status_kb("VmHWM") - base) / 1024
print(json.dumps(out))
"""


def _measure_load(params_path, traced=False):
    """Load a dataset in a fresh interpreter; return its time and memory measurements.

    ``rss_mb`` is the peak resident memory during the load minus the resident memory after
    the imports; ``traced_mb`` (with ``traced=True``, slower) the tracemalloc peak.
    """
    out = subprocess.run(
        [sys.executable, "-c", _LOAD_SCRIPT, str(params_path), "traced" if traced else "-"],
        capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _dir_size_mb(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


_GENERATE_SCRIPT = """
import json, sys, time, tracemalloc
from phy.io.synthetic import make_template_dataset
tracemalloc.start()
t0 = time.perf_counter()
make_template_dataset(
    sys.argv[1], n_spikes=int(sys.argv[2]), n_templates=int(sys.argv[3]),
    n_channels=int(sys.argv[4]), raw_data=sys.argv[5] == "raw", n_pc_channels=32,
    n_template_features=32, duration=int(sys.argv[2]) / 2500.0, seed=0)
print(json.dumps(dict(time=time.perf_counter() - t0,
                      traced_mb=tracemalloc.get_traced_memory()[1] / 2**20)))
"""


def _generate(path, n_spikes, raw_data):
    """Generate a dataset in a subprocess; return its time and tracemalloc peak (MB)."""
    out = subprocess.run(
        [sys.executable, "-c", _GENERATE_SCRIPT, str(path), str(n_spikes), str(N_TEMPLATES),
         str(N_CHANNELS), "raw" if raw_data else "-"], capture_output=True, text=True,
        check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _bench_waveforms(params_path, n_repeats=20):
    """Time get_waveforms(100 random spikes, 16 channels), raw and high-pass filtered."""
    from phy.apps.template import load_model
    from phy.traces import filter_waveforms, high_pass_filter

    model = load_model(params_path)
    rng = np.random.default_rng(0)
    fil = high_pass_filter(model.sample_rate)
    raw_times, filtered_times = [], []
    for _ in range(n_repeats):
        spikes = np.sort(rng.choice(model.n_spikes, 100, replace=False))
        channels = model.get_template_channels(int(model.spike_templates[spikes[0]]))
        channels = np.r_[channels, np.setdiff1d(np.arange(model.n_channels), channels)][:16]
        t0 = time.perf_counter()
        w = model.get_waveforms(spikes, channels)
        t1 = time.perf_counter()
        filter_waveforms(w, fil, axis=1)
        t2 = time.perf_counter()
        raw_times.append(t1 - t0)
        filtered_times.append(t2 - t0)
    assert w.shape == (100, model.n_samples_waveforms, 16)
    model.close()
    return statistics.median(raw_times), max(raw_times), statistics.median(filtered_times)


def _bench_queries(params_path):
    """Time a few per-cluster queries on a loaded model (cached derived arrays)."""
    from phy.apps.template import load_model

    model = load_model(params_path)
    cluster = int(model.cluster_ids[len(model.cluster_ids) // 2])
    t0 = time.perf_counter()
    spikes = model.get_cluster_spikes(cluster)
    t1 = time.perf_counter()
    channels = model.get_cluster_channels(cluster)
    t2 = time.perf_counter()
    sub = spikes[:: max(1, spikes.size // 2500)][:2500]
    model.get_features(sub, channels[:4])
    t3 = time.perf_counter()
    model.close()
    return dict(cluster_spikes=t1 - t0, cluster_channels=t2 - t1, features=t3 - t2,
                n_cluster_spikes=spikes.size)


def main(quick=False):
    """Run the benchmark (``quick``: the 60 k dataset only)."""
    sizes = SIZES[:1] if quick else SIZES
    root = Path(tempfile.mkdtemp(prefix="phy-bench-template-"))
    rows = []
    try:
        for i, n_spikes in enumerate(sizes):
            path = root / f"n{n_spikes}"
            gen = _generate(path, n_spikes, raw_data=(i == 0))
            params_path = path / "params.py"
            first = _measure_load(params_path)
            warm = [_measure_load(params_path) for _ in range(3)]
            traced = _measure_load(params_path, traced=True)
            queries = _bench_queries(params_path)
            cache_mb = _dir_size_mb(path / ".phy")
            row = dict(
                n_spikes=n_spikes, gen_time=gen["time"], gen_mb=gen["traced_mb"],
                data_mb=_dir_size_mb(path) - cache_mb, cache_mb=cache_mb,
                first_time=first["time"], first_rss=first["rss_mb"],
                load_time=statistics.median(w["time"] for w in warm),
                load_rss=max(w["rss_mb"] for w in warm),
                load_traced=traced["traced_mb"], **queries)
            if i == 0:
                row["waveforms"] = _bench_waveforms(params_path)
            rows.append(row)
            _print_row(row)
            shutil.rmtree(path)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    _print_summary(rows)
    return rows


def _print_row(r):
    print(f"\n{r['n_spikes']:,} spikes, {N_TEMPLATES} templates, {N_CHANNELS} channels "
          f"(generated in {r['gen_time']:.1f} s with a {r['gen_mb']:.0f} MB allocation peak, "
          f"{r['data_mb']:,.0f} MB on disk)", flush=True)
    print(f"  first open (builds .phy/, {r['cache_mb']:,.0f} MB): {r['first_time']:8.3f} s"
          f"   peak RSS +{r['first_rss']:7.1f} MB")
    print(f"  cached load_model:                  {r['load_time']:8.3f} s"
          f"   peak RSS +{r['load_rss']:7.1f} MB   (tracemalloc peak {r['load_traced']:.1f} MB)")
    print(f"  get_cluster_spikes ({r['n_cluster_spikes']:,} spikes): "
          f"{1e3 * r['cluster_spikes']:.2f} ms; get_cluster_channels: "
          f"{1e3 * r['cluster_channels']:.2f} ms; get_features (≤2500 spikes × 4 ch): "
          f"{1e3 * r['features']:.2f} ms")
    if "waveforms" in r:
        med, worst, filtered = r["waveforms"]
        print(f"  get_waveforms 100 spikes × 16 ch from raw: median {1e3 * med:.2f} ms, "
              f"max {1e3 * worst:.2f} ms; + median subtraction & high-pass: "
              f"{1e3 * filtered:.2f} ms")


def _print_summary(rows):
    print("\n| spikes | first open (s) | first open RSS (MB) | cached load (s) | "
          "cached load RSS (MB) |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['n_spikes']:,} | {r['first_time']:.3f} | {r['first_rss']:.0f} | "
              f"{r['load_time']:.3f} | {r['load_rss']:.0f} |")
    big = [r for r in rows if r["n_spikes"] >= 20_000_000]
    for r in big:
        ok = r["load_time"] <= 0.5 and r["load_rss"] <= 300
        print(f"Budget at {r['n_spikes']:,} spikes (≤ 0.5 s, ≤ 300 MB): "
              f"{'met' if ok else 'NOT MET'}")
    for r in rows:
        if "waveforms" in r:
            print(f"Budget get_waveforms (≤ 20 ms): "
                  f"{'met' if r['waveforms'][0] <= 0.02 else 'NOT MET'}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
