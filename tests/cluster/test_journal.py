"""The curation journal (records, pending sessions, replay, export) and the undo memory bound."""

import json
import tracemalloc

import numpy as np
import pytest

from phy.cluster.curation import Curation
from phy.cluster.journal import INLINE_SPIKES, Journal, export_journal, read_records


def _start(dir_path, spike_clusters, **kwargs):
    curation = Curation(spike_clusters=spike_clusters, cluster_groups={1: "good"})
    journal = Journal(dir_path, user="alice", **kwargs)
    journal.start(curation, spike_clusters)
    return curation, journal


def _restore(dir_path):
    journal = Journal(dir_path, user="bob")
    pending = journal.pending()
    assert pending is not None
    base = journal.base(pending)
    curation = Curation(**base)
    journal.start(curation, base.spike_clusters, restoring=pending)
    journal.replay(pending, curation)
    return curation, journal


def _state(curation):
    return (curation.clustering.spike_clusters.tolist(), curation.get_labels("group"),
            curation.clustering.new_cluster_id(), curation.history.index)


@pytest.fixture
def spike_clusters():
    return np.random.default_rng(0).integers(0, 20, 5000)


def test_journal_records_every_action(tmp_path, spike_clusters):
    curation, journal = _start(tmp_path, spike_clusters)
    curation.merge([1, 2])
    curation.split(np.arange(0, 5000, 3), spike_clusters_rel=np.arange(1667) % 2)
    curation.split([4, 5])
    curation.move("noise", [3, 4])
    curation.undo()
    curation.redo()
    curation.save()  # no handler: not saved, no mark
    curation.history.mark_saved()
    journal.close()
    records = read_records(journal.path)
    assert [r["action"] for r in records] == [
        "open", "merge", "split", "split", "label", "undo", "redo", "saved", "close"]
    assert {r["user"] for r in records} == {"alice"}
    assert records[1]["clusters"] == [1, 2] and records[1]["to"] == 20
    big, small = records[2], records[3]
    assert big["counts"] == [834, 833] and "spikes" not in big
    assert np.load(tmp_path / big["file"]).dtype == np.uint32  # 4 bytes a spike
    assert small["spikes"] == [4, 5] and small["counts"] == [2]
    assert records[4]["field"] == "group" and records[4]["value"] == "noise"
    assert Journal(tmp_path).pending() is None  # closed


def test_big_split_is_compact(tmp_path):
    spike_clusters = np.zeros(2_000_000, dtype=np.int64)
    curation, journal = _start(tmp_path, spike_clusters)
    curation.split(np.arange(0, 2_000_000, 2))  # a million spikes
    rec = read_records(journal.path)[-1]
    assert (tmp_path / rec["file"]).stat().st_size < 4_000_200
    assert len(json.dumps(rec)) < 300


def test_restore_after_crash(tmp_path, spike_clusters):
    curation, _ = _start(tmp_path, spike_clusters)  # never closed: a crash
    curation.merge([1, 2])
    curation.label("quality", "5", cluster_ids=[20])
    curation.split(np.arange(100, 900))
    curation.undo()
    curation.split(np.arange(0, 5000, 7))
    curation.move("mua", [0])
    expected = _state(curation)
    restored, journal = _restore(tmp_path)
    assert _state(restored) == expected
    assert restored.get_labels("quality") == curation.get_labels("quality")
    restored.undo()
    curation.undo()
    assert _state(restored) == _state(curation)  # the undo history came back too
    journal.close()
    assert Journal(tmp_path).pending() is None


def test_restore_session_with_saves(tmp_path, spike_clusters):
    """A session saved, then went on and crashed: replayed on its own base, undo crosses."""
    curation, _ = _start(tmp_path, spike_clusters)
    curation.merge([1, 2])
    curation.history.mark_saved()  # the dataset's files now hold the merge
    assert Journal(tmp_path).pending() is None  # nothing unsaved yet
    curation.undo()  # undoes an action of before the save
    curation.split(np.arange(10))
    restored, journal = _restore(tmp_path)
    assert _state(restored) == _state(curation)
    assert restored.is_dirty()
    journal.close()


def test_torn_last_record(tmp_path, spike_clusters):
    curation, journal = _start(tmp_path, spike_clusters)
    curation.merge([1, 2])
    expected = _state(curation)
    with open(journal.path, "a") as f:
        f.write('{"action":"merge","clus')  # killed while writing
    restored, _ = _restore(tmp_path)
    assert _state(restored) == expected


def test_corrupt_record(tmp_path, spike_clusters):
    curation, journal = _start(tmp_path, spike_clusters)
    text = journal.path.read_text()
    journal.path.write_text("garbage\n" + text)
    with pytest.raises(ValueError, match=r"journal.jsonl, line 1: invalid journal record"):
        Journal(tmp_path).pending()


def test_missing_base(tmp_path, spike_clusters):
    curation, _ = _start(tmp_path, spike_clusters)
    curation.merge([1, 2])
    for path in tmp_path.glob("base-*.npy"):
        path.unlink()
    journal = Journal(tmp_path)
    with pytest.raises(ValueError, match=r"cannot be replayed: .*base-.*\.npy missing"):
        journal.base(journal.pending())


def test_first_action_waits_for_the_base_written_on_a_thread(tmp_path, spike_clusters,
                                                             monkeypatch):
    import threading

    import phy.cluster.journal as journal_module

    release, save = threading.Event(), journal_module._save_npy

    def slow_save(path, arr):  # the base copy of a big clustering takes a while
        release.wait(5)
        save(path, arr)

    monkeypatch.setattr(journal_module, "_save_npy", slow_save)
    curation, journal = _start(tmp_path, spike_clusters)
    assert journal._opening.is_alive()  # start() returned before the base was written
    threading.Timer(0.2, release.set).start()
    curation.merge([1, 2])  # waits for the base and the open record
    assert [r["action"] for r in read_records(journal.path)] == ["open", "merge"]
    assert list(tmp_path.glob("base-*.npy"))
    journal.close()


def test_base_written_once_per_state(tmp_path, spike_clusters):
    _, journal = _start(tmp_path, spike_clusters)
    journal.close()
    first = sorted(p.name for p in tmp_path.glob("base-*"))
    _, journal = _start(tmp_path, spike_clusters)  # same state: same base
    journal.close()
    assert sorted(p.name for p in tmp_path.glob("base-*")) == first
    _, journal = _start(tmp_path, spike_clusters[::-1].copy())  # after a save: a new base
    journal.close()
    assert len(first) == 2 and sorted(p.name for p in tmp_path.glob("base-*")) != first


def test_write_failure_keeps_curation(tmp_path, spike_clusters, caplog, monkeypatch):
    curation, journal = _start(tmp_path, spike_clusters)

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("phy.cluster.journal.os.fsync", full_disk)
    up = curation.merge([1, 2])
    assert up.added == [20] and "Could not write the curation journal" in caplog.text
    assert curation.split([1, 2]).added[0] == 21  # the journal is off, the curation goes on
    journal.close()


def test_export(tmp_path, spike_clusters):
    curation, journal = _start(tmp_path, spike_clusters)
    curation.split(np.arange(INLINE_SPIKES + 1))
    journal.close()
    records = export_journal(tmp_path, tmp_path / "out.json")
    assert json.loads((tmp_path / "out.json").read_text()) == records
    assert records[1]["spikes"] == list(range(INLINE_SPIKES + 1)) and "file" not in records[1]
    assert "spikes" not in export_journal(tmp_path, spikes=False)[1]


# The undo memory bound
# -----------------------------------------------------------------------------------------------

def test_spilled_steps_undo_and_redo(tmp_path):
    rng = np.random.default_rng(1)
    spike_clusters = rng.integers(0, 50, 100_000)
    curation, journal = _start(tmp_path, spike_clusters, undo_max_bytes=200_000)
    states = [curation.clustering.spike_clusters.copy()]
    for _ in range(30):
        curation.split(np.flatnonzero(rng.random(spike_clusters.size) < 0.1))
        states.append(curation.clustering.spike_clusters.copy())
    history = curation.history
    assert history.memory_bytes <= 200_000 and (tmp_path / "undo-spill.bin").stat().st_size
    for state in states[-2::-1]:
        curation.undo()
        assert np.array_equal(curation.clustering.spike_clusters, state)
        assert history.memory_bytes <= 200_000
    for state in states[1:]:
        curation.redo()
        assert np.array_equal(curation.clustering.spike_clusters, state)
    journal.close()
    assert not (tmp_path / "undo-spill.bin").exists()


def _session_memory(tmp_path, undo_max_bytes, n_splits=40):
    """Memory held after a long session of splits of 20 k spikes on 400 k spikes."""
    rng = np.random.default_rng(2)
    spike_clusters = rng.integers(0, 200, 400_000)
    tracemalloc.start()
    curation, journal = _start(tmp_path, spike_clusters, undo_max_bytes=undo_max_bytes)
    start = tracemalloc.get_traced_memory()[0]
    for _ in range(n_splits):
        cluster = int(rng.choice(curation.cluster_ids))
        spikes = curation.clustering.spikes_in_clusters([cluster])
        curation.split(spikes[: spikes.size // 2])
        spikes = np.flatnonzero(rng.random(spike_clusters.size) < 0.025)
        up = curation.split(spikes)  # 10 k spikes over every cluster
        for c in up.added[:5]:  # what the views read
            curation.clustering.spikes_in_clusters([c])
    held = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    journal.close()
    return held


def test_long_session_memory_is_bounded(tmp_path):
    bound = 2_000_000
    unbounded = _session_memory(tmp_path / "a", None)
    bounded = _session_memory(tmp_path / "b", bound)
    assert unbounded > 6 * bound  # the session does store much: the bound is what holds it
    assert bounded < 0.6 * unbounded  # the rest is the live clustering (its new groups)
