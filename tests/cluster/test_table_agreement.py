"""Property test: the HTML table, the native table and the wizard always agree on the order.

Two supervisors on the same clustering, one with HTML tables (the page in Qt WebEngine), one
with native tables, are driven by the same random sequences of header clicks, sort and filter
calls (valid, invalid and JavaScript-only expressions), clicks with modifiers, navigation keys
and wizard steps. After each step, what each table shows (the page's rows and selection, the
``QTableView``'s rows and selection) is the order and the selection of its row store, the two
supervisors agree, and the wizard's next cluster is the table's next row.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phy.gui.html import wait_for
from phy.gui.qt import QApplication, QEvent, Qt
from phy.utils.row_store import NAVIGATION_KEYS

from .cluster_testdata import build

COLUMNS = ["id", "depth", "n_spikes", "group", "quality"]
FILTERS = ["", "depth < 50", "n_spikes > 12 && group != 'noise'", "!group",
           "Math.abs(depth) > 3", "depth >", "quality === null || depth >= 70", "nope > 1"]

step = st.one_of(
    st.tuples(st.just("header"), st.sampled_from(COLUMNS)),
    st.tuples(st.just("sort"), st.sampled_from(COLUMNS), st.sampled_from(["asc", "desc"])),
    st.tuples(st.just("filter"), st.sampled_from(FILTERS)),
    st.tuples(st.just("click"), st.integers(0, 12), st.booleans(), st.booleans()),
    st.tuples(st.just("key"), st.sampled_from(NAVIGATION_KEYS), st.booleans()),
    st.tuples(st.just("similar_click"), st.integers(0, 12)),
    st.tuples(st.just("wizard"), st.sampled_from(
        ["next_best", "previous_best", "next", "previous", "first", "last",
         "select_first_similar", "unselect_similar"])),
    st.tuples(st.just("table"), st.sampled_from(["next", "previous", "first"])),
)


@pytest.fixture(scope="module")
def supervisors(qapp):
    from phy.cluster import Supervisor
    from phy.cluster.tables import ClusterView

    made = []
    for implementation in ("html", "native"):
        ClusterView.implementation = implementation
        try:
            made.append(build(Supervisor, select_delay=0))
        finally:
            ClusterView.implementation = None
    yield made
    for s in made:
        s.close()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def _apply(s, op):
    view = s.cluster_view
    kind = op[0]
    if kind == "header":
        view.user_sort(op[1])
    elif kind == "sort":
        view.sort_by(op[1], op[2])
    elif kind == "filter":
        view.user_filter(op[1])
    elif kind == "click":
        ids = view.get_ids()
        if ids:
            view.user_click(ids[op[1] % len(ids)], ctrl=op[2], shift=op[3])
    elif kind == "key":
        view.user_key(op[1], shift=op[2], page=3)
    elif kind == "similar_click":
        ids = s.similarity_view.get_ids()
        if ids:
            s.similarity_view.user_click(ids[op[1] % len(ids)])
    elif kind == "wizard":
        getattr(s, op[1])()
    else:
        getattr(view, op[1])()
    s.block()


def shown(table):
    """The ids and the selected shown rows the table shows on screen (page or QTableView)."""
    if table.implementation == "html":
        ids, selected = wait_for(lambda done: table.eval_js(
            "[table.getIds(), table.selected]", callback=done))
        return ids, [i for i in selected if i in ids]
    model, selection = table.impl.model, table.impl.view.selectionModel()
    ids = [model.index(r, 0).data(Qt.UserRole) for r in range(model.rowCount())]
    rows = {i.row() for i in selection.selectedRows()}
    selected = [id for id in table.store.selected if table.store.position(id) in rows]
    assert len(selected) == len(rows)
    return ids, selected


def state(s):
    rows = s.wizard.cluster_rows
    return (rows.ids, rows.selected, s.wizard.similarity_rows.ids, s.wizard.similar,
            rows.sort, rows.filter_text)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_renderers_and_wizard_agree(qtbot, supervisors, steps):
    html, native = supervisors
    if html.cluster_view.implementation != "html":
        pytest.skip("Qt WebEngine is not available.")
    for s in supervisors:
        qtbot.waitUntil(s.cluster_view.is_ready, timeout=30000)
        qtbot.waitUntil(s.similarity_view.is_ready, timeout=30000)
        s.cluster_view.filter("")
        s.cluster_view.sort_by("n_spikes", "desc")
        s.select()
        s.block()
    for op in steps:
        for s in supervisors:
            _apply(s, op)
        assert state(html) == state(native), op
        for s in supervisors:
            for table, rows in ((s.cluster_view, s.wizard.cluster_rows),
                                (s.similarity_view, s.wizard.similarity_rows)):
                # A selected row hidden by the filter stays selected, but is not on screen.
                visible = [i for i in rows.selected if rows.position(i) is not None]
                assert shown(table) == (rows.ids, visible), (op, table.implementation)
            # The wizard walks the table's order.
            assert s.cluster_view.get_next_id() == s.wizard.cluster_rows.next_id(+1)
            assert s.selected == s.wizard.best + [
                c for c in s.wizard.similar if c not in s.wizard.best]
