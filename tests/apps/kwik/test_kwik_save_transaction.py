"""A Kwik GUI save is one transaction: backups, rollback, emergency copy, journal export."""

import errno
import json
import os
import shutil

import numpy as np
import pytest

from phy.apps.kwik import KwikModel
from phy.apps.kwik import clusterings as cl
from phy.apps.template.transaction import SaveError, list_backups
from phy.io import DataFormatError

from ..faults import failing, save_failing_at


def _save(model, version, **kwargs):
    """Save a clustering that depends on `version` (and its cluster table); return it."""
    sc = np.asarray(model.spike_clusters).copy()
    new = 1000 + version
    sc[: 50 * (version + 1)] = new
    ids = np.unique(sc)
    model.save_curation(sc, {"group": {new: "good"}},
                        [{"id": int(c), "n_spikes": int((sc == c).sum())} for c in ids], **kwargs)
    return sc


def _state(kwik):
    """The bytes of the ``.kwik`` and of ``cluster_info.tsv`` (None if absent)."""
    info = kwik.parent / "cluster_info.tsv"
    return kwik.read_bytes(), info.read_bytes() if info.exists() else None


def _check(kwik, sc, original):
    m = KwikModel(kwik)
    try:
        np.testing.assert_array_equal(m.spike_clusters, sc)
        ids = {int(line.split("\t")[0]) for line in
               (kwik.parent / "cluster_info.tsv").read_text().splitlines()[1:]}
        assert ids == set(np.unique(sc).tolist())  # the table of this very clustering
        m.clustering = "original"
        np.testing.assert_array_equal(m.spike_clusters, original)
    finally:
        m.close()


def test_controller_save_backups(real_kwik, make_kwik_controller, monkeypatch):
    initial = real_kwik.read_bytes()
    original = KwikModel(real_kwik, clustering="original").spike_clusters
    writes = []
    real_write = cl._write_clustering
    monkeypatch.setattr(cl, "_write_clustering", lambda *a: writes.append(1) or real_write(*a))
    c = make_kwik_controller(real_kwik)  # no GUI
    s = c.supervisor
    merged = s.merge([2, 3]).added[0]
    s.label("group", "good", cluster_ids=[merged])
    assert s.save()
    assert len(writes) == 1  # the clustering and the groups in one write of the .kwik
    first = real_kwik.read_bytes()
    s.label("group", "noise", cluster_ids=[5])
    assert s.save()
    backups = list_backups(real_kwik.parent)
    assert len(backups) == 2 and all(b.parent == real_kwik.parent / ".phy" / "backups"
                                     for b in backups)
    assert (backups[0] / real_kwik.name).read_bytes() == initial
    assert (backups[1] / real_kwik.name).read_bytes() == first
    assert json.loads((backups[0] / "manifest.json").read_text())["absent"] == [
        "cluster_info.tsv"]  # not there before the first save
    sorter = real_kwik.parent / ".phy" / "backups" / "original" / real_kwik.name
    assert sorter.read_bytes() == initial
    m = KwikModel(real_kwik)
    assert m.cluster_groups[merged] == "good" and m.cluster_groups[5] == "noise"
    np.testing.assert_array_equal(m.spike_clusters, s.clustering.spike_clusters)
    m.clustering = "original"
    np.testing.assert_array_equal(m.spike_clusters, original)
    m.close()


def test_n_backups_and_original(real_kwik):
    initial = real_kwik.read_bytes()
    m = KwikModel(real_kwik, n_backups=2)
    original = KwikModel(real_kwik, clustering="original").spike_clusters
    scs = [_save(m, v) for v in range(4)]
    backups = list_backups(real_kwik.parent)
    assert len(backups) == 2
    assert (real_kwik.parent / ".phy" / "backups" / "original" / real_kwik.name
            ).read_bytes() == initial  # never pruned
    _check(real_kwik, scs[-1], original)
    m.clustering = "original"
    with pytest.raises(DataFormatError, match="never changed"):
        _save(m, 5)
    assert len(list_backups(real_kwik.parent)) == 2  # refused before anything was written
    m.close()


def test_several_groups_backups_at_dataset_level(synthetic_kwik, make_kwik_controller):
    c = make_kwik_controller(synthetic_kwik, channel_group=1)
    s = c.supervisor
    s.merge(s.clustering.cluster_ids[:2].tolist())
    assert s.save()
    d = synthetic_kwik.parent
    (backup,) = list_backups(d)  # .phy/backups/, not .phy/1/backups/
    assert backup.parent == d / ".phy" / "backups" and not (d / ".phy" / "1" / "backups").exists()
    m = KwikModel(backup / synthetic_kwik.name, channel_group=1)
    assert len(np.unique(m.spike_clusters)) == len(s.clustering.cluster_ids) + 1
    m.close()


@pytest.mark.parametrize("name", ["replace", "fsync", "link"])
@pytest.mark.parametrize("crash", [False, True], ids=["error", "kill"])
def test_interrupted_at_every_step(real_kwik, tmp_path_factory, monkeypatch, name, crash):
    original = KwikModel(real_kwik, clustering="original").spike_clusters
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # durability is not tested: faster

    def fresh(i):
        kwik = tmp_path_factory.mktemp(f"s{i}") / real_kwik.name
        for path in real_kwik.parent.glob(real_kwik.stem + ".*"):
            shutil.copy(path, kwik.parent)
        m = KwikModel(kwik)
        sc = _save(m, 0)
        return kwik, m, sc, _state(kwik)

    kwik, m, _, _ = fresh("count")
    f, calls = failing(name, -1, None)
    with monkeypatch.context() as mp:
        mp.setattr(os, name, f)
        _save(m, 1)
    m.close()
    n = calls[0]
    assert n > 2
    for k in range(n):
        kwik, m, sc, state = fresh(k)
        new = save_failing_at(monkeypatch, name, k, crash, lambda m=m: _save(m, 1))
        m.close()
        if new is not None:  # a failure worked around (no hard link: a copy)
            assert name == "link" and not crash
            _check(kwik, new, original)
            continue
        if not crash:  # rolled back at once
            assert _state(kwik) == state, f"os.{name} failing at call {k}"
        _check(kwik, sc, original)  # a kill is rolled back when the .kwik is opened again
        assert _state(kwik) == state, f"os.{name} failing at call {k}"


def test_disk_full(real_kwik, monkeypatch, tmp_path):
    m = KwikModel(real_kwik)
    before = _state(real_kwik)
    original = KwikModel(real_kwik, clustering="original").spike_clusters
    f, _ = failing("fsync", 0, OSError(errno.ENOSPC, "No space left on device"))
    monkeypatch.setattr(os, "fsync", f)
    with pytest.raises(SaveError, match=r"No space left on device.*previous files are intact"
                       r".*written to") as info:
        _save(m, 3, emergency_dir=tmp_path / "unsaved")
    monkeypatch.undo()
    assert _state(real_kwik) == before
    (copy,) = (tmp_path / "unsaved").iterdir()
    assert str(copy) in str(info.value)
    assert sorted(p.name for p in copy.iterdir()) == ["cluster_info.tsv", real_kwik.name]
    saved = KwikModel(copy / real_kwik.name)
    new = np.asarray(m.spike_clusters).copy()
    new[:200] = 1003
    np.testing.assert_array_equal(saved.spike_clusters, new)
    assert saved.cluster_groups[1003] == "good"
    saved.clustering = "original"
    np.testing.assert_array_equal(saved.spike_clusters, original)
    saved.close()
    m.close()


def _journal_command(*args):
    from click.testing import CliRunner

    from phy.apps import phycli

    return CliRunner().invoke(phycli, ["journal-export", *map(str, args)])


def test_journal_export_channel_groups(synthetic_kwik, make_kwik_controller, tmp_path):
    c = make_kwik_controller(synthetic_kwik, channel_group=1)
    c.supervisor.merge(c.supervisor.clustering.cluster_ids[:2].tolist())
    out = tmp_path / "g1.json"
    result = _journal_command(synthetic_kwik, "-o", out)  # the only journal: group 1's
    assert result.exit_code == 0, result.output
    assert [r["action"] for r in json.loads(out.read_text())] == ["open", "merge"]
    c = make_kwik_controller(synthetic_kwik, channel_group=0)
    c.supervisor.label("group", "good", cluster_ids=[0])
    result = _journal_command(synthetic_kwik)
    assert result.exit_code == 1
    assert "one curation journal per channel group (0, 1)" in result.output
    assert "--channel-group" in result.output
    result = _journal_command(synthetic_kwik.parent, "--channel-group", 0, "-o", out)
    assert result.exit_code == 0, result.output
    assert [r["action"] for r in json.loads(out.read_text())] == ["open", "label"]
    result = _journal_command(synthetic_kwik, "--channel-group", 7)
    assert result.exit_code == 1 and "No curation journal" in result.output
