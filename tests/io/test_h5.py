"""HDF5 helpers of the kwik format (read_kwd is tested in test_kwd.py)."""

import h5py
import numpy as np
import pytest

from phy.io.h5 import (
    H5Array,
    decode_attr,
    encode_attr,
    h5_array,
    int_names,
    open_h5,
    read_attrs,
    write_attrs,
)
from phy.io.npy import DataFormatError


def test_open_h5(tmp_path):
    path = tmp_path / "a.kwik"
    with open_h5(path, "w") as f:
        f["x"] = np.arange(3)
    with open_h5(path) as f:
        assert f.mode == "r"
        np.testing.assert_array_equal(f["x"][:], [0, 1, 2])
    with open_h5(path, "r+") as f:
        f["y"] = [1.5]
    with h5py.File(path, "r") as f:
        assert set(f.keys()) == {"x", "y"}


def test_open_h5_errors(tmp_path):
    with pytest.raises(DataFormatError, match="missing.kwik does not exist"):
        open_h5(tmp_path / "missing.kwik")
    with pytest.raises(DataFormatError, match="missing.kwik does not exist"):
        open_h5(tmp_path / "missing.kwik", "r+")
    bad = tmp_path / "bad.kwik"
    bad.write_text("not hdf5")
    with pytest.raises(DataFormatError, match="Cannot open .*bad.kwik as an HDF5 file"):
        open_h5(bad)


def test_encode_attr_forms():
    s = encode_attr("hello")
    assert s.shape == (1,) and s.dtype == np.dtype("S5") and s[0] == b"hello"
    empty = encode_attr(None)
    assert empty.shape == (1,) and empty.dtype == np.dtype("S1") and empty[0] == b""
    lst = encode_attr(["a", "bcd"])
    assert lst.dtype == np.dtype("S3") and list(lst) == [b"a", b"bcd"]
    assert encode_attr(True) == 1 and isinstance(encode_attr(True), np.int64)
    assert isinstance(encode_attr(3), np.int64)
    assert isinstance(encode_attr(2.5), np.float64)
    np.testing.assert_array_equal(encode_attr([1, 2]), [1, 2])


def test_decode_attr_forms():
    assert decode_attr(b"ab\x00\x00") == "ab"
    assert decode_attr(np.bytes_(b"xy")) == "xy"
    assert decode_attr("plain") == "plain"
    assert decode_attr(np.array([b"one"], dtype="S5")) == "one"
    assert decode_attr(np.array([b"a", b"b"])) == ["a", "b"]
    assert decode_attr(np.array(["u", "v"], dtype=object)) == ["u", "v"]
    v = decode_attr(np.int64(7))
    assert v == 7 and type(v) is int
    assert type(decode_attr(np.float32(1.5))) is float
    arr = decode_attr(np.array([1, 2, 3]))
    np.testing.assert_array_equal(arr, [1, 2, 3])


def test_attrs_round_trip(tmp_path):
    path = tmp_path / "attrs.kwik"
    with h5py.File(path, "w") as f:
        g = f.create_group("g")
        write_attrs(g, name="shank 1", none=None, flag=False, n=12, rate=20000.0,
                    names=["x", "yy"], values=[1.0, 2.0])
        g.attrs["vlen"] = "variable"  # h5py's variable-length string
    with h5py.File(path, "r") as f:
        attrs = read_attrs(f["g"])
    assert attrs["name"] == "shank 1"
    assert attrs["none"] == ""
    assert attrs["flag"] == 0
    assert attrs["n"] == 12 and attrs["rate"] == 20000.0
    assert attrs["names"] == ["x", "yy"]
    np.testing.assert_array_equal(attrs["values"], [1.0, 2.0])
    assert attrs["vlen"] == "variable"


def test_int_names(tmp_path):
    with h5py.File(tmp_path / "n.kwik", "w") as f:
        for name in ("10", "2", "-1", "0", "notes", "3a"):
            f.create_group(f"clusters/{name}")
        assert int_names(f["clusters"]) == [-1, 0, 2, 10]
    assert int_names(None) == []


def _datasets(f, data):
    f["contig"] = data
    f.create_dataset("chunked", data=data, chunks=(3, 2))
    f.create_dataset("gzip", data=data, chunks=(4, 4), compression="gzip")


def test_h5_array_memmap_vs_rows(tmp_path):
    path = tmp_path / "d.kwd"
    data = np.arange(40, dtype=np.int16).reshape(10, 4)
    with h5py.File(path, "w") as f:
        _datasets(f, data)
        f.create_dataset("empty", shape=(0, 4), dtype=np.int16)
    with h5py.File(path, "r") as f:
        mm = h5_array(f["contig"], path)
        assert isinstance(mm, np.memmap)
        np.testing.assert_array_equal(mm, data)
        for name in ("chunked", "gzip", "empty"):
            assert isinstance(h5_array(f[name], path), H5Array)
        np.testing.assert_array_equal(h5_array(f["gzip"], path)[:], data)


def test_h5array_indexing(tmp_path):
    path = tmp_path / "d.kwd"
    data = np.arange(40, dtype=np.int16).reshape(10, 4)
    with h5py.File(path, "w") as f:
        _datasets(f, data)
    with h5py.File(path, "r") as f:
        a = H5Array(f["gzip"])
        assert len(a) == 10 and a.shape == (10, 4) and a.dtype == np.int16 and a.ndim == 2
        np.testing.assert_array_equal(a[2:5], data[2:5])
        np.testing.assert_array_equal(a[2:5, 1], data[2:5, 1])
        np.testing.assert_array_equal(a[3], data[3])
        np.testing.assert_array_equal(a[np.int64(3), 2], data[3, 2])
        rows = [7, 1, 7, 0]  # unsorted, with repeats
        np.testing.assert_array_equal(a[rows], data[rows])
        np.testing.assert_array_equal(a[rows, 1:3], data[rows, 1:3])
        rows2d = np.array([[1, 9], [9, 0]])
        np.testing.assert_array_equal(a[rows2d], data[rows2d])
        np.testing.assert_array_equal(a[rows2d, 2], data[rows2d, 2])
        none = a[np.array([], dtype=np.int64)]
        assert none.shape == (0, 4) and none.dtype == np.int16
