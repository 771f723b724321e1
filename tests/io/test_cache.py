import errno
import logging
import os

import numpy as np
import pytest

from phy.io import ArrayCache
from phy.io.cache import fingerprint


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "src.npy"
    np.save(path, np.arange(10))
    return path


def _computer(calls):
    def compute(writer):
        calls.append(1)
        src = np.load(writer_source[0])
        out = writer.empty("double", src.shape, np.int64)
        out[:] = 2 * src
        writer.save("small", np.array([1, 2]))
        return {"total": int(src.sum())}
    writer_source = []
    return compute, writer_source


def test_cache_computes_once_and_reuses(tmp_path, source):
    calls = []
    compute, ws = _computer(calls)
    ws.append(source)
    cache = ArrayCache(tmp_path / ".phy")
    assert cache.enabled
    a = cache.get("g/one", [source], compute, params={"k": 1})
    assert a.double.tolist() == list(range(0, 20, 2)) and a.total == 45
    assert isinstance(a.double, np.memmap)
    b = ArrayCache(tmp_path / ".phy").get("g/one", [source], compute, params={"k": 1})
    assert len(calls) == 1
    assert b.double.tolist() == a.double.tolist() and b.small.tolist() == [1, 2]
    assert b.total == 45
    assert (tmp_path / ".phy" / ".gitignore").read_text() == "*\n"
    # No temporary file left behind.
    assert sorted(p.name for p in (tmp_path / ".phy" / "g" / "one").iterdir()) == [
        "double.npy", "meta.json", "small.npy"]


def test_cache_invalidation(tmp_path, source):
    calls = []
    compute, ws = _computer(calls)
    ws.append(source)
    cache = ArrayCache(tmp_path / ".phy")
    cache.get("g", [source], compute, params={"k": 1})
    cache.get("g", [source], compute, params={"k": 2})  # other parameters
    assert len(calls) == 2
    np.save(source, np.arange(11))  # the source changes (size and mtime)
    c = cache.get("g", [source], compute, params={"k": 2})
    assert len(calls) == 3 and c.double.size == 11
    st = source.stat()
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # same size, newer mtime
    cache.get("g", [source], compute, params={"k": 2})
    assert len(calls) == 4
    cache.clear("g")
    cache.get("g", [source], compute, params={"k": 2})
    assert len(calls) == 5


def test_cache_missing_source_and_interrupted(tmp_path, source):
    missing = tmp_path / "missing.npy"
    assert fingerprint([missing]) == [["missing.npy", None, None, None, None]]
    cache = ArrayCache(tmp_path / ".phy")

    def failing(writer):
        writer.empty("x", (5,), np.float32)
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        cache.get("g", [source], failing)
    assert cache.load("g", [source]) is None
    assert not (tmp_path / ".phy" / "g").exists()  # no half-written group


def test_cache_in_memory(tmp_path, source, monkeypatch):
    calls = []
    compute, ws = _computer(calls)
    ws.append(source)
    a = ArrayCache(None).get("g", [source], compute)
    assert not isinstance(a.double, np.memmap) and a.double[1] == 2 and a.total == 45
    (tmp_path / "file").write_text("x")
    assert not ArrayCache(tmp_path / "file" / "sub").enabled  # cannot be created
    monkeypatch.setenv("PHY_DISABLE_CACHE", "1")
    cache = ArrayCache(tmp_path / ".phy2")
    assert not cache.enabled and not (tmp_path / ".phy2").exists()
    cache.get("g", [source], compute)
    cache.get("g", [source], compute)
    assert len(calls) == 3


def test_cache_full_disk_falls_back_to_memory(tmp_path, source, monkeypatch, caplog):
    cache = ArrayCache(tmp_path / ".phy")
    calls = []
    compute, ws = _computer(calls)
    ws.append(source)

    def full(fd, offset, length):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", full)
    with caplog.at_level(logging.WARNING):
        a = cache.get("g", [source], compute)
    assert a.double.tolist() == list(range(0, 20, 2)) and a.total == 45
    assert "Could not write the cache" in caplog.text and "No space left" in caplog.text
    assert not (tmp_path / ".phy" / "g").exists()  # nothing half-written
    assert not cache.enabled  # the next groups stay in memory without trying again
    cache.get("h", [source], compute)
    assert not (tmp_path / ".phy" / "h").exists() and len(calls) == 3  # 1 failed on disk


def test_cache_other_errors_propagate(tmp_path, source):
    def compute(writer):
        raise FileNotFoundError(errno.ENOENT, "gone")

    with pytest.raises(FileNotFoundError):
        ArrayCache(tmp_path / ".phy").get("g", [source], compute)


def test_cache_read_only_folder(tmp_path, source, caplog):
    folder = tmp_path / "dataset"
    folder.mkdir()
    os.chmod(folder, 0o555)
    try:
        with caplog.at_level(logging.WARNING):
            cache = ArrayCache(folder / ".phy")
        assert not cache.enabled and "not writable" in caplog.text
        calls = []
        compute, ws = _computer(calls)
        ws.append(source)
        assert cache.get("g", [source], compute).total == 45
        assert list(folder.iterdir()) == []
    finally:
        os.chmod(folder, 0o755)


def test_cache_without_writing_reads_valid_groups(tmp_path, source):
    calls = []
    compute, ws = _computer(calls)
    ws.append(source)
    reader = ArrayCache(tmp_path / ".phy", write=False)
    assert reader.get("g", [source], compute).total == 45
    assert not (tmp_path / ".phy").exists() and len(calls) == 1
    ArrayCache(tmp_path / ".phy").get("g", [source], compute)
    before = sorted(p.name for p in (tmp_path / ".phy").rglob("*"))
    b = reader.get("g", [source], compute)
    assert isinstance(b.double, np.memmap) and len(calls) == 2  # read from the cache
    reader.clear("g")
    assert sorted(p.name for p in (tmp_path / ".phy").rglob("*")) == before


def test_cache_detects_rewrite_with_same_size_and_mtime(tmp_path, source):
    calls = []
    compute, ws = _computer(calls)
    ws.append(source)
    cache = ArrayCache(tmp_path / ".phy")
    cache.get("g", [source], compute)
    st = source.stat()
    np.save(source, np.arange(10)[::-1])  # same size
    os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime
    assert cache.get("g", [source], compute).double.tolist() == list(range(18, -1, -2))
    assert len(calls) == 2
