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
