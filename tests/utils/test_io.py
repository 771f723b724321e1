import math

import numpy as np
import pytest

from phy.utils import (
    atomic_write,
    ensure_dir_exists,
    load_json,
    load_pickle,
    read_python,
    read_text,
    read_tsv,
    save_json,
    save_pickle,
    write_text,
    write_tsv,
)
from phy.utils.io import backup_path


def test_ensure_dir_exists(tmp_path):
    d = ensure_dir_exists(tmp_path / "a" / "b")
    assert d.is_dir()
    assert ensure_dir_exists(d) == d
    (tmp_path / "f").write_text("x")
    with pytest.raises(NotADirectoryError):
        ensure_dir_exists(tmp_path / "f")


def test_atomic_write_failure_leaves_original(tmp_path):
    path = tmp_path / "out" / "data.txt"
    write_text(path, "original")
    with pytest.raises(RuntimeError):
        with atomic_write(path) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash")
    assert read_text(path) == "original"
    assert [p.name for p in path.parent.iterdir()] == ["data.txt"]


def test_atomic_write_backup(tmp_path):
    path = tmp_path / "spike_clusters.npy"
    np.save(path, np.arange(3))
    with atomic_write(path, backup=True) as tmp:
        with open(tmp, "wb") as f:
            np.save(f, np.arange(5))
    assert np.load(path).tolist() == list(range(5))
    assert np.load(backup_path(path), allow_pickle=False).tolist() == [0, 1, 2]
    assert backup_path(path).name == "spike_clusters.npy.bak"


def test_text_unicode_roundtrip(tmp_path):
    write_text(tmp_path / "t.txt", "µV — 日本")
    assert read_text(tmp_path / "t.txt") == "µV — 日本"


def test_json_roundtrip_arrays_and_odd_values(tmp_path):
    path = tmp_path / "state.json"
    big = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    data = {
        "small": np.array([1, 2, 3]),
        "big": big,
        "zero_d": np.array(3.5),
        "scalar": np.int64(7),
        "nan": float("nan"),
        "tuple": (1, 2),
        "unicode": "µV",
        5: {"nested": np.float32(1.5)},
        "empty": np.zeros((0, 3)),
        "bytes": b"\x00\x01geometry",
    }
    save_json(path, data)
    text = read_text(path)
    assert '"__ndarray__"' in text and '"small": [\n' in text
    out = load_json(path)
    assert out["small"] == [1, 2, 3]
    np.testing.assert_array_equal(out["big"], big)
    assert out["big"].dtype == np.float32 and out["big"].shape == (2, 3, 4)
    assert out["zero_d"].shape == () and float(out["zero_d"]) == 3.5
    assert out["scalar"] == 7
    assert math.isnan(out["nan"])
    assert out["tuple"] == [1, 2]
    assert out["unicode"] == "µV"
    assert out[5] == {"nested": 1.5}
    assert out["empty"].shape == (0, 3)
    assert out["bytes"] == b"\x00\x01geometry"


def test_json_qbytearray_double_base64(tmp_path, qapp):
    from phy.gui.qt import QByteArray

    path = tmp_path / "g.json"
    save_json(path, {"geometry": QByteArray(b"\x01\x02")})
    assert "__qbytearray__" in read_text(path)
    # Restored as bytes, which Qt accepts wherever a QByteArray is expected.
    assert QByteArray(load_json(path)["geometry"]) == QByteArray(b"\x01\x02")


def test_json_missing_empty_invalid(tmp_path, caplog):
    assert load_json(tmp_path / "none.json") == {}
    (tmp_path / "empty.json").write_text("")
    assert load_json(tmp_path / "empty.json") == {}
    (tmp_path / "bad.json").write_text("{not json")
    assert load_json(tmp_path / "bad.json") == {}
    assert "bad.json" in caplog.text


def test_pickle_roundtrip(tmp_path):
    data = {1: np.arange(5), "a": [1, "b"]}
    save_pickle(tmp_path / "x.pkl", data)
    out = load_pickle(tmp_path / "x.pkl")
    np.testing.assert_array_equal(out[1], np.arange(5))
    assert out["a"] == [1, "b"]
    with pytest.raises(FileNotFoundError, match="nothere"):
        load_pickle(tmp_path / "nothere.pkl")


def test_read_python(tmp_path):
    path = tmp_path / "params.py"
    path.write_text("import os\ndat_path = 'a.dat'\nn_channels_dat = 4\n_private = 1\n"
                    "sample_rate = 25e3\n")
    assert read_python(path) == {"dat_path": "a.dat", "n_channels_dat": 4, "sample_rate": 25e3}
    path.write_text("x = (\n")
    with pytest.raises(SyntaxError, match="params.py"):
        read_python(path)


def test_tsv_roundtrip(tmp_path):
    path = tmp_path / "cluster_info.tsv"
    data = [
        {"cluster_id": 1, "group": "good", "amp": 1.23456789},
        {"cluster_id": 2, "amp": float("nan"), "secret": 1},
        {"cluster_id": 10, "group": "noise tab\there"},
    ]
    write_tsv(path, data, first_field="cluster_id", exclude_fields=("secret",))
    text = read_text(path)
    assert text.splitlines()[0] == "cluster_id\tgroup\tamp"
    assert "\r" not in text
    assert "1.235" in text
    out = read_tsv(path)
    assert out[0] == {"cluster_id": 1, "group": "good", "amp": 1.235}
    assert out[1]["cluster_id"] == 2 and math.isnan(out[1]["amp"]) and "group" not in out[1]
    assert out[2]["group"] == "noise tab\there"


def test_tsv_first_field_ordering(tmp_path):
    write_tsv(tmp_path / "a.tsv", [{"b": 1, "a": 2}], first_field="a")
    assert read_text(tmp_path / "a.tsv").splitlines()[0] == "a\tb"


def test_tsv_empty_and_crlf_and_comma(tmp_path):
    (tmp_path / "empty.tsv").write_text("")
    assert read_tsv(tmp_path / "empty.tsv") == []
    write_tsv(tmp_path / "nodata.tsv", [])
    assert read_tsv(tmp_path / "nodata.tsv") == []
    (tmp_path / "crlf.tsv").write_bytes(b"cluster_id\tgroup\r\n0\tgood\r\n1\t\r\n")
    assert read_tsv(tmp_path / "crlf.tsv") == [{"cluster_id": 0, "group": "good"},
                                               {"cluster_id": 1}]
    (tmp_path / "c.csv").write_text('cluster_id,group\n3,"mu,a"\n')
    assert read_tsv(tmp_path / "c.csv") == [{"cluster_id": 3, "group": "mu,a"}]


def test_tsv_unicode(tmp_path):
    write_tsv(tmp_path / "u.tsv", [{"cluster_id": 0, "label": "négatif"}])
    assert read_tsv(tmp_path / "u.tsv") == [{"cluster_id": 0, "label": "négatif"}]
