import numpy as np
import pytest

from phy.traces import FloodFillDetector


def _crossings(weak_points, strong_points, shape=(20, 5)):
    weak, strong = np.zeros(shape, bool), np.zeros(shape, bool)
    for s, c in weak_points:
        weak[s, c] = True
    for s, c in strong_points:
        strong[s, c] = True
    return weak, strong


def test_floodfill_components():
    # Probe: chain 0-1-2-3, channel 4 isolated.
    det = FloodFillDetector({0: [1], 1: [2], 2: [3]}, join_size=1)
    weak, strong = _crossings(
        [(2, 0), (3, 0), (3, 1), (4, 2),  # one spike across channels 0-2 (adjacent chain)
         (3, 4),  # isolated channel, strong: its own component
         (10, 0), (12, 0),  # two samples apart (> join_size): separate; no strong -> dropped
         (15, 3), (16, 3)],  # weak only: dropped
        [(3, 0), (3, 4), (12, 0)])
    comps = det(weak, strong)
    assert [c.tolist() for c in comps] == [
        [[2, 0], [3, 0], [3, 1], [4, 2]], [[3, 4]], [[12, 0]]]
    assert all(c.dtype.kind == "i" and c.shape[1] == 2 for c in comps)


def test_floodfill_join_size_and_adjacency():
    weak, strong = _crossings([(2, 0), (4, 0), (5, 2)], [(2, 0)])
    # Within 2 samples on the same channel: joined; channel 2 is not adjacent to 0.
    comps = FloodFillDetector({0: [1]}, join_size=2)(weak, strong)
    assert [c.tolist() for c in comps] == [[[2, 0], [4, 0]]]
    comps = FloodFillDetector({0: [2]}, join_size=2)(weak, strong)
    assert [c.tolist() for c in comps] == [[[2, 0], [4, 0], [5, 2]]]
    # Adjacency is symmetric: given the other way round, the same.
    comps = FloodFillDetector({2: [0]}, join_size=2)(weak, strong)
    assert len(comps) == 1 and len(comps[0]) == 3
    assert FloodFillDetector({}, join_size=0)(weak, strong)[0].tolist() == [[2, 0]]


def test_floodfill_empty_and_errors():
    weak, strong = _crossings([], [])
    assert FloodFillDetector({}, 1)(weak, strong) == []
    with pytest.raises(ValueError, match="one shape"):
        FloodFillDetector({}, 1)(weak, strong[:3])
    with pytest.raises(ValueError, match="non-negative"):
        FloodFillDetector({}, -1)


def test_floodfill_label_many_components():
    rng = np.random.default_rng(0)
    weak = rng.random((2000, 8)) < 0.05
    strong = weak & (rng.random((2000, 8)) < 0.1)
    det = FloodFillDetector({c: [c + 1] for c in range(7)}, join_size=1)
    comp = det.label(weak, strong)
    comps = det(weak, strong)
    assert len(comps) == comp.n_components > 10
    # Every kept crossing is a weak crossing; every component has a strong one;
    # components are in order of their first sample and disjoint.
    assert weak[comp.samples, comp.channels].all()
    assert all(strong[c[:, 0], c[:, 1]].any() for c in comps)
    firsts = [c[:, 0].min() for c in comps]
    assert firsts == sorted(firsts)
    # Each strong crossing belongs to exactly one component.
    kept = set(zip(comp.samples.tolist(), comp.channels.tolist()))
    assert set(zip(*np.nonzero(strong))) <= kept
    assert len(kept) == len(comp.samples)
