import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phy.utils import (
    chunk_bounds,
    excerpt_bounds,
    get_excerpts,
    index_of,
    random_subset,
    regular_indices,
    regular_subset,
    select_spikes,
    spikes_in_clusters,
    spikes_per_cluster,
    unique,
)


@given(st.lists(st.integers(-50, 10 ** 9), max_size=50))
@settings(max_examples=50, deadline=None)
def test_unique_matches_numpy(values):
    x = np.array(values, dtype=np.int64)
    np.testing.assert_array_equal(unique(x), np.unique(x))


def test_index_of():
    lookup = np.array([2, 5, 7])
    np.testing.assert_array_equal(index_of([7, 2, 2], lookup), [2, 0, 0])
    with pytest.raises(ValueError, match=r"\[3\]"):
        index_of([3], lookup)
    assert index_of([], lookup).size == 0


@given(st.lists(st.integers(0, 20), min_size=0, max_size=200))
@settings(max_examples=50, deadline=None)
def test_spikes_per_cluster_matches_reference(values):
    sc = np.array(values, dtype=np.int64)
    spc = spikes_per_cluster(sc)
    assert sorted(spc) == sorted(set(values))
    for c, spikes in spc.items():
        np.testing.assert_array_equal(spikes, np.nonzero(sc == c)[0])
        assert spikes.dtype == np.int64


def test_spikes_per_cluster_empty_clusters():
    spc = spikes_per_cluster(np.array([3, 3, 1]), cluster_ids=[1, 3, 8])
    assert spc[8].size == 0 and spc[3].tolist() == [0, 1]


def test_spikes_in_clusters():
    assert spikes_in_clusters([1, 2, 1, 3], [1, 3]).tolist() == [0, 2, 3]


def test_regular_subset():
    spikes = np.arange(100, 200)
    assert regular_subset(spikes, None) is spikes
    sub = regular_subset(spikes, 10)
    assert sub.tolist() == list(range(100, 200, 10))
    shifted = regular_subset(spikes, 10, offset=3)
    assert shifted.tolist() == list(range(103, 200, 10))
    assert regular_subset(spikes[:5], 10).tolist() == list(range(100, 105))


def test_regular_indices_are_the_regular_subset_of_a_range():
    for size, n, offset in [(100, 10, 0), (1000, 7, 2), (5, 10, 0), (20_000_000, 2500, 0)]:
        expected = regular_subset(np.arange(size), n, offset)
        assert np.array_equal(regular_indices(size, n, offset), expected)
    assert regular_indices(4).tolist() == [0, 1, 2, 3]


def test_random_subset_seeded():
    spikes = np.arange(1000)
    a, b = random_subset(spikes, 50, seed=1), random_subset(spikes, 50, seed=1)
    np.testing.assert_array_equal(a, b)
    assert len(np.unique(a)) == 50 and np.all(np.diff(a) > 0)
    assert not np.array_equal(a, random_subset(spikes, 50, seed=2))


@pytest.mark.parametrize("subset,batch_size", [("regular", None), ("regular", 5),
                                               ("random", None)])
def test_select_spikes(subset, batch_size):
    sc = np.repeat([0, 1, 2], [100, 3, 50])
    spc = spikes_per_cluster(sc)
    out = select_spikes([0, 1], 10, spc, batch_size=batch_size, subset=subset)
    assert np.all(np.diff(out) > 0)
    assert np.sum(sc[out] == 0) == 10 and np.sum(sc[out] == 1) == 3
    assert not np.any(sc[out] == 2)
    np.testing.assert_array_equal(select_spikes([0, 1], 10, spc.get, batch_size, subset), out)
    assert select_spikes([], 10, spc).size == 0


def test_chunk_bounds_tile_the_array():
    chunks = list(chunk_bounds(25, 10, overlap=2))
    assert chunks == [(0, 12, 0, 10), (8, 22, 10, 20), (18, 25, 20, 25)]
    with pytest.raises(ValueError):
        list(chunk_bounds(10, 0))


def test_excerpts():
    data = np.arange(100)
    bounds = excerpt_bounds(100, 3, 10)
    assert bounds == [(0, 10), (45, 55), (90, 100)]
    assert get_excerpts(data, 3, 10).tolist() == (
        list(range(10)) + list(range(45, 55)) + list(range(90, 100)))
    assert excerpt_bounds(20, 3, 10) == [(0, 20)]
    assert excerpt_bounds(100, 1, 10) == [(0, 10)]
