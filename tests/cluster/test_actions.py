"""The clustering actions: the shortcuts and snippets of SHORTCUTS.md, run in a GUI."""

import numpy as np

from phy.gui.qt import Qt
from phy.utils import connect

from .cluster_testdata import press, snippet


def test_shortcuts_of_the_spec(make_supervisor):
    s = make_supervisor()
    shortcuts = {**s.actions.edit.shortcuts, **s.actions.select.shortcuts}
    expected = {
        "clear_filter": "esc", "first": "home", "last": "end", "label": "l", "merge": "g",
        "split": "k", "next": "space", "previous": "shift+space", "next_best": "down",
        "previous_best": "up", "reset_wizard": "ctrl+alt+space",
        "select_first_similar": "ctrl+space", "unselect_similar": "backspace",
        "undo": "ctrl+z", "redo": ("ctrl+shift+z", "ctrl+y"),
        "move_best_to_good": "alt+g", "move_similar_to_mua": "ctrl+m",
        "move_all_to_noise": "ctrl+alt+n", "move_best_to_unsorted": "alt+u",
    }
    assert {k: shortcuts[k] for k in expected} == expected
    aliases = {name: group._actions[name].alias for group in (s.actions.edit, s.actions.select)
               for name in group.names}
    assert (aliases["filter"], aliases["label"], aliases["merge"], aliases["split"],
            aliases["select"], aliases["sort"]) == ("f", "l", "g", "k", "c", "s")


def test_snippets(qtbot, make_supervisor, events):
    s = make_supervisor()
    snippet(qtbot, s, "c 4 6")
    assert s.selected == [4, 6]
    snippet(qtbot, s, "g 4 6 8")
    assert events["cluster"][-1].deleted == [4, 6, 8] and s.selected[0] == 10
    snippet(qtbot, s, "l score 0.5")
    assert s.get_labels("score")[10] == .5
    snippet(qtbot, s, "f depth < 25")
    assert s.cluster_view.get_ids() == [0, 1, 2]
    press(qtbot, s, Qt.Key_Escape)
    assert len(s.cluster_view.get_ids()) == 8
    snippet(qtbot, s, "s depth")
    assert s.cluster_view.get_ids()[0] == 10 and s.cluster_view.get_current_sort() == (
        "depth", "desc")
    snippet(qtbot, s, "sn_")  # the column starting with n_: n_spikes
    assert s.cluster_view.get_current_sort() == ("n_spikes", "desc")
    assert s.cluster_view.get_ids()[0] == 10
    snippet(qtbot, s, "cfde")
    assert s.color_selector.color_field == "depth"
    snippet(qtbot, s, "cmli")
    assert s.color_selector.colormap == "linear"
    assert len(events["color_mapping_changed"]) == 2

    @connect(sender=s)
    def on_request_split(sender):
        return [0, 1]

    snippet(qtbot, s, "k")
    assert events["cluster"][-1].description == "assign"


def test_split_action_takes_spike_ids_as_in_phy2(qtbot, make_supervisor, events):
    s = make_supervisor()
    before = s.clustering.spike_clusters.copy()
    s.actions.split([2, 3, 4], [0, 1, 1])  # a phy 2 script: spike ids and relative labels
    up = events["cluster"][-1]
    after = s.clustering.spike_clusters
    assert up.description == "assign" and after[3] == after[4] != after[2]
    assert {after[2], after[3]} <= set(up.added)  # new clusters, as in phy 2
    untouched = ~np.isin(before, up.deleted)
    assert (after[untouched] == before[untouched]).all()


def test_new_label_gets_sort_and_color_actions(qtbot, make_supervisor):
    s = make_supervisor()
    s.label("neurontype", "interneuron", cluster_ids=[2])
    snippet(qtbot, s, "sne")
    assert s.cluster_view.get_current_sort() == ("neurontype", "desc")
    snippet(qtbot, s, "cfne")
    assert s.color_selector.color_field == "neurontype"


def test_colormap_toggles(qtbot, make_supervisor, events):
    s = make_supervisor()
    s.actions.edit.run("toggle_categorical_colormap", False)
    s.actions.edit.run("toggle_logarithmic_colormap")
    assert not s.color_selector.categorical and s.color_selector.logarithmic
    assert len(events["color_mapping_changed"]) == 2
