"""A sortable, filterable table with single and multi selection: :class:`Table`.

The table shows rows (dictionaries with an ``id`` key and any other fields) in columns. The
user sorts by clicking on a header, filters with a JavaScript expression on the field names
(``n_spikes > 100 && group != 'noise'``) typed in the box above the table, and selects rows
with the mouse (click, ctrl+click, shift+click) and the keyboard (arrows, Page Up/Down, Home,
End). Rows whose ``is_masked`` field is true or whose ``group`` is ignored (``noise``, ``mua``
by default) are greyed out and skipped by :meth:`Table.next` and :meth:`Table.previous`. The
rules are documented in :mod:`phy.gui.table_rows`.

Two implementations have the same behaviour:

* ``'html'``: our JavaScript table in a Qt WebEngine page (:mod:`phy.gui.html_table`);
* ``'native'``: a ``QTableView`` (:mod:`phy.gui.native_table`).

Which one a table uses is, in order of precedence: the ``implementation=`` argument, the class
attribute ``Table.implementation`` (or that of a subclass), the user configuration key
``c.Table.implementation = 'native'`` (or ``c.<SubclassName>.implementation``) in
``~/.phy/phy_config.py``, else ``'html'`` when Qt WebEngine can be imported, ``'native'``
otherwise. If the web engine fails (its render process crashes or cannot start), the table
switches to the native implementation with its rows, sort and filter, and so do the tables
created afterwards.

Subclassing
-----------
Pass the columns, rows and initial sort to ``Table.__init__``; use the methods (not
``eval_js``, which only exists with the HTML implementation) so that both implementations
work::

    class ClusterView(Table):
        def __init__(self, *args, data=None, columns=(), sort=None):
            super().__init__(*args, columns=columns, data=data, sort=sort, title='ClusterView')

Events (on phy's event bus, with the table as sender)
-----------------------------------------------------
``ready()``, ``select(ids, **kwargs)`` (debounced), ``table_sort(ids)``, ``table_filter(ids)``:
``ids`` are the shown ids in the new order.
"""

import logging

from phy.utils import bus_events as ev
from phy.utils import emit, load_config, phy_config_dir
from phy.utils.config import MASTER_CONFIG_NAME

from .html import wait_for
from .qt import HAS_WEBENGINE, QVBoxLayout, QWidget
from .table_rows import DEFAULT_SKIP_GROUPS, sanitize_objects, sanitize_value
from .threads import Debouncer

logger = logging.getLogger(__name__)

#: Emitted after sorting: ``table_sort(table, ids)`` with the shown ids in the new order.
TABLE_SORT = "table_sort"
#: Emitted after filtering: ``table_filter(table, ids)`` with the shown ids.
TABLE_FILTER = "table_filter"

#: The implementations of the table.
IMPLEMENTATIONS = ("html", "native")

_webengine_failure = None  # why the web engine failed to start in this process, if it did


def webengine_available():
    """Whether the HTML table can be used: Qt WebEngine imports and has not failed to start."""
    return HAS_WEBENGINE and _webengine_failure is None


def _configured_implementation(cls):
    """The implementation set in the user configuration for a table class, or None."""
    config = load_config(phy_config_dir() / MASTER_CONFIG_NAME)
    for klass in cls.__mro__:
        choice = config.get(klass.__name__, {}).get("implementation")
        if choice or klass is Table:
            return choice
    return None


def resolve_implementation(requested=None, cls=None):
    """Return the implementation (``'html'`` or ``'native'``) a table should use.

    Parameters
    ----------
    requested : str
        ``'html'``, ``'native'``, ``'auto'`` or None.
    cls : class
        The table class, whose ``implementation`` attribute and configuration section are
        looked up when nothing is requested.

    """
    cls = cls or Table
    choice = requested or cls.implementation or _configured_implementation(cls) or "auto"
    if choice not in IMPLEMENTATIONS + ("auto",):
        raise ValueError(
            f"Unknown table implementation {choice!r}: use one of 'html', 'native' or 'auto'.")
    if choice == "native":
        return "native"
    if not webengine_available():
        if choice == "html":
            logger.warning("The HTML table needs Qt WebEngine (%s): using the native table.",
                           _webengine_failure or "not installed")
        return "native"
    return "html"


def _default_columns(objects):
    """The columns shown when none are given: the fields of the first row, ``id`` first."""
    if not objects:
        return ["id"]
    return ["id"] + [k for k in objects[0] if k != "id"]


class Table(QWidget):
    """A sortable table with support for selection.

    Parameters
    ----------
    parent : QWidget
    columns : list of str
        The columns shown (by default, the fields of the first row). Every field of every row
        can be used in the filter expression, shown or not.
    data : list of dict
        The rows: dictionaries with an ``id`` key (an int) and other fields.
    sort : tuple
        Initial sort ``(column_name, 'asc' or 'desc')``.
    title : str
        Window title.
    debounce_events : list-like
        Events that are debounced (by default ``select``).
    skip_groups : list-like
        Groups whose rows are skipped by next/previous (besides rows with ``is_masked``).
    implementation : str
        ``'html'``, ``'native'`` or ``'auto'`` (see the module docstring).

    Attributes
    ----------
    implementation : str
        The class attribute is the default requested implementation (None: configuration or
        automatic); an instance's is the one it uses, ``'html'`` or ``'native'``.

    Notes
    -----
    Methods taking a ``callback`` are asynchronous with the HTML implementation: the callback
    receives the result once the page answers. Without a callback, the query methods
    (``get_*``) wait for the answer and return it. The native implementation calls the
    callbacks at once and also returns the results.

    """

    implementation = None

    def __init__(self, parent=None, columns=None, data=None, sort=None, title="",
                 debounce_events=(ev.SELECT,), skip_groups=DEFAULT_SKIP_GROUPS,
                 implementation=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        data = sanitize_objects(data or [])
        self._title = title
        self._columns = list(columns) if columns else _default_columns(data)
        self._skip_groups = tuple(skip_groups)
        self._rows = {}  # a copy of the rows, to rebuild the table
        self._sort = tuple(sort) if sort else None
        self._filter_text = ""
        self._ready = False
        self._debounce_events = set(debounce_events)
        self._debouncer = Debouncer()
        alive = self._alive = {"alive": True}  # no debounced event from a deleted table
        self.destroyed.connect(lambda *_: alive.update(alive=False))
        self._impl = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._create_impl(resolve_implementation(implementation, type(self)))
        if data:
            self.add(data)

    # Implementation
    # ---------------------------------------------------------------------------------------------

    def _create_impl(self, implementation):
        kwargs = dict(columns=self._columns, sort=self._sort, skip_groups=self._skip_groups,
                      relay=self._on_impl_event, title=self._title)
        if implementation == "html":
            from .html_table import HTMLTable

            self._impl = HTMLTable(self, on_failure=self._fall_back, **kwargs)
        else:
            from .native_table import NativeTable

            self._impl = NativeTable(self, **kwargs)
        self.implementation = implementation
        self.layout().addWidget(self._impl)

    def _fall_back(self, reason):
        """Switch to the native implementation after the web engine failed."""
        global _webengine_failure
        _webengine_failure = reason
        if self.implementation == "native":
            return
        logger.warning("%s: switching to the native table (%s).", type(self).__name__, reason)
        old = self._impl
        self.layout().removeWidget(old)
        old.close()
        old.deleteLater()
        self._ready = False
        self._create_impl("native")
        self._restore()

    def _restore(self):
        """Put the rows, the sort and the filter back into the implementation."""
        if self._rows:
            self._impl.add(list(self._rows.values()))
        if self._sort:
            self._impl.sort_by(*self._sort)
        if self._filter_text:
            self._impl.filter(self._filter_text)

    def _on_impl_event(self, name, data):
        """Emit the implementation's events on the event bus, with the table as sender."""
        if name == ev.READY:
            self._ready = True
            emit(ev.READY, self)
        elif name == ev.SELECT:
            self._emit(ev.SELECT, list(data["selected"]), **(data.get("kwargs") or {}))
        elif name in (TABLE_SORT, TABLE_FILTER):
            if name == TABLE_SORT:
                self._sort = tuple(data["sort"])
            else:
                self._filter_text = data["filter"]
            self._emit(name, data["ids"])
        else:
            self._emit(name, data)

    def _emit(self, name, *args, **kwargs):
        if name in self._debounce_events:
            self._debouncer.submit(self._emit_if_alive, name, *args, key=name, **kwargs)
        else:
            emit(name, self, *args, **kwargs)

    def _emit_if_alive(self, name, *args, **kwargs):
        if self._alive["alive"]:
            emit(name, self, *args, **kwargs)

    def _query(self, method, *args, callback=None):
        """Call a query method of the implementation, waiting for its result without callback."""
        f = getattr(self._impl, method)
        if callback is not None:
            return f(*args, callback=callback)
        return wait_for(lambda done: f(*args, callback=done, errback=done))

    @property
    def impl(self):
        """The widget implementing the table: an ``HTMLTable`` or a ``NativeTable``."""
        return self._impl

    def _html_impl(self, method):
        if self.implementation != "html":
            raise RuntimeError(
                f"{type(self).__name__}.{method}() needs the HTML table; this one is native.")
        return self._impl

    # HTMLWidget interface
    # ---------------------------------------------------------------------------------------------

    @property
    def debouncer(self):
        """The table's :class:`Debouncer` of the debounced events."""
        return self._debouncer

    def is_ready(self):
        """Whether the table has been fully loaded."""
        return self._ready

    def build(self, callback=None):
        """Rebuild the table (with its rows, sort and filter); the callback has no argument."""
        self._impl.build()
        self._restore()
        if callback is not None:
            self._impl.get_ids(callback=lambda _: callback())

    def eval_js(self, expr, callback=None):
        """Evaluate a JavaScript expression (HTML implementation only).

        The ``table`` JavaScript variable is the underlying table (``static/table.js``).
        Objects are serialized to JSON in the page and deserialized in Python.

        Parameters
        ----------
        expr : str
            A JavaScript expression.
        callback : function
            Called with the value of the expression.

        """
        self._html_impl("eval_js").eval_js(expr, callback=callback)

    def set_html(self, html, callback=None):
        """Set the HTML code of the page (HTML implementation only)."""
        self._html_impl("set_html").set_html(html, callback=callback)

    def view_source(self, callback=None):
        """View the HTML source of the page (HTML implementation only)."""
        self._html_impl("view_source").view_source(callback=callback)

    # Data
    # ---------------------------------------------------------------------------------------------

    @property
    def columns(self):
        """The columns shown."""
        return list(self._columns)

    def set_columns(self, columns):
        """Change the columns shown."""
        self._columns = list(columns)
        self._impl.set_columns(self._columns)

    def add(self, objects):
        """Add rows (dictionaries with an ``id``) to the table; an existing id is replaced."""
        objects = sanitize_objects(objects)
        self._rows.update((o["id"], o) for o in objects)
        self._impl.add(objects)

    def change(self, objects):
        """Change some fields of existing rows (dictionaries with an ``id``)."""
        objects = [o for o in sanitize_objects(objects) if o["id"] in self._rows]
        for o in objects:
            self._rows[o["id"]].update(o)
        self._impl.change(objects)

    def remove(self, ids):
        """Remove rows from their ids."""
        ids = [sanitize_value(i) for i in ids]
        for i in ids:
            self._rows.pop(i, None)
        self._impl.remove(ids)

    def remove_all(self):
        """Remove all rows in the table."""
        self._rows.clear()
        self._impl.remove_all()

    def remove_all_and_add(self, objects):
        """Remove all rows in the table and add new ones."""
        objects = sanitize_objects(objects)
        self._rows = {o["id"]: o for o in objects}
        self._impl.remove_all_and_add(objects)

    def get(self, id, callback=None):
        """Get a row (a copy of its dictionary) from its id, or None."""
        row = self._rows.get(sanitize_value(id))
        row = dict(row) if row is not None else None
        if callback is not None:
            callback(row)
        return row

    # Sort and filter
    # ---------------------------------------------------------------------------------------------

    def sort_by(self, name, sort_dir="asc"):
        """Sort by a column, in ``'asc'`` or ``'desc'`` order. Emits ``table_sort``."""
        if sort_dir not in ("asc", "desc"):
            raise ValueError(f"The sort direction must be 'asc' or 'desc', not {sort_dir!r}.")
        self._sort = (name, sort_dir)
        self._impl.sort_by(name, sort_dir)

    def get_current_sort(self, callback=None):
        """Get the current sort as a tuple ``(name, dir)``, ``(None, None)`` if unsorted."""
        def convert(sort):
            return tuple(sort) if sort else (None, None)
        if callback is not None:
            return self._query("get_current_sort", callback=lambda s: callback(convert(s)))
        return convert(self._query("get_current_sort"))

    def filter(self, text=""):
        """Filter the rows with a JavaScript expression on the field names.

        For example ``n_spikes > 100 && group != 'noise'``; an empty text shows all rows. An
        invalid expression is logged as a warning, shown in the filter box, and ignored.
        Emits ``table_filter``.
        """
        self._filter_text = text or ""
        self._impl.filter(self._filter_text)

    # Selection
    # ---------------------------------------------------------------------------------------------

    def select(self, ids, callback=None, **kwargs):
        """Select some rows in the table from Python.

        The ``select`` event is emitted as when the user selects rows, with the keyword
        arguments: ``select(table, ids, **kwargs)``. The view scrolls to the first row.

        Parameters
        ----------
        ids : list
            The ids to select, in order (the order of the selection colors).
        callback : function
            Called with the new selection.

        """
        ids = [sanitize_value(i) for i in ids]
        return self._impl.select(ids, kwargs, callback=callback)

    def first(self, callback=None):
        """Select the first non-skipped row; the callback receives the new selection."""
        return self._impl.first(callback=callback)

    def next(self, callback=None):
        """Select the next non-skipped row; the callback receives the new selection."""
        return self._impl.next(callback=callback)

    def previous(self, callback=None):
        """Select the previous non-skipped row; the callback receives the new selection."""
        return self._impl.previous(callback=callback)

    def get_selected(self, callback=None):
        """Get the selected ids, in selection order."""
        return self._query("get_selected", callback=callback)

    def get_ids(self, callback=None):
        """Get the shown ids, in the order shown."""
        return self._query("get_ids", callback=callback)

    def get_next_id(self, callback=None):
        """Get the id that :meth:`next` would select (None if there is none)."""
        return self._query("get_next_id", callback=callback)

    def get_previous_id(self, callback=None):
        """Get the id that :meth:`previous` would select (None if there is none)."""
        return self._query("get_previous_id", callback=callback)

    def set_selected_index_offset(self, n):
        """Offset of the selection index used to color the selected rows (SimilarityView)."""
        self._impl.set_selected_index_offset(n)

    # Misc
    # ---------------------------------------------------------------------------------------------

    def scroll_to(self, id):
        """Scroll until a given row is visible."""
        self._impl.scroll_to(sanitize_value(id))

    def set_busy(self, busy):
        """Set the busy state of the table (busy cursor, dimmed rows)."""
        self._impl.set_busy(busy)

    def closeEvent(self, e):  # noqa: N802
        """Drop the pending debounced events when the table closes."""
        self._debouncer.stop()
        super().closeEvent(e)
