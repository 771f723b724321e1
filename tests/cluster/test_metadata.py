import numpy as np
import pytest

from phy.cluster import ClusterMeta


@pytest.fixture
def meta():
    m = ClusterMeta()
    m.add_field("group")
    m.add_field("quality", default_value=0)
    return m


def test_meta_fields_and_defaults(meta):
    assert meta.fields == ["group", "quality"]
    assert meta.get("group", 3) is None
    assert meta.get("quality", 3) == 0
    meta.add_field("group", default_value="x")  # no effect on an existing field
    assert meta.get("group", 3) is None
    with pytest.raises(ValueError, match="Unknown cluster metadata field `nope`"):
        meta.get("nope", 3)


def test_meta_set_undo_redo(meta):
    up = meta.set("group", [1, 2], "good")
    assert up.description == "metadata_group"
    assert up.metadata_changed == [1, 2] and up.metadata_value == "good"
    meta.set("group", np.int64(2), "noise")
    assert meta.get("group", 1) == "good" and meta.get("group", 2) == "noise"
    up = meta.undo()
    assert up.history == "undo" and up.metadata_changed == [2] and up.metadata_value == "good"
    assert meta.get("group", 2) == "good"
    up = meta.undo()
    assert up.metadata_value is None and meta.get("group", 1) is None
    assert meta.undo() is None
    up = meta.redo()
    assert up.history == "redo" and up.metadata_value == "good"
    assert meta.to_dict("group") == {1: "good", 2: "good"}


def test_meta_undo_restores_mixed_values(meta):
    meta.set("group", [1], "good")
    meta.set("group", [2], "mua")
    meta.set("group", [1, 2, 3], "noise")
    up = meta.undo()
    assert up.metadata_value is None
    assert [meta.get("group", c) for c in (1, 2, 3)] == ["good", "mua", None]


def test_meta_set_without_stack_and_new_field(meta):
    meta.set("group", [1], "good", add_to_stack=False)
    assert meta.undo() is None and meta.get("group", 1) == "good"
    meta.set("neurontype", [5], "interneuron")
    assert "neurontype" in meta.fields and meta.get("neurontype", 5) == "interneuron"


def test_meta_dicts(meta):
    meta.from_dict({3: {"group": "good", "score": 0.5}, 4: {"group": None}})
    assert meta.to_dict("group") == {3: "good"}
    assert meta.to_dict("score") == {3: 0.5}
    assert meta.undo() is None  # loading is not undoable


def test_meta_inheritance_single_value(meta):
    meta.set("group", [1, 2], "good")
    changed = meta.set_from_descendants([(1, 10), (2, 10)])
    assert meta.get("group", 10) == "good"
    assert changed == {"group": [10]}
    # A split: both new clusters inherit.
    meta.set_from_descendants([(10, 11), (10, 12)])
    assert meta.get("group", 11) == meta.get("group", 12) == "good"
    # Inheritance is not undoable: undo undoes the set() above.
    assert meta.undo().metadata_changed == [1, 2]


def test_meta_inheritance_empty_values_ignored(meta):
    meta.set("group", [1], "mua")
    meta.set_from_descendants([(1, 10), (2, 10), (3, 10)])
    assert meta.get("group", 10) == "mua"
    meta.set_from_descendants([(2, 11), (3, 11)])
    assert meta.get("group", 11) is None
    assert 11 not in meta.to_dict("group")


def test_meta_inheritance_conflict(meta):
    meta.set("group", [1], "mua")
    meta.set("group", [2], "good")
    meta.set_from_descendants([(1, 10), (2, 10)])
    assert meta.get("group", 10) is None
    meta.set_from_descendants([(1, 11), (2, 11)], largest_old_cluster=2)
    assert meta.get("group", 11) == "good"
    # A new cluster with a value keeps it.
    meta.set("group", [12], "noise")
    meta.set_from_descendants([(1, 12), (2, 12)], largest_old_cluster=2)
    assert meta.get("group", 12) == "noise"
