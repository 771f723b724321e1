import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from phy.cluster import Clustering, ClusterMeta, History
from phy.cluster.clustering import group_spikes


def _check_consistent(clustering):
    sc = np.asarray(clustering.spike_clusters)
    ids = np.unique(sc)
    np.testing.assert_array_equal(clustering.cluster_ids, ids)
    spc = clustering.spikes_per_cluster
    assert sorted(spc) == ids.tolist()
    for c in ids:
        np.testing.assert_array_equal(spc[c], np.flatnonzero(sc == c))


@pytest.fixture
def clustering():
    # Spikes 0..9 in clusters 2, 3, 5 (and 3 spikes each roughly).
    return Clustering([2, 3, 5, 2, 3, 5, 2, 5, 5, 3])


def test_group_spikes():
    sc = np.array([7, 1, 7, 4, 1, 7])
    spc = group_spikes(sc)
    assert sorted(spc) == [1, 4, 7]
    np.testing.assert_array_equal(spc[7], [0, 2, 5])
    # Sparse, huge ids take the generic path.
    spc = group_spikes(np.array([10 ** 12, 3, 10 ** 12]))
    np.testing.assert_array_equal(spc[10 ** 12], [0, 2])
    assert group_spikes([]) == {}


def test_spike_clusters_int64_when_ids_do_not_fit_int32():
    big = np.iinfo(np.int32).max + 10
    clustering = Clustering([big, 1, big])
    assert clustering.spike_clusters.dtype == np.int64
    np.testing.assert_array_equal(clustering.spike_clusters, [big, 1, big])


def test_clustering_properties(clustering):
    assert clustering.n_spikes == 10
    assert clustering.n_clusters == 3
    np.testing.assert_array_equal(clustering.cluster_ids, [2, 3, 5])
    np.testing.assert_array_equal(clustering.spike_ids, np.arange(10))
    assert clustering.new_cluster_id() == 6
    assert clustering.spike_clusters.dtype == np.int32  # the ids fit: as the file stores them
    with pytest.raises(ValueError):
        clustering.spike_clusters[0] = 10
    np.testing.assert_array_equal(clustering.spikes_in_clusters([5, 2]), [0, 2, 3, 5, 6, 7, 8])
    assert clustering.spikes_in_clusters([99]).size == 0
    assert clustering.n_spikes_in(5) == 4 and clustering.n_spikes_in(99) == 0
    _check_consistent(clustering)


def test_clustering_does_not_modify_input():
    sc = np.array([0, 1, 1], dtype=np.int32)
    c = Clustering(sc)
    c.merge([0, 1])
    np.testing.assert_array_equal(sc, [0, 1, 1])


def test_clustering_new_cluster_id_argument():
    assert Clustering([0, 4], new_cluster_id=10).new_cluster_id() == 10
    assert Clustering([0, 4], new_cluster_id=2).new_cluster_id() == 5


def test_clustering_spikes_per_cluster_argument(caplog):
    sc = [0, 1, 0]
    c = Clustering(sc, spikes_per_cluster={0: np.array([0, 2]), 1: np.array([1])})
    _check_consistent(c)
    c = Clustering(sc, spikes_per_cluster={0: np.array([0]), 1: np.array([1, 2])})
    assert "does not match" in caplog.text
    _check_consistent(c)


def test_merge(clustering):
    up = clustering.merge([2, 3])
    assert up.description == "merge"
    assert up.added == [6] and up.deleted == [2, 3]
    assert up.descendants == [(2, 6), (3, 6)]
    np.testing.assert_array_equal(up.spike_ids, [0, 1, 3, 4, 6, 9])
    assert up.largest_old_cluster in (2, 3)
    np.testing.assert_array_equal(clustering.cluster_ids, [5, 6])
    _check_consistent(clustering)


def test_merge_to_and_errors(clustering):
    # An old id is never reused, even one not in use now (0) or freed by an undo (6).
    for to in (0, 5, 2):
        with pytest.raises(ValueError, match="at least new_cluster_id"):
            clustering.merge([2, 3], to=to)
    assert len(clustering.history) == 0 and clustering.cluster_ids.tolist() == [2, 3, 5]
    assert clustering.merge([2, 3], to=6).added == [6]
    clustering.undo()
    with pytest.raises(ValueError, match="at least new_cluster_id"):
        clustering.merge([2, 3], to=6)
    up = clustering.merge([2, 5], to=20)
    assert up.added == [20]
    assert clustering.new_cluster_id() == 21
    with pytest.raises(ValueError, match="at least new_cluster_id"):
        clustering.merge([3, 20], to=20)
    # cluster_ids must be a list or an array.
    for bad in (3, "23", {2, 3}, (c for c in (2, 3)), None):
        with pytest.raises(ValueError, match="list or an array"):
            clustering.merge(bad)
    assert clustering.merge((3, 20)).added == [21]  # a tuple is a list of ids
    clustering.undo()
    assert clustering.merge(np.array([3, 20])).added == [22]
    clustering.undo()
    with pytest.raises(ValueError, match=r"\[7\]"):
        clustering.merge([3, 7])
    # Merging one cluster does nothing (the undone merge can still be redone).
    up = clustering.merge([3])
    assert up.added == [] and clustering.history.can_redo
    assert len(clustering.history) == 2


def test_split_and_undo_redo(clustering):
    sc0 = clustering.spike_clusters.copy()
    up = clustering.split([0, 1])
    # Spikes 0 (cluster 2), 1 (cluster 3) -> 6; remaining of 2 -> 7, remaining of 3 -> 8.
    assert up.description == "assign"
    assert up.added == [6, 7, 8] and up.deleted == [2, 3]
    assert up.descendants == [(2, 6), (2, 7), (3, 6), (3, 8)]
    np.testing.assert_array_equal(up.spike_ids, [0, 1, 3, 4, 6, 9])
    np.testing.assert_array_equal(clustering.spike_clusters, [6, 6, 5, 7, 8, 5, 7, 5, 5, 8])
    _check_consistent(clustering)
    sc1 = clustering.spike_clusters.copy()

    up = clustering.undo()
    assert up.history == "undo" and up.added == [2, 3] and up.deleted == [6, 7, 8]
    np.testing.assert_array_equal(clustering.spike_clusters, sc0)
    _check_consistent(clustering)
    assert clustering.undo() is None

    up = clustering.redo()
    assert up.history == "redo" and up.added == [6, 7, 8]
    np.testing.assert_array_equal(clustering.spike_clusters, sc1)
    assert clustering.redo() is None

    # New ids are never reused, even after an undo.
    clustering.undo()
    up = clustering.merge([2, 3])
    assert up.added == [9]


def test_assign_relative_labels(clustering):
    # Spikes 2, 5 (cluster 5) -> label 10; spike 7 (cluster 5) -> label 3; spike 3 -> label 3.
    up = clustering.assign([5, 7, 2, 3], [10, 3, 10, 3])
    # Label 3 -> 6 and label 10 -> 7; remaining of 2 -> 8, remaining of 5 -> 9.
    np.testing.assert_array_equal(clustering.spike_clusters, [8, 3, 7, 6, 3, 7, 8, 6, 9, 3])
    assert up.added == [6, 7, 8, 9] and up.deleted == [2, 5]
    assert up.largest_old_cluster == 5
    _check_consistent(clustering)


def test_assign_whole_cluster_gets_new_id(clustering):
    up = clustering.assign([1, 4, 9])
    assert up.deleted == [3] and up.added == [6]
    _check_consistent(clustering)


def test_assign_errors(clustering):
    with pytest.raises(ValueError, match="duplicate"):
        clustering.assign([1, 1])
    with pytest.raises(ValueError, match="between 0 and 9"):
        clustering.assign([10])
    with pytest.raises(ValueError, match="3 values for 2 spikes"):
        clustering.assign([1, 2], [0, 1, 2])
    with pytest.raises(ValueError, match="integers"):
        clustering.assign([1.5])
    assert clustering.assign([]).added == []


def test_reset(clustering):
    sc0 = clustering.spike_clusters.copy()
    meta = ClusterMeta(history=clustering.history)
    clustering.merge([2, 3])
    meta.set("group", [5], "good")
    clustering.split([0])
    up = clustering.reset()
    assert up.description == "reset"
    assert up.added == [2, 3] and up.deleted == [7, 8]
    np.testing.assert_array_equal(up.spike_ids, [0, 1, 3, 4, 6, 9])
    np.testing.assert_array_equal(clustering.spike_clusters, sc0)
    _check_consistent(clustering)
    # The metadata change is still in the history.
    assert len(clustering.history) == 1
    meta.undo()
    assert meta.get("group", 5) is None
    # Ids are not reused after a reset.
    assert clustering.merge([2, 3]).added == [9]


def _spread_clustering(n_spikes=100_000, n_clusters=20, seed=0):
    return Clustering(np.random.default_rng(seed).integers(0, n_clusters, n_spikes))


def _spread_spikes(clustering, n=50, seed=1):
    """Spikes drawn from the whole dataset: they touch every cluster."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(clustering.n_spikes, n, replace=False))


def test_split_spread_over_all_clusters():
    c = _spread_clustering()
    sc0 = c.spike_clusters.copy()
    spikes = _spread_spikes(c, n=400)
    up = c.split(spikes)
    assert up.deleted == list(range(20)) and up.added == list(range(20, 41))
    assert up.descendants == sorted([(i, 20) for i in range(20)] +
                                    [(i, 21 + i) for i in range(20)])
    sc1 = np.where(np.isin(np.arange(c.n_spikes), spikes), 20, sc0 + 21)
    np.testing.assert_array_equal(c.spike_clusters, sc1)
    np.testing.assert_array_equal(up.spike_ids, np.arange(c.n_spikes))
    assert c.n_spikes_in(20) == 400 and c.n_spikes_in(21) == np.sum(sc0 == 0) - np.sum(
        sc0[spikes] == 0)
    _check_consistent(c)
    up = c.undo()
    assert up.added == list(range(20)) and up.deleted == list(range(20, 41))
    np.testing.assert_array_equal(c.spike_clusters, sc0)
    _check_consistent(c)
    c.redo()
    np.testing.assert_array_equal(c.spike_clusters, sc1)
    _check_consistent(c)


def test_spikes_in_clusters_few_or_many_spikes():
    sc = np.random.default_rng(0).integers(0, 20, 100_000)
    sc[[5, 70_000, 99_999]] = 30  # a tiny cluster
    sc[[6, 50_000]] = 31
    c = Clustering(sc)
    for clusters in ([30, 31], [30, 31, 99], [0, 1, 30], list(range(32))):
        np.testing.assert_array_equal(c.spikes_in_clusters(clusters),
                                      np.flatnonzero(np.isin(sc, clusters)))
    up = c.merge([30, 31])
    np.testing.assert_array_equal(up.spike_ids, [5, 6, 50_000, 70_000, 99_999])
    np.testing.assert_array_equal(c.spikes_per_cluster[up.added[0]], up.spike_ids)


def test_undo_right_after_an_action_gives_back_the_same_arrays():
    c = _spread_clustering()
    before = c.spikes_per_cluster
    arrays = {k: before[k] for k in before}
    c.split(_spread_spikes(c))
    c.undo()  # nothing was read in between: nothing was computed
    after = c.spikes_per_cluster
    assert all(after[k] is arrays[k] for k in arrays)
    # The mapping taken before the actions still describes the clustering then.
    c.redo()
    c.merge([21, 22])
    assert sorted(before) == list(range(20))
    assert all(before[k] is arrays[k] for k in arrays)


def test_update_spike_ids_read_later_describe_their_action():
    c = _spread_clustering(n_spikes=2000, n_clusters=6)
    ups, expected = [], []
    for i in range(6):
        sc = c.spike_clusters.copy()
        up = (c.merge(c.cluster_ids[:2].tolist()) if i % 3 == 0 else
              c.undo() if i % 3 == 2 else c.split(_spread_spikes(c, seed=i)))
        ups.append(up)
        expected.append(np.flatnonzero(sc != c.spike_clusters))
    for up, spikes in zip(ups, expected):
        assert up.spike_ids.size > 0
        np.testing.assert_array_equal(up.spike_ids, spikes)


def test_history_keeps_only_the_moved_spikes():
    import tracemalloc

    c = _spread_clustering()

    def split_and_read(seed):
        c.split(_spread_spikes(c, seed=seed))
        for spikes in c.spikes_per_cluster.values():  # computes every cluster's spikes
            assert spikes.size

    tracemalloc.start()
    try:
        split_and_read(0)
        start = tracemalloc.get_traced_memory()[0]
        for seed in range(1, 11):
            split_and_read(seed)
        kept = (tracemalloc.get_traced_memory()[0] - start) / 10
    finally:
        tracemalloc.stop()
    # A copy of the spikes per cluster would be 800 kB per split (100 k int64).
    assert kept < 40_000, kept
    assert len(c.history) == 11
    while c.undo():
        pass
    _check_consistent(c)


# Property test: random action sequences against a naive reference model
# ------------------------------------------------------------------------------------------------

class Reference:
    """Naive model: full snapshots of spike_clusters and labels, ids by the FORMATS rules."""

    def __init__(self, spike_clusters):
        self.sc = np.array(spike_clusters, dtype=np.int64)
        self.labels = {}
        self.next_id = int(self.sc.max()) + 1
        self.states = [(self.sc.copy(), dict(self.labels))]
        self.index = 0

    def _push(self):
        del self.states[self.index + 1:]
        self.states.append((self.sc.copy(), dict(self.labels)))
        self.index += 1

    def merge(self, ids):
        self.sc[np.isin(self.sc, ids)] = self.next_id
        self.next_id += 1
        self._push()

    def assign(self, spikes, rel):
        new = self.sc.copy()
        for i, label in enumerate(sorted(set(rel))):
            new[[s for s, r in zip(spikes, rel) if r == label]] = self.next_id + i
        self.next_id += len(set(rel))
        for c in sorted(set(self.sc[spikes].tolist())):
            rest = np.setdiff1d(np.flatnonzero(self.sc == c), spikes)
            if rest.size:
                new[rest] = self.next_id
                self.next_id += 1
        self.sc = new
        self._push()

    def label(self, clusters, value):
        for c in clusters:
            self.labels[c] = value
        self._push()

    def undo(self):
        self.index = max(0, self.index - 1)
        self.sc, labels = self.states[self.index]
        self.sc, self.labels = self.sc.copy(), dict(labels)

    def redo(self):
        self.index = min(len(self.states) - 1, self.index + 1)
        self.sc, labels = self.states[self.index]
        self.sc, self.labels = self.sc.copy(), dict(labels)


class ClusteringMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        rng = np.random.default_rng(0)
        sc = rng.integers(0, 6, 60)
        self.history = History()
        self.clustering = Clustering(sc, history=self.history)
        self.meta = ClusterMeta(history=self.history)
        self.meta.add_field("group")
        self.ref = Reference(sc)
        self.sc_before = self.clustering.spike_clusters.copy()
        self.updates = []  # (update info, the spikes it changed): spike_ids is read later

    def _check_up(self, up):
        changed = np.flatnonzero(self.sc_before != self.clustering.spike_clusters)
        self.updates.append((up, changed))
        before, after = set(self.sc_before.tolist()), set(self.clustering.cluster_ids.tolist())
        assert up.added == sorted(after - before)
        assert up.deleted == sorted(before - after)

    @precondition(lambda self: self.clustering.n_clusters >= 2)
    @rule(data=st.data())
    def merge(self, data):
        ids = self.clustering.cluster_ids.tolist()
        to_merge = data.draw(st.lists(st.sampled_from(ids), min_size=2, max_size=3, unique=True))
        self.sc_before = self.clustering.spike_clusters.copy()
        up = self.clustering.merge(to_merge)
        self.ref.merge(to_merge)
        self._check_up(up)
        assert up.descendants == [(c, up.added[0]) for c in sorted(to_merge)]

    @rule(data=st.data())
    def assign(self, data):
        spikes = data.draw(st.lists(st.integers(0, 59), min_size=1, max_size=20, unique=True))
        rel = data.draw(st.lists(st.integers(0, 2), min_size=len(spikes),
                                 max_size=len(spikes)))
        self.sc_before = self.clustering.spike_clusters.copy()
        up = self.clustering.assign(spikes, rel)
        self.ref.assign(spikes, rel)
        self._check_up(up)
        for old, new in up.descendants:
            assert np.any((self.sc_before == old) & (self.clustering.spike_clusters == new))

    @rule(data=st.data(), value=st.sampled_from(["good", "mua", "noise", None]))
    def label(self, data, value):
        ids = self.clustering.cluster_ids.tolist()
        clusters = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3,
                                      unique=True))
        up = self.meta.set("group", clusters, value)
        assert up.metadata_changed == clusters and up.metadata_value == value
        self.ref.label(clusters, value)

    @precondition(lambda self: self.history.can_undo)
    @rule()
    def undo(self):
        self.sc_before = self.clustering.spike_clusters.copy()
        up = self.history.undo()
        self.ref.undo()
        assert up.history == "undo"
        if not up.metadata_changed:
            self._check_up(up)

    @precondition(lambda self: self.history.can_redo)
    @rule()
    def redo(self):
        self.sc_before = self.clustering.spike_clusters.copy()
        up = self.history.redo()
        self.ref.redo()
        assert up.history == "redo"
        if not up.metadata_changed:
            self._check_up(up)

    @rule(data=st.data())
    def read_spikes(self, data):
        """Read the spikes of some clusters (the others stay to be computed)."""
        ids = self.clustering.cluster_ids.tolist()
        spc = self.clustering.spikes_per_cluster
        for c in data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)):
            np.testing.assert_array_equal(spc[c], np.flatnonzero(self.ref.sc == c))

    @rule()
    def check_everything(self):
        _check_consistent(self.clustering)
        for up, changed in self.updates:
            np.testing.assert_array_equal(up.spike_ids, changed)
        self.updates = []

    def teardown(self):
        self.check_everything()

    @invariant()
    def same_as_reference(self):
        np.testing.assert_array_equal(self.clustering.spike_clusters, self.ref.sc)
        np.testing.assert_array_equal(self.clustering.cluster_ids, np.unique(self.ref.sc))
        assert [self.clustering.n_spikes_in(c) for c in self.clustering.cluster_ids] == [
            np.sum(self.ref.sc == c) for c in self.clustering.cluster_ids]
        assert self.clustering.new_cluster_id() == self.ref.next_id
        assert self.meta.to_dict("group") == {
            c: v for c, v in self.ref.labels.items() if v is not None}


ClusteringMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_clustering_against_reference = ClusteringMachine.TestCase
