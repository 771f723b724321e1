"""The wizard: the cluster selection and the navigation through the two tables."""

from phy.cluster.wizard import LatestOnly

# Clusters 0..9 with 30, 27, ... 3 spikes; 3 is noise, 7 is mua, 1 is good. The cluster view
# is sorted by decreasing n_spikes, i.e. by increasing id. Similar clusters of c: by increasing
# |c - d|, then increasing id.


# LatestOnly
# ------------------------------------------------------------------------------------------------

def test_latest_only():
    processed, scheduled = [], []
    latest = LatestOnly(processed.append, schedule=scheduled.append)
    for i in range(5):
        latest.submit(i)
    assert latest.pending and processed == []
    scheduled[-1]()
    assert processed == [4] and not latest.pending
    latest.flush()
    assert processed == [4]
    latest.submit(5)
    latest.cancel()
    latest.flush()
    assert processed == [4]
    immediate = LatestOnly(processed.append)
    immediate.submit(6)
    assert processed == [4, 6]


# Navigation
# ------------------------------------------------------------------------------------------------

def test_wizard_rows(make_wizard):
    w = make_wizard()
    assert w.columns == ["id", "depth", "n_spikes", "group", "quality"]
    assert w.similarity_columns[:2] == ["id", "similarity"]
    assert w.cluster_row(0) == {
        "id": 0, "depth": 0., "n_spikes": 30, "group": None, "quality": 1.5}
    assert w.wizard.cluster_rows.ids == list(range(10))
    assert w.wizard.cluster_rows.skipped == {3, 7}
    assert w.n_spikes(9) == 3
    assert w.get_labels("group")[3] == "noise"


def test_wizard_next_best_skips_ignored_groups(make_wizard, events):
    w = make_wizard()
    visited = [w.wizard.next_best()[0] for _ in range(9)]
    assert visited == [0, 1, 2, 4, 5, 6, 8, 9, 9]
    assert [w.wizard.previous_best()[0] for _ in range(3)] == [8, 6, 5]
    assert events["select"][:3] == [[0], [1], [2]]
    assert w.wizard.first() == [0] and w.wizard.last() == [9]
    assert w.wizard.reset_wizard() == [0]


def test_wizard_similarity_view(make_wizard):
    w = make_wizard()
    w.wizard.select(5)
    # Similar to 5, without 5: 4 and 6 first; 3 and 7 are skipped by next/previous.
    assert w.wizard.similarity_rows.ids[:4] == [4, 6, 3, 7]
    assert w.wizard.next() == [5, 4]
    assert w.wizard.next() == [5, 6]
    assert w.wizard.next() == [5, 2]
    assert w.wizard.previous() == [5, 6]
    assert w.wizard.best == [5] and w.wizard.similar == [6]
    assert w.wizard.unselect_similar() == [5]
    assert w.wizard.select_first_similar() == [5, 4]
    # Selecting several clusters: similar to the first, without the selected ones.
    w.wizard.select([5, 4])
    assert 4 not in w.wizard.similarity_rows.ids and w.wizard.similar == []
    # next() without best selection selects the next best.
    w.wizard.select()
    assert w.wizard.next() == [0]


def test_wizard_select_callback_and_unknown(make_wizard):
    w = make_wizard()
    got = []
    w.wizard.select(2, 99, callback=got.append)
    assert got == [[2]]
    w.wizard.next_best(callback=got.append)
    assert got[-1] == [4]


def test_wizard_navigation_follows_sort_and_filter(make_wizard):
    w = make_wizard()
    w.wizard.sort("depth", "desc")
    assert w.wizard.next_best() == [9]
    w.wizard.filter("depth < 55")
    assert w.wizard.cluster_rows.ids == [5, 4, 3, 2, 1, 0]
    assert w.wizard.next_best() == [5]
    assert w.wizard.next_best() == [4]


def test_import_phy_cluster_is_headless():
    import subprocess
    import sys

    code = (
        "import sys, phy.cluster\n"
        "from phy.cluster.curation import Curation\n"
        "from phy.cluster.wizard import Wizard\n"
        "from phy.utils.row_store import RowStore\n"
        "assert phy.cluster.correlograms and Wizard and Curation and RowStore\n"
        "assert not [m for m in sys.modules if m.startswith('PyQt5')], 'Qt imported'\n"
        "assert phy.cluster.Supervisor.__name__ == 'Supervisor'\n"
        "assert 'PyQt5' in sys.modules\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
