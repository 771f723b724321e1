"""Built-in probes and PRB paths."""

import h5py
import numpy as np
import pytest

from phy.electrode import builtin_probes, probe_path, read_probe
from phy.io import DataFormatError


def test_buzsaki_matches_the_real_kwik(phy_data):
    assert "1x32_buzsaki" in builtin_probes()
    groups = read_probe("1x32_buzsaki")
    with h5py.File(phy_data / "kwik" / "hybrid_10sec.kwik", "r") as f:
        g = f["channel_groups/0"]
        assert groups[0]["channels"] == g.attrs["channel_order"].tolist()
        assert groups[0]["graph"] == [tuple(e) for e in g.attrs["adjacency_graph"].tolist()]
        for c in groups[0]["channels"]:
            assert np.allclose(groups[0]["geometry"][c], g[f"channels/{c}"].attrs["position"])


def test_probe_path(tmp_path):
    (tmp_path / "mine.prb").write_text("channel_groups = {0: {'channels': [0]}}")
    assert probe_path("mine.prb", tmp_path) == tmp_path / "mine.prb"
    assert read_probe("mine.prb", tmp_path)[0]["channels"] == [0]
    assert probe_path("1x32_buzsaki.prb").name == "1x32_buzsaki.prb"
    with pytest.raises(DataFormatError, match="Unknown probe 'nope'.*1x32_buzsaki"):
        probe_path("nope", tmp_path)
