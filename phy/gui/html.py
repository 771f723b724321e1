"""HTML widgets: a Qt WebEngine page with a Python <-> JavaScript bridge.

:class:`HTMLWidget` shows an HTML page built by an :class:`HTMLBuilder` (or given as a string)
and talks with it both ways:

* Python to JavaScript: ``widget.eval_js(expr, callback)`` evaluates an expression in the page;
  the callback receives its value, serialized to JSON in the page and deserialized in Python
  (so numbers, strings, lists and dictionaries come back as they are).
* JavaScript to Python: the page calls ``phy.emit(name, data)`` (``static/bridge.js``, injected
  into every page); the widget emits ``name`` on phy's event bus as
  ``emit(name, widget, data)``, debounced if the name is in ``debounce_events``.

JavaScript calls made before the page is loaded are queued and run once the page is ready.

Subclassing
-----------
Fill ``self.builder`` in ``__init__`` (styles, scripts, body), then call ``self.build()``::

    class MyWidget(HTMLWidget):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.builder.add_style('body { color: red; }')
            self.builder.set_body('<button onclick="phy.emit(`clicked`, 1)">Click</button>')
            self.build()

and override ``_relay_event(name, data)`` to handle the page's events differently.

Qt WebEngine runs as root only with ``QTWEBENGINE_DISABLE_SANDBOX=1`` in the environment (set by
the test configuration, never by the library). A widget must be deleted before the application
(and its web engine profile) goes away.
"""

import json
import logging
from pathlib import Path

from phy.utils import bus_events as ev
from phy.utils import emit

from .qt import (
    HAS_WEBENGINE,
    QEventLoop,
    QFile,
    QIODevice,
    QObject,
    QTimer,
    QUrl,
    QWebChannel,
    QWebEnginePage,
    QWebEngineScript,
    QWebEngineView,
    QWidget,
    pyqtSlot,
)
from .threads import Debouncer

logger = logging.getLogger(__name__)

#: Folder of the static files (JavaScript, CSS) used by the HTML widgets; also the base URL of
#: the pages, so that relative links point there.
STATIC_DIR = Path(__file__).parent / "static"


#: Seconds a blocking call waits for the page's answer.
BLOCK_TIMEOUT = 30.0

_QWEBCHANNEL_JS = ":/qtwebchannel/qwebchannel.js"


class JavaScriptError(RuntimeError):
    """An exception raised by JavaScript code evaluated in a page."""


def _read_qt_resource(path):
    """Return the text of a file of Qt's resource system."""
    f = QFile(path)
    if not f.open(QIODevice.ReadOnly):
        raise RuntimeError(f"Cannot read the Qt resource {path}.")
    try:
        return bytes(f.readAll()).decode("utf-8")
    finally:
        f.close()


def to_js(obj):
    """JavaScript literal of a JSON-serializable Python object."""
    return json.dumps(obj, allow_nan=False, separators=(",", ":"))


def _js_call(expr):
    """Wrap an expression so that the page returns its value or its error as JSON."""
    return (
        "(function(){try{var r=(0,eval)(%s);"
        "return JSON.stringify({value:r===undefined?null:r});}"
        "catch(e){return JSON.stringify({error:String(e&&e.stack||e)});}})()" % to_js(expr))


def wait_for(start, timeout=BLOCK_TIMEOUT):
    """Run an asynchronous operation and wait for its result, processing Qt events meanwhile.

    Parameters
    ----------
    start : function
        Called as ``start(done)``; the operation calls ``done(result)`` when finished (possibly
        before ``start`` returns).
    timeout : float
        Seconds to wait before raising TimeoutError.

    Returns
    -------
    result : the value passed to ``done``; if it is an exception, it is raised instead.

    """
    box = []
    loop = QEventLoop()

    def done(result=None):
        box.append(result)
        loop.quit()

    start(done)
    if not box:
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(int(timeout * 1000))
        loop.exec_()
        timer.stop()
    if not box:
        raise TimeoutError(f"No answer from the page after {timeout:g} seconds.")
    if isinstance(box[0], Exception):
        raise box[0]
    return box[0]


class HTMLBuilder:
    """Build the HTML code of a widget: headers, styles, scripts and body.

    Parameters
    ----------
    title : str
        The page title.

    """

    def __init__(self, title=""):
        self.title = title
        self.headers = []
        self.body = ""

    def add_header(self, s):
        """Add HTML headers (raw HTML in the ``<head>``)."""
        self.headers.append(s)

    def add_style(self, s):
        """Add a CSS style."""
        self.add_header(f"<style>\n{s}\n</style>")

    def add_style_src(self, filename):
        """Add a link to a stylesheet URL (relative paths point to the static folder)."""
        self.add_header(f'<link rel="stylesheet" type="text/css" href="{filename}" />')

    def add_script(self, s):
        """Add JavaScript code."""
        self.add_header(f"<script>\n{s}\n</script>")

    def add_script_src(self, filename):
        """Add a link to a JavaScript file (relative paths point to the static folder)."""
        self.add_header(f'<script src="{filename}"></script>')

    def set_body(self, body):
        """Set the HTML body of the widget."""
        self.body = body

    def set_body_src(self, filename):
        """Set the body from an HTML file (a path relative to the static folder, or absolute)."""
        path = STATIC_DIR / filename
        if not path.exists():
            raise FileNotFoundError(f"HTML body file {path} not found.")
        self.set_body(path.read_text(encoding="utf-8"))

    @property
    def html(self):
        """The HTML code of the widget."""
        headers = "\n".join(self.headers)
        return (
            "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{self.title}</title>\n{headers}\n</head>\n"
            f"<body>\n{self.body}\n</body>\n</html>\n")


class _Bridge(QObject):
    """The Python object the page talks to through the web channel."""

    def __init__(self, widget):
        super().__init__(widget)
        self._widget = widget

    @pyqtSlot(str, str)
    def emit(self, name, data):  # noqa: D102 (called from JavaScript)
        self._widget._on_js_event(name, json.loads(data))


class _Page(QWebEnginePage if HAS_WEBENGINE else QObject):
    """A web page that logs the JavaScript console messages."""

    _levels = {0: logging.DEBUG, 1: logging.WARNING, 2: logging.ERROR}

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802, D102
        logger.log(self._levels.get(int(level), logging.INFO), "JS: %s (%s:%d)",
                   message, source or "page", line)


class HTMLWidget(QWebEngineView if HAS_WEBENGINE else QWidget):
    """An HTML widget displayed with Qt WebEngine, with Python <-> JavaScript interactions.

    The interactions are asynchronous: :meth:`eval_js` takes a callback receiving the value of
    the expression, and events sent by the page (``phy.emit(name, data)``) are emitted on
    phy's event bus as ``emit(name, widget, data)``.

    Parameters
    ----------
    parent : QWidget
    title : str
        Window title.
    debounce_events : list-like
        Names of the page's events that are debounced (see :class:`phy.gui.Debouncer`): when
        they come in quick succession, only the last one is emitted.

    Events
    ------
    ready : once the page is loaded and its bridge with Python connected.
    The page's own events.

    """

    def __init__(self, parent=None, title="", debounce_events=()):
        if not HAS_WEBENGINE:
            raise RuntimeError("Qt WebEngine (PyQtWebEngine) is not installed.")
        super().__init__(parent)
        self.setWindowTitle(title)
        self.builder = HTMLBuilder(title=title)
        self._debounce_events = set(debounce_events)
        self._debouncer = Debouncer()
        alive = self._alive = {"alive": True}  # no debounced event from a deleted widget
        self.destroyed.connect(lambda *_: alive.update(alive=False))
        self._ready = False
        self._pending = []  # JavaScript calls waiting for the page
        self._ready_callbacks = []
        self.failed = None  # why the web engine failed, if it did
        page = _Page(self)
        self.setPage(page)
        self._bridge = _Bridge(self)
        self._channel = QWebChannel(page)
        self._channel.registerObject("phy_bridge", self._bridge)
        page.setWebChannel(self._channel)
        script = QWebEngineScript()
        script.setName("phy_bridge")
        script.setInjectionPoint(QWebEngineScript.DocumentCreation)
        script.setWorldId(QWebEngineScript.MainWorld)
        script.setSourceCode(_read_qt_resource(_QWEBCHANNEL_JS) + "\n" +
                             (STATIC_DIR / "bridge.js").read_text(encoding="utf-8"))
        page.scripts().insert(script)
        page.renderProcessTerminated.connect(self._on_render_process_terminated)

    # Page
    # ---------------------------------------------------------------------------------------------

    def build(self, callback=None):
        """Rebuild the HTML code of the widget from ``self.builder``.

        The callback, if any, is called with no argument once the page is ready.
        """
        self.set_html(self.builder.html, callback=callback)

    def set_html(self, html, callback=None):
        """Set the HTML code of the page.

        Relative links point to the static folder. The callback, if any, is called with no
        argument once the page is loaded and its bridge connected.
        """
        self._ready = False
        if callback is not None:
            self._ready_callbacks.append(callback)
        self.page().setHtml(html, QUrl.fromLocalFile(str(STATIC_DIR) + "/"))

    def is_ready(self):
        """Whether the page is loaded and its bridge with Python connected."""
        return self._ready

    def view_source(self, callback=None):
        """Get the current HTML source of the page: passed to the callback, or printed."""
        self.page().toHtml(callback or print)

    @property
    def debouncer(self):
        """The widget's :class:`Debouncer` of the page's events."""
        return self._debouncer

    # Python -> JavaScript
    # ---------------------------------------------------------------------------------------------

    def eval_js(self, expr, callback=None, errback=None):
        """Evaluate a JavaScript expression (or statements) in the page.

        Calls made before the page is ready run once it is.

        Parameters
        ----------
        expr : str
            A JavaScript expression.
        callback : function
            Called with the value of the expression, converted from JSON.
        errback : function
            Called with a :class:`JavaScriptError` if the expression raises an exception (which
            is logged as an error in any case; the callback is then not called).

        """
        if not self._ready:
            self._pending.append((expr, callback, errback))
            return
        self.page().runJavaScript(
            _js_call(expr), lambda r: self._on_js_result(expr, r, callback, errback))

    def _on_js_result(self, expr, result, callback, errback):
        """Decode the JSON answer of the page and call the callback (or the errback)."""
        if result is None:  # the page went away before answering
            logger.debug("No result for the JavaScript expression %s.", expr)
            return
        result = json.loads(result)
        if "error" in result:
            logger.error("JavaScript error in `%s`: %s", expr, result["error"])
            if errback is not None:
                errback(JavaScriptError(f"{result['error']} (in `{expr}`)"))
            return
        if callback is not None:
            callback(result["value"])

    # JavaScript -> Python
    # ---------------------------------------------------------------------------------------------

    def _on_js_event(self, name, data):
        """Handle an event sent by the page."""
        if name == ev.READY:
            self._ready = True
            pending, self._pending = self._pending, []
            for expr, callback, errback in pending:
                self.eval_js(expr, callback=callback, errback=errback)
            callbacks, self._ready_callbacks = self._ready_callbacks, []
            for callback in callbacks:
                callback()
        self._relay_event(name, data)

    def _relay_event(self, name, data):
        """Emit a page event on the event bus (debounced if its name is in debounce_events).

        The ``ready`` event has no argument: ``ready(widget)``; the other events have the data
        sent by the page: ``name(widget, data)``.
        """
        if name == ev.READY:
            emit(ev.READY, self)
        elif name in self._debounce_events:
            self._debouncer.submit(self._emit_if_alive, name, data, key=name)
        else:
            emit(name, self, data)

    def _emit_if_alive(self, name, data):
        if self._alive["alive"]:
            emit(name, self, data)

    # Failures
    # ---------------------------------------------------------------------------------------------

    def _on_render_process_terminated(self, status, code):
        if status != QWebEnginePage.NormalTerminationStatus:
            self._fail(f"the web engine's render process terminated (status {int(status)}, "
                       f"exit code {code})")

    def _fail(self, reason):
        """Record that the web engine failed; subclasses may react (see ``Table``)."""
        self.failed = reason
        logger.error("%s: %s.", type(self).__name__, reason)
