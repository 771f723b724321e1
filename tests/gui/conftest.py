"""Fixtures of the phy.gui tests (the leak check and scripted dialogs are in tests/conftest.py).

* ``make_gui`` creates GUIs that are closed and deleted after the test; ``activate`` shows a
  window and waits until it is active (Xvfb has no window manager to do it).
"""

import pytest


@pytest.fixture
def make_gui(qtbot):
    """Factory of GUIs (``make_gui(**kwargs)``), closed and deleted after the test."""
    from phy.gui import GUI

    def make(**kwargs):
        gui = GUI(**kwargs)
        qtbot.addWidget(gui)
        return gui

    return make


@pytest.fixture
def activate(qtbot):
    """Show a window and wait until it is the active window (``activate(widget)``)."""

    def show_and_activate(widget):
        with qtbot.waitExposed(widget):
            widget.show()
        widget.activateWindow()
        widget.raise_()
        qtbot.waitUntil(widget.isActiveWindow)
        return widget

    return show_and_activate
