import numpy as np

from phy.cluster import UpdateInfo
from phy.utils import Bunch


def test_update_info_defaults():
    up = UpdateInfo(description="merge", added=[5])
    assert isinstance(up, Bunch)
    assert up.description == "merge"
    assert up.added == [5]
    assert up.deleted == [] and up.descendants == [] and up.metadata_changed == []
    assert up.history is None and up.undo_state is None and up.metadata_value is None
    assert len(up.spike_ids) == 0


def test_update_info_copy_is_independent():
    up = UpdateInfo(description="assign", added=[3, 4], spike_ids=np.arange(3))
    up2 = up.copy()
    assert isinstance(up2, UpdateInfo)
    up2.description = "merge"
    assert up.description == "assign"
    assert up2.added == [3, 4]


def test_update_info_repr():
    assert "merge [1, 2] -> [3]" in repr(UpdateInfo(description="merge", deleted=[1, 2],
                                                    added=[3]))
    r = repr(UpdateInfo(description="metadata_group", history="undo", metadata_changed=[2],
                        metadata_value="good"))
    assert "undo metadata_group [2]" in r and "'good'" in r


def test_update_info_lazy_field_computed_once_on_first_read():
    from phy.cluster.update import Lazy

    calls = []

    def spikes():
        calls.append(1)
        return np.array([4, 7])

    up = UpdateInfo(description="assign", spike_ids=Lazy(spikes))
    copy = up.copy()
    assert calls == [] and "<UpdateInfo assign" in repr(up)
    np.testing.assert_array_equal(up.spike_ids, [4, 7])
    # Every way of reading the field gives the value, computed once for the copies too.
    for value in (up["spike_ids"], up.get("spike_ids"), dict(up)["spike_ids"],
                  dict(up.items())["spike_ids"], (lambda **kw: kw["spike_ids"])(**copy),
                  copy.spike_ids):
        np.testing.assert_array_equal(value, [4, 7])
    assert any(isinstance(v, np.ndarray) and v.tolist() == [4, 7] for v in up.values())
    assert calls == [1]
    assert up.get("nothing", 3) == 3
