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
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

# A private runtime directory for Qt, set before anything imports Qt.
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="phy-xdg-"))
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

#: The real example datasets shipped with the tests (see its README.md); never written into.
PHY_DATA = Path(__file__).resolve().parent / "data" / "phy-data"


def pytest_configure(config):
    """Configure OpenGL before pytest-qt creates the QApplication."""
    try:
        from phy.gui.qt import configure_opengl
    except ImportError:  # pragma: no cover
        return
    configure_opengl()


@pytest.fixture(autouse=True)
def config_dir(tmp_path, monkeypatch):
    """A temporary user configuration directory (``PHY_CONFIG_DIR``) for every test.

    The master configurations read by earlier tests are forgotten (they are read once per
    session otherwise).
    """
    from phy.utils import reset_config_cache

    reset_config_cache()
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


def _snapshot(folder):
    """``{relative path: (size, mtime_ns)}`` of everything under a folder."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="session", autouse=True)
def _test_data_untouched():
    """Fail the run if a test wrote into the shipped test data (``tests/data``)."""
    before = _snapshot(PHY_DATA)
    yield
    after = _snapshot(PHY_DATA)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if changed:
        pytest.fail(f"Tests wrote into the test data {PHY_DATA}: {', '.join(changed)}.")


@pytest.fixture
def phy_data():
    """The real example datasets shipped in ``tests/data/phy-data`` (read them, never write).

    Code that may write into a dataset (a model creating ``.phy/``, a save) gets a copy made
    with :func:`copy_dataset`.
    """
    assert PHY_DATA.is_dir(), f"The test data folder {PHY_DATA} is missing from the checkout."
    return PHY_DATA


def copy_dataset(src, dst, read_only=False):
    """Copy a dataset folder (without its ``.phy/`` cache) to `dst`, writable or read-only.

    Parameters
    ----------
    src, dst : Path
    read_only : bool
        Remove the write permission bits of the copy and of its files (the cache then stays in
        memory and saves raise), as on a dataset served read-only to its users.

    """
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".phy"))
    paths = [Path(root) / name for root, dirs, files in os.walk(dst) for name in dirs + files]
    no_write = ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    for path in sorted(paths, reverse=True) + [Path(dst)]:  # the folders last
        mode = path.stat().st_mode
        os.chmod(path, mode & no_write if read_only else mode | stat.S_IWUSR)
    return Path(dst)


@pytest.fixture
def dataset_copy(tmp_path):
    """``dataset_copy(src, name, read_only=False)``: a copy of a dataset folder in `tmp_path`."""
    copied = []

    def copy(src, name=None, read_only=False):
        dst = copy_dataset(src, tmp_path / (name or Path(src).name), read_only=read_only)
        copied.append(dst)
        return dst

    yield copy
    for dst in copied:  # let pytest remove read-only copies
        for root, dirs, _ in os.walk(dst):
            for name in dirs:
                os.chmod(Path(root) / name, 0o755)
        os.chmod(dst, 0o755)


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
