"""Multi-electrode arrays and ``load_probe``."""

import numpy as np
import pytest

from phy.electrode import MEA, load_probe
from phy.io import DataFormatError


def test_mea_without_probe():
    mea = MEA(positions=[[0, 0], [0, 20], [10, 40]], adjacency={0: {1}, 1: {0, 2}})
    assert mea.channels.tolist() == [0, 1, 2] and mea.n_channels == 3
    assert mea.positions[2].tolist() == [10, 40]
    assert mea.adjacency == {0: {1}, 1: {0, 2}, 2: set()}
    with pytest.raises(ValueError, match="no probe"):
        mea.change_channel_group(0)
    assert MEA(channels=[4, 7]).positions.tolist() == [[0, 4], [0, 7]]
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        MEA(channels=[4, 7], positions=np.zeros((3, 2)))


def test_mea_channel_groups(tmp_path):
    (tmp_path / "two.prb").write_text(
        "channel_groups = {3: {'channels': [5, 6, 7], 'graph': [(5, 6), (6, 7), (7, 9)],\n"
        "                      'geometry': {5: (0, 0), 6: (0, 25)}},\n"
        "                  1: {'channels': [0, 2], 'graph': [(0, 2)]}}\n")
    mea = load_probe("two.prb", tmp_path)
    assert mea.channel_group == 1 and mea.channels.tolist() == [0, 2]
    assert mea.adjacency == {0: {2}, 2: {0}}
    mea.change_channel_group(3)
    assert mea.channels.tolist() == [5, 6, 7] and mea.n_channels == 3
    # Edges to channels outside the group are dropped; missing geometry: (0, channel).
    assert mea.adjacency == {5: {6}, 6: {5, 7}, 7: {6}}
    assert mea.positions.tolist() == [[0, 0], [0, 25], [0, 7]]
    with pytest.raises(ValueError, match="Unknown channel group 2: the probe has 1, 3"):
        mea.change_channel_group(2)
    assert mea.channel_group == 3


def test_load_builtin_probe():
    mea = load_probe("1x32_buzsaki")
    assert mea.n_channels == 32 and mea.positions.shape == (32, 2)
    assert mea.positions[0].tolist() == [35, 310] and mea.adjacency[0] == {1, 2}
    assert sum(len(v) for v in mea.adjacency.values()) == 2 * 61
    with pytest.raises(DataFormatError, match="Unknown probe 'nope'"):
        load_probe("nope")
