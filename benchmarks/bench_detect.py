"""Spike detection (``phy.traces.SpikeDetekt``): throughput in multiples of real time, memory.

Synthetic int16 recordings (:class:`phy.io.synthetic_recording.SyntheticRecording`: Gaussian
noise of std 10, units of 80–160 with localised footprints on a Neuropixels-like probe,
5–15 Hz each, one unit per 2 channels) are written block by block as ``.dat`` files into
``$PHY_BENCH_DATA/detect`` (default ``~/.cache/phy-bench``) once and reused. Each case runs the
whole pipeline with the FORMATS §3.8 defaults (1 s chunks, thresholds on 50 excerpts of 1 s,
band-pass 500 Hz – 0.475 × rate, PCA on the first 10 000 spikes) in a fresh interpreter reading
the file with ``pread`` (no memory map: the resident memory is the pipeline's own). Reported:
wall time, multiple of real time (wall), CPU time of the process (all its threads: on a
machine shared with other work, wall time includes waiting for a core), peak resident memory
(``ru_maxrss``) above the interpreter's after the imports, and the bytes of the output arrays.

Goals (2-core machine): 32 channels at 20 kHz ≥ 20× real time; 384 channels at 30 kHz ≥ 1×;
peak memory beyond the output arrays the same at 1 and 10 minutes (the 10-minute case only in
the full run). ``--quick``: 10 s at 32 channels, 3 s at 384 channels.

End to end, ``phy detect`` (:func:`phy.apps.detect.detect`: PRM and PRB read, the ``.dat``
memory-mapped, detection, features and masks streamed into the ``.kwx``, the ``.kwik``
written, both renamed) on the 32-channel recording of 1 minute (10 s with ``--quick``) as two
16-channel shanks: wall time, multiple of real time, peak resident memory (the memory-mapped
raw pages the detection touched included) and the size of the files written.
"""

import json
import os
import subprocess
import sys

from benchmarks.datasets import bench_data_dir

#: (label, n_channels, sample_rate, duration in seconds)
FULL = (("32 ch @ 20 kHz, 1 min", 32, 20000.0, 60.0),
        ("32 ch @ 20 kHz, 10 min", 32, 20000.0, 600.0),
        ("384 ch @ 30 kHz, 20 s", 384, 30000.0, 20.0))
QUICK = (("32 ch @ 20 kHz, 10 s", 32, 20000.0, 10.0),
         ("384 ch @ 30 kHz, 3 s", 384, 30000.0, 3.0))
GOALS = {32: 20.0, 384: 1.0}

_CHILD = """
import json, os, resource, sys, time
import numpy as np
from phy.io.synthetic_recording import SyntheticRecording
from phy.traces import SpikeDetekt

class PreadRaw:
    # A (n_samples, n_channels) int16 file read by time slices with pread.
    def __init__(self, path, n_channels):
        self.fd = os.open(path, os.O_RDONLY)
        self.dtype = np.dtype(np.int16)
        self.shape = (os.fstat(self.fd).st_size // (2 * n_channels), n_channels)
    def __getitem__(self, item):
        start, stop, _ = item.indices(self.shape[0])
        row = 2 * self.shape[1]
        buf = os.pread(self.fd, (stop - start) * row, start * row)
        return np.frombuffer(buf, dtype=np.int16).reshape(-1, self.shape[1])

path, n_channels, rate = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rec = SyntheticRecording(n_channels=n_channels, sample_rate=rate, duration=1.0)
sd = SpikeDetekt(rate, rec.channel_groups)
sd.run(np.zeros((100, n_channels), dtype=np.int16))  # warm-up: imports, filter operators
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t0, c0 = time.perf_counter(), time.process_time()
out = sd.run(PreadRaw(path, n_channels))
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
g = out.groups[0]
nbytes = g.spike_samples.nbytes + g.spike_fractional.nbytes + g.masks.nbytes + g.features.nbytes
print(json.dumps(dict(wall=wall, cpu=cpu, peak=peak - base, output=nbytes,
                      n_spikes=len(g.spike_samples), n_samples=out.n_samples)))
"""


def _recording(n_channels, rate, duration):
    """The cached ``.dat`` of a synthetic recording (written block by block the first time)."""
    from phy.io.synthetic_recording import SyntheticRecording

    folder = bench_data_dir() / "detect"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"rec_{n_channels}ch_{int(rate)}hz_{int(duration)}s_seed0.dat"
    if not path.exists():
        rec = SyntheticRecording(n_channels=n_channels, sample_rate=rate, duration=duration,
                                 n_units=n_channels // 2, seed=0)
        tmp = path.with_suffix(".tmp")
        rec.write_dat(tmp)
        os.replace(tmp, path)  # never a half-written file under the final name
    return path


_CHILD_E2E = """
import json, resource, sys, time
import h5py  # noqa: F401 (imported by the writer: not the run's memory)
from phy.apps.detect import detect
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
t0, c0 = time.perf_counter(), time.process_time()
out = detect(sys.argv[1])
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
size = out.kwik_path.stat().st_size + out.kwx_path.stat().st_size
print(json.dumps(dict(wall=wall, cpu=cpu, peak=peak - base, output=size,
                      n_spikes=sum(out.n_spikes.values()))))
"""


def _child(code, label, *args):
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)],
                         capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"The detection of {label} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run_e2e(label, n_channels, rate, duration):
    """``phy detect`` on the cached recording, as 2 shanks, into a temporary folder."""
    import tempfile
    from pathlib import Path

    path = _recording(n_channels, rate, duration)
    half = n_channels // 2
    groups = {g: dict(channels=list(range(g * half, (g + 1) * half)),
                      graph=[(c, c + 1) for c in range(g * half, (g + 1) * half - 1)])
              for g in range(2)}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "probe.prb").write_text(f"channel_groups = {groups!r}\n")
        traces = dict(raw_data_files=[str(path)], sample_rate=rate, n_channels=n_channels,
                      dtype="int16")
        (folder / "bench.prm").write_text(
            f"experiment_name = 'bench'\nprb_file = 'probe.prb'\ntraces = {traces!r}\n")
        row = _child(_CHILD_E2E, label, folder / "bench.prm")
    row.update(label=f"phy detect, {label}", duration=duration, realtime=duration / row["wall"])
    return row


def _run(label, n_channels, rate, duration):
    path = _recording(n_channels, rate, duration)
    row = _child(_CHILD, label, path, n_channels, rate)
    row.update(label=label, n_channels=n_channels, duration=duration,
               realtime=duration / row["wall"])
    return row


def main(quick=False):
    """Run the benchmark (``quick``: small recordings, no 10-minute case)."""
    rows = []
    for case in (QUICK if quick else FULL):
        rows.append(_run(*case))
        r = rows[-1]
        print(f"  {r['label']:<26} {r['wall']:7.2f} s (CPU {r['cpu']:.2f} s)  "
              f"{r['realtime']:6.1f}× real time  "
              f"peak {r['peak'] / 2**20:7.1f} MB  output {r['output'] / 2**20:6.1f} MB  "
              f"{r['n_spikes']:,} spikes", flush=True)
    print("\n| recording | time (s) | CPU (s) | × real time | goal | peak memory (MB) | "
          "peak − output (MB) | spikes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['label']} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['realtime']:.1f} | "
              f"≥ {GOALS[r['n_channels']]:g} | {r['peak'] / 2**20:.1f} | "
              f"{(r['peak'] - r['output']) / 2**20:.1f} | {r['n_spikes']:,} |")
    met = all(r["realtime"] >= GOALS[r["n_channels"]] for r in rows)
    print(f"Throughput goals: {'met' if met else 'NOT MET'}")
    flat = [r for r in rows if r["n_channels"] == 32]
    if len(flat) == 2:
        a, b = ((r["peak"] - r["output"]) / 2**20 for r in flat)
        print(f"Memory beyond the outputs, 1 min → 10 min: {a:.1f} → {b:.1f} MB "
              f"({'flat' if b <= 1.2 * a + 20 else 'NOT FLAT'})")
    r = _run_e2e(*(QUICK if quick else FULL)[0])
    print(f"\n| end to end | time (s) | CPU (s) | × real time | peak memory (MB) | "
          f".kwik + .kwx (MB) | spikes |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
          f"| {r['label']} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['realtime']:.1f} | "
          f"{r['peak'] / 2**20:.1f} | {r['output'] / 2**20:.1f} | {r['n_spikes']:,} |")
    return rows + [r]


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
