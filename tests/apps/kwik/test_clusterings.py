"""Clusterings of a kwik channel group, on the ``.kwik`` file (the KwikModel wrappers are
tested in test_model.py)."""

import h5py
import numpy as np
import pytest

from phy.apps.kwik import clusterings as cl
from phy.io import DataFormatError
from phy.io.kwik_writer import DEFAULT_CLUSTER_GROUPS
from phy.io.synthetic_kwik import make_kwik_dataset

N_SPIKES = 50


@pytest.fixture
def kwik(tmp_path):
    return make_kwik_dataset(tmp_path / "x.kwik", n_spikes=N_SPIKES, n_clusters=3,
                             n_channels=4, duration=0.1)


def _read(kwik, name):
    with h5py.File(kwik, "r") as f:
        node = f["channel_groups/0"]
        return cl.list_clusterings(node), node[f"spikes/clusters/{name}"][:]


def _names(kwik):
    with h5py.File(kwik, "r") as f:
        return cl.list_clusterings(f["channel_groups/0"])


def test_list_and_add(kwik):
    assert _names(kwik) == ["main", "original"]
    new = np.arange(N_SPIKES, dtype=np.int32) % 2 + 10
    cl.add_clustering(kwik, 0, "alt", new)
    assert _names(kwik) == ["main", "alt", "original"]  # main first, then sorted
    with h5py.File(kwik, "r") as f:
        node = f["channel_groups/0"]
        np.testing.assert_array_equal(node["spikes/clusters/alt"][:], new)
        assert cl.group_names(node, "alt") == dict(DEFAULT_CLUSTER_GROUPS)
        assert cl.read_cluster_groups(node, "alt", [10, 11]) == {10: "unsorted",
                                                                 11: "unsorted"}
    with pytest.raises(DataFormatError, match="'alt' already exists in .*x.kwik"):
        cl.add_clustering(kwik, 0, "alt", new)
    assert not list(kwik.parent.glob("*.saving~"))


def test_copy_rename_delete(kwik):
    _, main = _read(kwik, "main")
    cl.copy_clustering(kwik, 0, "original", "copy")
    _, copy = _read(kwik, "copy")
    _, original = _read(kwik, "original")
    np.testing.assert_array_equal(copy, original)
    with h5py.File(kwik, "r") as f:
        node = f["channel_groups/0"]
        assert "clusters/copy/0" in node and "cluster_groups/copy/2" in node
    cl.rename_clustering(kwik, 0, "copy", "renamed")
    names, renamed = _read(kwik, "renamed")
    assert names == ["main", "original", "renamed"]
    np.testing.assert_array_equal(renamed, original)
    with h5py.File(kwik, "r") as f:
        node = f["channel_groups/0"]
        assert not any(p in node for p in ("spikes/clusters/copy", "clusters/copy",
                                           "cluster_groups/copy"))
    cl.delete_clustering(kwik, 0, "renamed")
    with h5py.File(kwik, "r") as f:
        node = f["channel_groups/0"]
        assert cl.list_clusterings(node) == ["main", "original"]
        assert "clusters/renamed" not in node and "cluster_groups/renamed" not in node
    np.testing.assert_array_equal(_read(kwik, "main")[1], main)


def test_errors_and_original_protected(kwik):
    before = kwik.read_bytes()
    with pytest.raises(DataFormatError, match="'original' clustering is never changed"):
        cl.rename_clustering(kwik, 0, "original", "x")
    with pytest.raises(DataFormatError, match="never changed"):
        cl.delete_clustering(kwik, 0, "original")
    with pytest.raises(DataFormatError, match="never changed"):
        cl.clustering_writer(kwik, 0, "original", np.zeros(N_SPIKES), {})
    with pytest.raises(DataFormatError, match="No clustering 'nope' in .*x.kwik"):
        cl.delete_clustering(kwik, 0, "nope")
    with pytest.raises(DataFormatError, match="No clustering 'nope'"):
        cl.copy_clustering(kwik, 0, "nope", "x")
    with pytest.raises(DataFormatError, match="'main' already exists"):
        cl.copy_clustering(kwik, 0, "original", "main")
    assert kwik.read_bytes() == before
    assert not list(kwik.parent.glob("*.saving~"))


def test_edit_kwik_atomic(kwik):
    before = kwik.read_bytes()
    with pytest.raises(RuntimeError, match="boom"), cl.edit_kwik(kwik) as f:
        f["channel_groups/0"].attrs["touched"] = 1
        assert (kwik.parent / "x.kwik.saving~").exists()
        raise RuntimeError("boom")
    assert kwik.read_bytes() == before
    assert not (kwik.parent / "x.kwik.saving~").exists()
    with cl.edit_kwik(kwik) as f:
        f["channel_groups/0"].attrs["touched"] = 1
    with h5py.File(kwik, "r") as f:
        assert f["channel_groups/0"].attrs["touched"] == 1


def test_clustering_writer(kwik, tmp_path):
    before = kwik.read_bytes()
    new = np.repeat([0, 1, 2, 5, 7], N_SPIKES // 5)
    write = cl.clustering_writer(kwik, 0, "main", new, {0: "good", 1: "noise", 2: "mua",
                                                        5: "my label"},
                                 clustering_metadata={"note": "saved"})
    out = tmp_path / "out.kwik"
    write(out)
    assert kwik.read_bytes() == before  # the model commits `out` itself
    with h5py.File(out, "r") as f:
        node = f["channel_groups/0"]
        np.testing.assert_array_equal(node["spikes/clusters/main"][:], new)
        assert node["spikes/clusters/main"].dtype == np.int32
        groups = cl.read_cluster_groups(node, "main", [0, 1, 2, 5, 7])
        assert groups == {0: "good", 1: "noise", 2: "mua", 5: "my label", 7: "unsorted"}
        assert cl.group_names(node, "main")[4] == "My Label"  # a new cluster group
        assert node["clusters/main"].attrs["note"][0] == b"saved"
        np.testing.assert_array_equal(node["spikes/clusters/original"][:],
                                      _read(kwik, "original")[1])
    bad = cl.clustering_writer(kwik, 0, "main", np.zeros(3), {})
    with pytest.raises(DataFormatError, match="3 spike clusters for 50 spikes in .*x.kwik"):
        bad(tmp_path / "bad.kwik")


def test_read_cluster_groups_forms(kwik):
    with h5py.File(kwik, "a") as f:
        node = f["channel_groups/0"]
        clusters = node["clusters/main"]
        clusters["0"].attrs["cluster_group"] = b"Good"  # old files: a name
        clusters["1"].attrs["cluster_group"] = np.array([1])  # a 1-element array
        clusters["2"].attrs["cluster_group"] = 9  # an unknown group id
        groups = cl.read_cluster_groups(node, "main", [0, 1, 2, 42])
    assert groups == {0: "good", 1: "mua", 2: "group_9", 42: "unsorted"}
