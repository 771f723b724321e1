"""Fixtures of the view tests: a shown GUI with a supervisor on synthetic clusters.

``make_gui_with_supervisor(spike_clusters, enable_threading=True)`` returns ``(gui,
supervisor)``: a shown GUI (its state in the test's temporary configuration directory) with a
:class:`~phy.cluster.Supervisor` attached (native tables, selections emitted at once). Attach
the view under test with ``view.attach(gui)``, select with ``select(supervisor, view, ids)``
(which waits until the view has drawn) and read its pixels with ``pixels(view)``.
"""

import numpy as np
import pytest

from ...plot.conftest import Pixels

#: Size of the test GUIs, in pixels.
GUI_SIZE = (800, 500)


def pixels(view):
    """Render a view's canvas offscreen; return its :class:`~tests.plot.conftest.Pixels`."""
    return Pixels(view.canvas.read_pixels())


def rgb255(color):
    """A color in [0, 1] as 0-255 integers."""
    return tuple(int(round(255 * c)) for c in color[:3])


@pytest.fixture
def select(qtbot):
    """``select(supervisor, view, cluster_ids)``: select clusters, wait until the view drew."""

    def select_and_wait(supervisor, view, cluster_ids):
        supervisor.select(list(cluster_ids))
        supervisor.block()
        qtbot.waitUntil(lambda: not view.is_busy)

    return select_and_wait


@pytest.fixture
def make_gui_with_supervisor(qtbot, qapp, monkeypatch, config_dir):
    """Factory of shown GUIs with an attached supervisor, all closed after the test."""
    from phy.cluster import Supervisor
    from phy.cluster.tables import ClusterView
    from phy.gui import GUI
    from phy.gui.threads import thread_pool

    from ...conftest import flush_deletions

    monkeypatch.setattr(ClusterView, "implementation", "native")
    made = []

    def make(spike_clusters=None, enable_threading=True, name="ViewTestGUI", **kwargs):
        if spike_clusters is None:
            spike_clusters = np.repeat(np.arange(4), 10)
        supervisor = Supervisor(spike_clusters=spike_clusters, select_delay=0)
        gui = GUI(name=name, config_dir=config_dir, size=GUI_SIZE,
                  enable_threading=enable_threading, **kwargs)
        supervisor.attach(gui)
        made.append((supervisor, gui))
        with qtbot.waitExposed(gui):
            gui.show()
        return gui, supervisor

    yield make
    thread_pool().waitForDone()
    qapp.processEvents()
    for supervisor, gui in made:
        supervisor.close()
        gui.close()
        gui.deleteLater()
    flush_deletions(qapp)


@pytest.fixture
def shown(qtbot):
    """``shown(view)``: wait until a view attached to a shown GUI is drawable, 100+ pixels wide."""

    def wait(view):
        qtbot.waitUntil(lambda: view.canvas.isValid() and view.canvas.isExposed()
                        and min(view.canvas.get_size()) >= 100)
        return view

    return wait


@pytest.fixture
def trains():
    """``(spike_times, spike_clusters)`` of the test spike trains (``spike_trains.py``)."""
    from .spike_trains import spike_trains

    return spike_trains()
