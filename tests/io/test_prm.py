"""PRM and PRB files: evaluated safely, with precise errors."""

import pytest

from phy.io import DataFormatError
from phy.io.prm import evaluate_python_literals, read_prb, read_prm


def test_real_prm(phy_data):
    prm = read_prm(phy_data / "kwik" / "hybrid_10sec.prm")
    assert prm["experiment_name"] == "hybrid_10sec"
    assert prm["prb_file"] == "1x32_buzsaki"
    assert prm["traces"]["raw_data_files"] == ["hybrid_10sec.dat"]
    assert prm["traces"]["sample_rate"] == 20000 and prm["traces"]["dtype"] == "int16"
    assert prm["spikedetekt"]["filter_high_factor"] == pytest.approx(0.475)
    assert prm["spikedetekt"]["extract_s_before"] == 16
    assert prm["klustakwik2"] == {"num_starting_clusters": 100}


def test_language():
    ns = evaluate_python_literals(
        "# a comment\nN = 4\nx = list(range(N))\ny = {i: (0, i * 10.) for i in x if i % 2}\n"
        "z = [(a, b) for a, b in zip(x[:-1], x[1:])]\nname = 'a' + '.dat'\nd = dict(k=-N ** 2)\n")
    assert ns["n"] == 4 and ns["x"] == [0, 1, 2, 3]
    assert ns["y"] == {1: (0, 10.0), 3: (0, 30.0)}
    assert ns["z"] == [(0, 1), (1, 2), (2, 3)] and ns["name"] == "a.dat"
    assert ns["d"] == {"k": -16}


@pytest.mark.parametrize("source, message", [
    ("import os", "only assignments"),
    ("x = __import__('os')", "not allowed"),
    ("x = open('f').read()", "not allowed"),
    ("x = (1).__class__", "not allowed"),
    ("x = y + 1", "`y` is not defined"),
    ("x = [1] * 10**9", "too large"),
    ("x = 10 ** 100000", "too large"),
    ("def f(): pass", "only assignments"),
    ("x = (", "not a valid Python file"),
])
def test_refused(tmp_path, source, message):
    path = tmp_path / "bad.prb"
    path.write_text(source)
    with pytest.raises(DataFormatError, match=message) as e:
        read_prm(path)
    assert str(path) in str(e.value)


def test_prb(tmp_path):
    path = tmp_path / "two.prb"
    path.write_text("channel_groups = {\n  1: {'channels': [4, 5], 'graph': [[4, 5]],\n"
                    "      'geometry': {4: (0, 0), 5: (0, 20)}},\n"
                    "  0: {'channels': [0, 1, 2]},\n}\n")
    groups = read_prb(path)
    assert list(groups) == [0, 1]
    assert groups[0] == {"channels": [0, 1, 2], "graph": [], "geometry": {}}
    assert groups[1]["graph"] == [(4, 5)] and groups[1]["geometry"][5] == (0.0, 20.0)
    path.write_text("channel_groups = {0: {'graph': []}}")
    with pytest.raises(DataFormatError, match="has no `channels`"):
        read_prb(path)
    path.write_text("x = 1")
    with pytest.raises(DataFormatError, match="no `channel_groups`"):
        read_prb(path)
    with pytest.raises(DataFormatError, match="Cannot read"):
        read_prb(tmp_path / "missing.prb")
