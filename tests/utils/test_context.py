import numpy as np
import pytest

from phy.utils import Context


def test_disk_cache_persists_across_contexts(tmp_path):
    calls = []

    def square(x):
        calls.append(x)
        return x * x

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
