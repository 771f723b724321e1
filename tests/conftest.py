"""Test configuration shared by the whole suite.

Every test runs with a temporary user configuration directory and a clean event bus. Qt is set
up for the OpenGL views (3.3 core profile, shared contexts) before pytest-qt creates the
application.
"""

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
