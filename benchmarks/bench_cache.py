"""The dataset cache ``.phy/``: bytes per spike and load times at 100 k / 2 M / 20 M spikes.

Synthetic KiloSort-like datasets (:func:`phy.io.synthetic.make_template_dataset`: ``(n, 1)``
uint64 spike times, uint32 templates, int32 ``spike_clusters.npy`` equal to the templates,
float32 amplitudes, 500 templates, 64 channels, 3 PCs × 12 channels, no raw data) are generated
in a temporary directory. Each step runs in a fresh interpreter, in this order, and the size of
``.phy/`` is measured after it:

1. ``template-describe``: must write nothing (budget: 0 bytes);
2. first ``load_model`` (validation passes, template best channels);
3. first queries: ``get_template_spikes`` and ``get_cluster_spikes`` of every template/cluster
   (the spikes grouped by template, the cluster grouping being the same);
4. cached ``load_model`` (median of 3);
5. after a curation (``spike_clusters.npy`` rewritten: clusters no longer equal templates), load
   and ``get_cluster_spikes`` of every cluster (the cluster grouping is then stored too).

Times exclude the interpreter start and the imports. Reported: the whole ``.phy/`` folder, and
its per-spike arrays (``.npy`` files with one row per spike) in bytes per spike. Budget:
per-spike arrays at most 8 bytes per spike after every step; the rest is a fixed part per
template or cluster (counts, best channels, JSON). The generated
datasets are deleted at the end. Compare with another checkout's code by running the benchmark
from outside both checkouts with ``PYTHONPATH=<checkout>:<this checkout>``.
"""

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

SIZES = (100_000, 2_000_000, 20_000_000)
N_TEMPLATES = 500
N_CHANNELS = 64

#: Budget of the cache, in bytes per spike.
MAX_BYTES_PER_SPIKE = 8

_STEP_SCRIPT = """
import contextlib, io, json, sys, time
from phy.apps.template import load_model, template_describe
from phy.io.synthetic import make_template_dataset
step, params_path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()  # after the imports
if step == "generate":
    n = int(sys.argv[3])
    make_template_dataset(
        params_path, n_spikes=n, n_templates=int(sys.argv[4]), n_channels=int(sys.argv[5]),
        raw_data=False, duration=n / 2500.0, seed=0)
elif step == "describe":
    with contextlib.redirect_stdout(io.StringIO()):
        template_describe(params_path)
else:
    model = load_model(params_path)
    if step == "queries":
        for t in range(model.n_templates):
            model.get_template_spikes(t)
        for c in model.cluster_ids:
            model.get_cluster_spikes(int(c))
print(json.dumps(dict(time=time.perf_counter() - t0)))
"""


def _run(step, path, *args):
    """Run a step in a fresh interpreter; return its wall time in seconds."""
    out = subprocess.run([sys.executable, "-c", _STEP_SCRIPT, step, str(path)] + [
        str(a) for a in args], capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"The step {step!r} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])["time"]


def _cache_bytes(path, n_spikes):
    """Bytes of ``.phy/``: ``(all files, the data of the arrays holding one row per spike)``."""
    files = [p for p in (Path(path) / ".phy").rglob("*") if p.is_file()]
    arrays = [np.load(p, mmap_mode="r") for p in files if p.suffix == ".npy"]
    return (sum(p.stat().st_size for p in files),
            sum(a.nbytes for a in arrays if a.shape[:1] == (n_spikes,)))


def _curate(path):
    """Rewrite ``spike_clusters.npy`` as after a curation: template 0 split in two clusters."""
    clusters = np.load(path / "spike_clusters.npy").ravel().astype(np.int32)
    zero = np.flatnonzero(clusters == 0)
    clusters[zero[::2]] = N_TEMPLATES
    np.save(path / "spike_clusters.npy", clusters)


def _bench(path, n_spikes):
    _run("generate", path, n_spikes, N_TEMPLATES, N_CHANNELS)
    params = path / "params.py"
    row = dict(n_spikes=n_spikes)
    for step, name in (("describe", "describe"), ("load", "first_load"),
                       ("queries", "queries")):
        row[f"{name}_time"] = _run(step, params)
        row[f"{name}_bytes"], row[f"{name}_spike_bytes"] = _cache_bytes(path, n_spikes)
    row["cached_load_time"] = statistics.median(_run("load", params) for _ in range(3))
    _curate(path)
    row["curated_time"] = _run("queries", params)
    row["curated_bytes"], row["curated_spike_bytes"] = _cache_bytes(path, n_spikes)
    return row


def main(quick=False):
    """Run the benchmark (``quick``: the 100 k dataset only)."""
    sizes = SIZES[:1] if quick else SIZES
    root = Path(tempfile.mkdtemp(prefix="phy-bench-cache-"))
    rows = []
    try:
        for n_spikes in sizes:
            path = root / f"n{n_spikes}"
            rows.append(_bench(path, n_spikes))
            _print_row(rows[-1])
            shutil.rmtree(path)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    _print_summary(rows)
    return rows


def _per_spike(r, name, key="spike_bytes"):
    return r[f"{name}_{key}"] / r["n_spikes"]


def _print_row(r):
    print(f"\n{r['n_spikes']:,} spikes, {N_TEMPLATES} templates, {N_CHANNELS} channels",
          flush=True)
    for name, label in (("describe", "template-describe"), ("first_load", "first load_model"),
                        ("queries", "load + spikes of every template/cluster"),
                        ("curated", "after a curation, + every cluster")):
        print(f"  {label:<42} {r[f'{name}_time']:8.3f} s   .phy/ "
              f"{r[f'{name}_bytes'] / 2**20:9.2f} MB = {_per_spike(r, name, 'bytes'):6.2f} "
              f"B/spike, per-spike arrays {_per_spike(r, name):5.2f} B/spike")
    print(f"  {'cached load_model (median of 3)':<42} {r['cached_load_time']:8.3f} s")


def _print_summary(rows):
    print("\nPer-spike arrays of .phy/ in bytes per spike (whole folder in MB):")
    print("| spikes | describe writes (B) | after load | after queries | after curation | "
          "first load (s) | cached load (s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        cells = " | ".join(f"{_per_spike(r, n):.2f} ({r[f'{n}_bytes'] / 2**20:,.1f} MB)"
                           for n in ("first_load", "queries", "curated"))
        print(f"| {r['n_spikes']:,} | {r['describe_bytes']:,} | {cells} | "
              f"{r['first_load_time']:.3f} | {r['cached_load_time']:.3f} |")
    worst = max(max(_per_spike(r, n) for n in ("first_load", "queries", "curated"))
                for r in rows)
    ok = worst <= MAX_BYTES_PER_SPIKE and all(r["describe_bytes"] == 0 for r in rows)
    print(f"Budget (describe writes nothing, per-spike arrays ≤ {MAX_BYTES_PER_SPIKE} B/spike; "
          f"worst "
          f"{worst:.2f}): {'met' if ok else 'NOT MET'}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
