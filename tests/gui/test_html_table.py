"""Tests of what is specific to the HTML renderer: the page draws the store, reports input.

The behaviour shared with the native table (sort order, filtering, navigation, events) is tested
on both renderers in ``test_table.py``. Here the page is read back with ``eval_js``: it must
show the store's rows, in the store's order, with the store's selection. One HTML table is
shared by the module (Qt WebEngine starts slowly); the ``table`` fixture resets it.
"""

import re

import pytest

from phy.gui import table as table_module
from phy.gui.html import HTMLWidget, wait_for
from phy.gui.html_table import PageFeed, selection_colors
from phy.gui.qt import QApplication, QEvent
from phy.gui.table import Table
from phy.utils import connect, selected_cluster_color
from phy.utils.bus_events import SELECT
from phy.utils.color import colormaps
from phy.utils.row_store import Change, RowStore

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
    """Value of a JavaScript expression in the table's page (after the pending updates)."""
    return wait_for(lambda done: table.eval_js(expr, callback=done))


def test_selection_colors():
    colors = selection_colors()
    assert len(colors) == len(colormaps.categorical)
    for i, color in enumerate(colors):
        rgb = tuple(int(x) for x in re.fullmatch(r"rgb\((\d+), (\d+), (\d+)\)", color).groups())
        assert rgb == tuple(round(255 * c) for c in selected_cluster_color(i)[:3])
    assert len(set(colors)) > 1


def test_patch_sends_what_changed():
    store = RowStore(columns=["id", "q"], sort=("q", "desc"))
    store.set_rows([dict(id=1, q=0.5, group="noise"), dict(id=2, q=2.0)])
    feed = PageFeed(store)
    full = feed.patch(Change(reset=True, order=True, selection=True))
    assert full["reset"] and full["columns"] == ["id", "q"] and full["widths"] == [1, 5]
    assert full["ids"] == [2, 1] and full["sort"] == ["q", "desc"]
    assert full["rows"][1] == {"id": 1, "cells": ["1", "0.500"], "num": [True, True],
                               "cls": "group-noise skip"}
    assert feed.patch(Change(selection=True)) == {"selected": [], "offset": 0}
    store.change([{"id": 2, "q": 3.0}])
    assert feed.patch(Change(rows=[2], order=True))["rows"][0]["cells"] == ["2", "3"]
    assert "rows" not in feed.patch(Change(order=True))  # the page has them


def test_feed_sends_the_window_only():
    """The page gets the whole order but the cells of the rows it draws only."""
    store = RowStore(columns=["id", "n"], sort=("n", "asc"))
    store.set_rows([dict(id=i, n=(7 * i) % 1000) for i in range(1000)])
    feed = PageFeed(store)
    feed.window = (0, 50)
    full = feed.patch(Change(reset=True, order=True, selection=True))
    assert len(full["ids"]) == 1000
    assert [r["id"] for r in full["rows"]] == store.ids[:50]
    store.sort_by("n", "desc")
    sorted_ = feed.patch(Change(order=True))
    assert [r["id"] for r in sorted_["rows"]] == store.ids[:50]  # the new rows in the window
    # The page scrolls to the end and asks for its rows: they come with their neighbours.
    fetched = feed.fetch(950, 1000, store.ids[950:])
    got = [r["id"] for r in fetched["rows"]]
    assert set(store.ids[950:]) <= set(got) and set(got) <= set(store.ids[900:])
    assert feed.fetch(950, 1000) == {}  # nothing new to send
    assert feed.fetch(950, 1000, [store.ids[-1]])["rows"][0]["id"] == store.ids[-1]
    for row in fetched["rows"]:  # the cells are the store's formatting
        row_n = store.row(row["id"])["n"]
        assert row["cells"] == store.cells(row["id"])[0] == [str(row["id"]), str(row_n)]
    around = {r["id"] for r in feed.scroll(store.ids[500])["rows"]}  # about to scroll there
    assert store.ids[500] in around and around <= set(store.ids[500 - 80:500 + 80])


@pytest.fixture(scope="module")
def shared(qapp):
    table = Table(columns=COLUMNS, sort=("n_spikes", "desc"), title="Clusters",
                  skip_groups=("noise",), implementation="html")
    table.resize(500, 300)
    table.show()
    yield table
    close_widget(table)


@pytest.fixture
def table(shared, qtbot):
    """The shared table with the test data, sorted by id, unfiltered, nothing selected."""
    table = shared
    qtbot.waitUntil(table.is_ready, timeout=30000)
    table.set_columns(COLUMNS)
    table.remove_all_and_add(make_data())
    table.filter("")
    table.sort_by("id", "asc")
    table.set_busy(False)
    table.set_selected_index_offset(0)
    table.show_error("")
    table.debouncer.stop()
    return table


def page_ids(table):
    return js(table, "table.getIds()")


def test_is_an_html_widget(table):
    assert isinstance(table, HTMLWidget)
    assert table.windowTitle() == "Clusters"
    assert js(table, "table.colors") == selection_colors()
    assert js(table, "table.columns") == COLUMNS
    assert js(table, "document.querySelectorAll('#phy-table.phy-table input.filter').length") == 1


def test_page_follows_the_store(table):
    table.sort_by("n_spikes", "desc")
    table.filter("n_spikes > 5")
    table.select([3, 0])
    assert page_ids(table) == table.store.ids == [2, 3, 0, 4]
    assert js(table, "table.selected") == [3, 0]
    table.change([{"id": 4, "n_spikes": 1000}])
    assert page_ids(table) == [4, 2, 3, 0]
    table.remove([2])
    assert page_ids(table) == [4, 3, 0]
    built = []
    table.build(callback=lambda: built.append(True))  # a new page gets the whole state
    assert wait_for(lambda done: table.eval_js("table.getIds()", callback=done)) == [4, 3, 0]
    assert built == [True]
    assert js(table, "[table.selected, table.input.value]") == [[3, 0], "n_spikes > 5"]


def test_sort_marker(table):
    def sorted_header():
        return js(table, "Array.from(table.thead.querySelectorAll('th.sorted'))"
                         ".map(th => [th.dataset.name, th.textContent])")

    assert sorted_header() == [["id", "id ▲"]]
    table.sort_by("n_spikes", "desc")
    assert sorted_header() == [["n_spikes", "n_spikes ▼"]]
    table.sort_by("quality")
    assert sorted_header() == [["quality", "quality ▲"]]
    assert page_ids(table) == [3, 0, 4, 1, 2]  # missing values last


def test_cells(table):
    cells = js(table, "Array.from(table.tbody.querySelectorAll('tr.row'))"
                      ".map(tr => Array.from(tr.cells).map(td => [td.textContent, td.className]))")
    assert [row[0][0] for row in cells] == ["0", "1", "2", "3", "4"]
    assert [c[0] for c in cells[1]] == ["1", "2", "12.35", "noise"]
    assert [c[0] for c in cells[3]] == ["3", "25", "0.250", "mua"]
    assert cells[2][2] == ["", ""]  # a missing value: empty, not a number
    assert cells[0][1] == ["10", "num"]
    assert cells[0][3] == ["good", ""]


def drawn_rows(table):
    """The ids and cell texts of the rows drawn by the page, in order (none may be pending)."""
    return js(table, "[table.missing, Array.from(table.tbody.querySelectorAll('tr.row'))"
                     ".map(tr => [tr.phyRow.id, Array.from(tr.cells).map(td => td.textContent)])]")


def test_scroll_to_the_bottom_of_a_large_table(qtbot, table):
    """The page holds the rows it draws; scrolling fetches the others from the store."""
    n = 5000
    table.remove_all_and_add([dict(id=i, n_spikes=(i * 7919) % 10007, quality=i / 7,
                                   group="good" if i % 3 else None) for i in range(n)])
    table.sort_by("n_spikes", "desc")
    store = table.store
    missing, rows = drawn_rows(table)
    assert missing == 0 and [r[0] for r in rows] == store.ids[:len(rows)]
    assert 10 < len(rows) < 100
    assert js(table, "table.rows.size") < 500  # not the whole table
    js(table, "table.scroller.scrollTop = table.scroller.scrollHeight")

    def at_bottom():
        missing, rows = drawn_rows(table)
        return not missing and rows and rows[-1][0] == store.ids[-1]

    qtbot.waitUntil(at_bottom)
    _, rows = drawn_rows(table)
    assert [r[0] for r in rows] == store.ids[-len(rows):]  # the right last rows
    for id, cells in rows:  # the cells are the store's formatting
        assert cells == store.cells(id)[0]
    assert rows[-1][1] == ["0", "0", "0", ""]
    table.filter("n_spikes < 5")  # the page scrolls back within the fewer rows
    qtbot.waitUntil(lambda: drawn_rows(table)[0] == 0)
    assert [r[0] for r in drawn_rows(table)[1]] == store.ids == [
        i for i in sorted(range(n), key=lambda i: -((i * 7919) % 10007))
        if (i * 7919) % 10007 < 5]


def test_row_classes(table):
    def row_classes():
        return js(table, "Object.fromEntries(Array.from(table.tbody.querySelectorAll('tr.row'))"
                         ".map(tr => [tr.phyRow.id, tr.className]))")

    classes = row_classes()
    assert set(classes["0"].split()) == {"row", "group-good"}
    assert set(classes["1"].split()) == {"row", "group-noise", "skip"}  # a skipped group
    assert set(classes["3"].split()) == {"row", "group-mua", "skip"}  # masked
    assert set(classes["4"].split()) == {"row"}
    table.change([{"id": 4, "group": "noise"}, {"id": 3, "is_masked": False}])
    classes = row_classes()
    assert set(classes["4"].split()) == {"row", "group-noise", "skip"}
    assert "skip" not in classes["3"].split()


def test_selected_rows(table):
    assert table.select([3, 1], x=1) == [3, 1]
    colors = selection_colors()

    def marked():
        return js(table, "Array.from(table.tbody.querySelectorAll('tr.row.selected'))"
                         ".map(tr => [tr.phyRow.id, tr.style.getPropertyValue('--select-color')])")

    assert sorted(marked()) == [[1, colors[1]], [3, colors[0]]]  # by selection index
    table.set_selected_index_offset(2)
    assert sorted(marked()) == [[1, colors[3]], [3, colors[2]]]
    table.remove([3])
    assert marked() == [[1, colors[2]]]


def test_filter_box(table):
    table.filter("  n_spikes > 5  ")
    assert js(table, "[table.input.value, table.input.className]") == ["n_spikes > 5", "filter"]
    assert page_ids(table) == [0, 2, 3, 4]
    table.filter("n_spikes >")  # invalid: shown in red, the previous filter stays
    classes, title = js(table, "[table.input.className, table.input.title]")
    assert "invalid" in classes.split()
    assert "n_spikes >" in title
    assert page_ids(table) == [0, 2, 3, 4]
    table.filter("")
    assert js(table, "[table.input.value, table.input.className, table.input.title]") == [
        "", "filter", ""]
    assert page_ids(table) == [0, 1, 2, 3, 4]


def test_the_page_reports_input(qtbot, table):
    """Clicks, keys, header clicks and JavaScript requests go to Python, which decides."""
    got = []
    connect(lambda sender, ids, **kwargs: got.append(ids), event=SELECT, sender=table)
    table.eval_js("phy.emit('row_click', {id: 2, ctrl: false, shift: false})")
    qtbot.waitUntil(lambda: table.get_selected() == [2])
    table.eval_js("phy.emit('key', {key: 'ArrowDown', shift: true, page: 5})")
    qtbot.waitUntil(lambda: table.get_selected() == [2, 3])
    table.eval_js("phy.emit('header_click', {name: 'n_spikes'})")
    qtbot.waitUntil(lambda: table.get_current_sort() == ("n_spikes", "asc"))
    table.eval_js("table.filter('n_spikes > 9')")
    qtbot.waitUntil(lambda: table.get_ids() == [0, 3, 2])
    table.eval_js("table.select([0], {from_js: true})")
    qtbot.waitUntil(lambda: table.get_selected() == [0])
    assert page_ids(table) == [0, 3, 2]
    assert js(table, "table.selected") == [0]
    assert got[0] == [2]


def test_error_in_callback_is_shown(qtbot, table, caplog):
    def fail(sender, ids, **kwargs):
        raise ValueError("boom")

    connect(fail, event=SELECT, sender=table)
    table.eval_js("phy.emit('row_click', {id: 1, ctrl: false, shift: false})")
    qtbot.waitUntil(lambda: "boom" in caplog.text)
    assert js(table, "table.error.textContent") == "ValueError: boom"
    assert table.get_selected() == [1]


def test_error_in_the_page_is_logged(qtbot, table, caplog):
    js(table, "(table.update = () => { throw new Error('broken page'); }, 1)")
    try:
        table.sort_by("n_spikes", "desc")
        qtbot.waitUntil(lambda: "broken page" in caplog.text)
    finally:
        js(table, "(delete table.update, 1)")


def test_busy(table):
    table.set_busy(True)
    assert js(table, "table.root.classList.contains('busy')")
    table.set_busy(False)
    assert not js(table, "table.root.classList.contains('busy')")


def test_ready_timeout_falls_back(qtbot, monkeypatch):
    """A page that is not ready in time: the table goes on natively, with its selection."""
    monkeypatch.setattr(table_module, "_webengine_failure", None)
    monkeypatch.setattr(Table, "ready_timeout", 0.001)
    table = Table(columns=COLUMNS, data=make_data(), sort=("n_spikes", "asc"),
                  implementation="html")
    try:
        table.select([3, 0])
        table.filter("n_spikes > 5")
        qtbot.waitUntil(lambda: table.implementation == "native", timeout=10000)
        qtbot.waitUntil(table.is_ready)
        assert isinstance(table, HTMLWidget)
        assert table.get_ids() == [4, 0, 3, 2]
        assert table.get_selected() == [3, 0]
        with pytest.raises(RuntimeError, match="not ready"):
            table.eval_js("1")
    finally:
        close_widget(table)
