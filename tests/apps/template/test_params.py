import pytest

from phy.apps.template.params import read_params
from phy.io import DataFormatError


def _params(tmp_path, text):
    path = tmp_path / "params.py"
    path.write_text(text)
    return read_params(path)


def test_real_params_files(tmp_path):
    p = _params(tmp_path, (
        "dat_path = r'C:\\data\\rec.bin'\nn_channels_dat = 385\ndtype = 'int16'\n"
        "offset = 0\nsample_rate = 30000.\nhp_filtered = False\n"))
    assert p == {"dat_path": r"C:\data\rec.bin", "n_channels_dat": 385, "dtype": "int16",
                 "offset": 0, "sample_rate": 30000.0, "hp_filtered": False}


def test_literals_lists_arithmetic_names(tmp_path):
    p = _params(tmp_path, (
        '"""A docstring."""\n# a comment\nDAT_PATH = ["a.dat", "b.dat"]\n'
        "SAMPLE_RATE = 3e4\nn = 2 * 192 + 1\nbase = 'rec'\nname = base + '.bin'\n"
        "x = -1.5\ny = None\nt = (1, 2)\nd = {'a': 1}\nz: int = 3\nflag = not True\n"
        "a = b = 4\nrate = sample_rate / 2\n"))
    assert p["dat_path"] == ["a.dat", "b.dat"]
    assert p["sample_rate"] == 30000.0 and p["rate"] == 15000.0
    assert p["n"] == 385 and p["name"] == "rec.bin" and p["x"] == -1.5
    assert p["y"] is None and p["t"] == (1, 2) and p["d"] == {"a": 1} and p["z"] == 3
    assert p["flag"] is False and p["a"] == p["b"] == 4


@pytest.mark.parametrize("text,match", [
    ("import os\n", "only assignments"),
    ("x = open('f')\n", "only literal values"),
    ("x = unknown_name\n", "only literal values"),
    ("x = 'a' - 1\n", "line 1"),
    ("x = 1 / 0\n", "division"),
    ("x = [\n", "Syntax error"),
    ("for i in []: pass\n", "only assignments"),
    ("a.b = 1\n", "only assignments"),
])
def test_errors(tmp_path, text, match):
    with pytest.raises(DataFormatError, match=match):
        _params(tmp_path, text)


def test_not_utf8(tmp_path):
    (tmp_path / "params.py").write_bytes(b"x = '\xff\xfe'\n")
    with pytest.raises(DataFormatError, match="UTF-8"):
        read_params(tmp_path / "params.py")


def test_relative_params_path_resolves_against_its_folder(tmp_path, monkeypatch):
    from phy.apps.template.params import get_template_params

    folder = tmp_path / "data" / "sorting"
    folder.mkdir(parents=True)
    (folder / "params.py").write_text(
        "dat_path = 'rec.dat'\ndtype = 'int16'\nsample_rate = 3e4\nn_channels_dat = 4\n")
    monkeypatch.chdir(tmp_path)
    params = get_template_params("data/sorting/params.py")
    assert params["dir_path"] == folder
    assert params["dat_path"] == [folder / "rec.dat"]
