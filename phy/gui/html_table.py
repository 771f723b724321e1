"""What the HTML table's page is sent: the state of a row store as a JavaScript patch.

The page (``static/table.js``) renders a :class:`phy.utils.row_store.RowStore` held in
Python and applies no rule of its own: the cell texts are formatted here (with the rules of
:mod:`phy.utils.table_rows`), the rows come in the store's order, and the page is sent only
what a :class:`~phy.utils.row_store.Change` says has changed.
"""

import re

from phy.utils import selected_cluster_color
from phy.utils.color import colormaps
from phy.utils.table_rows import format_value, is_number

from .html import to_js

_CLASS_CHARS = re.compile(r"[^A-Za-z0-9_-]")


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


def row_payload(store, id, columns):
    """A row as the page draws it: ``{id, cells: [texts], num: [bools], cls: 'classes'}``."""
    row = store.row(id)
    values = [row.get(c) for c in columns]
    classes = []
    group = row.get("group")
    if group is not None:
        classes.append("group-" + _CLASS_CHARS.sub("_", str(group)))
    if store.is_skipped(id):
        classes.append("skip")
    return {"id": id, "cells": [format_value(v) for v in values],
            "num": [is_number(v) for v in values], "cls": " ".join(classes)}


def patch(store, change):
    """The patch of ``table.update(patch)`` (``static/table.js``) for a change of a store."""
    out = {}
    columns = store.columns
    if change.reset:
        out["columns"] = columns
        out["rows"] = [row_payload(store, i, columns) for i in store.sorted_ids()]
    else:
        if change.rows:
            out["changed"] = [row_payload(store, i, columns) for i in change.rows if i in store]
        if change.removed:
            out["removed"] = list(change.removed)
    if change.order or change.reset:
        out.update(ids=store.ids, sort=list(store.sort) if store.sort else None,
                   filter=store.filter_text, filterError=store.filter_error)
    if change.selection or change.reset:
        out.update(selected=store.selected, offset=store.color_offset)
    return out


def update_expression(store, change):
    """The JavaScript call updating the page after a change of a store."""
    return f"table.update({to_js(patch(store, change))})"
