"""Fixtures of the phy.cluster tests: a synthetic clustering, wizards and supervisors."""

import pytest

from ..conftest import flush_deletions
from .cluster_testdata import build


@pytest.fixture
def make_wizard():
    from phy.cluster.curation import Curation

    return lambda **kwargs: build(Curation, **kwargs)


@pytest.fixture
def events():
    """Record the events emitted on the bus: ``events[name]`` lists the arguments."""
    from collections import defaultdict

    from phy.utils import connect

    recorded = defaultdict(list)

    def recorder(name):
        def on_event(sender, *args, **kwargs):
            recorded[name].append(args[0] if len(args) == 1 else args)
        return on_event

    for name in ("select", "cluster", "attach_gui", "save_clustering",
                 "color_mapping_changed", "toggle_spike_reorder"):
        connect(recorder(name), event=name)
    return recorded


@pytest.fixture(params=["html", "native"])
def table_implementation(request, monkeypatch):
    """The supervisor tests run on the production default (HTML) and on the native table."""
    from phy.cluster.tables import ClusterView

    if request.param == "native":
        monkeypatch.setattr(ClusterView, "implementation", "native")
    return request.param


@pytest.fixture
def make_supervisor(qtbot, qapp, dialogs, tmp_path, table_implementation):
    """Factory of supervisors attached to a shown, active GUI; all closed after the test.

    The tables use the default implementation (HTML), or the native one (parametrized).
    """
    from phy.cluster import Supervisor
    from phy.gui import GUI

    made = []

    def make(attach=True, **kwargs):
        supervisor = build(Supervisor, **kwargs)
        gui = None
        if attach:
            # Not registered with qtbot (which closes it before the supervisor is closed).
            gui = GUI(name="ClusterTestGUI", config_dir=tmp_path / "config")
            supervisor.attach(gui)
            with qtbot.waitExposed(gui):
                gui.show()
            gui.activateWindow()
            qtbot.waitUntil(gui.isActiveWindow)
        made.append((supervisor, gui))
        return supervisor

    yield make
    for supervisor, gui in made:
        supervisor.close()
        if gui is not None:
            gui.close()
            gui.deleteLater()
    flush_deletions(qapp)
