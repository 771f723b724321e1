"""What the HTML table's page is sent: the state of a row store as JavaScript patches.

The page (``static/table.js``) renders a :class:`phy.utils.row_store.RowStore` held in
Python and applies no rule of its own: the cell texts are the store's (:meth:`RowStore.cells`,
with the rules of :mod:`phy.utils.table_rows`), the rows come in the store's order, and the page
is sent only what a :class:`~phy.utils.row_store.Change` says has changed.

The page is virtual: it draws only the rows in and around its visible part. It is sent the
whole shown order (a compact list of ids) but the cells of the rows it draws only: a
:class:`PageFeed` remembers which rows the page has and which part of the order it shows (its
window), sends the rows of that window with each new order, and answers the page's requests for
the rows it scrolls to (``fetch``).
"""

import re

from phy.utils import selected_cluster_color
from phy.utils.color import colormaps

from .html import to_js

_CLASS_CHARS = re.compile(r"[^A-Za-z0-9_-]")

#: The window (first and last positions) assumed until the page reports its own.
DEFAULT_WINDOW = (0, 100)


def selection_colors():
    """CSS colors of the selected rows, by selection index."""
    colors = []
    for i in range(len(colormaps.categorical)):
        r, g, b, _ = selected_cluster_color(i)
        colors.append(f"rgb({round(255 * r)}, {round(255 * g)}, {round(255 * b)})")
    return colors


def page_body(element_id="phy-table"):
    """The HTML body of the table's page: the container and the JavaScript table."""
    options = to_js({"colors": selection_colors()})
    return (f'<div id="{element_id}"></div>\n<script>\nvar table = new PhyTable('
            f'document.getElementById("{element_id}"), {options});\n</script>')


def row_payload(store, id):
    """A row as the page draws it: ``{id, cells: [texts], num: [bools], cls: 'classes'}``."""
    texts, numbers = store.cells(id)
    classes = []
    group = store.row(id).get("group")
    if group is not None:
        classes.append("group-" + _CLASS_CHARS.sub("_", str(group)))
    if store.is_skipped(id):
        classes.append("skip")
    return {"id": id, "cells": texts, "num": numbers, "cls": " ".join(classes)}


class PageFeed:
    """What a page rendering a row store has been sent, and the patches it needs next.

    Parameters
    ----------
    store : RowStore

    Attributes
    ----------
    sent : set
        The ids of the rows whose cells the page has.
    window : tuple
        The positions ``(start, end)`` of the shown order the page draws.

    """

    def __init__(self, store):
        self.store = store
        self.sent = set()
        self.window = DEFAULT_WINDOW

    def _rows(self, ids):
        """The payloads of the rows the page lacks among these ids (now sent)."""
        store, out = self.store, []
        for i in ids:
            if i not in self.sent and i in store:
                self.sent.add(i)
                out.append(row_payload(store, i))
        return out

    def _around(self, start, end):
        """The shown ids from `start` to `end`, widened by the window's size on each side."""
        margin = max(end - start, 1)
        return self.store.ids[max(0, start - margin):end + margin]

    def patch(self, change):
        """The patch of ``table.update(patch)`` (``static/table.js``) for a change of a store.

        Keys (each optional): ``reset`` (the page forgets its rows), ``columns``, ``widths``
        (longest cell text of each column, in characters), ``rows`` (rows to draw, new or
        changed), ``removed`` (ids), ``ids`` (the shown order), ``sort``, ``filter``,
        ``filterError``, ``selected``, ``offset`` (of the selection colors).
        """
        store, out = self.store, {}
        if change.reset:
            self.sent.clear()
            out.update(reset=True, columns=store.columns)
        if change.reset or change.rows or change.removed:
            out["widths"] = store.text_widths()
        if change.removed:
            self.sent.difference_update(change.removed)
            out["removed"] = list(change.removed)
        # Changed rows the page has: send them again.
        changed = [i for i in change.rows if i in self.sent]
        self.sent.difference_update(changed)
        rows = self._rows(changed)
        if change.order or change.reset:
            # Fewer rows than the window's start: the page scrolls up to show the last ones.
            start, end = self.window
            size = end - start
            start = max(0, min(start, len(store.ids) - size))
            self.window = (start, start + size)
            rows += self._rows(store.ids[start:start + size])
            out.update(ids=store.ids, sort=list(store.sort) if store.sort else None,
                       filter=store.filter_text, filterError=store.filter_error)
        if rows:
            out["rows"] = rows
        if change.selection or change.reset:
            out.update(selected=store.selected, offset=store.color_offset)
        return out

    def _rows_patch(self, ids):
        rows = self._rows(ids)
        return {"rows": rows} if rows else {}

    def fetch(self, start, end, ids=()):
        """The patch answering the page's request for rows: `ids`, drawn in its new window.

        The rows around the window are sent too, so that scrolling further finds them.
        """
        self.window = (start, end)
        self.sent.difference_update(ids)  # the page lacks them, whatever was sent before
        return self._rows_patch(list(ids) + self._around(start, end))

    def scroll(self, id):
        """The patch sending the rows around a row that the page is about to scroll to."""
        position = self.store.position(id)
        if position is None:
            return {}
        half = (self.window[1] - self.window[0]) // 2
        return self._rows_patch(self._around(position - half, position + half + 1))


def update_expression(patch):
    """The JavaScript call updating the page with a patch (None if it is empty)."""
    return f"table.update({to_js(patch)})" if patch else None
