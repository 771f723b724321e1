"""The supervisor in a GUI, driven by key presses, snippets and table clicks."""

import numpy as np
import pytest

from phy.gui.qt import Qt
from phy.utils import connect

from .cluster_testdata import press

# See cluster_testdata: clusters 0..9 (30, 27, ... 3 spikes), 3 noise, 7 mua, 1 good; the
# cluster view is sorted by decreasing n_spikes (= increasing id).


@pytest.fixture
def selections():
    """The `select` events of the supervisor(s), as lists of cluster ids."""
    out = []

    @connect(event="select")
    def on_select(sender, cluster_ids, **kwargs):
        if type(sender).__name__ == "Supervisor":
            out.append(list(cluster_ids))

    return out


def test_supervisor_tables(make_supervisor):
    s = make_supervisor()
    assert s.cluster_view.columns == ["id", "depth", "n_spikes", "group", "quality"]
    assert s.similarity_view.columns[:2] == ["id", "similarity"]
    assert s.cluster_view.get_ids() == list(range(10))
    assert s.cluster_view.get(3)["group"] == "noise"
    assert s.gui.get_view("ClusterView") is s.cluster_view
    assert s.gui.get_view("SimilarityView") is s.similarity_view


def test_supervisor_attach_event(make_supervisor, events):
    s = make_supervisor()
    assert events["attach_gui"] == [s.gui]


def test_wizard_keys(qtbot, make_supervisor, selections):
    s = make_supervisor()
    press(qtbot, s, Qt.Key_Down)
    press(qtbot, s, Qt.Key_Down)
    assert s.selected == [1] and selections[-1] == [1]
    assert s.cluster_view.get_selected() == [1]
    # The similarity view shows the clusters similar to 1, without 1.
    assert s.similarity_view.get_ids()[:3] == [0, 2, 3]
    press(qtbot, s, Qt.Key_Space)
    press(qtbot, s, Qt.Key_Space)
    assert s.selected == [1, 2] and s.similarity_view.get_selected() == [2]
    press(qtbot, s, Qt.Key_Space)  # 3 is noise: skipped
    assert s.selected == [1, 4]
    press(qtbot, s, Qt.Key_Space, Qt.ShiftModifier)
    assert s.selected == [1, 2]
    press(qtbot, s, Qt.Key_Backspace)
    assert s.selected == [1] and s.similarity_view.get_selected() == []
    press(qtbot, s, Qt.Key_Space, Qt.ControlModifier)
    assert s.selected == [1, 0]
    press(qtbot, s, Qt.Key_Down)
    press(qtbot, s, Qt.Key_Down)  # 3 is noise: skipped
    assert s.selected == [4]
    press(qtbot, s, Qt.Key_Up)
    assert s.selected == [2]
    press(qtbot, s, Qt.Key_End)
    assert s.selected == [9]
    press(qtbot, s, Qt.Key_Home)
    assert s.selected == [0]
    press(qtbot, s, Qt.Key_Down)
    press(qtbot, s, Qt.Key_Space, Qt.ControlModifier | Qt.AltModifier)
    assert s.selected == [0]
    assert selections[-1] == [0]


def test_rapid_key_presses_process_the_latest_selection(qtbot, make_supervisor, selections):
    s = make_supervisor()
    for _ in range(6):
        qtbot.keyClick(s.gui, Qt.Key_Down)  # no wait: faster than the 200 ms delay
    # The state follows every key press...
    assert s.selected == [6]  # 0, 1, 2, 4, 5, 6 (3 is noise)
    # ... but only the first and the latest selections are emitted.
    qtbot.waitUntil(lambda: selections[-1:] == [[6]])
    assert selections == [[0], [6]]


def test_user_selection_in_the_tables(qtbot, make_supervisor, selections):
    s = make_supervisor()
    s.cluster_view.select([5, 6])  # as if the user clicked: no supervisor marker
    s.block()
    assert s.selected == [5, 6] and selections[-1] == [5, 6]
    assert 6 not in s.similarity_view.get_ids()
    s.similarity_view.select([4])
    s.block()
    assert s.selected == [5, 6, 4] and selections[-1] == [5, 6, 4]


def test_merge_key_and_undo_redo(qtbot, make_supervisor, events, selections):
    s = make_supervisor()
    press(qtbot, s, Qt.Key_Down)
    press(qtbot, s, Qt.Key_Down)
    press(qtbot, s, Qt.Key_Space)  # [1, 0]
    press(qtbot, s, Qt.Key_G)
    up = events["cluster"][-1]
    assert up.description == "merge" and up.deleted == [0, 1] and up.added == [10]
    # The merged cluster is selected with its most similar cluster.
    assert s.selected == [10, 9] and selections[-1] == [10, 9]
    assert s.cluster_view.get_selected() == [10]
    assert s.cluster_view.get(10)["n_spikes"] == 57 and s.cluster_view.get(0) is None
    assert s.similarity_view.get_selected() == [9]
    press(qtbot, s, Qt.Key_Z, Qt.ControlModifier)
    up = events["cluster"][-1]
    assert up.history == "undo" and up.added == [0, 1]
    assert s.selected == [1, 0] and selections[-1] == [1, 0]
    assert s.cluster_view.get(10) is None and s.cluster_view.get(0)["n_spikes"] == 30
    press(qtbot, s, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert events["cluster"][-1].history == "redo" and s.selected == [10, 9]
    press(qtbot, s, Qt.Key_Z, Qt.ControlModifier)
    press(qtbot, s, Qt.Key_Y, Qt.ControlModifier)
    assert s.selected == [10, 9]


def test_split_key_asks_the_lasso(qtbot, make_supervisor, events):
    s = make_supervisor()
    spikes = s.clustering.spikes_per_cluster[2][:4]

    @connect(sender=s)
    def on_request_split(sender):
        return spikes

    press(qtbot, s, Qt.Key_K)
    up = events["cluster"][-1]
    assert up.description == "assign" and up.deleted == [2] and up.added == [10, 11]
    np.testing.assert_array_equal(s.clustering.spikes_per_cluster[10], np.sort(spikes))
    assert s.selected == [10, 11] and s.cluster_view.get_selected() == [10, 11]


def test_move_keys(qtbot, make_supervisor, events):
    s = make_supervisor()
    s.select(2)
    s.next()  # [2, 1]
    s.block()
    press(qtbot, s, Qt.Key_N, Qt.ControlModifier)  # similar to noise
    assert events["cluster"][-1].metadata_changed == [1]
    assert s.cluster_view.get(1)["group"] == "noise"
    assert s.selected == [2, 0]
    press(qtbot, s, Qt.Key_G, Qt.AltModifier)  # best to good: next best
    assert s.cluster_view.get(2)["group"] == "good" and s.selected == [4]
    press(qtbot, s, Qt.Key_Space)  # [4, 5]
    press(qtbot, s, Qt.Key_M, Qt.ControlModifier | Qt.AltModifier)  # all to mua
    assert s.get_labels("group")[4] == s.get_labels("group")[5] == "mua"
    assert s.selected == [6]
    press(qtbot, s, Qt.Key_U, Qt.AltModifier)
    assert s.get_labels("group")[6] == "unsorted"
    assert s.cluster_view.get(6)["group"] == "unsorted"
    # Undo restores the group and the selection.
    press(qtbot, s, Qt.Key_Z, Qt.ControlModifier)
    assert s.get_labels("group")[6] is None and s.selected == [6]
    press(qtbot, s, Qt.Key_Z, Qt.ControlModifier)
    assert s.get_labels("group")[5] is None and s.selected == [4, 5]


def test_label_key_prompts(qtbot, make_supervisor, dialogs, events):
    s = make_supervisor()
    s.select(4, 5)
    s.block()
    dialogs.answers.append("neurontype interneuron")
    press(qtbot, s, Qt.Key_L)
    assert events["cluster"][-1].metadata_changed == [4, 5]
    assert s.get_labels("neurontype")[5] == "interneuron"
    assert "neurontype" in s.cluster_view.columns
    assert s.cluster_view.get(4)["neurontype"] == "interneuron"
    # A name without a value: the value is asked.
    dialogs.answers.extend(["quality", "7"])
    press(qtbot, s, Qt.Key_L)
    assert [c.kind for c in dialogs.calls] == ["input_dialog"] * 3
    assert s.get_labels("quality")[4] == "7"
    # Cancelled: nothing happens.
    n = len(events["cluster"])
    dialogs.answers.extend(["quality", ("", False)])
    press(qtbot, s, Qt.Key_L)
    assert len(events["cluster"]) == n


def test_wizard_walks_the_sorted_and_filtered_table(qtbot, make_supervisor):
    s = make_supervisor()
    # The user sorts the table by clicking a header, and filters with the box.
    s.cluster_view.sort_by("depth", "desc")
    press(qtbot, s, Qt.Key_Down)
    assert s.selected == [9]
    s.cluster_view.filter("depth < 45")
    press(qtbot, s, Qt.Key_Down)
    assert s.selected == [4]
    # After a merge, the filtered table is still the one walked.
    s.merge([0, 9])
    press(qtbot, s, Qt.Key_Down)
    assert s.selected == [4]


def test_save(qtbot, make_supervisor, events):
    s = make_supervisor()
    assert not s.is_dirty()
    s.merge([0, 1])
    assert s.is_dirty()
    press(qtbot, s, Qt.Key_S, Qt.ControlModifier)
    (spike_clusters, groups, labels), = events["save_clustering"]
    np.testing.assert_array_equal(spike_clusters, s.clustering.spike_clusters)
    assert groups[10] == "good" and labels[0] == "quality"
    assert not s.is_dirty()


def test_close_asks_to_save(qtbot, make_supervisor, dialogs, events):
    s = make_supervisor()
    s.merge([0, 1])
    dialogs.answers.append("cancel")
    s.gui.close()
    assert s.gui.isVisible() and dialogs.calls[-1].kind == "prompt"
    dialogs.answers.append("save")
    s.gui.close()
    assert not s.gui.isVisible() and len(events["save_clustering"]) == 1


def test_close_saves_the_sort(qtbot, make_supervisor):
    s = make_supervisor()
    s.sort("depth", "asc")
    s.gui.close()
    assert s.gui.state["ClusterView"]["current_sort"] == ("depth", "asc")


def test_supervisor_without_gui(make_supervisor, selections):
    s = make_supervisor(attach=False)
    s.select(3)
    s.block()
    assert selections == [[3]] and s.cluster_view.get_selected() == [3]


def test_supervisor_with_html_tables(qtbot, make_supervisor, events):
    s = make_supervisor()
    if s.cluster_view.implementation != "html":
        pytest.skip("The page's JavaScript only exists in the HTML table.")
    qtbot.waitUntil(s.cluster_view.is_ready)
    press(qtbot, s, Qt.Key_Down)
    press(qtbot, s, Qt.Key_Space)
    assert s.selected == [0, 1]
    qtbot.waitUntil(lambda: s.similarity_view.get_selected() == [1])
    press(qtbot, s, Qt.Key_G)
    assert events["cluster"][-1].added == [10] and s.selected == [10, 9]
    qtbot.waitUntil(lambda: s.cluster_view.get_selected() == [10])
    assert s.cluster_view.get_ids()[0] == 10
    # A click in the page selects a row as the user would.
    s.cluster_view.eval_js("table.select([4])")
    qtbot.waitUntil(lambda: s.selected == [4])


def test_save_without_handler_tells_the_user(make_supervisor, dialogs):
    s = make_supervisor()
    s.merge([0, 1])
    assert not s.save()
    assert s.is_dirty() and dialogs.calls[-1].kind == "message_box"


def test_state_cluster_ids_and_info(make_supervisor):
    s = make_supervisor()
    s.filter("depth < 30")
    assert s.all_cluster_ids == [0, 1, 2]
    assert s.state.cluster_view.current_sort == ("n_spikes", "desc")
    assert [r["id"] for r in s.cluster_info] == list(range(10))
    assert s.cluster_info[3]["group"] == "noise"
