"""The HTML implementation of the table.

Our JavaScript table (``static/table.js``) in an :class:`~phy.gui.html.HTMLWidget`.

This is one of the two implementations behind :class:`phy.gui.Table` (the other is
:mod:`phy.gui.native_table`); use ``Table``, which picks one. Both have the same methods,
whose callbacks receive the results (here asynchronously, once the page answers), and report
the page's events (``ready``, ``select``, ``table_sort``, ``table_filter``) to a ``relay``
function as ``relay(name, data)``.
"""

import logging

from phy.utils import selected_cluster_color
from phy.utils.color import colormaps

from .html import HTMLWidget, to_js

logger = logging.getLogger(__name__)


def selection_colors():
    """CSS colors of the selected rows, by selection index."""
    colors = []
    for i in range(len(colormaps.categorical)):
        r, g, b, _ = selected_cluster_color(i)
        colors.append(f"rgb({round(255 * r)}, {round(255 * g)}, {round(255 * b)})")
    return colors


class HTMLTable(HTMLWidget):
    """A table in a web page.

    Parameters
    ----------
    parent : QWidget
    columns : list of str
        The columns shown.
    sort : tuple
        Initial ``(name, 'asc' or 'desc')``, or None.
    skip_groups : list-like
        Groups skipped by next/previous.
    relay : function
        Called as ``relay(name, data)`` with every event of the page.
    on_failure : function
        Called as ``on_failure(reason)`` if the web engine's render process dies.
    title : str

    """

    def __init__(self, parent=None, columns=(), sort=None, skip_groups=(), relay=None,
                 on_failure=None, title=""):
        super().__init__(parent, title=title)
        self._relay = relay
        self._on_failure = on_failure
        self._options = {
            "columns": list(columns),
            "sort": list(sort) if sort else None,
            "skipGroups": list(skip_groups),
            "colors": selection_colors(),
        }
        self.builder.add_style_src("table.css")
        self.builder.add_script_src("table.js")
        self.build()

    def build(self, callback=None):
        """Rebuild the page with an empty table."""
        self.builder.body = (
            '<div id="phy-table"></div>\n<script>\n'
            f'var table = new PhyTable(document.getElementById("phy-table"), '
            f'{to_js(self._options)});\n</script>')
        super().build(callback=callback)

    def _call(self, method, *args, callback=None, errback=None):
        """Call a method of the JavaScript table."""
        self.eval_js(f"table.{method}({','.join(to_js(a) for a in args)})",
                     callback=callback, errback=errback)

    def _relay_event(self, name, data):
        if self._relay is not None:
            self._relay(name, data)

    def _fail(self, reason):
        super()._fail(reason)
        if self._on_failure is not None:
            self._on_failure(reason)

    # Data
    # ---------------------------------------------------------------------------------------------

    def set_columns(self, columns):
        """Change the columns shown."""
        self._options["columns"] = list(columns)
        self._call("setColumns", list(columns))

    def add(self, objects):
        """Add rows (dictionaries with an ``id``); an existing id is replaced."""
        self._call("add", objects)

    def change(self, objects):
        """Change some fields of existing rows."""
        self._call("change", objects)

    def remove(self, ids):
        """Remove rows."""
        self._call("remove", ids)

    def remove_all(self):
        """Remove all rows."""
        self._call("removeAll")

    def remove_all_and_add(self, objects):
        """Replace all rows."""
        self._call("removeAllAndAdd", objects)

    # View
    # ---------------------------------------------------------------------------------------------

    def sort_by(self, name, sort_dir="asc"):
        """Sort by a column."""
        self._call("sortBy", name, sort_dir)

    def filter(self, text=""):
        """Filter the rows with a JavaScript expression."""
        self._call("filter", text)

    def scroll_to(self, id):
        """Scroll until a row is visible."""
        self._call("scrollTo", id)

    def set_busy(self, busy):
        """Show or hide the busy state."""
        self._call("setBusy", bool(busy))

    def set_selected_index_offset(self, n):
        """Offset of the selection index used to color the selected rows."""
        self._call("setSelectedIndexOffset", int(n))

    # Selection
    # ---------------------------------------------------------------------------------------------

    def select(self, ids, kwargs=None, callback=None, errback=None):
        """Select rows; the callback receives the new selection."""
        self._call("select", list(ids), kwargs or {}, callback=callback, errback=errback)

    def first(self, callback=None, errback=None):
        """Select the first non-skipped row."""
        self._call("first", callback=callback, errback=errback)

    def next(self, callback=None, errback=None):
        """Select the next non-skipped row."""
        self._call("next", callback=callback, errback=errback)

    def previous(self, callback=None, errback=None):
        """Select the previous non-skipped row."""
        self._call("previous", callback=callback, errback=errback)

    # Queries
    # ---------------------------------------------------------------------------------------------

    def get_ids(self, callback=None, errback=None):
        """The shown ids, in order."""
        self._call("getIds", callback=callback, errback=errback)

    def get_selected(self, callback=None, errback=None):
        """The selected ids, in selection order."""
        self._call("getSelected", callback=callback, errback=errback)

    def get_next_id(self, callback=None, errback=None):
        """The id next() would select, or None."""
        self._call("getNextId", callback=callback, errback=errback)

    def get_previous_id(self, callback=None, errback=None):
        """The id previous() would select, or None."""
        self._call("getPreviousId", callback=callback, errback=errback)

    def get_current_sort(self, callback=None, errback=None):
        """The current sort as ``[name, dir]``, or None."""
        self._call("getCurrentSort", callback=callback, errback=errback)
