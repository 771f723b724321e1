"""The shared test suite of the table: every test runs on the HTML and the native tables.

One table per implementation is shared by the tests of this module (Qt WebEngine starts
slowly); the ``table`` fixture puts it back in a known state before each test.
"""

import pytest

from phy.gui import table as table_module
from phy.gui.html import wait_for
from phy.gui.qt import QApplication, QEvent, QPoint, Qt, QUrl
from phy.gui.table import Table, resolve_implementation
from phy.utils import connect, selected_cluster_color
from phy.utils.bus_events import SELECT, TABLE_FILTER, TABLE_SORT

IMPLEMENTATIONS = ("html", "native")
COLUMNS = ["id", "n_spikes", "quality", "group", "name"]
N_SPIKES = [10, 2, 300, 25, 7, 1000, 2, 50]
GROUPS = ["good", "noise", "good", "mua", None, "good", "unsorted", "noise"]
QUALITY = [0.5, 0.1, None, 0.9, 0.3, 0.7, 0.2, 0.8]
NAMES = ["a2", "a10", "A1", "b", "a2", "c3", "b1", "a1"]
SKIPPED = {1, 3, 4, 7}  # noise, mua, is_masked, noise


def make_data():
    return [
        dict(id=i, n_spikes=N_SPIKES[i], quality=QUALITY[i], group=GROUPS[i], name=NAMES[i],
             is_masked=i == 4)
        for i in range(8)]


def close_widget(widget):
    """Close and delete a widget now (web views before the web engine profile)."""
    widget.close()
    widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def wait_ready(qtbot, table):
    qtbot.waitUntil(table.is_ready, timeout=30000)


# -------------------------------------------------------------------------------------------------
# Fixtures
# -------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=IMPLEMENTATIONS)
def shared_table(request, qapp):
    table = Table(columns=COLUMNS, data=make_data(), implementation=request.param)
    table.resize(500, 300)
    table.show()
    yield table
    close_widget(table)


@pytest.fixture
def table(shared_table, qtbot):
    """The shared table with the test data, sorted by id, unfiltered, nothing selected."""
    table = shared_table
    wait_ready(qtbot, table)
    seen = []
    connect(lambda sender, ids: seen.append(ids), event=TABLE_SORT, sender=table)
    if table.columns != COLUMNS:
        table.set_columns(COLUMNS)
    table.remove_all_and_add(make_data())
    table.filter("")
    table.sort_by("id", "asc")
    qtbot.waitUntil(lambda: len(seen) > 0)
    table.debouncer.stop()
    table.set_busy(False)
    table.set_selected_index_offset(0)
    yield table
    table.debouncer.stop()


@pytest.fixture
def events(table):
    """The events emitted by the table: (name, args, kwargs)."""
    got = []
    for name in (SELECT, TABLE_SORT, TABLE_FILTER):
        connect(lambda sender, *args, _name=name, **kwargs: got.append((_name, args, kwargs)),
                event=name, sender=table)
    return got


def last_event(events, name):
    matching = [e for e in events if e[0] == name]
    return matching[-1] if matching else None


# -------------------------------------------------------------------------------------------------
# Mouse and keyboard, per implementation
# -------------------------------------------------------------------------------------------------

def _js(table, expr):
    return wait_for(lambda done: table.eval_js(expr, callback=done))


def _html_point(table, rect_expr):
    rect = _js(table, rect_expr)
    assert rect is not None
    return table.impl.focusProxy(), QPoint(int(rect["x"] + 8), int(rect["y"] + rect["height"] / 2))


def click_row(qtbot, table, id, modifier=Qt.NoModifier):
    if table.implementation == "html":
        # The page scrolls to the row; a row far down comes from Python a moment later.
        qtbot.waitUntil(lambda: _js(table, f"table.rowRect({id})") is not None)
        widget, pos = _html_point(table, f"table.rowRect({id})")
    else:
        view = table.impl.view
        table.impl.scroll_to(id)
        widget, pos = view.viewport(), view.visualRect(table.impl.view_index(id)).center()
    qtbot.mouseClick(widget, Qt.LeftButton, modifier, pos)


def click_header(qtbot, table, name):
    if table.implementation == "html":
        widget, pos = _html_point(
            table, f"table.thead.querySelector('th[data-name=\"{name}\"]')"
                   ".getBoundingClientRect().toJSON()")
    else:
        header = table.impl.view.horizontalHeader()
        section = COLUMNS.index(name)
        widget = header.viewport()
        pos = QPoint(header.sectionViewportPosition(section) + 5, header.height() // 2)
    qtbot.mouseClick(widget, Qt.LeftButton, Qt.NoModifier, pos)


def type_filter(qtbot, table, text):
    """Type a filter expression in the filter box, then Enter."""
    if table.implementation == "html":
        widget, pos = _html_point(table, "table.input.getBoundingClientRect().toJSON()")
        qtbot.mouseClick(widget, Qt.LeftButton, Qt.NoModifier, pos)
        qtbot.waitUntil(lambda: _js(table, "document.activeElement === table.input"))
    else:
        widget = table.impl.filter_box
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key_Return)
    return widget


def header_texts(table):
    if table.implementation == "html":
        return _js(table, "Array.from(table.thead.querySelectorAll('th'))"
                          ".map(th => th.textContent)")
    model = table.impl.model
    return [model.headerData(i, Qt.Horizontal) for i in range(model.columnCount())]


def press_key(qtbot, table, key, modifier=Qt.NoModifier):
    widget = table.impl.focusProxy() if table.implementation == "html" else table.impl.view
    qtbot.keyClick(widget, key, modifier)


def is_busy(table):
    if table.implementation == "html":
        return _js(table, "table.root.classList.contains('busy')")
    return table.impl.view.viewport().cursor().shape() == Qt.BusyCursor


def wait_selected(qtbot, table, events, expected):
    qtbot.waitUntil(lambda: (last_event(events, SELECT) or (0, ([],)))[1][0] == expected)
    assert table.get_selected() == expected


# -------------------------------------------------------------------------------------------------
# Tests
# -------------------------------------------------------------------------------------------------

def test_ids_and_get(table):
    assert table.get_ids() == list(range(8))
    assert table.get(3)["n_spikes"] == 25
    assert table.get(99) is None
    assert table.columns == COLUMNS
    assert table.is_ready()


def test_sort_numbers(qtbot, table, events):
    table.sort_by("n_spikes", "asc")
    assert table.get_ids() == [1, 6, 4, 0, 3, 7, 2, 5]  # 2 before 10; ties by id
    qtbot.waitUntil(lambda: last_event(events, TABLE_SORT) is not None)
    assert last_event(events, TABLE_SORT)[1] == ([1, 6, 4, 0, 3, 7, 2, 5],)
    table.sort_by("n_spikes", "desc")
    assert table.get_ids() == [5, 2, 7, 3, 0, 4, 1, 6]
    assert table.get_current_sort() == ("n_spikes", "desc")
    got = []
    table.get_current_sort(callback=got.append)
    qtbot.waitUntil(lambda: got == [("n_spikes", "desc")])


def test_sort_missing_and_strings(table):
    table.sort_by("quality", "asc")
    assert table.get_ids() == [1, 6, 4, 0, 5, 7, 3, 2]
    table.sort_by("quality", "desc")
    assert table.get_ids() == [3, 7, 5, 0, 4, 6, 1, 2]  # missing values last
    table.sort_by("name", "asc")
    assert table.get_ids() == [2, 7, 0, 4, 1, 3, 6, 5]  # natural order, case ignored


def test_filter(qtbot, table, events):
    table.filter("n_spikes > 20 && group != 'noise'")
    assert table.get_ids() == [2, 3, 5]
    qtbot.waitUntil(lambda: last_event(events, TABLE_FILTER) is not None)
    assert last_event(events, TABLE_FILTER)[1] == ([2, 3, 5],)
    table.filter("!is_masked && n_spikes < 10")
    assert table.get_ids() == [1, 6]
    table.filter("group === 'good' || quality === null")
    assert table.get_ids() == [0, 2, 5]
    table.sort_by("n_spikes", "desc")  # sorting keeps the filter
    assert table.get_ids() == [5, 2, 0]
    table.filter("")
    assert table.get_ids() == [5, 2, 7, 3, 0, 4, 1, 6]


def test_filter_invalid(qtbot, table, events, caplog):
    table.filter("n_spikes > 100")
    table.filter("n_spikes >")
    qtbot.waitUntil(lambda: "Invalid filter" in caplog.text)
    assert table.get_ids() == [2, 5]  # the previous filter stays
    assert [e[1] for e in events if e[0] == TABLE_FILTER] == [([2, 5],)]


def test_filter_box_typing(qtbot, table, events):
    qtbot.waitExposed(table)
    widget = type_filter(qtbot, table, "id > 5")
    qtbot.waitUntil(lambda: (last_event(events, TABLE_FILTER) or (0, 0))[1] == ([6, 7],))
    qtbot.keyClick(widget, Qt.Key_Escape)
    qtbot.waitUntil(lambda: last_event(events, TABLE_FILTER)[1] == (list(range(8)),))


def test_set_columns(table):
    table.set_columns(["id", "group"])
    assert table.columns == ["id", "group"]
    assert header_texts(table) == ["id ▲", "group"]  # the sorted column is marked
    table.filter("n_spikes > 100")  # hidden fields can still be filtered on
    assert table.get_ids() == [2, 5]


def test_select_from_python(qtbot, table, events):
    table.select([2, 0], update_views=False)
    qtbot.waitUntil(lambda: last_event(events, SELECT) is not None)
    assert last_event(events, SELECT) == (SELECT, ([2, 0],), {"update_views": False})
    assert table.get_selected() == [2, 0]
    got = []
    table.select([5], callback=got.append)
    qtbot.waitUntil(lambda: got == [[5]])


def test_next_previous_skip(qtbot, table, events):
    assert table.get_next_id() == 0
    assert table.get_previous_id() == 6
    table.select([0])
    wait_selected(qtbot, table, events, [0])
    assert table.get_next_id() == 2
    table.next()
    wait_selected(qtbot, table, events, [2])
    table.next()
    wait_selected(qtbot, table, events, [5])  # 3 (mua) and 4 (masked) skipped
    table.next()
    wait_selected(qtbot, table, events, [6])
    assert table.get_next_id() is None  # 7 is noise
    table.previous()
    wait_selected(qtbot, table, events, [5])
    table.first()
    wait_selected(qtbot, table, events, [0])


def test_next_follows_sort_and_filter(qtbot, table, events):
    table.sort_by("n_spikes", "desc")  # 5, 2, 7, 3, 0, 4, 1, 6
    table.filter("id != 2")
    table.select([5])
    wait_selected(qtbot, table, events, [5])
    assert table.get_next_id() == 0
    got = []
    table.next(callback=got.append)
    qtbot.waitUntil(lambda: got == [[0]])
    assert table.get_previous_id() == 5


def test_change(qtbot, table, events):
    table.sort_by("n_spikes", "asc")
    table.change([{"id": 5, "n_spikes": 1}, {"id": 2, "group": "noise"}, {"id": 99, "x": 1}])
    assert table.get_ids()[0] == 5
    assert table.get(5)["n_spikes"] == 1
    assert table.get(5)["group"] == "good"
    assert 99 not in table.get_ids()
    table.sort_by("id", "asc")
    table.select([0])
    wait_selected(qtbot, table, events, [0])
    assert table.get_next_id() == 5  # 2 is now noise: skipped


def test_add_remove(qtbot, table, events):
    table.select([1, 2])
    wait_selected(qtbot, table, events, [1, 2])
    table.remove([1, 3])
    assert table.get_ids() == [0, 2, 4, 5, 6, 7]
    assert table.get_selected() == [2]
    table.add([{"id": 10, "n_spikes": 5, "group": "good"}])
    assert table.get_ids() == [0, 2, 4, 5, 6, 7, 10]
    table.remove_all()
    assert table.get_ids() == []
    assert table.get_selected() == []
    table.remove_all_and_add([{"id": 3, "n_spikes": 1}, {"id": 1, "n_spikes": 2}])
    assert table.get_ids() == [1, 3]


def test_build(qtbot, table):
    table.sort_by("n_spikes", "desc")
    table.filter("n_spikes > 5")
    built = []
    table.build(callback=lambda: built.append(True))
    qtbot.waitUntil(lambda: built == [True])
    assert table.get_ids() == [5, 2, 7, 3, 0, 4]
    assert table.get_current_sort() == ("n_spikes", "desc")


def test_busy_and_scroll(table):
    table.set_busy(True)
    assert is_busy(table)
    table.set_busy(False)
    assert not is_busy(table)
    table.scroll_to(7)
    assert table.get_ids() == list(range(8))


def test_driven_from_javascript(qtbot, table, events):
    if table.implementation != "html":
        pytest.skip("JavaScript only exists in the HTML table.")
    table.eval_js("table.sortBy('n_spikes', 'desc')")
    table.eval_js("table.filter('id > 2')")
    table.eval_js("table.select([4, 5], {from_js: true})")
    qtbot.waitUntil(lambda: last_event(events, SELECT) == (SELECT, ([4, 5],), {"from_js": True}))
    assert last_event(events, TABLE_SORT)[1] == ([5, 2, 7, 3, 0, 4, 1, 6],)
    assert last_event(events, TABLE_FILTER)[1] == ([5, 7, 3, 4, 6],)
    assert table.get_selected() == [4, 5]
    assert table.get_current_sort() == ("n_spikes", "desc")


def test_click_selection(qtbot, table, events):
    qtbot.waitExposed(table)
    click_row(qtbot, table, 2)
    wait_selected(qtbot, table, events, [2])
    click_row(qtbot, table, 5, Qt.ControlModifier)
    wait_selected(qtbot, table, events, [2, 5])
    click_row(qtbot, table, 2, Qt.ControlModifier)
    wait_selected(qtbot, table, events, [5])
    click_row(qtbot, table, 1)
    wait_selected(qtbot, table, events, [1])
    click_row(qtbot, table, 4, Qt.ShiftModifier)
    wait_selected(qtbot, table, events, [1, 2, 3, 4])
    assert last_event(events, SELECT)[2] == {}


def test_keyboard_selection(qtbot, table, events):
    qtbot.waitExposed(table)
    click_row(qtbot, table, 2)
    wait_selected(qtbot, table, events, [2])
    press_key(qtbot, table, Qt.Key_Down)
    wait_selected(qtbot, table, events, [3])
    press_key(qtbot, table, Qt.Key_Down, Qt.ShiftModifier)
    wait_selected(qtbot, table, events, [3, 4])
    press_key(qtbot, table, Qt.Key_Up)
    wait_selected(qtbot, table, events, [3])
    press_key(qtbot, table, Qt.Key_End)
    wait_selected(qtbot, table, events, [7])
    press_key(qtbot, table, Qt.Key_Home)
    wait_selected(qtbot, table, events, [0])


def test_click_header_sorts(qtbot, table, events):
    qtbot.waitExposed(table)
    click_header(qtbot, table, "n_spikes")
    qtbot.waitUntil(lambda: table.get_current_sort() == ("n_spikes", "asc"))
    click_header(qtbot, table, "n_spikes")
    qtbot.waitUntil(lambda: table.get_current_sort() == ("n_spikes", "desc"))
    assert header_texts(table)[:2] == ["id", "n_spikes ▼"]
    qtbot.waitUntil(lambda: last_event(events, TABLE_SORT)[1] == ([5, 2, 7, 3, 0, 4, 1, 6],))


def test_selection_colors(qtbot, table, events):
    """The selected rows are marked with the colors of the selected clusters, at the left."""
    qtbot.waitExposed(table)
    table.set_selected_index_offset(1)
    table.select([3, 1])
    wait_selected(qtbot, table, events, [3, 1])

    def marker_color(id):
        if table.implementation == "html":
            rect = _js(table, f"table.rowRect({id})")
            widget = table.impl
            point = QPoint(int(rect["x"] + 2), int(rect["y"] + rect["height"] / 2))
        else:
            view = table.impl.view
            rect = view.visualRect(table.impl.view_index(id))
            widget = view.viewport()
            point = QPoint(rect.x() + 2, rect.center().y())
        color = widget.grab().toImage().pixelColor(point)
        return color.red(), color.green(), color.blue()

    def expected(i):
        return tuple(round(255 * c) for c in selected_cluster_color(i)[:3])

    def close(c1, c2):
        return all(abs(a - b) <= 3 for a, b in zip(c1, c2))

    qtbot.waitUntil(lambda: close(marker_color(3), expected(1)))  # offset 1
    qtbot.waitUntil(lambda: close(marker_color(1), expected(2)))
    assert not close(marker_color(2), expected(1))


# -------------------------------------------------------------------------------------------------
# Choosing the implementation
# -------------------------------------------------------------------------------------------------

def write_config(config_dir, line):
    (config_dir / "phy_config.py").write_text(f"c = get_config()\n{line}\n")


def test_resolve_implementation(config_dir, monkeypatch):
    assert resolve_implementation("native") == "native"
    assert resolve_implementation() == "html"
    with pytest.raises(ValueError, match="implementation"):
        resolve_implementation("web")

    write_config(config_dir, "c.Table.implementation = 'native'")
    assert resolve_implementation() == "native"
    assert resolve_implementation("html") == "html"

    class MyTable(Table):
        pass

    write_config(config_dir, "c.MyTable.implementation = 'native'")
    assert resolve_implementation(cls=MyTable) == "native"
    assert resolve_implementation() == "html"
    MyTable.implementation = "html"
    assert resolve_implementation(cls=MyTable) == "html"

    monkeypatch.setattr(table_module, "HAS_WEBENGINE", False)
    assert resolve_implementation() == "native"
    assert resolve_implementation("html") == "native"


def test_table_from_config(qtbot, config_dir):
    write_config(config_dir, "c.Table.implementation = 'native'")
    table = Table(data=make_data())
    try:
        assert table.implementation == "native"
        assert table.columns == ["id", "n_spikes", "quality", "group", "name", "is_masked"]
        wait_ready(qtbot, table)
        with pytest.raises(RuntimeError, match="HTML table"):
            table.eval_js("1")
    finally:
        close_widget(table)


# -------------------------------------------------------------------------------------------------
# Large tables, start-up and fallback
# -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_large_table(qtbot, implementation):
    n = 5000
    data = [dict(id=i, n_spikes=(i * 7919) % 10007, group="good" if i % 3 else "noise")
            for i in range(n)]
    table = Table(columns=["id", "n_spikes", "group"], data=data, sort=("n_spikes", "desc"),
                  implementation=implementation)
    try:
        ready = []
        connect(lambda sender: ready.append(sender), event="ready", sender=table)
        table.resize(400, 300)
        table.show()
        qtbot.waitUntil(lambda: ready == [table], timeout=30000)
        qtbot.waitExposed(table)
        ids = table.get_ids()
        assert len(ids) == n
        assert ids[0] == max(range(n), key=lambda i: (i * 7919) % 10007)
        events = []
        connect(lambda sender, ids: events.append(ids), event=SELECT, sender=table)
        click_row(qtbot, table, ids[4000])  # far down: the table scrolls to it first
        qtbot.waitUntil(lambda: events == [[ids[4000]]])
        table.filter("group == 'noise' && n_spikes < 100")
        expected = sorted((d for d in data if d["group"] == "noise" and d["n_spikes"] < 100),
                          key=lambda d: -d["n_spikes"])
        assert table.get_ids() == [d["id"] for d in expected]
    finally:
        close_widget(table)


def test_fallback_to_native(qtbot, monkeypatch):
    """When the web engine's render process dies, the table goes on as a native table."""
    monkeypatch.setattr(table_module, "_webengine_failure", None)
    table = Table(columns=COLUMNS, data=make_data(), sort=("n_spikes", "asc"),
                  implementation="html")
    try:
        wait_ready(qtbot, table)
        table.filter("n_spikes > 5")
        assert table.get_ids() == [4, 0, 3, 7, 2, 5]
        table.impl.page().load(QUrl("chrome://crash"))  # kills the render process
        qtbot.waitUntil(lambda: table.implementation == "native", timeout=10000)
        assert not table_module.webengine_available()
        wait_ready(qtbot, table)
        assert table.get_ids() == [4, 0, 3, 7, 2, 5]
        assert resolve_implementation() == "native"
    finally:
        close_widget(table)


def test_no_debounced_event_after_deletion(qtbot):
    table = Table(data=make_data(), implementation="native")
    events = []
    connect(lambda sender, ids: events.append(ids), event=SELECT, sender=table)
    table.select([1])
    table.select([2])  # debounced: pending
    assert events == [[1]]
    debouncer = table.debouncer
    assert debouncer.is_waiting
    table.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    qtbot.waitUntil(lambda: not debouncer.is_waiting)
    assert events == [[1]]
