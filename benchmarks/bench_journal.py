"""The curation journal: what it costs to open a session, to journal an action, to restore.

``python -m benchmarks journal`` (``--quick`` for small sizes). For 2 M and 20 M spikes (700
clusters): the time to start a session (the clustering's fingerprint, and the copy of its base
when the state is new, after a save: then when it is already there), the time of a merge and
of splits of 10 k and 1 M spikes with and without the journal (each record synced to disk),
the bytes the 1 M-spike split adds to the journal folder, and the time to replay 50 actions.
"""

import tempfile
import time
from pathlib import Path

import numpy as np

from phy.cluster.curation import Curation
from phy.cluster.journal import Journal

from .bench_clustering import make_spike_clusters


def _actions(curation, rng, n_big):
    """Time a merge, a split of 10 k spikes and one of `n_big` spikes (seconds)."""
    ids = curation.cluster_ids
    out = {}
    t0 = time.perf_counter()
    curation.merge([int(ids[0]), int(ids[1])])
    out["merge"] = time.perf_counter() - t0
    for name, n in (("split 10k", 10_000), (f"split {n_big // 1000}k", n_big)):
        spikes = np.sort(rng.choice(curation.clustering.n_spikes, n, replace=False))
        t0 = time.perf_counter()
        curation.split(spikes)
        out[name] = time.perf_counter() - t0
    return out


def bench(n_spikes):
    sc = make_spike_clusters(n_spikes)
    n_big = min(1_000_000, n_spikes // 2)
    _actions(Curation(spike_clusters=sc[:100_000]), np.random.default_rng(0), 1000)  # warm-up
    plain = _actions(Curation(spike_clusters=sc), np.random.default_rng(1), n_big)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        curation, journal = Curation(spike_clusters=sc), Journal(d)
        t0 = time.perf_counter()
        journal.start(curation, sc)
        start_new = time.perf_counter() - t0
        journal.close()
        curation, journal = Curation(spike_clusters=sc), Journal(d)
        t0 = time.perf_counter()
        journal.start(curation, sc)
        start_again = time.perf_counter() - t0
        before = sum(p.stat().st_size for p in d.iterdir())
        timed = _actions(curation, np.random.default_rng(1), n_big)
        size = sum(p.stat().st_size for p in d.iterdir()) - before
        rng = np.random.default_rng(2)
        for _ in range(47):
            ids = curation.cluster_ids
            curation.merge(rng.choice(ids, 2, replace=False).tolist())
        pending = Journal(d).pending()
        base = journal.base(pending)
        restored, replayer = Curation(**base), Journal(d)
        replayer.start(restored, base.spike_clusters, restoring=pending)
        t0 = time.perf_counter()
        replayer.replay(pending, restored)
        replay = time.perf_counter() - t0
        same = restored.clustering.spike_clusters == curation.clustering.spike_clusters
        assert same.all()
    print(f"{n_spikes:>10,} spikes: start {start_new:.2f} s (new base), {start_again:.2f} s "
          f"(base there); replay 50 actions {replay:.2f} s; the 3 actions add "
          f"{size / 1e6:.1f} MB to the journal folder")
    for name in plain:
        print(f"    {name:<10} {plain[name] * 1e3:8.1f} ms without journal, "
              f"{timed[name] * 1e3:8.1f} ms with")


def main(quick=False):
    for n in ((500_000,) if quick else (2_000_000, 20_000_000)):
        bench(n)


if __name__ == "__main__":
    main()
