"""The native Qt implementation of the table.

A ``QTableView`` on a table model and a filter proxy, used when Qt WebEngine is not available
(or on request, see :class:`phy.gui.Table`).

It follows the rules of :mod:`phy.gui.table_rows` (formatting, sort order, filter expressions,
skipped rows), like the HTML table. The model holds the rows in the sorted order (sorting in
Python is much faster than per-comparison calls from the proxy); the proxy hides the rows that
do not pass the filter.

Like :class:`phy.gui.html_table.HTMLTable`, its methods call their callbacks with the results
(here at once, and the results are also returned) and report the events (``ready``,
``select``, ``table_sort``, ``table_filter``) to a ``relay`` function as ``relay(name, data)``.
"""

import logging
from contextlib import contextmanager

from phy.utils import selected_cluster_color

from .qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QColor,
    QFont,
    QFontMetrics,
    QHeaderView,
    QItemSelection,
    QItemSelectionModel,
    QLineEdit,
    QModelIndex,
    QPalette,
    QSortFilterProxyModel,
    QStyledItemDelegate,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)
from .table_rows import (
    FilterError,
    compile_filter,
    first_id,
    format_value,
    is_number,
    is_skipped,
    next_id,
    sort_rows,
)

logger = logging.getLogger(__name__)

#: Milliseconds between the last keystroke in the filter box and the filtering.
FILTER_DELAY = 250
ROW_HEIGHT = 20

_GROUP_COLORS = {"good": "#86d16d", "mua": "#d3a95b", "noise": "#8a8a8a"}
_SKIPPED_COLOR = "#5e5e5e"
_STYLE = """
QWidget { background-color: #0f0f0f; color: #d8d8d8; }
QLineEdit { margin: 3px; padding: 3px 6px; border: 1px solid #3a3a3a; border-radius: 2px;
            background-color: #1c1c1c; color: #eeeeee; font-family: monospace; }
QLineEdit:focus { border-color: #5a7fb5; }
QLineEdit[invalid="true"] { border-color: #d04040; color: #ff9090; }
QTableView { border: none; selection-background-color: #2b3d5c; outline: none; }
QHeaderView::section { background-color: #222222; color: #dddddd; border: none;
                       border-bottom: 1px solid #3a3a3a; padding: 3px 6px; }
"""


class TableModel(QAbstractTableModel):
    """Rows (dictionaries with an ``id``) in the display order, all of them (filtered or not)."""

    def __init__(self, columns, skip_groups, parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.skip_groups = tuple(skip_groups)
        self.data_by_id = {}  # id -> row, in insertion order
        self.rows = []  # rows in display order
        self.positions = {}  # id -> position in self.rows
        self.keys = set()  # every field name
        self.sort = None  # (name, dir) or None
        self.selection_index = {}  # id -> index in the selection, for the colors
        self.color_offset = 0

    # Qt model interface
    # ---------------------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()):  # noqa: N802, D102, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802, D102, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802, D102
        if orientation != Qt.Horizontal:
            return None
        name = self.columns[section]
        sorted_ = self.sort is not None and self.sort[0] == name
        if role == Qt.DisplayRole:
            return name + ((" ▲" if self.sort[1] == "asc" else " ▼") if sorted_ else "")
        if role == Qt.FontRole and sorted_:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def data(self, index, role=Qt.DisplayRole):  # noqa: D102
        row = self.rows[index.row()]
        if role == Qt.DisplayRole:
            return format_value(row.get(self.columns[index.column()]))
        if role == Qt.TextAlignmentRole:
            right = is_number(row.get(self.columns[index.column()]))
            return int((Qt.AlignRight if right else Qt.AlignLeft) | Qt.AlignVCenter)
        if role == Qt.ForegroundRole:
            return self.row_color(row)
        if role == Qt.UserRole:
            return row["id"]
        return None

    # Rows
    # ---------------------------------------------------------------------------------------------

    def row_color(self, row):
        """Text color of a row: grey if skipped, else the color of its group (or None)."""
        if is_skipped(row, self.skip_groups):
            return QColor(_SKIPPED_COLOR)
        color = _GROUP_COLORS.get(row.get("group"))
        return QColor(color) if color else None

    def selection_color(self, id):
        """Color of a selected row's marker, or None if the row is not selected."""
        k = self.selection_index.get(id)
        if k is None:
            return None
        return QColor.fromRgbF(*selected_cluster_color(k + self.color_offset))

    def skipped_ids(self):
        """Ids of the rows skipped by next/previous."""
        return {r["id"] for r in self.rows if is_skipped(r, self.skip_groups)}

    def _ordered(self):
        rows = list(self.data_by_id.values())
        return sort_rows(rows, *self.sort) if self.sort else rows

    def reset_rows(self):
        """Recompute the display order after rows were added or removed."""
        self.beginResetModel()
        self.rows = self._ordered()
        self.positions = {r["id"]: i for i, r in enumerate(self.rows)}
        self.endResetModel()

    def reorder(self):
        """Recompute the display order of the same rows (after a sort or a change)."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_ids = [self.rows[i.row()]["id"] for i in old]
        self.rows = self._ordered()
        self.positions = {r["id"]: i for i, r in enumerate(self.rows)}
        self.changePersistentIndexList(
            old, [self.index(self.positions[id], i.column()) for id, i in zip(old_ids, old)])
        self.layoutChanged.emit()

    def set_columns(self, columns):
        """Change the columns shown."""
        self.beginResetModel()
        self.columns = list(columns)
        self.endResetModel()

    def add(self, objects):
        """Add rows (an existing id is replaced)."""
        for obj in objects:
            self.data_by_id[obj["id"]] = dict(obj)
            self.keys.update(obj)
        self.reset_rows()

    def change(self, objects):
        """Change some fields of existing rows."""
        for obj in objects:
            if obj["id"] in self.data_by_id:
                self.data_by_id[obj["id"]].update(obj)
                self.keys.update(obj)
        self.reorder()
        self.dataChanged.emit(
            self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))

    def remove(self, ids):
        """Remove rows."""
        for id in ids:
            self.data_by_id.pop(id, None)
        self.reset_rows()

    def remove_all(self):
        """Remove all rows."""
        self.data_by_id.clear()
        self.reset_rows()


class FilterProxy(QSortFilterProxyModel):
    """Hide the rows that do not pass the filter (sorting is done by the model)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.accepted = None  # ids passing the filter, or None if there is no filter

    def filterAcceptsRow(self, source_row, source_parent):  # noqa: N802, D102
        return self.accepted is None or (
            self.sourceModel().rows[source_row]["id"] in self.accepted)


class _Delegate(QStyledItemDelegate):
    """Keep the group colors in selected rows and mark the selected rows with their color."""

    def initStyleOption(self, option, index):  # noqa: N802, D102
        super().initStyleOption(option, index)
        color = index.data(Qt.ForegroundRole)
        if color is not None:
            option.palette.setColor(QPalette.HighlightedText, color)

    def paint(self, painter, option, index):  # noqa: D102
        super().paint(painter, option, index)
        if index.column() == 0:
            color = self.parent().table_model.selection_color(index.data(Qt.UserRole))
            if color is not None:
                r = option.rect
                painter.fillRect(r.x(), r.y(), 6, r.height(), color)


class _TableView(QTableView):
    """A table view remembering the modifiers of the last click or key press."""

    def __init__(self, model, parent=None):
        super().__init__(parent)
        self.table_model = model
        self.last_modifiers = Qt.NoModifier
        self.setItemDelegate(_Delegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setSortingEnabled(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setSortIndicatorShown(False)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignLeft | Qt.AlignVCenter)
        header.setStretchLastSection(True)

    def mousePressEvent(self, e):  # noqa: N802, D102
        if not self.indexAt(e.pos()).isValid():
            return  # a click below the rows keeps the selection
        self.last_modifiers = e.modifiers()
        super().mousePressEvent(e)

    def keyPressEvent(self, e):  # noqa: N802, D102
        self.last_modifiers = e.modifiers()
        super().keyPressEvent(e)

    def moveCursor(self, action, modifiers):  # noqa: N802, D102
        # Home and End go to the first and last rows (not columns).
        model = self.model()
        if action == QAbstractItemView.MoveHome and model.rowCount():
            return model.index(0, max(0, self.currentIndex().column()))
        if action == QAbstractItemView.MoveEnd and model.rowCount():
            return model.index(model.rowCount() - 1, max(0, self.currentIndex().column()))
        return super().moveCursor(action, modifiers)


class _FilterBox(QLineEdit):
    """The filter text box: Enter filters at once, Escape clears the filter."""

    def __init__(self, apply, parent=None):
        super().__init__(parent)
        self._apply = apply
        self.setPlaceholderText(
            "filter: JavaScript expression, e.g. n_spikes > 100 && group != 'noise'")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY)
        self._timer.timeout.connect(lambda: self._apply(self.text()))
        self.textEdited.connect(lambda _: self._timer.start())
        self.returnPressed.connect(lambda: self._apply(self.text()))

    def keyPressEvent(self, e):  # noqa: N802, D102
        if e.key() == Qt.Key_Escape:
            self._apply("")
        else:
            super().keyPressEvent(e)

    def set_invalid(self, message):
        """Show whether the expression is invalid (message) or not (None)."""
        self._timer.stop()
        self.setProperty("invalid", "true" if message else "false")
        self.setToolTip(message or "")
        self.style().unpolish(self)
        self.style().polish(self)


class NativeTable(QWidget):
    """A table in a ``QTableView``, with a filter box above.

    Parameters
    ----------
    parent : QWidget
    columns : list of str
    sort : tuple
        Initial ``(name, 'asc' or 'desc')``, or None.
    skip_groups : list-like
        Groups skipped by next/previous.
    relay : function
        Called as ``relay(name, data)`` with every event.
    title : str

    """

    def __init__(self, parent=None, columns=(), sort=None, skip_groups=(), relay=None, title=""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(_STYLE)
        self._relay = relay or (lambda name, data: None)
        self._selected = []
        self._anchor = None
        self._filter_text = ""
        self._filter = None
        self._updating = False
        self.table_model = TableModel(columns, skip_groups, self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self.table_model)
        self.view = _TableView(self.table_model, self)
        self.view.setModel(self.proxy)
        self.view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.view.horizontalHeader().sectionClicked.connect(self._on_header_clicked)
        self.filter_box = _FilterBox(self.filter, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.view)
        if sort:
            self.table_model.sort = (sort[0], sort[1])
            self._update_header()
        QTimer.singleShot(0, lambda: self._relay("ready", None))

    def is_ready(self):
        """Always True: the native table is ready at once."""
        return True

    def build(self, callback=None):
        """Empty the table (the data is then added again by ``Table``)."""
        self.remove_all()
        if callback is not None:
            callback()

    # Helpers
    # ---------------------------------------------------------------------------------------------

    def _shown_ids(self):
        accepted = self.proxy.accepted
        return [r["id"] for r in self.table_model.rows if accepted is None or r["id"] in accepted]

    def _view_index(self, id):
        """Index of a row in the view, invalid if the row is hidden or absent."""
        pos = self.table_model.positions.get(id)
        if pos is None:
            return QModelIndex()
        return self.proxy.mapFromSource(self.table_model.index(pos, 0))

    @contextmanager
    def _programmatic(self):
        """Ignore the view's selection changes meanwhile (they are not the user's)."""
        self._updating, previous = True, self._updating
        try:
            yield
        finally:
            self._updating = previous

    def _set_selection(self, ids):
        seen = set()
        data = self.table_model.data_by_id
        self._selected = [i for i in ids if i in data and not (i in seen or seen.add(i))]
        self.table_model.selection_index = {id: k for k, id in enumerate(self._selected)}

    def _show_selection(self):
        """Make the view's selection that of ``self._selected``."""
        selection = QItemSelection()
        last = QModelIndex()
        for id in self._selected:
            index = self._view_index(id)
            if index.isValid():
                selection.select(index, index)
                last = index
        with self._programmatic():
            model = self.view.selectionModel()
            model.select(selection, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
            if last.isValid():
                model.setCurrentIndex(last, QItemSelectionModel.NoUpdate)
        self.view.viewport().update()

    def _apply_filter(self):
        """Recompute the rows passing the filter."""
        if self._filter is None:
            self.proxy.accepted = None
        else:
            self.proxy.accepted = {
                r["id"] for r in self.table_model.data_by_id.values() if self._filter(r)}
        # invalidate() remaps all rows at once: much faster than invalidateFilter(), which
        # removes and inserts the rows range by range.
        self.proxy.invalidate()

    def _data_changed(self, update):
        """Update the model with `update()`, then the filter, the selection and the widths."""
        with self._programmatic():
            update()
            if self._filter_text:
                self._filter = compile_filter(self._filter_text, self.table_model.keys)
            self._apply_filter()
        self._set_selection(self._selected)
        self._update_column_widths()
        self._show_selection()

    def _update_column_widths(self):
        """Each column as wide as its longest text (in characters), within bounds."""
        metrics = QFontMetrics(self.view.font())
        char = metrics.horizontalAdvance("0")
        rows = self.table_model.data_by_id.values()
        for j, name in enumerate(self.table_model.columns):
            n = max([len(name) + 2] + [len(format_value(r.get(name))) for r in rows])
            self.view.setColumnWidth(j, (min(n, 40) + 1) * char + 12)

    def _update_header(self):
        self.table_model.headerDataChanged.emit(
            Qt.Horizontal, 0, max(0, len(self.table_model.columns) - 1))

    # Data
    # ---------------------------------------------------------------------------------------------

    def set_columns(self, columns):
        """Change the columns shown."""
        self._data_changed(lambda: self.table_model.set_columns(columns))
        self._update_header()

    def add(self, objects):
        """Add rows (dictionaries with an ``id``); an existing id is replaced."""
        self._data_changed(lambda: self.table_model.add(objects))

    def change(self, objects):
        """Change some fields of existing rows."""
        self._data_changed(lambda: self.table_model.change(objects))

    def remove(self, ids):
        """Remove rows."""
        self._data_changed(lambda: self.table_model.remove(ids))

    def remove_all(self):
        """Remove all rows."""
        self._data_changed(self.table_model.remove_all)

    def remove_all_and_add(self, objects):
        """Replace all rows."""
        self._set_selection([])
        self._data_changed(lambda: (self.table_model.data_by_id.clear(),
                                    self.table_model.add(objects)))

    # View
    # ---------------------------------------------------------------------------------------------

    def sort_by(self, name, sort_dir="asc"):
        """Sort by a column."""
        self.table_model.sort = (name, "desc" if sort_dir == "desc" else "asc")
        with self._programmatic():
            self.table_model.reorder()
        self._update_header()
        self._show_selection()
        self._relay("table_sort", {"ids": self._shown_ids(), "sort": list(self.table_model.sort)})

    def _on_header_clicked(self, section):
        name = self.table_model.columns[section]
        sort = self.table_model.sort
        self.sort_by(name, "desc" if sort == (name, "asc") else "asc")

    def filter(self, text=""):
        """Filter the rows with a JavaScript expression; return False if it is invalid."""
        text = (text or "").strip()
        if self.filter_box.text().strip() != text:
            self.filter_box.setText(text)
        try:
            matches = compile_filter(text, self.table_model.keys) if text else None
        except FilterError as e:
            self.filter_box.set_invalid(str(e))
            logger.warning("Invalid filter expression %r: %s", text, e)
            return False
        self.filter_box.set_invalid(None)
        self._filter_text, self._filter = text, matches
        with self._programmatic():
            self._apply_filter()
        self._show_selection()
        self._relay("table_filter", {"ids": self._shown_ids(), "filter": text})
        return True

    def scroll_to(self, id):
        """Scroll until a row is visible."""
        index = self._view_index(id)
        if index.isValid():
            self.view.scrollTo(index, QAbstractItemView.EnsureVisible)

    def set_busy(self, busy):
        """Show or hide the busy state (a busy cursor)."""
        if busy:
            self.view.viewport().setCursor(Qt.BusyCursor)
        else:
            self.view.viewport().unsetCursor()

    def set_selected_index_offset(self, n):
        """Offset of the selection index used to color the selected rows."""
        self.table_model.color_offset = int(n)
        self.view.viewport().update()

    # Selection
    # ---------------------------------------------------------------------------------------------

    def _change_selection(self, ids, kwargs=None):
        self._set_selection(ids)
        self._show_selection()
        if self._selected:
            self.scroll_to(self._selected[0])
        self._relay("select", {"selected": list(self._selected), "kwargs": kwargs or {}})
        return list(self._selected)

    def _on_selection_changed(self, selected, deselected):
        """Selection changed by the user: keep the selection order, emit the select event."""
        if self._updating:
            return
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})
        ids = [self.proxy.index(r, 0).data(Qt.UserRole) for r in rows]
        if self.view.last_modifiers & (Qt.ControlModifier | Qt.MetaModifier):
            # Toggle: keep the previous selection (hidden rows included), in its order.
            shown = set(self._shown_ids())
            current = set(ids)
            kept = [i for i in self._selected if i in current or i not in shown]
            ids = kept + [i for i in ids if i not in set(kept)]
        self._set_selection(ids)
        self.view.viewport().update()
        self._relay("select", {"selected": list(self._selected), "kwargs": {}})

    def select(self, ids, kwargs=None, callback=None, errback=None):
        """Select rows; the callback receives (and this returns) the new selection."""
        return _reply(self._change_selection(ids, kwargs), callback)

    def _select_one(self, id, callback):
        selection = list(self._selected) if id is None else self._change_selection([id])
        return _reply(selection, callback)

    def first(self, callback=None, errback=None):
        """Select the first non-skipped row."""
        return self._select_one(
            first_id(self._shown_ids(), self.table_model.skipped_ids()), callback)

    def next(self, callback=None, errback=None):
        """Select the next non-skipped row."""
        return self._select_one(self.get_next_id(), callback)

    def previous(self, callback=None, errback=None):
        """Select the previous non-skipped row."""
        return self._select_one(self.get_previous_id(), callback)

    # Queries
    # ---------------------------------------------------------------------------------------------

    def get_ids(self, callback=None, errback=None):
        """The shown ids, in order."""
        return _reply(self._shown_ids(), callback)

    def get_selected(self, callback=None, errback=None):
        """The selected ids, in selection order."""
        return _reply(list(self._selected), callback)

    def get_next_id(self, callback=None, errback=None):
        """The id next() would select, or None."""
        return _reply(next_id(
            self._shown_ids(), self._selected, self.table_model.skipped_ids(), +1), callback)

    def get_previous_id(self, callback=None, errback=None):
        """The id previous() would select, or None."""
        return _reply(next_id(
            self._shown_ids(), self._selected, self.table_model.skipped_ids(), -1), callback)

    def get_current_sort(self, callback=None, errback=None):
        """The current sort as ``[name, dir]``, or None."""
        sort = self.table_model.sort
        return _reply(list(sort) if sort else None, callback)


def _reply(value, callback):
    """Call the callback with the value (if there is a callback) and return the value."""
    if callback is not None:
        callback(value)
    return value
