"""A curation process to kill: random actions on a headless Curation with its journal.

``python -m tests.apps.crash_child DIR SEED [--free]`` opens the clustering of ``DIR``
(``spike_clusters.npy``, ``groups.json``), restores the pending actions of its journal, then
does random actions (step ``k`` is drawn from ``SEED`` and ``k``, on the current state), and
prints ``k`` after each one. Without ``--free``, it waits for a line on stdin before the next
action, so that the test kills it after an exact number of actions, and saves now and then;
with ``--free`` it does not wait (the test kills it at any moment) and never saves (so that
its last session always has unsaved actions).
"""

import json
import sys
from pathlib import Path

import numpy as np

from phy.cluster.curation import Curation
from phy.utils import bus_events as ev
from phy.utils import connect


def random_step(curation, seed, k, save=None):
    """Do the random action number `k` (merge, split, label, move, undo, redo, save)."""
    rng = np.random.default_rng([seed, k])
    ids = curation.cluster_ids
    history = curation.history
    while True:
        r = rng.random()
        if r < 0.25 and len(ids) >= 2:
            return curation.merge(rng.choice(ids, rng.integers(2, 4), replace=False).tolist())
        if r < 0.5:
            spikes = curation.clustering.spikes_in_clusters([rng.choice(ids)])
            n = rng.integers(1, spikes.size + 1) if rng.random() < 0.8 else spikes.size // 2 + 1
            chosen = np.sort(rng.choice(spikes, n, replace=False))
            if rng.random() < 0.2:  # a big split spread over every cluster
                chosen = np.flatnonzero(rng.random(curation.clustering.n_spikes) < 0.3)
            return curation.split(chosen, spike_clusters_rel=rng.integers(0, 2, chosen.size))
        if r < 0.65:
            return curation.label("group", str(rng.choice(["good", "mua", "noise"])),
                                  cluster_ids=rng.choice(ids, 2).tolist())
        if r < 0.75:
            return curation.label("quality", float(rng.integers(0, 5)),
                                  cluster_ids=[int(rng.choice(ids))])
        if r < 0.85 and history.can_undo:
            return curation.undo()
        if r < 0.95 and history.can_redo:
            return curation.redo()
        if r >= 0.95 and save is not None:
            return save()


def write_dataset(dir_path, spike_clusters, groups):
    """Write the files a child reads."""
    np.save(Path(dir_path) / "spike_clusters.npy", spike_clusters)
    (Path(dir_path) / "groups.json").write_text(json.dumps({str(c): g for c, g in groups.items()}))


def read_dataset(dir_path):
    """``spike_clusters, groups`` of a dataset folder."""
    groups = json.loads((Path(dir_path) / "groups.json").read_text())
    return np.load(Path(dir_path) / "spike_clusters.npy"), {int(c): g for c, g in groups.items()}


def open_curation(dir_path):
    """The curation of a folder, its pending actions restored; ``(curation, journal, k)``."""
    from phy.apps.journal import open_journal

    journal, pending = open_journal(Path(dir_path) / ".phy", restore=True)
    spike_clusters, groups = read_dataset(dir_path)
    base = journal.base(pending) if pending else dict(
        spike_clusters=spike_clusters, cluster_groups=groups, cluster_labels={"quality": {}})
    curation = Curation(**base)
    journal.start(curation, base["spike_clusters"], restoring=pending)
    if pending is None:
        return curation, journal, 0
    journal.replay(pending, curation)
    return curation, journal, len(pending.records)  # an action or a save each


def main(dir_path, seed, free):
    curation, _, k = open_curation(dir_path)

    def on_save(sender, spike_clusters, groups, *labels):
        write_dataset(dir_path, spike_clusters, groups)

    connect(on_save, event=ev.SAVE_CLUSTERING, sender=curation)
    while True:
        random_step(curation, seed, k, save=None if free else curation.save)
        k += 1
        print(k, flush=True)
        if not free:
            sys.stdin.readline()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), "--free" in sys.argv)
