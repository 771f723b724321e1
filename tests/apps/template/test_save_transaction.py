"""A save is one transaction: every step interrupted leaves the previous files loadable."""

import errno
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from phy.apps.template import load_model
from phy.apps.template import transaction as tx
from phy.apps.template.transaction import SaveError, list_backups, restore_backup

from ..faults import Crash, failing, save_failing_at


def _outputs(d):
    """The hashes of the files a save writes (and of what was there before)."""
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())
            if p.name == "spike_clusters.npy" or (
                p.name.startswith("cluster_") and p.suffix == ".tsv")}


def _save(model, version):
    """Save a clustering that depends on `version`, with labels of clusters that exist."""
    sc = np.asarray(model.spike_clusters).copy()
    new = 1000 + version
    sc[: 50 * (version + 1)] = new
    ids = np.unique(sc)
    labels = {f"label{j}": {1000 + j: f"v{j}"} if 1000 + j in ids else {}
              for j in range(version + 1)}  # every field, values of existing clusters only
    model.save_curation(
        sc, {"group": {int(c): "good" if c == new else "mua" for c in ids}, **labels},
        [{"id": int(c), "n_spikes": int((sc == c).sum())} for c in ids])
    return sc


def _check_consistent(d, sc):
    m = load_model(d / "params.py")
    try:
        np.testing.assert_array_equal(np.asarray(m.spike_clusters), sc)
        ids = set(np.unique(sc).tolist())
        for field, values in m.metadata.items():
            if field not in ("KSLabel",):
                assert set(values) <= ids, f"labels of clusters that no longer exist: {field}"
    finally:
        m.close()


@pytest.fixture
def saved(synthetic):
    """A dataset saved once (version 0): ``(dir, spike_clusters, hashes)``."""
    d, _ = synthetic
    m = load_model(d / "params.py")
    sc = _save(m, 0)
    m.close()
    return d, sc, _outputs(d)


def test_save_and_backups(synthetic, set_params):
    d, _ = synthetic
    set_params(d, n_backups=2)
    m = load_model(d / "params.py")
    before = _outputs(d)
    scs = [_save(m, v) for v in range(4)]
    m.close()
    _check_consistent(d, scs[-1])
    backups = list_backups(d)
    assert len(backups) == 2  # the last 2 kept
    previous = json.loads((backups[-1] / "manifest.json").read_text())
    assert "cluster_label3.tsv" in previous["absent"]  # created by the last save
    np.testing.assert_array_equal(np.load(backups[-1] / "spike_clusters.npy"), scs[2])
    # Back to a previous version, and back to the sorter's output.
    restore_backup(d, backups[-1])
    _check_consistent(d, scs[2])
    assert not (d / "cluster_label3.tsv").exists()
    restore_backup(d, "original")
    assert _outputs(d) == before


def _n_calls(saved_factory, name, monkeypatch):
    d, _, _ = saved_factory()
    m = load_model(d / "params.py")
    f, calls = failing(name, -1, None)
    with monkeypatch.context() as mp:
        mp.setattr(os, name, f)
        _save(m, 1)
    m.close()
    return calls[0]


@pytest.mark.parametrize("name", ["replace", "fsync", "link", "unlink", "rename"])
@pytest.mark.parametrize("crash", [False, True], ids=["error", "kill"])
def test_interrupted_at_every_step(synthetic_source, dataset_copy, monkeypatch, name, crash,
                                   tmp_path):
    counter = iter(range(10000))

    def fresh():
        d = dataset_copy(synthetic_source.dir_path, f"s{next(counter)}")
        m = load_model(d / "params.py")
        sc = _save(m, 0)
        m.close()
        return d, sc, _outputs(d)

    n = _n_calls(fresh, name, monkeypatch)
    if name in ("replace", "fsync", "link"):
        assert n > 0
    for k in range(n):
        d, sc, hashes = fresh()
        m = load_model(d / "params.py")
        new = save_failing_at(monkeypatch, name, k, crash, lambda m=m: _save(m, 1))
        m.close()
        if new is not None:  # a failure that was worked around (no hard link: a copy)
            assert name == "link" and not crash
            _check_consistent(d, new)
            continue
        if not crash:  # rolled back at once
            assert _outputs(d) == hashes, f"os.{name} failing at call {k}"
        _check_consistent(d, sc)  # a kill is rolled back by the next open
        assert _outputs(d) == hashes, f"os.{name} failing at call {k}"


def test_reader_of_half_committed_save(saved, monkeypatch):
    d, sc, hashes = saved
    m = load_model(d / "params.py")
    f, _ = failing("replace", 0, Crash())
    real_replace = os.replace
    # Kill after the first file was renamed over the dataset's.
    replaced = []

    def replace(src, dst):
        if Path(dst).parent == d and not Path(src).name.startswith("."):
            replaced.append(dst)
            if len(replaced) == 2:
                raise Crash()
        return real_replace(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(Crash):
        _save(m, 1)
    monkeypatch.undo()
    m.close()
    assert _outputs(d) != hashes  # half of the new set is there
    ro = load_model(d / "params.py", read_only=True)
    np.testing.assert_array_equal(np.asarray(ro.spike_clusters), sc)
    assert "label1" not in ro.metadata and ro.metadata["label0"] == {1000: "v0"}
    ro.close()
    assert _outputs(d) != hashes  # a read-only reader writes nothing
    _check_consistent(d, sc)
    assert _outputs(d) == hashes


def test_disk_full(saved, monkeypatch, tmp_path):
    d, sc, hashes = saved
    m = load_model(d / "params.py")
    f, _ = failing("fsync", 0, OSError(errno.ENOSPC, "No space left on device"))
    monkeypatch.setattr(os, "fsync", f)
    new = np.asarray(m.spike_clusters).copy()
    new[:] = 7
    with pytest.raises(SaveError, match=r"No space left on device.*previous files are intact"
                       r".*written to") as info:
        m.save_curation(new, {"group": {7: "good"}}, emergency_dir=tmp_path / "unsaved")
    assert _outputs(d) == hashes
    (copy,) = (tmp_path / "unsaved").iterdir()
    assert str(copy) in str(info.value)
    np.testing.assert_array_equal(np.load(copy / "spike_clusters.npy"), new)
    assert (copy / "cluster_group.tsv").read_text() == "cluster_id\tgroup\n7\tgood\n"
    m.close()


def test_read_only_folder(saved, monkeypatch, tmp_path):
    d, sc, hashes = saved
    m = load_model(d / "params.py")
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if d in (self, *self.parents):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_mkdir(self, *args, **kwargs)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    with pytest.raises(SaveError, match=rf"{d}.*Permission denied.*unsaved files were "
                       rf"written to {tmp_path / 'unsaved'}"):
        _save_to(m, tmp_path / "unsaved")
    without = pytest.raises(SaveError, match="only in memory")
    with without:
        _save_to(m, None)
    assert _outputs(d) == hashes
    m.close()


def _save_to(m, emergency):
    m.save_curation(np.asarray(m.spike_clusters), {"group": {}}, emergency_dir=emergency)


def test_save_while_memory_mapped(saved):
    d, sc, _ = saved
    m = load_model(d / "params.py")
    mapped = np.load(d / "spike_clusters.npy", mmap_mode="r")
    before = np.asarray(m.spike_clusters[:100]).copy()
    new = _save(m, 1)
    np.testing.assert_array_equal(mapped, sc)  # the old mapping still reads the old file
    np.testing.assert_array_equal(np.load(d / "spike_clusters.npy"), new)
    np.testing.assert_array_equal(before, sc[:100])
    m.close()
    del mapped


def test_stale_staging_removed(saved):
    d, sc, hashes = saved
    stale = d / ".phy" / "save" / "staged-0123"
    stale.mkdir(parents=True)
    (stale / "spike_clusters.npy").write_bytes(b"garbage")
    _check_consistent(d, sc)
    assert not stale.exists()
    assert tx.recover(d) == {}
