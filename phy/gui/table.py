"""A sortable, filterable table with single and multi selection: :class:`Table`.

The table shows rows (dictionaries with an ``id`` key and any other fields) in columns. The
user sorts by clicking on a header, filters with a JavaScript expression on the field names
(``n_spikes > 100 && group != 'noise'``) typed in the box above the table, and selects rows
with the mouse (click, ctrl+click, shift+click) and the keyboard (arrows, Page Up/Down, Home,
End). Rows whose ``is_masked`` field is true or whose ``group`` is ignored (``noise``, ``mua``
by default) are greyed out and skipped by :meth:`Table.next` and :meth:`Table.previous`.

One truth, two renderers
------------------------
The rows, the columns, the sort, the filter and the selection live in one Qt-free
:class:`phy.utils.row_store.RowStore` (``table.store``), with the rules of
:mod:`phy.utils.table_rows`. The table only renders the store, in one of two ways:

* ``'html'``: a web page (``static/table.js``) in the table itself, an :class:`HTMLWidget`;
* ``'native'``: a ``QTableView`` (:mod:`phy.gui.native_table`) shown in the same widget.

Both report the user's clicks, keys, header clicks and filter text to the table's ``user_*``
methods, which update the store; the store's changes come back to the renderer. Every query
(``get_ids``, ``get_selected``, ...) is answered by the store at once, with either renderer;
methods taking a ``callback`` call it with the result at once and also return it. The page
draws only the rows it shows: it is sent the shown order and the cells of the rows in and around
its visible part, and asks for more as it scrolls (see :mod:`phy.gui.html_table`).

Which renderer a table uses is, in order of precedence: the ``implementation=`` argument, the
class attribute ``Table.implementation`` (or that of a subclass), the user configuration key
``c.Table.implementation = 'native'`` (or ``c.<SubclassName>.implementation``) in
``~/.phy/phy_config.py``, else ``'html'`` when Qt WebEngine can be imported, ``'native'``
otherwise. If the web engine fails (its render process dies, or the page is not ready after
``Table.ready_timeout`` seconds), the table switches to the native renderer, keeping its rows,
sort, filter and selection, and so do the tables created afterwards. The members that only make
sense with a page (``eval_js``, ``set_html``, ``view_source``) raise a RuntimeError on a native
table.

An exception raised while handling the user's input (in a ``select`` callback, say) is logged
and shown above the rows; it never propagates into Qt.

Subclassing
-----------
Pass the columns, rows and initial sort to ``Table.__init__``, and use the methods (not
``eval_js``) so that both renderers work::

    class ClusterView(Table):
        def __init__(self, *args, data=None, columns=(), sort=None):
            super().__init__(*args, columns=columns, data=data, sort=sort, title='ClusterView')

Events (on phy's event bus, with the table as sender)
-----------------------------------------------------
``ready()``, ``select(ids, **kwargs)`` (debounced), ``table_sort(ids)``, ``table_filter(ids)``:
``ids`` are the shown ids in the new order.
"""

import functools
import logging

from phy.utils import bus_events as ev
from phy.utils import emit, load_config, phy_config_dir
from phy.utils.config import MASTER_CONFIG_NAME
from phy.utils.row_store import Change, RowStore
from phy.utils.table_rows import DEFAULT_SKIP_GROUPS, sanitize_value

from .html import HTMLWidget, to_js
from .html_table import PageFeed, page_body, update_expression
from .qt import HAS_WEBENGINE, QTimer
from .threads import Debouncer

logger = logging.getLogger(__name__)

#: The implementations (renderers) of the table.
IMPLEMENTATIONS = ("html", "native")

_webengine_failure = None  # why the web engine failed in this process, if it did


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


def _guarded(method):
    """Log and show an exception raised by a handler of the user's input; never raise it."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as e:  # noqa: BLE001 (nothing may propagate into Qt)
            logger.exception("Error in %s.%s", type(self).__name__, method.__name__)
            self.show_error(f"{type(e).__name__}: {e}")
    return wrapper


def _reply(value, callback):
    """Call the callback with the value (if there is one) and return the value."""
    if callback is not None:
        callback(value)
    return value


class Table(HTMLWidget):
    """A sortable table with support for selection. Derives from HTMLWidget.

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
    store : RowStore
        The row store to render (by default a new one, with `columns`, `sort` and
        `skip_groups`): a headless component may hold it and walk the very rows on screen.

    Attributes
    ----------
    implementation : str
        The class attribute is the default requested implementation (None: configuration or
        automatic); an instance's is the one it uses, ``'html'`` or ``'native'``.
    store : RowStore
        The rows, sort, filter and selection.
    ready_timeout : float
        Seconds the page has to become ready before the table falls back to the native one.

    """

    implementation = None
    ready_timeout = 30.0

    def __init__(self, parent=None, columns=None, data=None, sort=None, title="",
                 debounce_events=(ev.SELECT,), skip_groups=DEFAULT_SKIP_GROUPS,
                 implementation=None, store=None):
        implementation = resolve_implementation(implementation, type(self))
        if implementation == "html":
            super().__init__(parent, title=title)
        else:  # a widget without a page
            super(HTMLWidget, self).__init__(parent)
            self.setWindowTitle(title)
        self.store = store if store is not None else RowStore(
            columns=columns, sort=sort, skip_groups=skip_groups)
        if store is not None and columns:
            store.set_columns(columns)
        self.store.on_change = self._on_store_change
        self._debounce_events = set(debounce_events)
        self._debouncer = Debouncer()
        alive = self._alive = {"alive": True}  # no debounced event from a deleted table
        self.destroyed.connect(lambda *_: alive.update(alive=False))
        self._native = None
        self._ready_timer = None
        self._feed = PageFeed(self.store)
        if implementation == "html":
            self.implementation = "html"
            self._start_html()
        else:
            self._start_native()
        if data:
            self.add(data)

    # Renderers
    # ---------------------------------------------------------------------------------------------

    def _start_html(self):
        self.builder.add_style_src("table.css")
        self.builder.add_script_src("table.js")
        self.builder.set_body(page_body())
        self._ready_timer = QTimer(self)
        self._ready_timer.setSingleShot(True)
        self._ready_timer.timeout.connect(self._on_ready_timeout)
        self.build()

    def _start_native(self):
        from .native_table import NativeTable

        self._ready = False
        self.implementation = "native"
        if self.focusProxy() is not None:  # the web page's widget, after a fallback
            self.focusProxy().hide()
        # A child covering the whole widget (a web view lays out its children itself).
        self._native = NativeTable(self.store, self, self)
        self._native.setGeometry(self.rect())
        self._native.show()
        self._native.raise_()
        self.setFocusProxy(self._native.view)
        alive = self._alive
        QTimer.singleShot(0, lambda: alive["alive"] and self._on_native_ready())

    def _on_native_ready(self):
        self._ready = True
        emit(ev.READY, self)

    def _on_ready_timeout(self):
        if not self._ready and self.implementation == "html":
            self._fall_back(f"the page was not ready after {self.ready_timeout:g} seconds")

    def _fail(self, reason):
        super()._fail(reason)
        self._fall_back(reason)

    def _fall_back(self, reason):
        """Switch to the native renderer after the web engine failed."""
        global _webengine_failure
        _webengine_failure = reason
        if self.implementation == "native":
            return
        logger.warning("%s: switching to the native table (%s).", type(self).__name__, reason)
        self._ready_timer.stop()
        self._start_native()

    def _on_store_change(self, change):
        """Render a change of the store."""
        if self._native is not None:
            self._native.render(change)
        elif self._ready:
            self._send(self._feed.patch(change))

    def _send(self, patch, then=None):
        """Send a patch to the page (if not empty), then a JavaScript statement (if any).

        Straight to the page, without the wrapping of ``eval_js`` that returns a value (which
        would parse the whole order twice): an error is logged from the page's console.
        """
        expr = "; ".join(e for e in (update_expression(patch), then) if e)
        if expr:
            self.page().runJavaScript(expr)

    @property
    def impl(self):
        """The native renderer (a ``NativeTable``), or the table itself when it is HTML."""
        return self._native if self._native is not None else self

    def _html_only(self, method):
        if self.implementation != "html":
            raise RuntimeError(
                f"{type(self).__name__}.{method}() needs the HTML table; this one is native "
                f"({_webengine_failure or 'as requested'}).")

    # HTMLWidget interface
    # ---------------------------------------------------------------------------------------------

    @property
    def debouncer(self):
        """Widget debouncer: the table's :class:`Debouncer` of the debounced events."""
        return self._debouncer

    def is_ready(self):
        """Whether the table has been fully loaded."""
        return self._ready

    def build(self, callback=None):
        """Rebuild the table (with its rows, sort, filter and selection).

        The callback, if any, is called with no argument once the table is ready.
        """
        if self._native is not None:
            self._native.render(Change(reset=True, order=True, selection=True))
            if callback is not None:
                callback()
            return
        self._ready_timer.start(int(1000 * self.ready_timeout))
        super().build(callback=callback)

    def eval_js(self, expr, callback=None, errback=None):
        """Evaluate a Javascript expression (HTML table only).

        The ``table`` JavaScript variable is the page's renderer (``static/table.js``).
        Objects are serialized to JSON in the page and deserialized in Python.

        Parameters
        ----------
        expr : str
            A JavaScript expression.
        callback : function
            Called with the value of the expression.

        """
        self._html_only("eval_js")
        super().eval_js(expr, callback=callback, errback=errback)

    def set_html(self, html, callback=None):
        """Set the HTML code (HTML table only)."""
        self._html_only("set_html")
        super().set_html(html, callback=callback)

    def view_source(self, callback=None):
        """View the HTML source of the widget (HTML table only)."""
        self._html_only("view_source")
        super().view_source(callback=callback)

    def _on_js_event(self, name, data):
        if name == ev.READY:
            self._ready_timer.stop()
            # The whole state first, before the calls queued while the page loaded.
            self._pending.insert(0, (update_expression(self._feed.patch(
                Change(reset=True, order=True, selection=True))), None, None))
        super()._on_js_event(name, data)

    def _relay_event(self, name, data):
        """The page's events: ready, the user's input, and its requests for rows."""
        if name == ev.READY:
            emit(ev.READY, self)
            return
        handlers = {
            "row_click": lambda d: self.user_click(d["id"], ctrl=d["ctrl"], shift=d["shift"]),
            "key": lambda d: self.user_key(d["key"], shift=d["shift"], page=d["page"]),
            "header_click": lambda d: self.user_sort(d["name"]),
            "filter": lambda d: self.user_filter(d["text"]),
            "sort_by": lambda d: self.user_sort(d["name"], d["dir"]),
            "select": lambda d: self.user_select(d["ids"], d["kwargs"]),
            "fetch": lambda d: self._fetch(d["start"], d["end"], d["ids"]),
        }
        handler = handlers.get(name)
        if handler is None:
            logger.warning("Unknown event %r from the table's page.", name)
        else:
            handler(data)

    # The user's input (from either renderer)
    # ---------------------------------------------------------------------------------------------

    @_guarded
    def user_click(self, id, ctrl=False, shift=False):
        """The user clicked on a row (with modifiers): select, emit ``select``."""
        self._emit(ev.SELECT, self.store.click(id, ctrl=ctrl, shift=shift))

    @_guarded
    def user_key(self, key, shift=False, page=10):
        """The user pressed a navigation key in the table."""
        selection = self.store.key(key, shift=shift, page=page)
        if selection is not None:
            self.scroll_to(self.store.cursor)
            self._emit(ev.SELECT, selection)

    @_guarded
    def user_sort(self, name, sort_dir=None):
        """The user clicked on a header (no direction: toggle) or asked for a sort."""
        if sort_dir is None:
            self.store.toggle_sort(name)
            self._emit(ev.TABLE_SORT, list(self.store.ids))
        else:
            self.sort_by(name, sort_dir)

    @_guarded
    def user_filter(self, text):
        """The user typed a filter expression."""
        self.filter(text)

    @_guarded
    def _fetch(self, start, end, ids):
        """The page draws the positions `start` to `end` and lacks the rows `ids`: send them."""
        self._send(self._feed.fetch(start, end, ids))

    @_guarded
    def user_select(self, ids, kwargs):
        """The page asked for a selection."""
        self.select(ids, **kwargs)

    def show_error(self, message):
        """Show an error above the rows (an empty message hides it)."""
        if self._native is not None:
            self._native.show_error(message)
        elif self._ready:
            super().eval_js(f"table.showError({to_js(message)})")

    def _emit(self, name, *args, **kwargs):
        if name in self._debounce_events:
            self._debouncer.submit(self._emit_if_alive, name, *args, key=name, **kwargs)
        else:
            emit(name, self, *args, **kwargs)

    @_guarded
    def _emit_if_alive(self, name, *args, **kwargs):
        if self._alive["alive"]:
            emit(name, self, *args, **kwargs)

    # Data
    # ---------------------------------------------------------------------------------------------

    @property
    def columns(self):
        """The columns shown."""
        return self.store.columns

    def set_columns(self, columns):
        """Change the columns shown."""
        self.store.set_columns(columns)

    def add(self, objects):
        """Add objects object to the table (rows with an ``id``; an existing id is replaced)."""
        self.store.add(objects)

    def change(self, objects):
        """Change some objects (fields of existing rows, from their ``id``)."""
        self.store.change(objects)

    def remove(self, ids):
        """Remove some objects from their ids."""
        self.store.remove(ids)

    def remove_all(self):
        """Remove all rows in the table."""
        self.store.set_rows([])

    def remove_all_and_add(self, objects):
        """Remove all rows in the table and add new objects."""
        self.store.set_rows(objects)

    def get(self, id, callback=None):
        """Get the object given its id (a copy of its dictionary), or None."""
        return _reply(self.store.get(id), callback)

    # Sort and filter
    # ---------------------------------------------------------------------------------------------

    def sort_by(self, name, sort_dir="asc"):
        """Sort by a given variable, ``'asc'`` or ``'desc'``. Emits ``table_sort``."""
        self.store.sort_by(name, sort_dir)
        self._emit(ev.TABLE_SORT, list(self.store.ids))

    def get_current_sort(self, callback=None):
        """Get the current sort as a tuple ``(name, dir)``, ``(None, None)`` if unsorted."""
        return _reply(self.store.sort or (None, None), callback)

    def filter(self, text=""):
        """Filter the view with a Javascript expression on the field names.

        For example ``n_spikes > 100 && group != 'noise'``; an empty text shows all rows. An
        invalid expression is logged as a warning, shown in the filter box, and ignored.
        Emits ``table_filter`` (after a valid expression).
        """
        if self.store.filter(text):
            self._emit(ev.TABLE_FILTER, list(self.store.ids))

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
        selection = self.store.select(ids)
        if selection:
            self.scroll_to(selection[0])
        self._emit(ev.SELECT, list(selection), **kwargs)
        return _reply(selection, callback)

    def _select_one(self, id, callback):
        selection = list(self.store.selected) if id is None else self.select([id])
        return _reply(selection, callback)

    def first(self, callback=None):
        """Select the first non-skipped row; the callback receives the new selection."""
        return self._select_one(self.store.first_id(), callback)

    def next(self, callback=None):
        """Select the next non-skipped row; the callback receives the new selection."""
        return self._select_one(self.store.next_id(+1), callback)

    def previous(self, callback=None):
        """Select the previous non-skipped row; the callback receives the new selection."""
        return self._select_one(self.store.next_id(-1), callback)

    def get_selected(self, callback=None):
        """Get the currently selected rows (ids, in selection order)."""
        return _reply(list(self.store.selected), callback)

    def get_ids(self, callback=None):
        """Get the list of ids shown, in the order shown."""
        return _reply(list(self.store.ids), callback)

    def get_next_id(self, callback=None):
        """Get the next non-skipped row id (the one :meth:`next` selects), or None."""
        return _reply(self.store.next_id(+1), callback)

    def get_previous_id(self, callback=None):
        """Get the previous non-skipped row id (the one :meth:`previous` selects), or None."""
        return _reply(self.store.next_id(-1), callback)

    def set_selected_index_offset(self, n):
        """Offset of the selection index used to color the selected rows (SimilarityView)."""
        self.store.set_color_offset(n)

    # Misc
    # ---------------------------------------------------------------------------------------------

    def scroll_to(self, id):
        """Scroll until a given row is visible."""
        id = sanitize_value(id)
        if self._native is not None:
            self._native.scroll_to(id)
        elif self._ready:
            self._send(self._feed.scroll(id), then=f"table.scrollTo({to_js(id)})")

    def set_busy(self, busy):
        """Set the busy state of the table (busy cursor, dimmed rows)."""
        if self._native is not None:
            self._native.set_busy(busy)
        else:
            self.eval_js(f"table.setBusy({to_js(bool(busy))})")

    def resizeEvent(self, e):  # noqa: N802
        """The native renderer covers the whole widget."""
        super().resizeEvent(e)
        if self._native is not None:
            self._native.setGeometry(self.rect())

    def closeEvent(self, e):  # noqa: N802
        """Drop the pending debounced events when the table closes."""
        self._debouncer.stop()
        if self._ready_timer is not None:
            self._ready_timer.stop()
        super().closeEvent(e)
