import logging
import re

import numpy as np
import pytest

from phy.io import (
    DataFormatError,
    as_2d,
    as_index_array,
    as_vector,
    fix_nonfinite,
    native,
    open_npy,
)
from phy.io.npy import _file_rows, iter_chunks, read_npy_header, read_rows, read_slice


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_open_npy_versions(tmp_path, version):
    path = tmp_path / "a.npy"
    with open(path, "wb") as f:
        np.lib.format.write_array(f, np.arange(5, dtype=np.int64), version=version)
    assert np.array_equal(open_npy(path), np.arange(5))
    assert isinstance(open_npy(path, mmap=True), np.memmap)
    assert not isinstance(open_npy(path, mmap=False), np.memmap)


def test_open_npy_fortran_big_endian_read_only(tmp_path):
    arr = np.asfortranarray(np.arange(12, dtype=">f4").reshape(3, 4))
    np.save(tmp_path / "f.npy", arr)
    m = open_npy(tmp_path / "f.npy")
    assert m.flags.f_contiguous and not m.dtype.isnative
    assert np.array_equal(m, arr)
    with pytest.raises(ValueError):
        m[0, 0] = 1  # read-only map: the file is never written
    n = native(m)
    assert n.dtype.isnative and np.array_equal(n, arr)
    same = np.arange(3.0)
    assert native(same) is same


def test_open_npy_errors(tmp_path):
    (tmp_path / "bad.npy").write_bytes(b"not a numpy file")
    with pytest.raises(DataFormatError, match="bad.npy"):
        open_npy(tmp_path / "bad.npy")
    with pytest.raises(FileNotFoundError):
        open_npy(tmp_path / "missing.npy")
    np.save(tmp_path / "empty.npy", np.zeros((0, 3)))
    assert open_npy(tmp_path / "empty.npy").shape == (0, 3)


@pytest.mark.parametrize("version", [(1, 0), (3, 0)])
@pytest.mark.parametrize("mmap", [True, False])
def test_open_npy_truncated_and_pickled(tmp_path, version, mmap):
    path = tmp_path / "a.npy"
    with open(path, "wb") as f:
        np.lib.format.write_array(f, np.arange(10, dtype=np.int32), version=version)
    shape, fortran, dtype, offset = read_npy_header(path)
    assert (shape, fortran, dtype) == ((10,), False, np.int32)
    assert offset + 40 == path.stat().st_size
    path.write_bytes(path.read_bytes()[:-6])
    with pytest.raises(DataFormatError, match=re.escape(
            f"{path} is truncated: its header announces an array of shape (10,) (int32, 40 "
            "bytes of data) but the file holds 34 bytes.")):
        open_npy(path, mmap=mmap)
    np.save(path, np.array([[1], "a"], dtype=object), allow_pickle=True)
    with pytest.raises(DataFormatError, match=re.escape(
            f"{path} holds Python objects (a pickled object array): phy never loads pickled "
            "data.")) as info:
        open_npy(path, mmap=mmap)
    assert "allow_pickle" not in str(info.value)


@pytest.mark.parametrize("shape", [(4,), (4, 1), (1, 4)])
def test_as_vector_shapes(shape):
    v = as_vector(np.arange(4).reshape(shape), "x.npy")
    assert v.shape == (4,) and np.array_equal(v, np.arange(4))


def test_as_vector_is_a_view_of_a_fortran_memmap(tmp_path):
    np.save(tmp_path / "v.npy", np.asfortranarray(np.arange(6).reshape(6, 1)))
    m = np.load(tmp_path / "v.npy", mmap_mode="r")
    v = as_vector(m, "v.npy")
    assert np.shares_memory(v, m) and np.array_equal(v, np.arange(6))


def test_as_vector_degenerate_and_errors():
    assert as_vector(np.array(7), "s.npy").tolist() == [7]
    assert as_vector(np.zeros((1, 1)), "s.npy").shape == (1,)
    with pytest.raises(DataFormatError, match="m.npy"):
        as_vector(np.zeros((2, 3)), "m.npy")


def test_as_2d():
    assert as_2d(np.arange(3), "x").shape == (3, 1)
    assert as_2d(np.zeros((1, 1)), "x", 1, 1).shape == (1, 1)
    assert as_2d(np.zeros((2, 3)), "x", 2, 3).shape == (2, 3)
    with pytest.raises(DataFormatError, match=r"pos.npy.*expected 2 along axis 1"):
        as_2d(np.zeros((4, 3)), "pos.npy", 4, 2)
    with pytest.raises(DataFormatError):
        as_2d(np.zeros((2, 2, 2)), "x")


def test_fix_nonfinite(caplog):
    arr = np.array([1.0, np.nan, np.inf, -np.inf])
    with caplog.at_level(logging.WARNING):
        out = fix_nonfinite(arr, "amplitudes.npy")
    assert out.tolist() == [1.0, 0, 0, 0]
    assert np.isnan(arr[1])  # the input is not modified
    assert "3 NaN or infinite values in amplitudes.npy" in caplog.text
    ints = np.arange(3)
    assert fix_nonfinite(ints, "x") is ints


def test_as_index_array():
    out = as_index_array(np.array([[0.0, 3.0], [-1.0, 2.0]]), "ind.npy")
    assert out.dtype == np.int64 and out.tolist() == [[0, 3], [-1, 2]]
    assert as_index_array(np.array([1, 2], dtype=np.uint32), "x").dtype == np.int64
    with pytest.raises(DataFormatError, match="ind.npy"):
        as_index_array(np.array([0.5]), "ind.npy")
    with pytest.raises(DataFormatError):
        as_index_array(np.array([np.nan]), "ind.npy")
    with pytest.raises(DataFormatError):
        as_index_array(np.array(["a"]), "ind.npy")


def test_iter_chunks():
    assert list(iter_chunks(5, 2)) == [(0, 2), (2, 4), (4, 5)]
    assert list(iter_chunks(0, 2)) == []


@pytest.mark.parametrize("shape", [(1000,), (1000, 5), (1000, 3, 4)])
@pytest.mark.parametrize("fortran", [False, True])
def test_read_rows_equals_indexing(tmp_path, shape, fortran):

    a = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    np.save(tmp_path / "a.npy", np.asfortranarray(a) if fortran else a)
    m = open_npy(tmp_path / "a.npy")
    rows = np.array([0, 5, 6, 999, 3, 5])
    views = [m, m.reshape(len(m), -1)] + ([np.swapaxes(m, 1, 2)] if m.ndim == 3 else [])
    for view in views:
        out = read_rows(view, rows)
        assert out.shape == (rows.size,) + view.shape[1:] and not np.shares_memory(out, m)
        np.testing.assert_array_equal(out, np.asarray(view)[rows])
    assert read_rows(m, []).shape == (0,) + m.shape[1:]
    for view in views:
        for start, stop in ((0, 1000), (5, 17), (990, 2000), (7, 7)):
            out = read_slice(view, start, stop)
            np.testing.assert_array_equal(out, np.asarray(view)[start:stop])
            assert not np.shares_memory(out, m)


def test_read_rows_from_the_file_of_row_aligned_maps(tmp_path):
    """A map or a row-aligned view of it is read from its file; another view is indexed."""

    np.save(tmp_path / "a.npy", np.arange(4000, dtype=np.float32).reshape(1000, 4))
    m = open_npy(tmp_path / "a.npy")
    assert _file_rows(m)[0] is not None and _file_rows(m[10:])[0] is None
    expected = [[8, 9, 10, 11], [3996, 3997, 3998, 3999]]
    np.testing.assert_array_equal(read_rows(m, [2, 999]), expected)


def test_read_ahead_reads_the_whole_file_in_steps(tmp_path):
    import threading

    from phy.io.npy import read_ahead

    path = tmp_path / "features.npy"
    np.save(path, np.zeros((100, 30), dtype=np.float32))
    size = path.stat().st_size
    assert read_ahead(path, step=4096) == size
    stop = threading.Event()
    stop.set()
    assert read_ahead(path, stop) == 0  # told to stop: nothing read


def _prefetched(monkeypatch):
    import threading

    import phy.io.npy as npy

    paths, done = [], threading.Event()

    def read_ahead(path, stop=None, step=None):
        paths.append(str(path))
        done.set()

    monkeypatch.setattr(npy, "read_ahead", read_ahead)
    return paths, done


def test_prefetch_files_reads_the_files_behind_the_maps(tmp_path, monkeypatch):
    import phy.io.npy as npy

    path = tmp_path / "features.npy"
    np.save(path, np.zeros((100, 30), dtype=np.float32))
    arr = np.load(path, mmap_mode="r")
    paths, done = _prefetched(monkeypatch)
    stop = npy.prefetch_files([arr[:, 2:], arr, None, np.zeros(3)])  # views of one map
    assert stop is not None and done.wait(5)
    stop.wait(0.1)
    assert paths == [str(path)]


def test_prefetch_files_skips_what_does_not_fit_or_is_in_memory(tmp_path, monkeypatch):
    import phy.io.npy as npy

    path = tmp_path / "features.npy"
    np.save(path, np.zeros((100, 30), dtype=np.float32))
    arr = np.load(path, mmap_mode="r")
    paths, _ = _prefetched(monkeypatch)
    assert npy.prefetch_files([arr], fraction=0) is None  # more than the memory allowed
    assert npy.prefetch_files([np.zeros(10), None]) is None  # nothing on disk
    monkeypatch.setattr(npy, "_available_memory", lambda: None)
    assert npy.prefetch_files([arr]) is None  # unknown available memory: nothing read
    assert paths == []
