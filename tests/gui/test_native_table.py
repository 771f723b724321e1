"""Tests specific to the native renderer (the shared behaviour is tested in test_table.py)."""

import pytest

from phy.gui.qt import QApplication, QColor, QEvent, QPoint, Qt
from phy.gui.table import Table
from phy.utils import connect
from phy.utils.bus_events import READY, TABLE_FILTER

COLUMNS = ["id", "n_spikes", "quality", "group"]
DATA = [
    dict(id=0, n_spikes=10, quality=0.25, group="good"),
    dict(id=1, n_spikes=2, quality=None, group="noise"),
    dict(id=2, n_spikes=300, quality=1.5, group="mua"),
    dict(id=3, n_spikes=25, quality=0.75, group=None, is_masked=True),
    dict(id=4, n_spikes=7, quality=0.5, group=None),
]


@pytest.fixture
def table(qtbot):
    table = Table(columns=COLUMNS, data=[dict(d) for d in DATA], implementation="native")
    events = []
    for name in (READY, TABLE_FILTER):
        connect(lambda sender, *args, _n=name: events.append((_n, args)), event=name,
                sender=table)
    table.events = events
    table.resize(400, 300)
    table.show()
    qtbot.waitExposed(table)
    yield table
    table.close()
    table.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def cell(table, id, name, role=Qt.DisplayRole):
    return table.impl.view_index(id).siblingAtColumn(COLUMNS.index(name)).data(role)


def shown_selection(table):
    """The ids of the rows the view shows as selected, in the shown order."""
    rows = sorted(i.row() for i in table.impl.view.selectionModel().selectedRows())
    return [table.impl.model.index(r, 0).data(Qt.UserRole) for r in rows]


def test_model_roles(table):
    assert cell(table, 2, "quality") == "1.50"
    assert cell(table, 1, "quality") == ""
    assert cell(table, 0, "group") == "good"
    assert cell(table, 4, "id", Qt.UserRole) == 4
    assert cell(table, 0, "n_spikes", Qt.TextAlignmentRole) & Qt.AlignRight
    assert cell(table, 0, "group", Qt.TextAlignmentRole) & Qt.AlignLeft
    grey = QColor("#5e5e5e")
    # Skipped rows are greyed: noise, mua, and masked rows.
    assert [cell(table, i, "id", Qt.ForegroundRole) == grey for i in range(5)] == [
        False, True, True, True, False]
    assert cell(table, 0, "id", Qt.ForegroundRole) == QColor("#86d16d")
    assert cell(table, 4, "id", Qt.ForegroundRole) is None


def test_ready_event(qtbot, table):
    qtbot.waitUntil(lambda: (READY, ()) in table.events)
    assert table.is_ready()


def test_js_members_raise(table):
    for method, args in (("eval_js", ("1",)), ("set_html", ("<p/>",)), ("view_source", ())):
        with pytest.raises(RuntimeError, match=f"{method}.*HTML table"):
            getattr(table, method)(*args)


def test_sort_keeps_the_view_selection(table):
    table.select([0, 4])
    table.sort_by("n_spikes", "desc")
    assert table.get_ids() == [2, 3, 0, 4, 1]
    assert shown_selection(table) == [0, 4]
    assert table.get_selected() == [0, 4]
    table.filter("n_spikes < 20")  # rows passing the filter keep their selection
    assert shown_selection(table) == [0, 4]


def test_ctrl_click_keeps_hidden_selected_rows(qtbot, table):
    table.select([2, 0])
    table.filter("id != 2")
    rect = table.impl.view.visualRect(table.impl.view_index(4))
    qtbot.mouseClick(table.impl.view.viewport(), Qt.LeftButton, Qt.ControlModifier,
                     rect.center())
    assert table.get_selected() == [2, 0, 4]
    qtbot.mouseClick(table.impl.view.viewport(), Qt.LeftButton, Qt.NoModifier, rect.center())
    assert table.get_selected() == [4]
    assert shown_selection(table) == [4]


def test_click_below_rows_keeps_selection(qtbot, table):
    table.select([1])
    view = table.impl.view
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier,
                     QPoint(10, view.viewport().height() - 5))
    assert table.get_selected() == [1]


def test_filter_box(qtbot, table):
    box = table.impl.filter_box
    qtbot.keyClicks(box, "n_spikes >")
    qtbot.keyClick(box, Qt.Key_Return)
    assert box.property("invalid") == "true"
    assert "Invalid filter expression" in box.toolTip() or "invalid" in box.toolTip().lower()
    assert table.get_ids() == [0, 1, 2, 3, 4]
    qtbot.keyClicks(box, " 20")
    qtbot.waitUntil(lambda: table.get_ids() == [2, 3])  # typing filters after a short delay
    assert box.property("invalid") == "false"
    assert table.events[-1] == (TABLE_FILTER, ([2, 3],))
    qtbot.keyClick(box, Qt.Key_Escape)
    assert table.get_ids() == [0, 1, 2, 3, 4]
    assert box.text() == ""


def test_column_widths(table):
    view = table.impl.view
    table.add([dict(id=5, group="a very long group name indeed")])
    width = view.columnWidth(COLUMNS.index("group"))
    assert width > view.columnWidth(COLUMNS.index("id"))
    assert width >= view.fontMetrics().horizontalAdvance("a very long group name indeed")


def test_selection_color_offset(table):
    table.select([0, 4])
    model = table.impl.model
    first, second = model.selection_color(0), model.selection_color(4)
    assert first != second
    table.set_selected_index_offset(1)
    assert model.selection_color(0) == second
    assert model.selection_color(1) is None


def test_error_in_a_select_callback_is_shown(qtbot, table, caplog):
    """An exception in a callback of the user's click is logged and shown, not raised."""
    def fail(sender, ids, **kwargs):
        raise ValueError("boom")

    connect(fail, event="select", sender=table)
    rect = table.impl.view.visualRect(table.impl.view_index(4))
    qtbot.mouseClick(table.impl.view.viewport(), Qt.LeftButton, Qt.NoModifier, rect.center())
    assert table.get_selected() == [4]
    assert "boom" in caplog.text
    assert table.impl.error_label.isVisible()
    assert "ValueError: boom" in table.impl.error_label.text()


def test_sort_keeps_the_scroll_position(qtbot):
    """Like the page, the view stays where the user scrolled (no jump to the selected row)."""
    table = Table(columns=["id", "n"], data=[dict(id=i, n=i % 7) for i in range(500)],
                  implementation="native")
    try:
        table.resize(400, 300)
        table.show()
        qtbot.waitExposed(table)
        table.select([0])
        bar = table.impl.view.verticalScrollBar()
        bar.setValue(bar.maximum() // 2)
        value = bar.value()
        table.sort_by("n", "desc")
        assert bar.value() == value > 0
        assert table.get_selected() == [0]
    finally:
        table.close()
        table.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
