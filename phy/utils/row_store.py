"""The one truth of a table: rows, columns, sort, filter and selection, without Qt.

A :class:`RowStore` holds the rows of a table (dictionaries with an ``id``), the columns shown,
the sort, the filter expression, and the selection (in selection order). It gives the shown
order (:attr:`RowStore.ids`) and the rows that next/previous skip, with the rules of
:mod:`phy.utils.table_rows`, and it turns the user's clicks and keys into selections.

The tables of :mod:`phy.gui` (HTML and native) only render a store and report the user's
clicks, keys, header clicks and filter text back to it; the headless cluster core
(:mod:`phy.cluster.wizard`) walks the very same store, so the order the wizard walks is the
order on screen.

A store tells the one object rendering it what changed by calling ``store.on_change(change)``
with a :class:`Change` after every change.

Thousands of rows stay fast: the sort ranks of a column, the ids passing the filter, the cell
texts of a row (:meth:`RowStore.cells`) and the width of a column's texts
(:meth:`RowStore.text_widths`) are computed when first needed and kept until a change makes
them stale, so that the renderers format only the rows they draw.
"""

import logging
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from .table_rows import (
    DEFAULT_SKIP_GROUPS,
    FilterError,
    compile_filter,
    first_id,
    format_value,
    is_number,
    is_skipped,
    next_id,
    order_from_ranks,
    sanitize_objects,
    sanitize_value,
    sort_ranks,
    text_width,
)

logger = logging.getLogger(__name__)

#: The keys a table reports to :meth:`RowStore.key`, as named by JavaScript's ``KeyboardEvent``.
NAVIGATION_KEYS = ("ArrowDown", "ArrowUp", "PageDown", "PageUp", "Home", "End")


@dataclass
class Change:
    """What changed in a store, for the renderer.

    Attributes
    ----------
    rows : list
        Ids of the rows added or changed.
    removed : list
        Ids of the rows removed.
    reset : bool
        Everything changed (all rows replaced, or the columns changed): render it all again.
    order : bool
        The shown order, the sort or the filter changed.
    selection : bool
        The selection (or its color offset) changed.

    """

    rows: list = ()
    removed: list = ()
    reset: bool = False
    order: bool = False
    selection: bool = False


def _unique(ids):
    seen = set()
    return [i for i in ids if not (i in seen or seen.add(i))]


class RowStore:
    """Rows, columns, sort, filter and selection of a table: the shown order and navigation.

    Parameters
    ----------
    columns : list of str
        The columns shown (by default, the fields of the first rows, ``id`` first).
    sort : tuple
        Initial sort ``(name, 'asc' or 'desc')``; None keeps the increasing ids.
    skip_groups : tuple
        Groups whose rows next/previous skip (besides rows with a true ``is_masked``).

    Attributes
    ----------
    on_change : function
        Called as ``on_change(change)`` with a :class:`Change` after every change (set by the
        table rendering the store).
    filter_error : str
        Why the last filter expression was rejected, or None.
    color_offset : int
        Offset of the selection index used to color the selected rows.

    """

    def __init__(self, columns=None, sort=None, skip_groups=DEFAULT_SKIP_GROUPS):
        self._rows = {}
        self._columns = list(columns) if columns else None
        self.sort = _check_sort(sort)
        self.skip_groups = tuple(skip_groups)
        self.filter_text = ""
        self.filter_error = None
        self._matches = None
        self._keys = set()
        self.selected = []
        self._anchor = self._cursor = None
        self.color_offset = 0
        self.on_change = None
        self._sorted = self._ids = self._positions = self._skipped = None
        self._by_id = self._matched = None  # ids in increasing order; ids passing the filter
        self._matched_mask = None  # whether each id of _by_id passes the filter
        self._ranks = {}  # column -> sort ranks of the rows, in the order of _by_id
        self._widths = {}  # column -> length of its longest cell text
        self._cells = {}  # id -> (cell texts, number flags), for the columns _cell_columns
        self._cell_columns = None

    def _forget(self, ids=None, fields=None):
        """Drop what is cached about some rows and some fields.

        ``ids=None``: all the rows, the filter's matches included. ``fields=None``: all the
        fields, and the positions of the rows (ids added or removed).
        """
        self._sorted = self._matched_mask = None
        if ids is None:
            self._matched = self._skipped = None
            self._cells = {}
        else:
            for i in ids:
                self._cells.pop(i, None)
        if fields is None:
            self._by_id = None
            self._ranks, self._widths = {}, {}
        else:
            for f in fields:
                self._ranks.pop(f, None)
                self._widths.pop(f, None)

    def _notify(self, **kwargs):
        """Drop the stale cached orders, then tell the renderer what changed."""
        if kwargs.get("order"):
            self._ids = self._positions = None
        if self.on_change is not None:
            self.on_change(Change(**kwargs))

    # Rows
    # ---------------------------------------------------------------------------------------------

    @property
    def columns(self):
        """The columns shown."""
        if self._columns is not None:
            return list(self._columns)
        first = next(iter(self._rows.values()), {})
        return ["id"] + [k for k in first if k != "id"]

    def set_columns(self, columns):
        """Change the columns shown."""
        self._columns = list(columns)
        self._notify(reset=True, order=True)

    def cells(self, id):
        """The cell texts of a row and whether each cell is a number, in the columns' order.

        Returns
        -------
        texts, numbers : list of str, list of bool
            Formatted with the rules of :mod:`phy.utils.table_rows`; cached until the row or
            the columns change (not to be modified).

        """
        columns = self.columns
        if columns != self._cell_columns:
            self._cells, self._cell_columns = {}, columns
        cells = self._cells.get(id)
        if cells is None:
            values = [self._rows[id].get(c) for c in columns]
            cells = self._cells[id] = (
                [format_value(v) for v in values], [is_number(v) for v in values])
        return cells

    def text_widths(self):
        """The length (in characters) of the longest cell text of each column shown."""
        widths = []
        for name in self.columns:
            if name not in self._widths:
                self._widths[name] = text_width(self._column(name))
            widths.append(self._widths[name])
        return widths

    def _column(self, name, ids=None):
        """The values of a field in the rows of some ids (all rows, in insertion order)."""
        rows = self._rows.values() if ids is None else map(self._rows.__getitem__, ids)
        return list(map(dict.get, rows, repeat(name)))

    @property
    def rows(self):
        """The rows (dictionaries, not to be modified), in insertion order."""
        return list(self._rows.values())

    def get(self, id):
        """A copy of the row of an id, or None."""
        row = self._rows.get(sanitize_value(id))
        return dict(row) if row is not None else None

    def row(self, id):
        """The row of an id (not to be modified)."""
        return self._rows[id]

    def __contains__(self, id):
        return id in self._rows

    def __len__(self):
        return len(self._rows)

    def _store(self, rows, merge=False):
        keys = self._keys
        for r in rows:
            if merge:
                self._rows[r["id"]].update(r)
            else:
                self._rows[r["id"]] = r
            keys.update(r)
        if self.filter_text:
            self._matches = compile_filter(self.filter_text, keys)
        for r in rows:  # filter and classify the new or changed rows only
            id = r["id"]
            if self._matched is not None:
                _toggle(self._matched, id, self._matches(self._rows[id]))
            if self._skipped is not None:
                _toggle(self._skipped, id, self.is_skipped(id))

    def set_rows(self, rows):
        """Replace all rows; the selection is emptied."""
        rows = sanitize_objects(rows)
        self._rows = {}
        self.selected, self._anchor, self._cursor = [], None, None
        self._forget()
        self._store(rows)
        self._notify(reset=True, order=True, selection=True)

    def add(self, rows):
        """Add rows (dictionaries with an ``id``); an existing id is replaced."""
        rows = sanitize_objects(rows)
        if rows:
            ids = [r["id"] for r in rows]
            if all(i in self._rows for i in ids):  # replaced rows: old and new fields changed
                self._forget(ids, {k for i in ids for k in self._rows[i]} |
                             {k for r in rows for k in r})
            else:
                self._forget(ids)
            self._store(rows)
            self._notify(rows=ids, order=True)

    def change(self, rows):
        """Change some fields of existing rows (rows with other ids are ignored)."""
        rows = [r for r in sanitize_objects(rows) if r["id"] in self._rows]
        if rows:
            ids = [r["id"] for r in rows]
            self._forget(ids, {k for r in rows for k in r})
            self._store(rows, merge=True)
            self._notify(rows=ids, order=True)

    def remove(self, ids):
        """Remove rows from their ids (and from the selection)."""
        ids = _unique(i for i in (sanitize_value(i) for i in ids) if i in self._rows)
        if not ids:
            return
        for i in ids:
            del self._rows[i]
        gone = set(ids)
        self._forget(ids)
        for cache in (self._matched, self._skipped):
            if cache is not None:
                cache -= gone
        selection = bool(gone.intersection(self.selected))
        self.selected = [i for i in self.selected if i not in gone]
        self._notify(removed=ids, order=True, selection=selection)

    # Sort and filter
    # ---------------------------------------------------------------------------------------------

    def sort_by(self, name, sort_dir="asc"):
        """Sort by a column, in ``'asc'`` or ``'desc'`` order."""
        self.sort = _check_sort((name, sort_dir))
        self._sorted = None
        self._notify(order=True)

    def toggle_sort(self, name):
        """Sort by a column as a click on its header does: ascending, or else descending."""
        self.sort_by(name, "desc" if self.sort == (name, "asc") else "asc")

    def filter(self, text=""):
        """Filter the rows with a JavaScript expression on the field names.

        Returns
        -------
        valid : bool
            False if the expression is invalid: the previous filter stays, the reason is in
            :attr:`filter_error` (and logged as a warning).

        """
        text = (text or "").strip()
        try:
            matches = compile_filter(text, self._keys) if text else None
        except FilterError as e:
            self.filter_error = str(e)
            logger.warning("Invalid filter expression %r: %s", text, e)
            self._notify(order=True)
            return False
        self.filter_text, self._matches, self.filter_error = text, matches, None
        self._matched = self._matched_mask = None
        self._notify(order=True)
        return True

    def _order(self):
        """Positions in the increasing ids (:attr:`_by_id`) of all the rows, in the sort order."""
        if self._sorted is None:
            if self._by_id is None:
                self._by_id = _id_array(sorted(self._rows))
            if self.sort:
                name, sort_dir = self.sort
                if name not in self._ranks:
                    self._ranks[name] = sort_ranks(self._column(name, self._by_id.tolist()))
                self._sorted = order_from_ranks(self._ranks[name], sort_dir)
            else:
                self._sorted = np.arange(len(self._by_id))
        return self._sorted

    def sorted_ids(self):
        """All ids (hidden by the filter or not), in the sort order."""
        order = self._order()  # (sets _by_id)
        return self._by_id[order].tolist()

    @property
    def ids(self):
        """The shown ids (passing the filter), in the shown order."""
        if self._ids is None:
            order = self._order()
            if self._matches is not None:
                if self._matched is None:
                    matches = self._matches
                    self._matched = {i for i, r in self._rows.items() if matches(r)}
                if self._matched_mask is None:
                    matched = self._matched
                    self._matched_mask = np.fromiter(
                        (i in matched for i in self._by_id.tolist()), dtype=bool,
                        count=len(self._by_id))
                order = order[self._matched_mask[order]]
            self._ids = self._by_id[order].tolist()
        return self._ids

    def position(self, id):
        """The position of an id in the shown order, or None if it is not shown."""
        if self._positions is None:
            self._positions = dict(zip(self.ids, range(len(self.ids))))
        return self._positions.get(id)

    @property
    def skipped(self):
        """The ids of the rows that next/previous skip (ignored groups, masked rows)."""
        if self._skipped is None:
            self._skipped = {
                i for i, r in self._rows.items() if is_skipped(r, self.skip_groups)}
        return self._skipped

    def is_skipped(self, id):
        """Whether next/previous skip a row."""
        return is_skipped(self._rows[id], self.skip_groups)

    # Selection
    # ---------------------------------------------------------------------------------------------

    def _set_selected(self, ids):
        self.selected = _unique(i for i in ids if i in self._rows)
        self._notify(selection=True)

    def select(self, ids):
        """Select rows, in this order (existing ones only); return the new selection."""
        ids = [sanitize_value(i) for i in ids]
        self._set_selected(ids)
        self._anchor = self._cursor = self.selected[-1] if self.selected else None
        return list(self.selected)

    @property
    def cursor(self):
        """The row last clicked or reached with the keys (None if none)."""
        return self._cursor

    def set_color_offset(self, n):
        """Offset of the selection index used to color the selected rows."""
        self.color_offset = int(n)
        self._notify(selection=True)

    def _range(self, id0, id1):
        """The shown ids between two rows (included), in the shown order."""
        i, j = self.position(id0), self.position(id1)
        if i is None or j is None:
            return [id1]
        return self.ids[min(i, j):max(i, j) + 1]

    def click(self, id, ctrl=False, shift=False):
        """A click on a row, with the modifiers; return the new selection.

        A click selects the row; ctrl+click toggles it; shift+click selects the shown rows
        from the last clicked one (added to the selection with ctrl).
        """
        id = sanitize_value(id)
        if id not in self._rows:
            return list(self.selected)
        if shift and self._anchor is not None:
            span = self._range(self._anchor, id)
            ids = self.selected + span if ctrl else span
        elif ctrl:
            ids = [s for s in self.selected if s != id] if id in self.selected else (
                self.selected + [id])
            self._anchor = id
        else:
            ids = [id]
            self._anchor = id
        self._cursor = id
        self._set_selected(ids)
        return list(self.selected)

    def key(self, key, shift=False, page=10):
        """A navigation key (one of :data:`NAVIGATION_KEYS`); return the new selection or None.

        The arrows move the cursor by one row, Page Up/Down by `page` rows, Home and End to
        the first and last rows; with shift, the selection extends from the last clicked row.
        None means the key was not handled (another key, or no row).
        """
        ids = self.ids
        if key not in NAVIGATION_KEYS or not ids:
            return None
        steps = {"ArrowDown": 1, "ArrowUp": -1, "PageDown": page, "PageUp": -page}
        pos = self.position(self._cursor)
        if key in steps:
            pos = (0 if steps[key] > 0 else len(ids) - 1) if pos is None else pos + steps[key]
        else:
            pos = 0 if key == "Home" else len(ids) - 1
        id = ids[max(0, min(len(ids) - 1, pos))]
        extend = shift and self._anchor is not None
        if not extend:
            self._anchor = id
        self._cursor = id
        self._set_selected(self._range(self._anchor, id) if extend else [id])
        return list(self.selected)

    # Navigation
    # ---------------------------------------------------------------------------------------------

    def next_id(self, direction=+1):
        """The id next (+1) or previous (-1) selects, or None (see ``table_rows.next_id``)."""
        return next_id(self.ids, self.selected, self.skipped, direction)

    def first_id(self):
        """The first shown id that next/previous do not skip, or None."""
        return first_id(self.ids, self.skipped)

    def last_id(self):
        """The last shown id that next/previous do not skip, or None."""
        return first_id(self.ids[::-1], self.skipped)


def _id_array(ids):
    """An array of ids: int64 if they are integers that fit, else Python objects."""
    array = np.array(ids)
    if array.dtype.kind != "i" or array.ndim != 1:
        array = np.empty(len(ids), dtype=object)
        array[:] = ids
    return array


def _toggle(ids, id, present):
    """Add an id to a set or discard it."""
    if present:
        ids.add(id)
    else:
        ids.discard(id)


def _check_sort(sort):
    if not sort:
        return None
    name, sort_dir = sort
    if sort_dir not in ("asc", "desc"):
        raise ValueError(f"The sort direction must be 'asc' or 'desc', not {sort_dir!r}.")
    return (name, sort_dir)
