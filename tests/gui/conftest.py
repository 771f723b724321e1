"""Fixtures of the phy.gui tests.

* Every test using Qt fails if it leaves a top-level widget alive (after pytest-qt closed the
  widgets registered with ``qtbot.addWidget`` and the deferred deletions ran).
* Every test answers dialogs through a :class:`ScriptedDialogs` provider (``dialogs`` fixture):
  a dialog that a test did not expect fails the test instead of blocking it.
* ``make_gui`` creates GUIs that are closed and deleted after the test; ``activate`` shows a
  window and waits until it is active (Xvfb has no window manager to do it).
"""

import gc

import pytest


def _flush_deletions(app):
    """Run the deferred deletions (``deleteLater``) and the pending events."""
    from phy.gui.qt import QEvent

    for _ in range(3):
        gc.collect()
        app.sendPostedEvents(None, QEvent.DeferredDelete)
        app.processEvents()


def leaked_top_level_widgets(app, before):
    """The top-level widgets alive now that were not in `before` (deletions flushed first)."""
    _flush_deletions(app)
    return [w for w in app.topLevelWidgets() if not any(w is b for b in before)]


@pytest.fixture
def top_level_leaks(qapp):
    """The leak check used after every test, as a function ``leaks(before)``."""
    return lambda before: leaked_top_level_widgets(qapp, before)


@pytest.fixture(autouse=True)
def _no_leaked_widgets(request):
    """Fail a Qt test that leaves top-level widgets behind."""
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        yield
        return
    app = request.getfixturevalue("qapp")
    _flush_deletions(app)
    before = list(app.topLevelWidgets())
    yield
    leaked = leaked_top_level_widgets(app, before)
    if leaked:
        names = [f"{type(w).__name__}({w.objectName()!r})" for w in leaked]
        for widget in leaked:
            widget.close()
            widget.deleteLater()
        _flush_deletions(app)
        pytest.fail(f"The test leaked top-level widgets: {', '.join(names)}.")


@pytest.fixture(autouse=True)
def dialogs():
    """Scripted answers to the dialogs: append to ``dialogs.answers``, read ``dialogs.calls``."""
    from phy.gui.dialogs import ScriptedDialogs, set_dialog_provider

    scripted = ScriptedDialogs()
    previous = set_dialog_provider(scripted)
    yield scripted
    set_dialog_provider(previous)


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
