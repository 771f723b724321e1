"""Saving a template dataset: spike clusters, metadata fields and cluster_info.tsv (FORMATS §2)."""

import hashlib
import os

import numpy as np
import pytest

from phy.apps.template import load_model
from phy.apps.template.saving import replace_file, save_cluster_info, save_metadata
from phy.io import DataFormatError
from phy.io.synthetic import make_template_dataset


def _hashes(d):
    return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in d.iterdir() if p.is_file()}


# -------------------------------------------------------------------------------------------------
# cluster_info.tsv
# -------------------------------------------------------------------------------------------------

def test_cluster_info_contents(tmp_path):
    rows = [
        {"id": 64, "n_spikes": np.int64(3), "fr": 0.5, "amp": np.float32(70.5), "ch": "15",
         "sh": 0, "depth": 200.0, "group": "good", "KSLabel": "mua", "is_masked": False,
         "score": float("nan")},
        {"id": 5, "n_spikes": 1, "fr": 0.08377932, "ch": "17", "group": None, "sh": 1,
         "Amplitude": 12, "neurontype": "inter\tneuron", "flag": True},
    ]
    path = save_cluster_info(tmp_path, rows)
    assert path == tmp_path / "cluster_info.tsv"
    assert path.read_bytes().decode() == (
        "cluster_id\tAmplitude\tKSLabel\tamp\tch\tdepth\tflag\tfr\tgroup\tn_spikes\t"
        "neurontype\tscore\tsh\n"
        '5\t12\t\t\t17\t\tTrue\t0.08377932\t\t1\t"inter\tneuron"\t\t1\n'
        "64\t\tmua\t70.50000000\t15\t200.00000000\t\t0.50000000\tgood\t3\t\tnan\t0\n")
    # Never read back as metadata.
    assert save_cluster_info(tmp_path, []).read_text() == ""
    with pytest.raises(ValueError, match="no 'id'"):
        save_cluster_info(tmp_path, [{"n_spikes": 3}])
    assert path.read_text() == ""  # unchanged by the failed call


def test_model_save_cluster_info(synthetic):
    d, _ = synthetic
    m = load_model(d / "params.py")
    rows = [{"id": int(c), "n_spikes": int(m.get_cluster_spikes(c).size),
             "group": m.metadata["group"].get(int(c))} for c in m.cluster_ids]
    m.save_cluster_info(rows)
    lines = (d / "cluster_info.tsv").read_text().splitlines()
    assert lines[0] == "cluster_id\tgroup\tn_spikes" and len(lines) == 1 + m.cluster_ids.size
    assert lines[1] == f"0\tgood\t{m.get_cluster_spikes(0).size}"
    m.save_cluster_info(rows[:2])
    assert len((d / "cluster_info.tsv").read_text().splitlines()) == 3
    assert (d / "cluster_info.tsv.bak").read_text().count("\n") == 1 + m.cluster_ids.size
    assert "n_spikes" not in load_model(d / "params.py").metadata


# -------------------------------------------------------------------------------------------------
# cluster_<field>.tsv
# -------------------------------------------------------------------------------------------------

def test_save_metadata_contents(tmp_path):
    path = save_metadata(tmp_path, "KSLabel", {
        np.int64(10): "good", 2: np.str_("mua"), 3: None, 4: "", 7: np.float32(0.5), 1: 100})
    assert path.name == "cluster_KSLabel.tsv"
    assert path.read_bytes() == b"cluster_id\tKSLabel\n1\t100\n2\tmua\n7\t0.5\n10\tgood\n"
    assert save_metadata(tmp_path, "group", {}).read_text() == "cluster_id\tgroup\n"


@pytest.mark.parametrize("name", ["", " x", "a/b", "a\tb", "cluster_id", "info", "id", None])
def test_save_metadata_invalid_names(tmp_path, name):
    d = tmp_path / "d"
    d.mkdir()
    with pytest.raises(ValueError, match="field name"):
        save_metadata(d, name, {1: "x"})
    assert not list(d.iterdir())


def test_kilosort4_group_saved_over_kslabel_copy(tmp_path):
    info = make_template_dataset(tmp_path, n_spikes=60, n_templates=4, n_channels=8,
                                 duration=0.2, layout="kilosort4", raw_data=False)
    original = (tmp_path / "cluster_group.tsv").read_text()
    m = load_model(info.params_path)
    assert "group" not in m.metadata
    m.save_metadata("group", {1: "noise", 0: "good"})
    m.save_metadata("group", {0: "mua"})
    assert (tmp_path / "cluster_group.tsv").read_text() == "cluster_id\tgroup\n0\tmua\n"
    assert (tmp_path / "cluster_group.tsv.bak").read_text() == original  # kept once
    m2 = load_model(info.params_path)
    assert m2.metadata["group"] == {0: "mua"} and m2.metadata["group"] == m.metadata["group"]
    assert m2.metadata["KSLabel"] == m.metadata["KSLabel"]  # from cluster_KSLabel.tsv


# -------------------------------------------------------------------------------------------------
# spike_clusters.npy
# -------------------------------------------------------------------------------------------------

def test_save_spike_clusters_keeps_the_original(synthetic):
    d, _ = synthetic
    original = (d / "spike_clusters.npy").read_bytes()
    templates = (d / "spike_templates.npy").read_bytes()
    inode = (d / "spike_clusters.npy").stat().st_ino
    m = load_model(d / "params.py")
    in_use = m.spike_clusters  # the model's memory map of the file replaced below
    before = np.asarray(in_use[:50]).copy()
    for k in (1, 2):
        new = np.asarray(m.spike_clusters) + 100 * k
        m.save_spike_clusters(new)
        assert (d / "spike_clusters.npy.bak").read_bytes() == original  # never overwritten
        assert (d / "spike_clusters.npy.bak").stat().st_ino == inode  # a link, not a copy
        assert np.array_equal(np.load(d / "spike_clusters.npy"), new)
        assert np.array_equal(m.cluster_ids, np.unique(new))
    assert np.array_equal(np.asarray(in_use[:50]), before)  # the old map is still readable
    assert (d / "spike_templates.npy").read_bytes() == templates
    assert np.array_equal(m.get_cluster_spikes(300), np.nonzero(new == 300)[0])
    reopened = load_model(d / "params.py")
    assert np.array_equal(np.asarray(reopened.spike_clusters), new)
    assert np.array_equal(reopened.get_cluster_spikes(300), np.nonzero(new == 300)[0])
    assert not list(d.glob(".*.tmp"))


def test_save_spike_clusters_created_at_load(tmp_path):
    """SpyKING CIRCUS writes no spike_clusters.npy: the copy made at load is the original."""
    info = make_template_dataset(tmp_path, n_spikes=60, n_templates=3, n_channels=8,
                                 duration=0.2, layout="spykingcircus", raw_data=False)
    m = load_model(info.params_path)
    m.save_spike_clusters(np.zeros(60, dtype=np.int64))
    assert np.array_equal(np.load(tmp_path / "spike_clusters.npy.bak"),
                          np.load(tmp_path / "spike_templates.npy"))
    assert load_model(info.params_path).cluster_ids.tolist() == [0]


# -------------------------------------------------------------------------------------------------
# Failures: clear errors, originals intact, no partial file
# -------------------------------------------------------------------------------------------------

def test_read_only_folder(synthetic):
    d, _ = synthetic
    m = load_model(d / "params.py")
    before = _hashes(d)
    os.chmod(d, 0o555)
    try:
        for save in (lambda: m.save_spike_clusters(np.zeros(m.n_spikes, dtype=np.int64)),
                     lambda: m.save_metadata("group", {0: "good"}),
                     lambda: m.save_cluster_info([{"id": 0, "n_spikes": 1}]),
                     lambda: m.save_mean_waveforms(np.zeros((1, 82, 32)))):
            with pytest.raises(DataFormatError, match=f"{d}.* not writable"):
                save()
    finally:
        os.chmod(d, 0o755)
    assert _hashes(d) == before
    assert [p.name for p in d.glob(".*")] == [".phy"]  # no temporary file


def test_failed_write_leaves_the_original(tmp_path):
    tmp_path = tmp_path / "d"
    tmp_path.mkdir()
    path = tmp_path / "cluster_group.tsv"
    path.write_text("cluster_id\tgroup\n1\tgood\n")

    def partial(tmp):
        tmp.write_text("cluster_id\tgr")
        raise OSError(28, "No space left on device")

    with pytest.raises(DataFormatError, match=f"{tmp_path}.*No space left"):
        replace_file(path, partial)
    assert path.read_text() == "cluster_id\tgroup\n1\tgood\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cluster_group.tsv", "cluster_group.tsv.bak"]
