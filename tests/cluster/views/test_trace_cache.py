"""Tests of the trace view's window cache: LRU order, one computation per key, clear, close."""

import threading

import pytest

from phy.cluster.views.trace_cache import WindowCache


def counting(value):
    """A computation returning `value` and counting its calls in ``compute.calls``."""
    def compute():
        compute.calls += 1
        return value
    compute.calls = 0
    return compute


def test_least_recently_used_value_goes_first():
    cache = WindowCache(size=2)
    a, b, c = counting("a"), counting("b"), counting("c")
    assert cache.get(1, a) == "a" and cache.get(2, b) == "b"
    assert cache.get(1, a) == "a" and a.calls == 1  # a hit, and 1 is now the most recent
    cache.get(3, c)
    assert 1 in cache and 3 in cache and 2 not in cache and len(cache) == 2
    with pytest.raises(ValueError, match="positive size"):
        WindowCache(size=0)


def test_a_key_computed_by_one_thread_is_not_computed_again_by_another():
    cache = WindowCache()
    started, release = threading.Event(), threading.Event()
    calls = []

    def slow():
        calls.append(1)
        started.set()
        assert release.wait(5)
        return 42

    results = []
    first = threading.Thread(target=lambda: results.append(cache.get("w", slow)))
    first.start()
    assert started.wait(5)
    second = threading.Thread(target=lambda: results.append(cache.get("w", slow)))
    second.start()
    release.set()
    first.join(5)
    second.join(5)
    assert results == [42, 42] and calls == [1]


def test_a_failed_computation_is_not_stored():
    cache = WindowCache()

    def fail():
        raise OSError("raw.dat is truncated")

    with pytest.raises(OSError, match="truncated"):
        cache.get("w", fail)
    assert "w" not in cache
    assert cache.get("w", counting(1)) == 1


def test_clear_drops_the_values_being_computed():
    cache = WindowCache()

    def compute_while_cleared():
        cache.clear()
        return "stale"

    assert cache.get("w", compute_while_cleared) == "stale"  # returned to its caller ...
    assert "w" not in cache  # ... but not kept: it was computed from the old data


def test_closed_cache_keeps_nothing_and_starts_no_prefetch():
    cache = WindowCache()
    cache.get("w", counting(1))
    cache.close()
    assert len(cache) == 0
    assert cache.prefetch("next", counting(2)) is False
    assert cache.get("w", counting(3)) == 3 and "w" not in cache


def test_prefetch_skips_cached_keys(qtbot):
    cache = WindowCache()
    cache.get("w", counting(1))
    assert cache.prefetch("w", counting(1)) is False
    compute = counting(2)
    assert cache.prefetch("next", compute) is True
    qtbot.waitUntil(lambda: "next" in cache)
    assert cache.get("next", counting(3)) == 2 and compute.calls == 1
