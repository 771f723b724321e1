"""Test configuration shared by the whole suite.

* Every test runs with a temporary user configuration directory and a clean event bus.
* Qt is set up for the OpenGL views (3.3 core profile, shared contexts) before pytest-qt creates
  the application.
* Every test using Qt (``qtbot`` or ``qapp``) fails if it leaves a top-level widget alive (after
  pytest-qt closed the widgets registered with ``qtbot.addWidget`` and the deferred deletions
  ran), and answers dialogs through a :class:`ScriptedDialogs` provider (``dialogs`` fixture):
  a dialog that a test did not expect fails the test instead of blocking it.
"""

import gc
import os
import tempfile
from pathlib import Path

import pytest

# A private runtime directory for Qt, set before anything imports Qt.
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="phy-xdg-"))
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "phy-data"


def pytest_configure(config):
    """Configure OpenGL before pytest-qt creates the QApplication."""
    try:
        from phy.gui.qt import configure_opengl
    except ImportError:  # pragma: no cover
        return
    configure_opengl()


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    """A temporary user configuration directory (``PHY_CONFIG_DIR``) for every test."""
    path = tmp_path / "phy_config_dir"
    path.mkdir()
    monkeypatch.setenv("PHY_CONFIG_DIR", str(path))
    return path


@pytest.fixture(autouse=True)
def _reset_event_bus():
    """Every test starts and ends with an empty event bus."""
    from phy.utils import event

    event.reset()
    yield
    event.reset()


@pytest.fixture
def phy_data():
    """The shared real datasets (``../shared/data/phy-data``), or skip when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"Shared test data not found at {SHARED_DATA}.")
    return SHARED_DATA


def _uses_qt(request):
    return bool({"qtbot", "qapp"} & set(request.fixturenames))


def flush_deletions(app):
    """Run the deferred deletions (``deleteLater``) and the pending events."""
    from phy.gui.qt import QEvent

    for _ in range(3):
        gc.collect()
        app.sendPostedEvents(None, QEvent.DeferredDelete)
        app.processEvents()


def leaked_top_level_widgets(app, before):
    """The top-level widgets alive now that were not in `before` (deletions flushed first)."""
    flush_deletions(app)
    return [w for w in app.topLevelWidgets() if not any(w is b for b in before)]


@pytest.fixture
def top_level_leaks(qapp):
    """The leak check used after every Qt test, as a function ``leaks(before)``."""
    return lambda before: leaked_top_level_widgets(qapp, before)


@pytest.fixture
def dialogs():
    """Scripted answers to the dialogs: append to ``dialogs.answers``, read ``dialogs.calls``."""
    from phy.gui.dialogs import ScriptedDialogs, set_dialog_provider

    scripted = ScriptedDialogs()
    previous = set_dialog_provider(scripted)
    yield scripted
    set_dialog_provider(previous)


@pytest.fixture(autouse=True)
def _qt_guards(request):
    """Scripted dialogs for every Qt test, and a failure if it leaks top-level widgets."""
    if not _uses_qt(request):
        yield
        return
    request.getfixturevalue("dialogs")
    app = request.getfixturevalue("qapp")
    flush_deletions(app)
    before = list(app.topLevelWidgets())
    yield
    leaked = leaked_top_level_widgets(app, before)
    if leaked:
        names = [f"{type(w).__name__}({w.objectName()!r})" for w in leaked]
        for widget in leaked:
            widget.close()
            widget.deleteLater()
        flush_deletions(app)
        pytest.fail(f"The test leaked top-level widgets: {', '.join(names)}.")
