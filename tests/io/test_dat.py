import logging
from pathlib import Path

import numpy as np
import pytest

from phy.io import DataFormatError, RawDataReader, open_raw_data, read_dat, resolve_dat_paths


def _write(path, arr, header=b""):
    with open(path, "wb") as f:
        f.write(header)
        f.write(np.ascontiguousarray(arr).tobytes())
    return path


@pytest.fixture
def data():
    return np.arange(200 * 5, dtype=np.int16).reshape(200, 5)


def test_read_dat(tmp_path, data):
    path = _write(tmp_path / "a.dat", data, header=b"x" * 8)
    m = read_dat(path, dtype=np.int16, offset=8, n_channels=5)
    assert isinstance(m, np.memmap) and m.shape == (200, 5)
    assert np.array_equal(m, data)
    with pytest.raises(ValueError):
        m[0, 0] = 1  # opened read-only
    assert read_dat(path, dtype="int16", offset=8, shape=(10, 5)).shape == (10, 5)
    with pytest.raises(ValueError):
        read_dat(path, n_channels=5)
    with pytest.raises(ValueError):
        read_dat(path, dtype="int16")


def test_read_dat_trailing_bytes(tmp_path, data):
    path = _write(tmp_path / "a.dat", data, header=b"")
    with open(path, "ab") as f:
        f.write(b"\x01\x02\x03")
    with pytest.raises(DataFormatError) as info:
        read_dat(path, dtype=np.int16, n_channels=5)
    assert str(info.value) == (
        f"The size of {path} does not match n_channels_dat, dtype and offset: 2,003 bytes "
        "after the 0-byte header, not a multiple of 10 bytes (one sample: 5 channels of "
        "int16); 200 samples and 3 bytes left over.")


def test_read_dat_empty_and_too_small(tmp_path):
    empty = _write(tmp_path / "e.dat", np.zeros(0, np.int16))
    assert read_dat(empty, dtype=np.int16, n_channels=4).shape == (0, 4)
    with pytest.raises(DataFormatError):
        read_dat(empty, dtype=np.int16, n_channels=4, offset=10)


@pytest.fixture
def reader(tmp_path, data):
    # Three files concatenated in time, with a channel map that reorders and skips columns.
    paths = [_write(tmp_path / f"{i}.dat", part) for i, part in enumerate(
        (data[:50], data[50:51], data[51:]))]
    arrays = [read_dat(p, dtype=np.int16, n_channels=5) for p in paths]
    return RawDataReader(arrays, channel_map=[4, 0, 2], paths=paths)


def test_reader_shape_and_slices(reader, data):
    mapped = data[:, [4, 0, 2]]
    assert reader.shape == (200, 3) and len(reader) == 200 and reader.ndim == 2
    assert reader.dtype == np.int16 and reader.n_channels_dat == 5
    assert reader.bounds.tolist() == [0, 50, 51, 200]
    assert np.array_equal(reader[:], mapped)
    assert np.array_equal(reader[45:60], mapped[45:60])  # across the three files
    assert np.array_equal(reader[40:120:7], mapped[40:120:7])
    assert np.array_equal(reader[120:40:-3], mapped[120:40:-3])
    assert np.array_equal(reader[45:60, [2, 0]], mapped[45:60][:, [2, 0]])
    assert np.array_equal(reader[45:60, 1], mapped[45:60, 1])
    assert np.array_equal(reader[[3, 50, 199, -1]], mapped[[3, 50, 199, -1]])
    assert np.array_equal(reader[50], mapped[50])
    assert reader[250:300].shape == (0, 3)
    with pytest.raises(IndexError):
        reader[[200]]


def test_reader_consecutive_columns_read_as_a_slice(reader, data):
    # Consecutive file columns (read with a slice, not a gather): the same values.
    consecutive = RawDataReader(reader._arrays, channel_map=[1, 2, 3])
    assert np.array_equal(consecutive[45:60], data[45:60, 1:4])
    assert np.array_equal(consecutive.read(-2, 3, channel_ids=[2, 1]), np.r_[
        np.zeros((2, 2), np.int16), data[:3][:, [3, 2]]])


def test_reader_read_zero_pads(reader, data):
    mapped = data[:, [4, 0, 2]]
    out = reader.read(-5, 10, channel_ids=[1])
    assert out.shape == (15, 1)
    assert np.all(out[:5] == 0) and np.array_equal(out[5:, 0], mapped[:10, 1])
    out = reader.read(195, 205)
    assert np.array_equal(out[:5], mapped[195:]) and np.all(out[5:] == 0)
    assert reader.read(300, 310).shape == (10, 3)


def test_reader_windows(reader, data):
    mapped = data[:, [4, 0, 2]]
    starts = np.array([-3, 10, 48, 196])
    out = reader.windows(starts, 6, channel_ids=[2, 0])
    assert out.shape == (4, 6, 2) and out.dtype == np.int16
    for i, s in enumerate(starts):
        expected = np.zeros((6, 2), np.int16)
        lo, hi = max(s, 0), min(s + 6, 200)
        expected[lo - s:hi - s] = mapped[lo:hi][:, [2, 0]]
        assert np.array_equal(out[i], expected)
    assert reader.windows([], 6).shape == (0, 6, 3)


def test_reader_errors_and_close(tmp_path, data):
    with pytest.raises(ValueError):
        RawDataReader([])
    with pytest.raises(DataFormatError):
        RawDataReader([data], channel_map=[5])
    with pytest.raises(DataFormatError):
        RawDataReader([data, data[:, :3]])
    r = RawDataReader([data])
    assert "RawDataReader" in repr(r)
    r.close()
    assert r.n_samples == 0


def test_resolve_dat_paths(tmp_path):
    assert resolve_dat_paths(None) == []
    assert resolve_dat_paths("") == []
    assert resolve_dat_paths([]) == []
    assert resolve_dat_paths(["", "  ", None]) == []
    assert resolve_dat_paths("a.dat", tmp_path) == [tmp_path / "a.dat"]
    assert resolve_dat_paths(["/abs/b.bin", "", "c.dat"], tmp_path) == [
        Path("/abs/b.bin"), tmp_path / "c.dat"]


def test_open_raw_data(tmp_path, data, caplog):
    _write(tmp_path / "a.dat", data[:100])
    _write(tmp_path / "b.bin", data[100:])
    r = open_raw_data(["a.dat", "", "b.bin"], "int16", 5, channel_map=[1, 3], dir_path=tmp_path)
    assert r.shape == (200, 2) and np.array_equal(r[:], data[:, [1, 3]])
    np.save(tmp_path / "raw.npy", data)
    r = open_raw_data(tmp_path / "raw.npy", "int16", 5)
    assert np.array_equal(r[:], data)


@pytest.mark.parametrize("dat_path,message", [
    (None, None), ("", None), ([], None), ([""], None),
    ("missing.dat", "not found"), (["a.dat", "missing.dat"], "not found"),
    ("a.xyz", "unsupported"), ("noext", "not found"), ("a.cbin", "unsupported"),
])
def test_open_raw_data_absent(tmp_path, data, caplog, dat_path, message):
    _write(tmp_path / "a.dat", data)
    _write(tmp_path / "a.xyz", data)
    _write(tmp_path / "a.cbin", data)
    with caplog.at_level(logging.WARNING):
        assert open_raw_data(dat_path, "int16", 5, dir_path=tmp_path) is None
    if message:
        assert message in caplog.text
    else:
        assert not caplog.records


def test_open_raw_data_bad_parameters(tmp_path, data, caplog):
    _write(tmp_path / "a.dat", data)
    np.save(tmp_path / "r.npy", data)
    with caplog.at_level(logging.WARNING):
        assert open_raw_data("a.dat", "int16", None, dir_path=tmp_path) is None
        assert open_raw_data("r.npy", "int16", 7, dir_path=tmp_path) is None
    assert "n_channels_dat is not set" in caplog.text
    assert "Cannot open the raw data" in caplog.text
    with pytest.raises(DataFormatError, match="smaller than its header offset"):
        open_raw_data("a.dat", "int16", 5, offset=10**9, dir_path=tmp_path)


def test_read_real_raw_file(phy_data):
    path = phy_data / "test-4ch-1s.dat"
    m = read_dat(path, dtype=np.int16, n_channels=4)
    assert m.shape == (20000, 4)
    r = open_raw_data(path, "int16", 4, channel_map=[3, 0])
    assert np.array_equal(r[100:110], np.asarray(m[100:110])[:, [3, 0]])
