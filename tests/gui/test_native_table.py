"""Tests specific to the native Qt table (the shared behaviour is tested in test_table.py)."""

import pytest

from phy.gui.native_table import NativeTable
from phy.gui.qt import QApplication, QColor, QEvent, QPoint, Qt

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
    events = []
    table = NativeTable(columns=COLUMNS, skip_groups=("noise", "mua"),
                        relay=lambda name, data: events.append((name, data)))
    table.events = events
    table.add([dict(d) for d in DATA])
    table.resize(400, 300)
    table.show()
    qtbot.waitExposed(table)
    yield table
    table.close()
    table.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def cell(table, id, name, role=Qt.DisplayRole):
    model = table.table_model
    return model.index(model.positions[id], COLUMNS.index(name)).data(role)


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
    qtbot.waitUntil(lambda: ("ready", None) in table.events)
    assert table.is_ready()


def test_sort_keeps_the_view_selection(table):
    table.select([0, 4])
    table.sort_by("n_spikes", "desc")
    assert table.get_ids() == [2, 3, 0, 4, 1]
    selected_rows = {i.row() for i in table.view.selectionModel().selectedRows()}
    assert selected_rows == {2, 3}
    assert table.get_selected() == [0, 4]
    # Rows passing through the filter keep their selection.
    table.filter("n_spikes < 20")
    selected_rows = {i.row() for i in table.view.selectionModel().selectedRows()}
    assert [table.proxy.index(r, 0).data(Qt.UserRole) for r in sorted(selected_rows)] == [0, 4]


def test_ctrl_click_keeps_hidden_selected_rows(qtbot, table):
    table.select([2, 0])
    table.filter("id != 2")
    rect = table.view.visualRect(table._view_index(4))
    qtbot.mouseClick(table.view.viewport(), Qt.LeftButton, Qt.ControlModifier, rect.center())
    assert table.get_selected() == [2, 0, 4]
    qtbot.mouseClick(table.view.viewport(), Qt.LeftButton, Qt.NoModifier, rect.center())
    assert table.get_selected() == [4]


def test_click_below_rows_keeps_selection(qtbot, table):
    table.select([1])
    qtbot.mouseClick(table.view.viewport(), Qt.LeftButton, Qt.NoModifier,
                     QPoint(10, table.view.viewport().height() - 5))
    assert table.get_selected() == [1]


def test_filter_box(qtbot, table):
    qtbot.keyClicks(table.filter_box, "n_spikes >")
    qtbot.keyClick(table.filter_box, Qt.Key_Return)
    assert table.filter_box.property("invalid") == "true"
    assert "Invalid filter expression" in table.filter_box.toolTip()
    assert table.get_ids() == [0, 1, 2, 3, 4]
    qtbot.keyClicks(table.filter_box, " 20")
    # Typing filters after a short delay.
    qtbot.waitUntil(lambda: table.get_ids() == [2, 3])
    assert table.filter_box.property("invalid") == "false"
    assert table.events[-1] == ("table_filter", {"ids": [2, 3], "filter": "n_spikes > 20"})
    qtbot.keyClick(table.filter_box, Qt.Key_Escape)
    assert table.get_ids() == [0, 1, 2, 3, 4]
    assert table.filter_box.text() == ""


def test_column_widths(table):
    table.add([dict(id=5, group="a very long group name indeed")])
    width = table.view.columnWidth(COLUMNS.index("group"))
    assert width > table.view.columnWidth(COLUMNS.index("id"))
    assert width >= table.view.fontMetrics().horizontalAdvance("a very long group name indeed")


def test_selection_color_offset(table):
    table.select([0, 4])
    model = table.table_model
    first, second = model.selection_color(0), model.selection_color(4)
    assert first != second
    table.set_selected_index_offset(1)
    assert model.selection_color(0) == second
    assert model.selection_color(1) is None
