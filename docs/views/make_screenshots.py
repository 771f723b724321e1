"""Make screenshots for the docs (run from the repository root, under a display).

``PYTHONPATH=. LIBGL_ALWAYS_SOFTWARE=1 python docs/views/make_screenshots.py [raster|trace|gui]...``

The raster and trace views show a synthetic template dataset (fixed seed) with two selected
clusters, in a window of the size of its PNG (docs/views/); the PNG is what the canvas draws
(``phy.gui.qt.screenshot``). ``gui`` is the whole Template GUI on the demo dataset of
``phy demo`` (docs/gui.png), grabbed from the screen.
"""

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.gui_child import show_canvas, wait_until
from phy.apps.template import load_model
from phy.apps.view_data import trace_function
from phy.cluster.views import RasterView, TraceView
from phy.gui.qt import create_app, screenshot
from phy.io.synthetic import make_template_dataset
from phy.traces import high_pass_filter
from phy.utils import ClusterColorSelector

HERE = Path(__file__).resolve().parent


def _save(app, view, size, name, cluster_ids):
    """Show `view` at `size`, select `cluster_ids`, save docs/views/<name>.png."""
    container = show_canvas(app, view.canvas, size, exposed=True)
    view.on_select(cluster_ids=cluster_ids)
    for _ in range(20):  # Let the canvas paint (and the trace view bin for its width).
        app.processEvents()
    wait_until(app, lambda: view._data is not None, timeout=30)
    path = screenshot(view.canvas, path=HERE / f"{name}.png")
    view.canvas.close()
    container.close()
    print(f"wrote {path}")


def raster(app, tmp):
    """60 clusters over 10 minutes, clusters 12 and 30 selected."""
    make_template_dataset(tmp / "raster", n_spikes=200_000, n_templates=60, n_channels=32,
                          duration=600.0, seed=3, features=False)
    model = load_model(tmp / "raster" / "params.py")
    view = RasterView(np.asarray(model.spike_times), np.asarray(model.spike_clusters),
                      cluster_ids=np.unique(model.spike_clusters))
    _save(app, view, (800, 500), "raster", [12, 30])
    model.close()


def trace(app, tmp):
    """32 channels, 150 ms high-pass filtered, clusters 3 and 5 selected, the others coloured."""
    make_template_dataset(tmp / "trace", n_spikes=3000, n_templates=8, n_channels=32,
                          duration=10.0, seed=1, features=False)
    model = load_model(tmp / "trace" / "params.py")
    sr = model.sample_rate
    view = TraceView(
        traces=trace_function(model), spike_times=None, sample_rate=sr, duration=model.duration,
        n_channels=model.n_channels, channel_positions=model.channel_positions,
        filters={"high_pass": high_pass_filter(sr)},
        cluster_color_selector=ClusterColorSelector(
            cluster_ids=np.unique(model.spike_clusters)))
    view.set_interval((4.05, 4.2))
    _save(app, view, (900, 600), "trace", [3, 5])
    model.close()


def gui(app, tmp):
    """The Template GUI on the demo dataset (1600 x 1000), two clusters selected."""
    from phy.apps import demo_dataset_path
    from phy.apps.template import TemplateController

    controller = TemplateController(
        dir_path=demo_dataset_path().parent, config_dir=tmp / "config", clear_state=True)
    window = controller.create_gui(size=(1600, 1000))
    window.show()
    window.move(0, 0)
    ids = controller.supervisor.cluster_ids
    controller.supervisor.select([int(ids[0]), int(ids[1])])
    t0 = time.perf_counter()
    wait_until(app, lambda: time.perf_counter() - t0 > 8, timeout=30)  # every view drawn
    geometry = window.frameGeometry()
    app.primaryScreen().grabWindow(
        0, geometry.x(), geometry.y(), geometry.width(), geometry.height()).save(
        str(HERE.parent / "gui.png"))
    print(f"wrote {HERE.parent / 'gui.png'}")
    window.close()
    controller.close()


def main(names):
    """Make the screenshots of `names` (default: all)."""
    app = create_app()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names or ("raster", "trace", "gui"):
            {"raster": raster, "trace": trace, "gui": gui}[name](app, Path(tmp))


if __name__ == "__main__":
    main(sys.argv[1:])
