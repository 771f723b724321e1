"""Crash and restore: a curation process killed (SIGKILL) after N random actions, restored.

The children (:mod:`tests.apps.crash_child`) run a headless curation with its journal on a
small clustering. Each child restores the journal left by the previous one and goes on with
the same random sequence, so one chain covers several kill points, restores of restored
sessions, and sessions with saves in them; the last child runs freely and is killed at a
random moment (possibly in the middle of a write). After each kill, the test restores the
journal in this process and compares the clustering and the labels with those of the same
random actions done without any crash.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from phy.cluster.curation import Curation
from phy.cluster.journal import read_records

from .crash_child import open_curation, random_step, write_dataset

ROOT = Path(__file__).parents[2]


def _expected(spike_clusters, groups, seed, n, n_free=0):
    """The curation after `n` random actions, the last `n_free` of a free child (no save)."""
    curation = Curation(spike_clusters=spike_clusters, cluster_groups=groups,
                        cluster_labels={"quality": {}})
    for k in range(n):
        save = curation.history.mark_saved if k < n - n_free else None
        random_step(curation, seed, k, save=save)
    return curation


def _state(curation):
    return (curation.clustering.spike_clusters.tolist(),
            {f: curation.get_labels(f) for f in curation.fields},
            curation.clustering.new_cluster_id())


def _child(dir_path, seed, free=False):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    args = [sys.executable, "-m", "tests.apps.crash_child", str(dir_path), str(seed)]
    return subprocess.Popen(args + (["--free"] if free else []), cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def _kill(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    proc.stdin.close()
    proc.stdout.close()


def _last_is_save(dir_path):
    """Whether the last record of the journal is a save."""
    records = read_records(Path(dir_path) / ".phy" / "journal" / "journal.jsonl")
    return records[-1]["action"] == "saved"


def _check(data, copy, spike_clusters, groups, seed, done=None):
    """Restore a copy of the killed child's folder; check it; return the actions restored.

    `done`: the actions done before the free child (None: it is not a free child).
    """
    shutil.copytree(data, copy)
    curation, journal, k = open_curation(copy)
    n_free = 0 if done is None else k - done
    assert _state(curation) == _state(_expected(spike_clusters, groups, seed, k, n_free))
    assert curation.is_dirty()
    journal.close()
    return k


@pytest.mark.parametrize("seed", [3])
def test_sigkill_then_restore(tmp_path, seed):
    rng = np.random.default_rng(seed)
    spike_clusters = rng.integers(0, 12, 3000)
    groups = {0: "good", 1: "noise"}
    data = tmp_path / "data"
    data.mkdir()
    write_dataset(data, spike_clusters, groups)
    done = 0
    for i in range(5):  # children killed after an exact number of actions
        proc = _child(data, seed)
        target = done + int(rng.integers(1, 25))
        while True:
            done = int(proc.stdout.readline())
            if done >= target and not _last_is_save(data):
                break
            proc.stdin.write("\n")
            proc.stdin.flush()
        _kill(proc)
        assert _check(data, tmp_path / f"check{i}", spike_clusters, groups, seed) == done
    proc = _child(data, seed, free=True)  # killed at a random moment, maybe while writing
    for _ in range(int(rng.integers(1, 30))):
        proc.stdout.readline()
    _kill(proc)
    assert _check(data, tmp_path / "check_free", spike_clusters, groups, seed, done) > done


# The controller: the question at open, restore_journal=, phy journal-export
# -----------------------------------------------------------------------------------------------

def _curate(controller):
    s = controller.supervisor
    ids = s.clustering.cluster_ids.tolist()
    s.merge(ids[:2])
    s.split(np.arange(0, controller.n_spikes, 5))
    s.label("quality", "3", cluster_ids=[int(s.clustering.cluster_ids[0])])
    s.move("good", [int(s.clustering.cluster_ids[-1])])
    s.undo()
    return (s.clustering.spike_clusters.tolist(), s.get_labels("group"),
            s.get_labels("quality"))


def _controller_state(controller):
    s = controller.supervisor
    return (s.clustering.spike_clusters.tolist(), s.get_labels("group"),
            s.get_labels("quality"))


def test_controller_restores_after_crash(synthetic_dir, make_controller, dialogs, tmp_path):
    expected = _curate(make_controller(synthetic_dir))
    crashed = tmp_path / "crashed"  # the files as the crash left them (the journal synced)
    shutil.copytree(synthetic_dir, crashed)
    shutil.copytree(synthetic_dir, tmp_path / "declined")
    dialogs.answers.append("yes")
    controller = make_controller(crashed, clear_cache=True)  # the journal is no cache
    assert "without saving 5 action(s)" in dialogs.calls[-1].message
    assert _controller_state(controller) == expected
    assert controller.supervisor.is_dirty()
    controller.supervisor.save()
    assert np.load(crashed / "spike_clusters.npy").tolist() == expected[0]
    controller.close()
    backups = sorted(p.name for p in (crashed / ".phy" / "backups").iterdir())
    make_controller(crashed, clear_cache=True).close()  # the backups are no cache either
    assert sorted(p.name for p in (crashed / ".phy" / "backups").iterdir()) == backups
    assert "original" in backups
    declined = make_controller(tmp_path / "declined", restore_journal=False)
    assert declined.supervisor.clustering.spike_clusters.tolist() != expected[0]
    assert not declined.supervisor.is_dirty()


def test_journal_export_command(synthetic_dir, make_controller, tmp_path):
    from click.testing import CliRunner

    from phy.apps import phycli

    controller = make_controller(synthetic_dir)
    _curate(controller)
    controller.supervisor.save()
    out = tmp_path / "history.json"
    result = CliRunner().invoke(phycli, ["journal-export", str(synthetic_dir / "params.py"),
                                         "-o", str(out)])
    assert result.exit_code == 0, result.output
    actions = [r["action"] for r in json.loads(out.read_text())]
    assert actions == ["open", "merge", "split", "label", "label", "undo", "saved"]
    result = CliRunner().invoke(phycli, ["journal-export", str(tmp_path)])
    assert result.exit_code == 1 and "No curation journal in" in result.output
