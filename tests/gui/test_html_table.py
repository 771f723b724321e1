"""Tests of what is specific to the HTML table: its colors, and the page state after Python calls.

The behaviour shared with the native table (sort order, filtering, navigation, events through
:class:`phy.gui.Table`) is tested on both implementations in ``test_table.py``. Here the state of
the JavaScript table is read back with ``eval_js``. One ``HTMLTable`` is shared by the module
(Qt WebEngine starts slowly); the ``table`` fixture puts it back in a known state.
"""

import re

import pytest

from phy.gui.html import wait_for
from phy.gui.html_table import HTMLTable, selection_colors
from phy.gui.qt import QApplication, QEvent, QUrl
from phy.utils import selected_cluster_color
from phy.utils.color import colormaps

COLUMNS = ["id", "n_spikes", "quality", "group"]


def make_data():
    return [
        dict(id=0, n_spikes=10, quality=0.5, group="good"),
        dict(id=1, n_spikes=2, quality=12.345, group="noise"),
        dict(id=2, n_spikes=300, quality=None, group="good"),
        dict(id=3, n_spikes=25, quality=0.25, group="mua", is_masked=True),
        dict(id=4, n_spikes=7, quality=1.0, group=None),
    ]


def close_widget(widget):
    """Close and delete a widget now (web views before the web engine profile)."""
    widget.close()
    widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def js(table, expr):
    """Value of a JavaScript expression in the table's page."""
    return wait_for(lambda done: table.eval_js(expr, callback=done))


def call(start):
    """Run a method taking a callback and return the value it receives."""
    return wait_for(lambda done: start(callback=done))


# -------------------------------------------------------------------------------------------------
# Colors
# -------------------------------------------------------------------------------------------------

def test_selection_colors():
    colors = selection_colors()
    assert len(colors) == len(colormaps.categorical)
    for i, color in enumerate(colors):
        rgb = tuple(int(x) for x in re.fullmatch(r"rgb\((\d+), (\d+), (\d+)\)", color).groups())
        assert rgb == tuple(round(255 * c) for c in selected_cluster_color(i)[:3])
    assert len(set(colors)) > 1


# -------------------------------------------------------------------------------------------------
# Fixtures
# -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shared(qapp):
    """``(table, relayed)``: a shared HTML table and the ``(name, data)`` events it relayed."""
    relayed = []
    table = HTMLTable(columns=COLUMNS, sort=("n_spikes", "desc"), skip_groups=("noise",),
                      relay=lambda name, data: relayed.append((name, data)), title="Clusters")
    table.resize(500, 300)
    table.show()
    yield table, relayed
    close_widget(table)


@pytest.fixture
def table(shared, qtbot):
    """The shared table with the test data, sorted by id, unfiltered, nothing selected."""
    table, relayed = shared
    qtbot.waitUntil(table.is_ready, timeout=30000)
    table.set_columns(COLUMNS)
    table.remove_all_and_add(make_data())
    table.filter("")
    table.sort_by("id", "asc")
    table.set_busy(False)
    table.set_selected_index_offset(0)
    call(lambda callback: table.select([], callback=callback))
    relayed.clear()
    return table


@pytest.fixture
def relayed(shared, table):
    return shared[1]


def sorted_header(table):
    """``[(name, text)]`` of the header cells marked as sorted."""
    return js(table, "Array.from(table.thead.querySelectorAll('th.sorted'))"
                     ".map(th => [th.dataset.name, th.textContent])")


def row_classes(table):
    return js(table, "Object.fromEntries(Array.from(table.tbody.querySelectorAll('tr.row'))"
                     ".map(tr => [tr.phyRow.id, tr.className]))")


# -------------------------------------------------------------------------------------------------
# Tests
# -------------------------------------------------------------------------------------------------

def test_page_options(table):
    assert table.windowTitle() == "Clusters"
    assert js(table, "table.colors") == selection_colors()
    assert js(table, "Array.from(table.skipGroups)") == ["noise"]
    assert js(table, "table.columns") == COLUMNS
    assert js(table, "document.querySelectorAll('#phy-table.phy-table input.filter').length") == 1


def test_build_restores_options(qtbot, table):
    table.set_columns(["id", "group"])
    table.sort_by("id", "desc")
    table.filter("id > 1")
    built = []
    table.build(callback=lambda: built.append(True))
    qtbot.waitUntil(lambda: built == [True])
    # A new page: the constructor's sort, the last columns, no rows.
    assert call(table.get_current_sort) == ["n_spikes", "desc"]
    assert js(table, "table.columns") == ["id", "group"]
    assert call(table.get_ids) == []
    assert js(table, "table.input.value") == ""


def test_sort_marker(table, relayed):
    assert sorted_header(table) == [["id", "id ▲"]]
    table.sort_by("n_spikes", "desc")
    assert sorted_header(table) == [["n_spikes", "n_spikes ▼"]]
    table.sort_by("quality")
    assert sorted_header(table) == [["quality", "quality ▲"]]
    assert call(table.get_current_sort) == ["quality", "asc"]
    assert call(table.get_ids) == [3, 0, 4, 1, 2]  # missing values last
    assert ("table_sort", {"ids": [2, 3, 0, 4, 1], "sort": ["n_spikes", "desc"]}) in relayed
    assert relayed[-1] == ("table_sort", {"ids": [3, 0, 4, 1, 2], "sort": ["quality", "asc"]})


def test_cells(table):
    cells = js(table, "Array.from(table.tbody.querySelectorAll('tr.row'))"
                      ".map(tr => Array.from(tr.cells).map(td => [td.textContent, td.className]))")
    assert [row[0][0] for row in cells] == ["0", "1", "2", "3", "4"]
    assert [c[0] for c in cells[1]] == ["1", "2", "12.35", "noise"]
    assert [c[0] for c in cells[3]] == ["3", "25", "0.250", "mua"]
    assert cells[2][2] == ["", ""]  # a missing value: empty, not a number
    assert cells[0][1] == ["10", "num"]
    assert cells[0][3] == ["good", ""]


def test_row_classes(table):
    classes = row_classes(table)
    assert set(classes["0"].split()) == {"row", "group-good"}
    assert set(classes["1"].split()) == {"row", "group-noise", "skip"}  # a skipped group
    assert set(classes["3"].split()) == {"row", "group-mua", "skip"}  # masked
    assert set(classes["4"].split()) == {"row"}
    table.change([{"id": 4, "group": "noise"}, {"id": 3, "is_masked": False}])
    classes = row_classes(table)
    assert set(classes["4"].split()) == {"row", "group-noise", "skip"}
    assert "skip" not in classes["3"].split()


def test_selected_rows(table, relayed):
    assert call(lambda callback: table.select([3, 1], {"x": 1}, callback=callback)) == [3, 1]
    assert relayed == [("select", {"selected": [3, 1], "kwargs": {"x": 1}})]
    colors = selection_colors()

    def marked():
        return js(table, "Array.from(table.tbody.querySelectorAll('tr.row.selected'))"
                         ".map(tr => [tr.phyRow.id, tr.style.getPropertyValue('--select-color')])")

    assert sorted(marked()) == [[1, colors[1]], [3, colors[0]]]  # by selection index
    table.set_selected_index_offset(2)
    assert sorted(marked()) == [[1, colors[3]], [3, colors[2]]]
    assert call(table.get_selected) == [3, 1]
    table.remove([3])
    assert marked() == [[1, colors[2]]]
    assert call(table.first) == [0]  # the first row not skipped
    assert call(table.next) == [2]  # 1 (noise) is skipped
    assert call(table.previous) == [0]
    assert relayed[-1] == ("select", {"selected": [0], "kwargs": {}})


def test_filter_box(table, relayed):
    table.filter("  n_spikes > 5  ")
    assert js(table, "[table.input.value, table.input.className]") == ["n_spikes > 5", "filter"]
    assert call(table.get_ids) == [0, 2, 3, 4]
    assert relayed[-1] == ("table_filter", {"ids": [0, 2, 3, 4], "filter": "n_spikes > 5"})
    n_events = len(relayed)

    table.filter("n_spikes >")  # invalid: shown in red, the previous filter stays
    value, classes, title = js(table, "[table.input.value, table.input.className, "
                                      "table.input.title]")
    assert value == "n_spikes >"
    assert "invalid" in classes.split()
    assert "SyntaxError" in title
    assert call(table.get_ids) == [0, 2, 3, 4]
    assert len(relayed) == n_events  # no table_filter event

    table.filter("nope > 1")  # an unknown name
    assert "invalid" in js(table, "table.input.className").split()

    table.filter("")
    assert js(table, "[table.input.value, table.input.className, table.input.title]") == [
        "", "filter", ""]
    assert call(table.get_ids) == [0, 1, 2, 3, 4]


def test_busy(table):
    table.set_busy(True)
    assert js(table, "table.root.classList.contains('busy')")
    table.set_busy(False)
    assert not js(table, "table.root.classList.contains('busy')")


def test_queries(table):
    table.sort_by("n_spikes", "asc")  # 1, 4, 0, 3, 2
    assert call(table.get_next_id) == 4  # 1 is skipped (noise)
    assert call(table.get_previous_id) == 2
    table.select([0])
    assert call(table.get_next_id) == 2  # 3 is skipped (masked)
    assert call(table.get_previous_id) == 4
    table.select([2])
    assert call(table.get_next_id) is None


def test_errback(qtbot, table):
    errors, results = [], []
    table.eval_js("table.select = undefined")
    table.select([1], callback=results.append, errback=errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1)
    assert results == []
    assert "table.select" in str(errors[0])
    table.build()
    qtbot.waitUntil(table.is_ready)


# Kills a render process: keep it last (the shared table's page may share that process).
def test_render_process_crash(qtbot):
    failures = []
    table = HTMLTable(columns=COLUMNS, on_failure=failures.append)
    try:
        qtbot.waitUntil(table.is_ready, timeout=30000)
        assert table.failed is None
        table.page().load(QUrl("chrome://crash"))
        qtbot.waitUntil(lambda: len(failures) == 1, timeout=10000)
        assert "render process terminated" in failures[0]
        assert table.failed == failures[0]
    finally:
        close_widget(table)
