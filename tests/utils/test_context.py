import errno
import logging
import os

import numpy as np
import pytest

from phy.utils import Context


@pytest.fixture
def square():
    """A function squaring its argument, recording its calls in ``square.calls``."""
    calls = []

    def square(x):
        calls.append(x)
        return x * x

    square.calls = calls
    return square


def test_disk_cache_persists_across_contexts(tmp_path, square):
    calls = square.calls
    ctx = Context(tmp_path / ".phy")
    f = ctx.cache(square)
    assert f(3) == 9 and f(3) == 9
    np.testing.assert_array_equal(f(np.arange(3)), [0, 1, 4])
    assert len(calls) == 2
    g = Context(tmp_path / ".phy").cache(square)
    assert g(3) == 9
    assert len(calls) == 2
    assert (tmp_path / ".phy" / ".gitignore").read_text() == "*\n"


def test_memcache_and_persistence(tmp_path):
    calls = []

    def double(x):
        calls.append(x)
        return 2 * x

    ctx = Context(tmp_path)
    f = ctx.memcache(double)
    assert f(2) == 4 and f(2) == 4 and f(np.array([1, 2]))[1] == 4
    f(np.array([1, 2]))
    assert len(calls) == 2
    ctx.save_memcache()
    ctx2 = Context(tmp_path)
    cache = ctx2.load_memcache(f"{double.__module__}.{double.__qualname__}")
    assert cache[(2,)] == 4
    g = ctx2.memcache(double)
    assert g(2) == 4 and len(calls) == 2


def test_save_load_local_global(tmp_path, config_dir):
    ctx = Context(tmp_path / "cache")
    ctx.save("state", {"a": np.arange(20)})
    np.testing.assert_array_equal(ctx.load("state")["a"], np.arange(20))
    ctx.save("glob", {"b": 1}, location="global")
    assert (config_dir / "glob.json").exists()
    assert ctx.load("glob", location="global") == {"b": 1}
    ctx.save("pick", {"c": {1, 2}}, kind="pickle")
    assert ctx.load("pick") == {"c": {1, 2}}
    assert ctx.load("nothing") == {}
    with pytest.raises(ValueError, match="(?i)location"):
        ctx.save("x", {}, location="elsewhere")
    with pytest.raises(ValueError, match="(?i)kind"):
        ctx.save("x", {}, kind="xml")


def test_cache_disabled_by_env(tmp_path, monkeypatch):
    monkeypatch.setenv("PHY_DISABLE_CACHE", "1")
    calls = []

    def f(x):
        calls.append(x)
        return x

    ctx = Context(tmp_path)
    assert ctx.disabled
    ctx.cache(f)(1)
    ctx.cache(f)(1)
    ctx.memcache(f)(1)
    assert len(calls) == 3


class _Unpicklable:
    """An object that cannot be pickled (a generator attribute), with a cached method."""

    def __init__(self, calls, factor):
        self.calls = calls
        self.factor = factor  # state that is not part of the cache key
        self.gen = (i for i in range(3))

    def double(self, x):
        self.calls.append(x)
        return 2 * x


@pytest.mark.parametrize("kind", ["cache", "memcache"])
def test_method_cache_leaves_self_out_of_the_key(tmp_path, kind):
    calls = []
    ctx = Context(tmp_path / ".phy")
    a, b = _Unpicklable(calls, 1), _Unpicklable(calls, 2)
    fa, fb = getattr(ctx, kind)(a.double), getattr(ctx, kind)(b.double)
    assert fa(3) == 6 and fb(3) == 6 and fa(np.arange(2)).tolist() == [0, 2]
    assert len(calls) == 2  # 3 and arange(2), computed once for both instances
    if kind == "cache":  # on disk: reused by another Context on the same folder
        c = _Unpicklable(calls, 3)
        assert Context(tmp_path / ".phy").cache(c.double)(3) == 6 and len(calls) == 2


def _read_only_folder(tmp_path):
    folder = tmp_path / "dataset"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


def test_unwritable_folder_means_a_cache_in_memory(tmp_path, caplog, square):
    folder = _read_only_folder(tmp_path)
    if os.access(folder, os.W_OK):  # the superuser writes anyway: refuse like a full disk
        folder.chmod(0o755)
        (folder / ".phy").write_text("a file, not a folder")
    try:
        calls = square.calls
        with caplog.at_level(logging.WARNING):
            ctx = Context(folder / ".phy")
            f = ctx.cache(square)
            assert f(3) == 9 and f(3) == 9 and len(calls) == 1
            assert not ctx.writable and "cache stays in memory" in caplog.text
            ctx.save("state", {"a": 1})
            ctx.save_memcache()
        assert "Could not write" in caplog.text
    finally:
        folder.chmod(0o755)


def test_full_disk_turns_the_cache_to_memory(tmp_path, monkeypatch, caplog, square):
    from joblib.memory import MemorizedFunc

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(MemorizedFunc, "__call__", full)
    calls = square.calls
    ctx = Context(tmp_path / ".phy")
    f = ctx.cache(square)
    with caplog.at_level(logging.WARNING):
        assert f(4) == 16 and f(4) == 16 and len(calls) == 1
    assert "No space left on device" in caplog.text
