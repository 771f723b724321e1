"""The GUI of a controller (phy/apps/controller_gui.py): default layout, requested views."""

from pathlib import Path

import pytest

from phy.apps.controller_gui import COLUMN_WIDTHS


def test_default_layout_columns_and_first_selection(qtbot, synthetic_dir, make_controller):
    c = make_controller(synthetic_dir)
    c.at_least_one_view("RasterView")  # not a default view: added on request
    gui = c.create_gui(size=(1600, 1000))
    with qtbot.waitExposed(gui):
        gui.show()
    names = {type(v).__name__ for v in gui.views}
    assert "RasterView" in names and "TraceView" in names
    assert c.supervisor.selected == [c.supervisor.wizard.cluster_rows.first_id()]

    def x(name):
        return gui.get_view(name).dock.geometry().x()

    # phy 2.1's columns, left to right; the tables' column gets about a third of the width.
    assert x("ClusterView") < x("WaveformView") < x("FeatureView") < x("TraceView")
    assert x("ClusterScatterView") == x("ClusterView") == x("SimilarityView")
    share = gui.get_view("ClusterView").dock.width() / gui.width()
    assert share == pytest.approx(COLUMN_WIDTHS[0] / sum(COLUMN_WIDTHS), abs=0.08)
    scatter, table = gui.get_view("ClusterScatterView").dock, gui.get_view("ClusterView").dock
    assert scatter.geometry().y() < table.geometry().y() and scatter.height() > 100


def test_feature_files_prefetched_until_close(qtbot, synthetic_dir, make_controller,
                                              monkeypatch):
    import threading

    import phy.io.npy as npy

    asked = []

    def prefetch(arrays):
        asked.append([a.filename for a in arrays if isinstance(a, npy.np.memmap)])
        asked.append(threading.Event())
        return asked[-1]

    monkeypatch.setattr(npy, "prefetch_files", prefetch)
    c = make_controller(synthetic_dir)
    gui = c.create_gui(default_views=["WaveformView"])
    names = {Path(p).name for p in asked[0]}
    assert names == {"pc_features.npy", "template_features.npy"}  # the model's feature maps
    assert not asked[1].is_set()
    gui.close()
    c.close()
    assert asked[1].is_set()  # stopped with the controller
