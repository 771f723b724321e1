"""Headless mirror of a cluster table: :class:`TableModel`.

A table model holds the rows of a table (dictionaries with an ``id``), its sort and its filter,
and gives the shown order and the skipped rows with the rules of :mod:`phy.gui.table_rows`, the
rules of the Qt tables. It calls its listeners as ``listener(method, *args)`` with the
:class:`phy.gui.Table` method that mirrors each change (``add``, ``change``, ``remove``,
``remove_all_and_add``, ``sort_by``, ``filter``), so that a table follows it.
"""

import logging

from phy.gui.table_rows import (
    DEFAULT_SKIP_GROUPS,
    FilterError,
    compile_filter,
    is_skipped,
    sanitize_objects,
    sort_rows,
)

logger = logging.getLogger(__name__)


class TableModel:
    """Headless mirror of a cluster table: rows, sort and filter give the shown order.

    The order follows the rules of :mod:`phy.gui.table_rows`, the rules of the Qt tables. A
    table can also impose its order with :meth:`set_order` (after the user sorted or filtered
    it), until the next change.

    Parameters
    ----------
    sort : tuple
        ``(column, 'asc' or 'desc')``.
    skip_groups : tuple
        Groups whose rows next/previous skip.

    """

    def __init__(self, sort=None, skip_groups=DEFAULT_SKIP_GROUPS):
        self._rows = {}
        self.sort = tuple(sort) if sort else None
        self.filter_text = ""
        self.skip_groups = tuple(skip_groups)
        self.listeners = []
        self.version = 0  # incremented at every change
        self._ids = None
        self._skipped = None

    def _notify(self, method, *args):
        self.version += 1
        self._ids = self._skipped = None
        for listener in self.listeners:
            listener(method, *args)

    @property
    def rows(self):
        """The rows (dictionaries), in no particular order."""
        return list(self._rows.values())

    def get(self, id):
        """The row of a cluster, or None."""
        return self._rows.get(id)

    def __contains__(self, id):
        return id in self._rows

    def __len__(self):
        return len(self._rows)

    def set_rows(self, rows):
        """Replace all rows."""
        rows = sanitize_objects(rows)
        self._rows = {r["id"]: r for r in rows}
        self._notify("remove_all_and_add", rows)

    def add(self, rows):
        """Add rows (replacing those with the same id)."""
        rows = sanitize_objects(rows)
        if rows:
            self._rows.update((r["id"], r) for r in rows)
            self._notify("add", rows)

    def change(self, rows):
        """Update fields of existing rows (others are ignored)."""
        rows = [r for r in sanitize_objects(rows) if r["id"] in self._rows]
        for r in rows:
            self._rows[r["id"]].update(r)
        if rows:
            self._notify("change", rows)

    def remove(self, ids):
        """Remove rows."""
        ids = [i for i in ids if i in self._rows]
        for i in ids:
            del self._rows[i]
        if ids:
            self._notify("remove", ids)

    def sort_by(self, name, sort_dir="asc"):
        """Sort by a column."""
        self.sort = (name, sort_dir)
        self._notify("sort_by", name, sort_dir)

    def filter(self, text=""):
        """Filter the rows with a JavaScript expression (an invalid one shows all rows)."""
        self.filter_text = text or ""
        self._notify("filter", self.filter_text)

    def set_order(self, ids, version=None):
        """Impose the shown order (given by a table), until the next change.

        With a `version`, the order is ignored if the rows changed since that version (it is
        the answer to an older question).
        """
        if version is None or version == self.version:
            self._ids = [i for i in ids if i in self._rows]

    def _matches(self):
        if not self.filter_text:
            return None
        names = {k for r in self._rows.values() for k in r}
        try:
            return compile_filter(self.filter_text, names)
        except FilterError as e:
            logger.warning("Invalid filter %r: %s", self.filter_text, e)
            return None

    @property
    def ids(self):
        """The shown ids, in order."""
        if self._ids is None:
            rows = self.rows
            matches = self._matches()
            if matches is not None:
                rows = [r for r in rows if matches(r)]
            rows = sort_rows(rows, *self.sort) if self.sort else sorted(
                rows, key=lambda r: r["id"])
            self._ids = [r["id"] for r in rows]
        return self._ids

    @property
    def skipped(self):
        """The ids of the rows that next/previous skip (ignored groups, masked rows)."""
        if self._skipped is None:
            self._skipped = {
                i for i, r in self._rows.items() if is_skipped(r, self.skip_groups)}
        return self._skipped
