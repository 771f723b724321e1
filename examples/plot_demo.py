"""Demo of phy.plot: a PlotCanvas window with scatter plots, line plots, a histogram and text.

Run ``python examples/plot_demo.py`` and pan/zoom with the mouse (drag, right-drag, wheel,
double-click to reset) or the keyboard (arrows, + and -, R); Control + click draws a lasso.
``--screenshot out.png`` saves an image of the window and quits.
"""

import argparse

import numpy as np

from phy.gui.qt import QWidget, create_app, run_app
from phy.plot import PlotCanvas, PlotVisual, ScatterVisual
from phy.utils import colormaps


def make_canvas():
    """Create the demo canvas: a 2x2 grid of plots, with pan/zoom and lasso."""
    rng = np.random.default_rng(42)
    colors = np.column_stack([colormaps.categorical[:6], np.ones(6)])
    canvas = PlotCanvas()
    canvas.set_layout("grid", shape=(2, 2))
    canvas.enable_panzoom()
    canvas.enable_lasso()
    canvas.layout.add_boxes(canvas)

    # Top left: three clusters of points, added as a batch (one draw call).
    scatter = ScatterVisual(marker="disc")
    for i, center in enumerate([(-0.4, 0.3), (0.3, 0.4), (0.0, -0.4)]):
        pos = rng.normal(center, 0.15, (2000, 2))
        scatter.add_batch_data(pos=pos, color=colors[i] * (1, 1, 1, 0.6), size=4, box_index=(0, 0))
    canvas.add_visual(scatter)

    # Top right: waveforms of two clusters (one draw call), with a mean waveform in front.
    t = np.linspace(0, 1, 82)
    spike = -np.exp(-((t - 0.3) / 0.05) ** 2) + 0.4 * np.exp(-((t - 0.45) / 0.1) ** 2)
    waves = PlotVisual()
    for i, amplitude in enumerate((1.0, 0.6)):
        y = amplitude * spike + rng.normal(0, 0.08, (30, 82))
        waves.add_batch_data(
            y=y, color=colors[3 + i] * (1, 1, 1, 0.4), data_bounds=(-1, -1.3, 1, 0.7),
            box_index=(0, 1))
    waves.add_batch_data(
        y=spike[np.newaxis], color=(1, 1, 1, 1), depth=0.5, data_bounds=(-1, -1.3, 1, 0.7),
        box_index=(0, 1))
    canvas.add_visual(waves)

    # Bottom left: an inter-spike interval histogram.
    isi = np.histogram(rng.exponential(0.02, 20000), bins=60, range=(0, 0.1))[0]
    canvas.hist(hist=isi, color=(*colors[1][:3], 0.8), ylim=1.2 * isi.max(), box_index=(1, 0))

    # Bottom right: sines of increasing frequency, and labels.
    x = np.linspace(-1, 1, 500)
    y = np.array([0.15 * np.sin(2 * np.pi * (k + 1) * x) + 0.6 - 0.4 * k for k in range(4)])
    canvas.plot(x=np.tile(x, (4, 1)), y=y, color=colors[:4], box_index=(1, 1))
    canvas.text(
        pos=[(-0.95, 0.85), (-0.95, 0.85), (-0.95, 0.85), (-0.95, 0.85)],
        text=["features", "waveforms", "ISI histogram", "sines"], anchor=(1, -1),
        box_index=[(0, 0), (0, 1), (1, 0), (1, 1)], font_size=10, color=(1, 1, 1, 0.9))
    return canvas


def main(argv=None):
    """Show the demo window (or save a screenshot with --screenshot PATH)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshot", help="save a PNG screenshot to this path and quit")
    args = parser.parse_args(argv)
    app = create_app()
    canvas = make_canvas()
    window = QWidget.createWindowContainer(canvas)
    window.setWindowTitle("phy.plot demo")
    window.resize(900, 700)
    window.show()
    if args.screenshot:
        while not canvas.isValid():
            app.processEvents()
        canvas.grabFramebuffer().save(args.screenshot)
        window.close()
        return 0
    return run_app()


if __name__ == "__main__":
    main()
