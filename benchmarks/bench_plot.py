"""Benchmark of the OpenGL plotting layer: set data and draw one frame.

* Scatter plots of 10 k, 100 k and 1 M points (4-pixel discs) in an 800x600 canvas.
* The waveform view's worst case: 384 channels x 100 waveforms x 82 samples (3.1 M vertices) in a
  boxed layout, added as 384 batches and drawn in one call.
* Mean waveforms as thick lines (``ThickLineVisual``, 3 pixels wide): 384 channels x 10 clusters
  x 82 samples in the same layout (four vertices per segment), one call.

For each: the time of ``set_data`` (validation, normalization, buffers prepared on the CPU), the
vertex data uploaded to the GPU (bytes per vertex, all attribute buffers), the time of the first
frame (upload to the GPU and draw) and of a redraw (draw only), each frame read back
with ``glReadPixels`` so that the time includes the whole rendering. The frame time per vertex
shows whether drawing scales linearly. The measures run in a child process (its own Qt
application), with Mesa's software renderer (llvmpipe) unless ``LIBGL_ALWAYS_SOFTWARE`` is set
otherwise, under an Xvfb server started for the occasion when there is no display.
"""

import resource
import sys

import numpy as np

from benchmarks.gui_child import emit_json, print_table, run_module_child, show_canvas, timed

SIZE = (800, 600)
SCATTER_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SCATTER_SIZES = (1_000, 10_000)
WAVEFORMS = (384, 100, 82)
QUICK_WAVEFORMS = (32, 10, 82)
MEAN_WAVEFORMS = (384, 10, 82)
QUICK_MEAN_WAVEFORMS = (32, 4, 82)
REDRAWS = 3


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure_frames(canvas, visual, n_vertices, set_data):
    """Times of set_data, of the first frame and of a redraw; count the draw calls."""
    t_set, _ = timed(set_data)
    calls = []
    draw = visual.program.draw
    visual.program.draw = lambda *a, **k: (calls.append(1), draw(*a, **k))
    t_first, _ = timed(canvas.read_pixels)
    t_redraw = min(timed(canvas.read_pixels)[0] for _ in range(REDRAWS))
    return dict(
        n_vertices=n_vertices, set_data=t_set, first_frame=t_first, redraw=t_redraw,
        bytes_per_vertex=visual.program.vertex_nbytes / max(n_vertices, 1),
        draw_calls=len(calls) // (REDRAWS + 1), peak_mb=_peak_mb())


def _scatter(canvas, n, rng):
    from phy.plot import ScatterVisual

    canvas.clear()
    visual = ScatterVisual()
    canvas.add_visual(visual)
    pos = rng.uniform(-1, 1, (n, 2))
    color = rng.uniform(0.3, 1, (n, 4))
    result = _measure_frames(
        canvas, visual, n, lambda: visual.set_data(pos=pos, color=color, size=4))
    return dict(name=f"scatter {n:,} points", **result)


def _waveforms(canvas, n_channels, n_waveforms, n_samples, rng, thick=False):
    from phy.plot import PlotVisual, ThickLineVisual
    from phy.plot.layout import Boxed

    canvas.clear()
    # A probe-like layout: two staggered columns.
    channel = np.arange(n_channels)
    box_pos = np.column_stack([channel % 2 + 0.5 * ((channel // 2) % 2), channel // 2])
    Boxed(box_pos=box_pos).attach(canvas)
    visual = ThickLineVisual(width=3) if thick else PlotVisual()
    canvas.add_visual(visual)
    waves = rng.normal(0, 0.3, (n_channels, n_waveforms, n_samples)).cumsum(axis=2) / 5
    t_batch, _ = timed(lambda: [
        visual.add_batch_data(y=waves[c], color=(0.4, 0.8, 1.0, 0.5), box_index=c,
                              data_bounds=(-1, -3, 1, 3))
        for c in range(n_channels)])
    n = n_channels * n_waveforms * (4 * (n_samples - 1) if thick else n_samples)
    result = _measure_frames(canvas, visual, n, lambda: canvas.update_visual(visual))
    result["set_data"] += t_batch
    kind = "thick means" if thick else "waveforms"
    return dict(name=f"{kind} {n_channels}x{n_waveforms}x{n_samples}", **result)


def _child(quick):
    """Run the measures in this process and print them as JSON lines."""
    from phy.gui.qt import create_app
    from phy.plot import PlotCanvas
    from phy.plot.gloo import gl_info

    app = create_app()
    canvas = PlotCanvas()
    container = show_canvas(app, canvas, SIZE)
    canvas.makeCurrent()
    emit_json(info=gl_info())
    canvas.doneCurrent()
    rng = np.random.default_rng(0)
    for n in QUICK_SCATTER_SIZES if quick else SCATTER_SIZES:
        emit_json(**_scatter(canvas, n, rng))
    waveforms = QUICK_WAVEFORMS if quick else WAVEFORMS
    emit_json(**_waveforms(canvas, *waveforms, rng))
    means = QUICK_MEAN_WAVEFORMS if quick else MEAN_WAVEFORMS
    emit_json(**_waveforms(canvas, *means, rng, thick=True))
    canvas.close()
    container.close()


def _print_table(results):
    header = (
        f"{'benchmark':<28} {'vertices':>10} {'set_data':>9} {'B/vertex':>9} {'1st frame':>10} "
        f"{'redraw':>8} {'ns/vertex':>10} {'calls':>6} {'peak MB':>8}")
    print_table(header, (
        f"{r['name']:<28} {r['n_vertices']:>10,} {r['set_data'] * 1e3:>7.1f}ms "
        f"{r['bytes_per_vertex']:>9.1f} {r['first_frame'] * 1e3:>8.1f}ms "
        f"{r['redraw'] * 1e3:>6.1f}ms {1e9 * r['redraw'] / r['n_vertices']:>10.1f} "
        f"{r['draw_calls']:>6} {r['peak_mb']:>8.0f}" for r in results))


def _check_linearity(results):
    """Frame time per vertex of the largest scatter plot vs the one ten times smaller."""
    scatters = [r for r in results if r["name"].startswith("scatter")]
    if len(scatters) < 2:
        return
    small, large = scatters[-2], scatters[-1]
    ratio = (large["redraw"] / large["n_vertices"]) / (small["redraw"] / small["n_vertices"])
    verdict = "linear or better" if ratio <= 1.25 else "WORSE THAN LINEAR"
    print(
        f"\nRedraw time per vertex, {large['n_vertices']:,} vs {small['n_vertices']:,} points: "
        f"x{ratio:.2f} ({verdict}).")


def main(quick=False):
    """Measure in a child process and print the table."""
    lines = run_module_child("benchmarks.bench_plot", "plot", bool(quick))
    info = lines[0]["info"]
    print(f"OpenGL {info['version']} on {info['renderer']}, {SIZE[0]}x{SIZE[1]} canvas.\n")
    results = lines[1:]
    _print_table(results)
    _check_linearity(results)
    return results


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
