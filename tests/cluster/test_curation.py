"""The curation core: the clustering actions, undo/redo, saving, and the selection after them."""

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from phy.cluster.curation import Curation
from phy.utils import connect

from .cluster_testdata import build

# Clusters 0..9 with 30, 27, ... 3 spikes; 3 is noise, 7 is mua, 1 is good. The cluster view
# is sorted by decreasing n_spikes, i.e. by increasing id. Similar clusters of c: by increasing
# |c - d|, then increasing id.

# Actions and the selection after them
# ------------------------------------------------------------------------------------------------

def test_wizard_merge(make_wizard, events):
    w = make_wizard()
    w.wizard.select(1)
    w.wizard.next()  # [1, 0]
    up = w.merge()
    assert up.description == "merge" and up.deleted == [0, 1] and up.added == [10]
    assert events["cluster"] == [up]
    # The merged cluster and its most similar cluster.
    assert w.wizard.selected == [10, 9]
    assert events["select"][-1] == [10, 9]
    # Rows updated; the group of 1 (good) is inherited, not 0's empty one.
    assert 0 not in w.wizard.cluster_rows and w.wizard.cluster_rows.get(10)["n_spikes"] == 57
    assert w.wizard.cluster_rows.get(10)["group"] == "good"
    assert w.wizard.cluster_rows.get(10)["quality"] == 1.5
    assert w.merge([4]) is None  # a single cluster


def test_wizard_split(make_wizard):
    w = make_wizard()
    w.wizard.select(2)
    spikes = w.clustering.spikes_per_cluster[2][:5]
    up = w.split(spikes)
    assert up.added == [10, 11] and up.deleted == [2]
    assert w.wizard.selected == [10, 11]
    assert w.split([]) is None


def test_wizard_split_requests_the_lasso(make_wizard):
    w = make_wizard()
    assert w.split() is None  # nobody answers request_split
    spikes = w.clustering.spikes_per_cluster[4][:2]
    connect(lambda sender: spikes, event="request_split")
    assert w.split().added == [10, 11]


def test_wizard_move(make_wizard, events):
    w = make_wizard()
    w.wizard.select(2)
    w.wizard.next()  # [2, 1]
    up = w.move("noise", "similar")
    assert up.metadata_changed == [1] and up.metadata_value == "noise"
    assert events["cluster"][-1] is up
    assert w.wizard.cluster_rows.get(1)["group"] == "noise" and 1 in w.wizard.cluster_rows.skipped
    # Similar to 2: 1 and 3 (0.5), then 0 and 4 (0.33); 3 (noise) is skipped.
    assert w.wizard.selected == [2, 0]
    w.move("good", "best")
    assert w.wizard.cluster_rows.get(2)["group"] == "good" and w.wizard.selected == [4]
    assert w.wizard.next() == [4, 5]
    w.move("mua", "all")
    assert w.get_labels("group")[4] == w.get_labels("group")[5] == "mua"
    assert w.wizard.selected == [6]  # 5 is now mua
    w.move("unsorted", [0, 9])
    assert w.get_labels("group")[9] == "unsorted" and w.wizard.selected == [6]
    with pytest.raises(ValueError, match="Cannot move 'other'"):
        w.move("good", "other")
    w.wizard.select()
    assert w.move("good", "best") is None


def test_wizard_label(make_wizard):
    w = make_wizard()
    w.wizard.select(4, 5)
    up = w.label("quality", 3)
    assert up.metadata_changed == [4, 5] and w.wizard.cluster_rows.get(5)["quality"] == 3
    assert w.wizard.selected == [4, 5]
    up = w.label("neurontype", "interneuron", cluster_ids=[6])
    assert "neurontype" in w.fields and "neurontype" in w.columns
    assert w.wizard.cluster_rows.get(6)["neurontype"] == "interneuron"
    assert "neurontype" in w.color_selector.fields
    # No value and no user to ask: cancelled.
    assert w.label("quality") is None


def test_wizard_undo_redo_restore_selection(make_wizard, events):
    w = make_wizard()
    sc0 = w.clustering.spike_clusters.copy()
    assert w.undo() is None and w.redo() is None
    w.wizard.select(1)
    w.wizard.next()
    w.merge()
    sc1 = w.clustering.spike_clusters.copy()
    assert w.wizard.selected == [10, 9]
    w.move("noise", "best")
    assert w.wizard.selected != [10, 9]
    up = w.undo()
    assert up.history == "undo" and up.metadata_changed == [10]
    assert w.wizard.cluster_rows.get(10)["group"] == "good" and w.wizard.selected == [10, 9]
    up = w.undo()
    assert up.history == "undo" and up.added == [0, 1]
    np.testing.assert_array_equal(w.clustering.spike_clusters, sc0)
    assert w.wizard.selected == [1, 0] and 10 not in w.wizard.cluster_rows
    assert events["cluster"][-1] is up
    up = w.redo()
    np.testing.assert_array_equal(w.clustering.spike_clusters, sc1)
    assert w.wizard.selected == [10, 9]
    w.redo()
    assert w.wizard.cluster_rows.get(10)["group"] == "noise"


def test_wizard_save_and_dirty(make_wizard, events):
    w = make_wizard()
    assert not w.is_dirty()
    w.merge([0, 1])
    w.label("quality", 2, cluster_ids=[10])
    assert w.is_dirty()
    w.save()
    assert not w.is_dirty()
    (spike_clusters, groups, *labels), = events["save_clustering"]
    np.testing.assert_array_equal(spike_clusters, w.clustering.spike_clusters)
    assert groups[10] == "good" and groups[3] == "noise" and 0 not in groups
    assert labels == [("quality", w.get_labels("quality"))]
    assert labels[0][1][10] == 2
    w.undo()
    assert w.is_dirty()


def test_save_without_handler_or_failing_stays_dirty(make_wizard):
    w = make_wizard()
    w.merge([0, 1])
    assert not w.save() and w.is_dirty()  # nobody writes the files

    def fail(sender, *args):
        raise OSError("disk full")

    connect(fail, event="save_clustering")
    assert not w.save() and w.is_dirty()


def test_save_gets_a_read_only_snapshot(make_wizard):
    """The handlers get the assignments without a copy (20 M spikes: 160 MB), read-only, and
    what they got stays what was saved after later actions."""
    w = make_wizard()
    got = []
    connect(lambda sender, sc, *args: got.append(sc), event="save_clustering")
    assert w.save() and not w.is_dirty()
    saved = got[0].copy()
    with pytest.raises(ValueError):
        got[0][:] = 99  # the handler cannot change the live clustering
    w.merge(w.cluster_ids[:2])
    np.testing.assert_array_equal(got[0], saved)


def test_cluster_info(make_wizard):
    w = make_wizard()
    w.wizard.sort("depth", "desc")
    w.wizard.filter("depth < 20")  # hidden rows are still in the cluster table
    info = w.cluster_info
    assert [r["id"] for r in info] == list(range(9, -1, -1))
    assert info[-1] == {"id": 0, "depth": 0., "n_spikes": 30, "group": None, "quality": 1.5}


def test_similarity_rows_for_the_asked_cluster(make_wizard):
    w = make_wizard()
    w.wizard.select(2)
    assert [r["id"] for r in w.similar_rows(7)][:2] == [6, 8]  # the id asked, not the selection
    assert all(r["similarity"] for r in w.similar_rows(7))


def test_wizard_colors(make_wizard, events):
    w = make_wizard()
    w.change_color_field("depth")
    w.change_colormap("linear")
    w.toggle_categorical_colormap(False)
    w.toggle_logarithmic_colormap(True)
    assert len(events["color_mapping_changed"]) == 4
    state = w.color_selector.state
    assert (state.color_field, state.colormap, state.categorical, state.logarithmic) == (
        "depth", "linear", False, True)
    w.toggle_spike_reorder(True)
    assert events["toggle_spike_reorder"] == [True]


def test_wizard_new_cluster_id_function(make_wizard):
    w = make_wizard(new_cluster_id=lambda: 100)
    assert w.merge([0, 1]).added == [100]


# Random action sequences
# ------------------------------------------------------------------------------------------------

class WizardMachine(RuleBasedStateMachine):
    """Any sequence of actions keeps a valid selection; undo/redo restore state + selection."""

    def __init__(self):
        super().__init__()
        self.w = build(Curation)
        self.snapshots = []  # (spike_clusters, groups, selected) before each applied action

    def _snapshot(self):
        return (self.w.clustering.spike_clusters.copy(), self.w.get_labels("group"),
                self.w.wizard.selected)

    def _did(self, up, before):
        if up is not None:
            del self.snapshots[self.w.history.index - 1:]
            self.snapshots.append((before, self._snapshot()))

    @rule(method=st.sampled_from(["next_best", "previous_best", "next", "previous", "first",
                                  "last", "select_first_similar", "unselect_similar"]))
    def navigate(self, method):
        getattr(self.w.wizard, method)()

    @rule(data=st.data())
    def select(self, data):
        ids = self.w.cluster_ids.tolist()
        self.w.wizard.select(data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)))

    @rule()
    def merge(self):
        before = self._snapshot()
        self._did(self.w.merge(), before)

    @rule(data=st.data())
    def split(self, data):
        spikes = data.draw(st.lists(st.integers(0, self.w.clustering.n_spikes - 1),
                                    min_size=1, max_size=10, unique=True))
        before = self._snapshot()
        self._did(self.w.split(spikes), before)

    @rule(group=st.sampled_from(["good", "mua", "noise", "unsorted"]),
          which=st.sampled_from(["best", "similar", "all"]))
    def move(self, group, which):
        before = self._snapshot()
        self._did(self.w.move(group, which), before)

    @precondition(lambda self: self.w.history.can_undo)
    @rule()
    def undo(self):
        self.w.undo()
        before, _ = self.snapshots[self.w.history.index]
        self._check(before)

    @precondition(lambda self: self.w.history.can_redo)
    @rule()
    def redo(self):
        self.w.redo()
        _, after = self.snapshots[self.w.history.index - 1]
        self._check(after)

    def _check(self, snapshot):
        sc, groups, selected = snapshot
        np.testing.assert_array_equal(self.w.clustering.spike_clusters, sc)
        assert self.w.get_labels("group") == groups
        assert self.w.wizard.selected == selected

    @invariant()
    def selection_is_valid(self):
        ids = set(self.w.cluster_ids.tolist())
        assert set(self.w.wizard.selected) <= ids
        assert not set(self.w.wizard.best) & set(self.w.wizard.similar)
        assert set(self.w.wizard.cluster_rows.ids) == ids
        assert set(self.w.wizard.similarity_rows.ids) <= ids - set(self.w.wizard.best)


WizardMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=20, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_wizard_random_actions = WizardMachine.TestCase
