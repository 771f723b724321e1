"""The native Qt renderer of the table: a ``QTableView`` drawing a row store.

Used by :class:`phy.gui.Table` when Qt WebEngine is not available, when the page never
becomes ready or its render process dies, or on request. It draws a
:class:`phy.utils.row_store.RowStore` (the rows in the store's order, the cell texts of
:mod:`phy.utils.table_rows`, cached by the store, and the store's selection) and applies no rule
of its own; it asks the store for the cells of the rows it paints only. The user's
clicks, navigation keys, header clicks and filter text go to the table's ``user_*`` methods,
which update the store; the store's changes come back through :meth:`NativeTable.render`.
"""

import logging

from phy.utils import selected_cluster_color
from phy.utils.row_store import Change

from .qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QColor,
    QFont,
    QFontMetrics,
    QHeaderView,
    QItemSelection,
    QItemSelectionModel,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPalette,
    QStyledItemDelegate,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
)

logger = logging.getLogger(__name__)

#: Milliseconds between the last keystroke in the filter box and the filtering.
FILTER_DELAY = 250
ROW_HEIGHT = 20

_GROUP_COLORS = {"good": "#86d16d", "mua": "#d3a95b", "noise": "#8a8a8a"}
_SKIPPED_COLOR = "#5e5e5e"
_COLORS = {c: QColor(c) for c in (_SKIPPED_COLOR, *_GROUP_COLORS.values())}
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
_LEFT = int(Qt.AlignLeft | Qt.AlignVCenter)
_STYLE = """
QWidget { background-color: #0f0f0f; color: #d8d8d8; }
QLineEdit { margin: 3px; padding: 3px 6px; border: 1px solid #3a3a3a; border-radius: 2px;
            background-color: #1c1c1c; color: #eeeeee; font-family: monospace; }
QLineEdit:focus { border-color: #5a7fb5; }
QLineEdit[invalid="true"] { border-color: #d04040; color: #ff9090; }
QLabel { margin: 3px; padding: 3px 6px; background-color: #4a1c1c; color: #ffb0b0; }
QTableView { border: none; selection-background-color: #2b3d5c; outline: none; }
QHeaderView::section { background-color: #222222; color: #dddddd; border: none;
                       border-bottom: 1px solid #3a3a3a; padding: 3px 6px; }
"""

#: Qt keys -> the names of the navigation keys of the row store.
_KEYS = {Qt.Key_Down: "ArrowDown", Qt.Key_Up: "ArrowUp", Qt.Key_PageDown: "PageDown",
         Qt.Key_PageUp: "PageUp", Qt.Key_Home: "Home", Qt.Key_End: "End"}


class StoreModel(QAbstractTableModel):
    """The shown rows of a row store, in its order, as a Qt table model."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.ids = list(store.ids)
        self.columns = store.columns

    def rowCount(self, parent=QModelIndex()):  # noqa: N802, D102, B008
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()):  # noqa: N802, D102, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802, D102
        if orientation != Qt.Horizontal or section >= len(self.columns):
            return None
        name, sort = self.columns[section], self.store.sort
        sorted_ = sort is not None and sort[0] == name
        if role == Qt.DisplayRole:
            return name + ((" ▲" if sort[1] == "asc" else " ▼") if sorted_ else "")
        if role == Qt.FontRole and sorted_:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def data(self, index, role=Qt.DisplayRole):  # noqa: D102
        id = self.ids[index.row()]
        if role == Qt.UserRole:
            return id
        if role == Qt.DisplayRole:
            return self.store.cells(id)[0][index.column()]
        if role == Qt.TextAlignmentRole:
            right = self.store.cells(id)[1][index.column()]
            return _RIGHT if right else _LEFT
        if role == Qt.ForegroundRole:
            if id in self.store.skipped:
                return _COLORS[_SKIPPED_COLOR]
            color = _GROUP_COLORS.get(self.store.row(id).get("group"))
            return _COLORS[color] if color else None
        return None

    def reset(self):
        """Take the store's shown order and columns."""
        self.beginResetModel()
        self.ids = list(self.store.ids)
        self.columns = self.store.columns
        self.endResetModel()

    def refresh(self):
        """The cells of the same rows changed."""
        if self.ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.ids) - 1, len(self.columns) - 1))

    def selection_color(self, id):
        """Color of a selected row's marker, or None if the row is not selected."""
        store = self.store
        if id not in store.selected:
            return None
        return QColor.fromRgbF(
            *selected_cluster_color(store.selected.index(id) + store.color_offset))


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
            color = index.model().selection_color(index.data(Qt.UserRole))
            if color is not None:
                r = option.rect
                painter.fillRect(r.x(), r.y(), 6, r.height(), color)


class _TableView(QTableView):
    """A table view reporting the clicks and navigation keys instead of selecting itself."""

    def __init__(self, model, owner, parent=None):
        super().__init__(parent)
        self._owner = owner
        self.setModel(model)
        self.setItemDelegate(_Delegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.NoSelection)  # the store selects
        self.setShowGrid(False)
        self.setAutoScroll(False)  # the table scrolls to the rows the store says (scroll_to)
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
        self.setFocus()
        index = self.indexAt(e.pos())
        if index.isValid() and e.button() == Qt.LeftButton:
            modifiers = e.modifiers()
            self._owner.user_click(
                index.data(Qt.UserRole), ctrl=bool(modifiers & (Qt.ControlModifier |
                                                               Qt.MetaModifier)),
                shift=bool(modifiers & Qt.ShiftModifier))

    def keyPressEvent(self, e):  # noqa: N802, D102
        key = _KEYS.get(e.key())
        if key is None:
            super().keyPressEvent(e)
            return
        page = max(1, self.viewport().height() // ROW_HEIGHT - 1)
        self._owner.user_key(key, shift=bool(e.modifiers() & Qt.ShiftModifier), page=page)


class _FilterBox(QLineEdit):
    """The filter text box: typing (after a pause) or Enter filters, Escape clears."""

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
            self.setText("")
            self._apply("")
        else:
            super().keyPressEvent(e)

    def show_state(self, text, message):
        """Show the store's filter text (unless the last expression, kept, was invalid)."""
        if not message and self.text().strip() != text:
            self.setText(text)
        self.setProperty("invalid", "true" if message else "false")
        self.setToolTip(message or "")
        self.style().unpolish(self)
        self.style().polish(self)


class NativeTable(QWidget):
    """A ``QTableView`` and a filter box drawing a row store.

    Parameters
    ----------
    store : RowStore
        The store drawn.
    owner : Table
        Receives the user's input: ``user_click(id, ctrl, shift)``, ``user_key(key, shift,
        page)``, ``user_sort(name)``, ``user_filter(text)``.
    parent : QWidget

    """

    def __init__(self, store, owner, parent=None):
        super().__init__(parent)
        self.setStyleSheet(_STYLE)
        self.store = store
        self.model = StoreModel(store, self)
        self.view = _TableView(self.model, owner, self)
        self.view.horizontalHeader().sectionClicked.connect(
            lambda section: owner.user_sort(self.model.columns[section]))
        self.filter_box = _FilterBox(owner.user_filter, self)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.view)
        self.render(Change(reset=True, order=True, selection=True))

    def render(self, change):
        """Draw what changed in the store."""
        rows = change.reset or change.rows or change.removed
        if change.reset or change.order:
            self.model.reset()
        elif rows:
            self.model.refresh()
        if rows:
            self._update_column_widths()
        if change.reset or change.order:
            self.model.headerDataChanged.emit(
                Qt.Horizontal, 0, max(0, len(self.model.columns) - 1))
            self.filter_box.show_state(self.store.filter_text, self.store.filter_error)
        if change.reset or change.order or change.selection:
            self._show_selection()

    def view_index(self, id):
        """The index of a row in the view, invalid if it is not shown."""
        pos = self.store.position(id)
        return self.model.index(pos, 0) if pos is not None else QModelIndex()

    def _show_selection(self):
        selection = QItemSelection()
        for id in self.store.selected:
            index = self.view_index(id)
            if index.isValid():
                selection.select(index, index)
        model = self.view.selectionModel()
        model.select(selection, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        cursor = self.view_index(self.store.cursor)
        if cursor.isValid():
            model.setCurrentIndex(cursor, QItemSelectionModel.NoUpdate)
        self.view.viewport().update()

    def _update_column_widths(self):
        """Each column as wide as its longest text (in characters), within bounds."""
        char = QFontMetrics(self.view.font()).horizontalAdvance("0")
        for j, (name, width) in enumerate(zip(self.model.columns, self.store.text_widths())):
            n = max(len(name) + 2, width)
            self.view.setColumnWidth(j, (min(n, 40) + 1) * char + 12)

    def scroll_to(self, id):
        """Scroll until a row is visible."""
        index = self.view_index(id)
        if index.isValid():
            self.view.scrollTo(index, QAbstractItemView.EnsureVisible)

    def set_busy(self, busy):
        """Show or hide the busy state (a busy cursor)."""
        if busy:
            self.view.viewport().setCursor(Qt.BusyCursor)
        else:
            self.view.viewport().unsetCursor()

    def show_error(self, message):
        """Show an error above the rows (an empty message hides it)."""
        self.error_label.setText(message or "")
        self.error_label.setVisible(bool(message))
