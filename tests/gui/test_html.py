"""Tests of the HTML builder and of the HTML widget's Python <-> JavaScript bridge."""

import logging

import pytest

from phy.gui.html import HTMLBuilder, HTMLWidget, JavaScriptError, wait_for
from phy.gui.qt import QApplication, QEvent, QPoint, Qt
from phy.utils import connect


def close_widget(widget):
    """Close and delete a widget now (web views before the web engine profile)."""
    widget.close()
    widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)


@pytest.fixture
def widget(qtbot):
    widget = HTMLWidget(title="Test", debounce_events=("hover",))
    widget.resize(200, 100)
    yield widget
    close_widget(widget)


def js(widget, expr):
    return wait_for(lambda done: widget.eval_js(expr, callback=done))


def test_builder():
    b = HTMLBuilder(title="My page")
    b.add_header('<meta name="phy">')
    b.add_style("body { color: red; }")
    b.add_style_src("table.css")
    b.add_script("var a = 1;")
    b.add_script_src("table.js")
    b.set_body("<p>hello</p>")
    html = b.html
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>My page</title>" in html
    parts = ['<meta name="phy">', "body { color: red; }", 'href="table.css"', "var a = 1;",
             'src="table.js"', "<body>\n<p>hello</p>"]
    positions = [html.index(p) for p in parts]
    assert positions == sorted(positions)
    b.set_body_src("table.css")
    assert ".phy-table" in b.body
    with pytest.raises(FileNotFoundError, match="nope.html"):
        b.set_body_src("nope.html")


def test_eval_js(qtbot, widget):
    got = []
    # Called before the page exists: the call waits for the page.
    widget.eval_js("({a: 1, b: [1.5, 'x', null], c: true, d: undefined})", callback=got.append)
    widget.builder.set_body('<div id="x">hello</div>')
    widget.build()
    qtbot.waitUntil(lambda: len(got) == 1)
    assert got == [{"a": 1, "b": [1.5, "x", None], "c": True}]
    assert type(got[0]["a"]) is int
    assert widget.is_ready()
    assert js(widget, "var z = 3; z * 2") == 6
    assert js(widget, "document.getElementById('x').textContent") == "hello"
    assert js(widget, "undefined") is None


def test_eval_js_error(qtbot, widget, caplog):
    widget.build()
    errors, results = [], []
    with caplog.at_level(logging.ERROR, logger="phy.gui.html"):
        widget.eval_js("nope()", callback=results.append, errback=errors.append)
        qtbot.waitUntil(lambda: len(errors) == 1)
    assert isinstance(errors[0], JavaScriptError)
    assert "nope" in str(errors[0])
    assert results == []
    assert "JavaScript error" in caplog.text
    with pytest.raises(JavaScriptError):
        wait_for(lambda done: widget.eval_js("null.x", callback=done, errback=done))


def test_events_from_js(qtbot, widget):
    widget.builder.set_body(
        '<button id="b" style="width: 100%; height: 50px" '
        'onclick="phy.emit(\'clicked\', {x: 1})">Click</button>')
    ready, clicked = [], []
    connect(lambda sender: ready.append(sender), event="ready", sender=widget)
    connect(lambda sender, data: clicked.append(data), event="clicked", sender=widget)
    widget.build()
    widget.show()
    qtbot.waitUntil(lambda: ready == [widget])
    qtbot.waitExposed(widget)
    widget.eval_js("document.getElementById('b').click()")
    qtbot.waitUntil(lambda: clicked == [{"x": 1}])
    # A real mouse click on the page.
    qtbot.mouseClick(widget.focusProxy(), Qt.LeftButton, Qt.NoModifier, QPoint(50, 20))
    qtbot.waitUntil(lambda: clicked == [{"x": 1}, {"x": 1}])


def test_debounced_events(qtbot, widget):
    widget.build()
    got = []
    connect(lambda sender, data: got.append(data), event="hover", sender=widget)
    widget.eval_js("for (let i = 1; i <= 5; i++) phy.emit('hover', i)")
    # The first event is emitted at once, the last one after the delay, the others are dropped.
    qtbot.waitUntil(lambda: got == [1, 5])
    assert not widget.debouncer.is_waiting


def test_set_html_and_view_source(qtbot, widget, capsys):
    loaded, sources = [], []
    widget.set_html('<html><body><p id="p">some text</p></body></html>',
                    callback=lambda: loaded.append(True))
    qtbot.waitUntil(lambda: loaded == [True])
    widget.view_source(callback=sources.append)
    qtbot.waitUntil(lambda: len(sources) == 1)
    assert '<p id="p">some text</p>' in sources[0]
    widget.view_source()
    qtbot.waitUntil(lambda: "some text" in capsys.readouterr().out)


def test_static_links(qtbot, widget):
    widget.builder.add_script_src("table.js")
    widget.build()
    assert js(widget, "typeof PhyTable") == "function"


def test_wait_for_timeout(qapp):
    with pytest.raises(TimeoutError):
        wait_for(lambda done: None, timeout=0.05)
    assert wait_for(lambda done: done(3)) == 3
