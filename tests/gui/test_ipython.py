"""Tests of the IPython console view."""

import logging
import re

from phy.gui.ipython import IPythonView


def console_text(view):
    return view._control.toPlainText()


def run(qtbot, view, code, output):
    """Execute code in the console and wait for its output ``Out[n]: output``."""
    view.execute(code)
    pattern = re.compile(r"Out\[\d+\]: " + re.escape(output) + r"\s")
    qtbot.waitUntil(lambda: pattern.search(console_text(view)) is not None, timeout=10000)


def test_ipython_view(qtbot):
    view = IPythonView()
    qtbot.addWidget(view)
    view.start_kernel()
    view.show()
    run(qtbot, view, "1 + 1", "2")
    view.inject(answer=42)
    run(qtbot, view, "answer * 2", "84")
    view.stop()
    assert view.kernel is None


def test_ipython_attach(qtbot, make_gui):
    gui = make_gui(name="IPythonTestGUI")
    view = IPythonView()
    view.attach(gui, answer=41)
    assert gui.list_views(IPythonView) == [view]
    gui.show()
    qtbot.waitExposed(gui)
    assert view.kernel.shell.user_ns["gui"] is gui
    run(qtbot, view, "answer + 1", "42")
    gui.close()
    assert view.kernel is None  # closing the GUI stopped the kernel


def test_error_stopping_the_kernel_is_logged(qtbot, caplog, monkeypatch):
    view = IPythonView()
    qtbot.addWidget(view)
    view.show()

    def stuck():
        raise RuntimeError("kernel stuck")

    monkeypatch.setattr(view, "stop", stuck)
    with caplog.at_level(logging.ERROR, logger="phy.gui.ipython"):
        view.close()  # would abort the process if the exception escaped closeEvent
    assert "kernel stuck" in caplog.text
    assert not view.isVisible()
    monkeypatch.undo()
    caplog.clear()  # the logged traceback holds the view (and its completion popup) alive
