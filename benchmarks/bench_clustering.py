"""Clustering actions and correlograms on large synthetic datasets.

``python -m benchmarks clustering`` (``--quick`` for small sizes). Prints, for 2 M and 20 M
spikes (700 clusters, two of them with 100 k spikes): the time to build a ``Clustering`` and
the peak memory while building it and doing all the actions (tracemalloc, on top of the input
array), then the time of merging the two
100 k-spike clusters, splitting 10 k spikes, undoing and redoing (median and max over several
repetitions); then the same for 10 k spikes drawn at random from the whole dataset (they
touch nearly every cluster: the split deletes them all and adds one more; not traced), with the
time to read the spikes of every cluster after such a split (they are computed lazily) and the
memory each such split leaves allocated, the history included (tracemalloc).
Then correlograms (1 ms bins, 50 ms window, 30 kHz): 2 clusters x 100 k spikes,
and all 400 clusters of a 2 M-spike dataset, for two recording durations.
"""

import gc
import time
import tracemalloc

import numpy as np

from phy.cluster import Clustering, correlograms
from phy.cluster.curation import Curation

N_CLUSTERS = 700
BIG = 100_000  # spikes of the two clusters that are merged
SPLIT = 10_000  # spikes split off
SAMPLE_RATE = 30_000.


def make_spike_clusters(n_spikes, n_clusters=N_CLUSTERS, big=BIG, seed=0):
    """Shuffled spike clusters: clusters 0 and 1 have `big` spikes, the others lognormal sizes."""
    rng = np.random.default_rng(seed)
    rest = n_spikes - 2 * big
    w = rng.lognormal(0, 1, n_clusters - 2)
    sizes = np.floor(w / w.sum() * rest).astype(np.int64)
    sizes[np.argmax(sizes)] += rest - sizes.sum()
    sc = np.repeat(np.arange(n_clusters, dtype=np.int64), np.r_[big, big, sizes])
    rng.shuffle(sc)
    return sc


def _timed(f):
    t0 = time.perf_counter()
    out = f()
    return time.perf_counter() - t0, out


def bench_actions(n_spikes, reps):
    """Build a Clustering, then time merge/split/undo/redo. Returns a dict of timings."""
    Clustering([0, 1]).merge([0, 1])  # one-time lazy imports of numpy (numpy.ma), not timed
    sc = make_spike_clusters(n_spikes)
    gc.collect()
    tracemalloc.start()
    build, clustering = _timed(lambda: Clustering(sc))
    rng = np.random.default_rng(1)
    times = {"merge": [], "split": [], "undo": [], "redo": []}
    for _ in range(reps):
        big = [c for c in clustering.cluster_ids if clustering.n_spikes_in(c) >= BIG][:2]
        dt, up = _timed(lambda big=big: clustering.merge(big))
        times["merge"].append(dt)
        assert clustering.n_spikes_in(up.added[0]) >= 2 * BIG
        spikes = np.sort(rng.choice(clustering.spikes_in_clusters(up.added), SPLIT,
                                    replace=False))
        dt, up = _timed(lambda spikes=spikes: clustering.split(spikes))
        times["split"].append(dt)
        for name in ("undo", "redo", "undo"):
            dt, _ = _timed(clustering.undo if name == "undo" else clustering.redo)
            times[name].append(dt)
        clustering.undo()  # back to the original clustering
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    spread, touched = bench_spread(clustering, rng, reps)
    return dict(build=build, peak=peak, input=sc.nbytes, times=times, spread=spread,
                touched=touched, kept=history_memory(clustering, rng, reps))


def _spread_split(clustering, rng):
    """Split SPLIT spikes drawn from the whole dataset (they touch nearly every cluster)."""
    return clustering.split(np.sort(rng.choice(clustering.n_spikes, SPLIT, replace=False)))


def _read_all(clustering):
    """Read the spikes of every cluster (computing those not computed yet)."""
    for spikes in clustering.spikes_per_cluster.values():
        assert spikes.size


def bench_spread(clustering, rng, reps):
    """Time spread splits, reading every cluster's spikes after them, undo and redo.

    Returns the timings and the fewest clusters a split touched.
    """
    times, touched = {"split": [], "read all": [], "undo": [], "redo": []}, []
    for _ in range(reps):
        dt, up = _timed(lambda: _spread_split(clustering, rng))
        times["split"].append(dt)
        touched.append(len(up.deleted))
        times["read all"].append(_timed(lambda: _read_all(clustering))[0])
        for name in ("undo", "redo"):
            times[name].append(_timed(getattr(clustering, name))[0])
    return times, min(touched)


def history_memory(clustering, rng, reps):
    """Bytes that each spread split (every cluster's spikes read after it) leaves allocated."""
    gc.collect()
    tracemalloc.start()
    _spread_split(clustering, rng)  # the remainders' arrays replace the original ones
    _read_all(clustering)
    start = tracemalloc.get_traced_memory()[0]
    for _ in range(reps):
        _spread_split(clustering, rng)
        _read_all(clustering)
    kept = (tracemalloc.get_traced_memory()[0] - start) / reps
    tracemalloc.stop()
    return kept


def bench_wizard(n_spikes, reps):
    """Supervisor actions without Qt: the clustering, the table rows and the selection."""
    sc = make_spike_clusters(n_spikes)
    w = Curation(sc, cluster_metrics={"depth": lambda c: float(c % 384)},
                 similarity=lambda c: [(d, 1. / (1 + abs(d - c))) for d in range(c - 50, c + 50)])
    w.wizard.select(0)
    times = {"merge": [], "undo": [], "redo": [], "move": [], "next_best": []}
    for _ in range(reps):
        for name, f in (("merge", lambda: w.merge([0, 1])), ("undo", w.undo),
                        ("redo", w.redo), ("move", lambda: w.move("noise", "best")),
                        ("next_best", w.wizard.next_best)):
            times[name].append(_timed(f)[0])
        w.undo()
        w.undo()
        w.wizard.select(0)
    return times


def poisson_times(n_spikes, duration, seed):
    """Sorted uniform spike times (a Poisson process conditioned on its count)."""
    return np.sort(np.random.default_rng(seed).uniform(0, duration, n_spikes))


def bench_correlograms(n_spikes, n_clusters, duration, reps):
    """Median and min time of the correlograms of all clusters of a random spike train."""
    t = poisson_times(n_spikes, duration, seed=n_clusters)
    c = np.random.default_rng(2).integers(0, n_clusters, n_spikes)
    times = []
    for _ in range(reps):
        dt, ccg = _timed(lambda: correlograms(t, c, sample_rate=SAMPLE_RATE, bin_size=1e-3,
                                              window_size=50e-3))
        times.append(dt)
    assert ccg.shape == (n_clusters, n_clusters, 51)
    return np.median(times), np.min(times), int(ccg.sum())


def _ms(x):
    return f"{1e3 * x:8.1f}"


def main(quick=False):
    """Run the benchmark and print the tables."""
    sizes = [500_000, 2_000_000] if quick else [2_000_000, 20_000_000]
    reps = 3 if quick else 7
    print(f"Clustering, {N_CLUSTERS} clusters; merge two {BIG // 1000}k-spike clusters, split "
          f"{SPLIT // 1000}k spikes (median / max over {reps} repetitions, ms)")
    print(f"{'n_spikes':>10} {'build s':>8} {'peak MB':>8}"
          f"{'merge':>16} {'split':>16} {'undo':>16} {'redo':>16}")
    results = []
    for n in sizes:
        r = bench_actions(n, reps)
        cols = "".join(
            f"{_ms(np.median(v))}/{_ms(np.max(v)).strip():>7}" for v in r["times"].values())
        print(f"{n:>10,} {r['build']:8.2f} {r['peak'] / 2 ** 20:8.0f}{cols}")
        print(f"{'':>10} (input spike_clusters array: {r['input'] / 2 ** 20:.0f} MB, "
              "not counted in the peak)")
        results.append((n, r))
    print(f"\nSplit of {SPLIT // 1000}k spikes spread over all clusters, then reading every "
          f"cluster's spikes, undo, redo (median / max over {reps} repetitions, ms); memory "
          "kept per split; fewest clusters a split touched")
    print(f"{'n_spikes':>10}{'split':>16} {'read all':>16} {'undo':>16} {'redo':>16} "
          f"{'kept MB':>8} {'clusters':>9}")
    for n, r in results:
        cols = "".join(
            f"{_ms(np.median(v))}/{_ms(np.max(v)).strip():>7}" for v in r["spread"].values())
        print(f"{n:>10,}{cols} {r['kept'] / 2 ** 20:8.2f} {r['touched']:9}")

    n = sizes[-1]
    times = bench_wizard(n, reps)
    print(f"\nSupervisor core (Wizard: clustering + table rows + selection, no Qt), {n:,} "
          f"spikes, {N_CLUSTERS} clusters (median / max, ms)")
    print("".join(f"{k:>16}" for k in times))
    print("".join(f"{_ms(np.median(v))}/{_ms(np.max(v)).strip():>7}" for v in times.values()))

    print("\nCorrelograms, 1 ms bins, 50 ms window, 30 kHz (median / min, ms)")
    print(f"{'case':>34} {'duration s':>10} {'median':>8} {'min':>8} {'ccg total':>12}")
    cases = ([(20_000, 2, 200.), (200_000, 40, 400.)] if quick else
             [(200_000, 2, 7200.), (200_000, 2, 1000.),
              (2_000_000, 400, 3600.), (2_000_000, 400, 1000.)])
    for n, k, duration in cases:
        med, best, pairs = bench_correlograms(n, k, duration, reps=3 if n > 10 ** 6 else reps)
        label = f"{k} clusters x {n // k:,} spikes"
        print(f"{label:>34} {duration:10.0f} {_ms(med)} {_ms(best)} {pairs:12,}")


if __name__ == "__main__":
    main()
