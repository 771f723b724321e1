"""SpikeInterface curation files: export, import as undoable actions, round trips."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from phy.apps.cli import phycli
from phy.apps.curation_json import apply_curation, export_curation, read_curation
from phy.cluster.curation import Curation
from phy.io import DataFormatError


def _partition(spike_clusters):
    """The clustering up to the cluster ids: the first spike of each spike's cluster."""
    sc = np.asarray(spike_clusters)
    _, first, inverse = np.unique(sc, return_index=True, return_inverse=True)
    return first[inverse]


def _labels_by_partition(curation, fields):
    sc = curation.clustering.spike_clusters
    part = _partition(sc)
    out = {}
    for f in fields:
        for c, v in curation.get_labels(f).items():
            if v not in (None, ""):
                out[(f, int(part[np.nonzero(sc == c)[0][0]]))] = v
    return out


def _curate(scenario, original):
    c = Curation(spike_clusters=original)
    if scenario in ("merge", "mixed", "all"):
        c.merge([0, 1])
    if scenario in ("split", "mixed", "all", "split_labels"):
        spikes = c.clustering.spikes_in_clusters([3])
        up = c.split(spikes[::3])
        if scenario == "split_labels":
            c.label("group", "good", cluster_ids=[up.added[0]])
            c.label("group", "mua", cluster_ids=[up.added[1]])
    if scenario in ("mixed", "all"):  # a part of unit 3 merged with unit 4
        part = c.clustering.spike_clusters[c.clustering.spikes_in_clusters([4])[0]]
        new = [i for i in c.clustering.cluster_ids if i >= 5 and i != part]
        c.merge([new[-1], 4])
    if scenario in ("labels", "all", "merge"):
        c.label("group", "noise", cluster_ids=[2])
        c.label("group", "good", cluster_ids=[c.clustering.cluster_ids[-1]])
        c.label("celltype", "pyramidal", cluster_ids=[c.clustering.cluster_ids[-1]])
    return c


@pytest.mark.parametrize("scenario", ["labels", "merge", "split", "split_labels", "mixed", "all"])
def test_round_trip(scenario, tmp_path):
    rng = np.random.default_rng(0)
    original = rng.integers(0, 5, size=300)
    curated = _curate(scenario, original)
    labels = {f: curated.get_labels(f) for f in curated.fields}
    data = export_curation(original, curated.clustering.spike_clusters, labels)
    path = tmp_path / "curation.json"
    path.write_text(json.dumps(data))
    steps = read_curation(path)
    assert all(s["format_version"] == "2" for s in steps)
    if scenario in ("labels", "merge", "split"):
        assert isinstance(data, dict)  # one step when one step can express it
    if scenario == "labels":
        assert data["removed"] == [2] and data["merges"] == data["splits"] == []
    if scenario == "merge":
        assert data["merges"] == [{"unit_ids": [0, 1], "new_unit_id": 5}]
    fresh = Curation(spike_clusters=original)
    n_before = len(fresh.history)
    apply_curation(fresh, steps, path=path)
    np.testing.assert_array_equal(_partition(fresh.clustering.spike_clusters),
                                  _partition(curated.clustering.spike_clusters))
    fields = set(curated.fields)
    assert _labels_by_partition(fresh, fields) == _labels_by_partition(curated, fields)
    while len(fresh.history) and fresh.undo() is not None:  # every action undoable
        pass
    np.testing.assert_array_equal(fresh.clustering.spike_clusters, original)
    assert n_before == 0


def test_import_spikeinterface_file(tmp_path):
    original = np.repeat(np.arange(6), 10)
    curation = Curation(spike_clusters=original)
    data = {
        "format_version": "2", "unit_ids": ["0", "1", "2", "3", "4", "5"],
        "label_definitions": {"quality": {"label_options": ["good", "MUA", "noise"],
                                          "exclusive": True}},
        "manual_labels": [{"unit_id": "0", "labels": {"quality": ["MUA"]}},
                          {"unit_id": "1", "quality": ["MUA"]},  # format 1 style
                          {"unit_id": "4", "labels": {"quality": ["good"]}}],
        "merges": [["0", "1"], {"unit_ids": ["2", "3"], "new_unit_id": "23"}],
        "splits": [{"unit_id": "4", "mode": "indices", "indices": [[0, 1, 2]]}],
        "removed": ["5"]}
    path = tmp_path / "si.json"
    path.write_text(json.dumps(data))
    apply_curation(curation, read_curation(path), path=path)
    sc = curation.clustering.spike_clusters
    groups = curation.get_labels("group")
    assert len(np.unique(sc[:20])) == 1 and groups[sc[0]] == "mua"  # merged, same label
    assert len(np.unique(sc[20:40])) == 1 and groups.get(sc[20]) is None  # no label
    assert sc[40] == sc[42] != sc[43] == sc[49]  # split: 3 listed spikes + the rest
    assert groups[sc[40]] == groups[sc[43]] == "good"  # both parts keep the label
    assert groups[5] == "noise"
    bad = dict(data, merges=[["0", "17"]])
    path.write_text(json.dumps(bad))
    with pytest.raises(DataFormatError, match=r"si\.json.*unit '17' is not a current cluster"):
        apply_curation(Curation(spike_clusters=original), read_curation(path), path=path)
    path.write_text("{not json")
    with pytest.raises(DataFormatError, match="Cannot read the curation file"):
        read_curation(path)


def test_cli_round_trip(make_controller, synthetic_raw_source, dataset_copy, tmp_path):
    a = dataset_copy(synthetic_raw_source, "a")
    b = dataset_copy(synthetic_raw_source, "b")
    c = make_controller(a)
    s = c.supervisor
    s.merge([0, 1])
    s.split(c.get_spike_ids(3)[::2])
    s.label("group", "good", cluster_ids=[s.clustering.cluster_ids[-1]])
    s.label("group", "noise", cluster_ids=[2])
    assert s.save()
    runner = CliRunner()
    out = tmp_path / "c.json"
    r = runner.invoke(phycli, ["curation-export", str(a / "params.py"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(phycli, ["curation-import", str(b / "params.py"), str(out)])
    assert r.exit_code == 0, r.output
    sa, sb = np.load(a / "spike_clusters.npy"), np.load(b / "spike_clusters.npy")
    np.testing.assert_array_equal(_partition(sa), _partition(sb))
    ids = dict(zip(sa.tolist(), sb.tolist()))  # the ids of a's clusters in b

    def groups(d):
        return dict(line.split("\t") for line in (d / "cluster_group.tsv").read_text()
                    .splitlines()[1:])
    assert {str(ids[int(k)]): v for k, v in groups(a).items() if int(k) in ids} == groups(b)


def test_revert_to_sorter_output(make_controller, synthetic_dir):
    from phy.gui.dialogs import ScriptedDialogs, set_dialog_provider

    c = make_controller(synthetic_dir)
    s = c.supervisor
    original = s.clustering.spike_clusters.copy()
    groups = dict(s.get_labels("group"))
    s.merge([0, 1])
    s.label("group", "noise", cluster_ids=[2])
    assert s.save()
    curated = s.clustering.spike_clusters.copy()
    dialogs = ScriptedDialogs(["no", "yes"])
    previous = set_dialog_provider(dialogs)
    try:
        assert not c.revert_to_sorter_output()
        assert c.revert_to_sorter_output()
    finally:
        set_dialog_provider(previous)
    np.testing.assert_array_equal(_partition(s.clustering.spike_clusters), _partition(original))
    sc = s.clustering.spike_clusters
    assert {int(sc[original == k][0]): v for k, v in groups.items() if v} == {
        k: v for k, v in s.get_labels("group").items() if v not in (None, "")}
    while s.undo() is not None:
        if np.array_equal(s.clustering.spike_clusters, curated):
            break
    np.testing.assert_array_equal(s.clustering.spike_clusters, curated)


def test_not_saved_message_names_the_problem(make_controller, synthetic_dir, config_dir,
                                             monkeypatch):
    import errno
    import os

    from phy.gui.dialogs import ScriptedDialogs, set_dialog_provider

    c = make_controller(synthetic_dir)
    c.supervisor.merge([0, 1])
    real = os.fsync

    def fsync(fd):  # the dataset's disk is full; the configuration folder is not
        if str(synthetic_dir) in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)
    monkeypatch.setattr(os, "fsync", fsync)
    dialogs = ScriptedDialogs()
    previous = set_dialog_provider(dialogs)
    try:
        assert not c.supervisor.save()
    finally:
        set_dialog_provider(previous)
    (call,) = dialogs.calls
    assert call.title == "Not saved"
    assert "No space left on device" in call.message and "previous files are intact" in \
        call.message
    (copy,) = (config_dir / "unsaved").iterdir()
    assert str(copy) in call.message
    np.testing.assert_array_equal(np.load(copy / "spike_clusters.npy"),
                                  c.supervisor.clustering.spike_clusters)
    assert c.supervisor.is_dirty()
