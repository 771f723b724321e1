"""Benchmark of the cluster tables: load, sort and filter times, HTML and native.

The row store (Python) sorts and filters; the renderers draw it. The times are measured in
Python from the call (``sort_by``, ``filter``) until the table has drawn the result: for the
HTML table, until the page answers a forced layout with all its drawn rows filled (so the times
include sending the new order and the rows shown to the page and its re-rendering); for the
native table, until a synchronous repaint. Each call starts from an idle table (``SETTLE``
seconds after the previous one, as between two clicks of a user). For the HTML table, the
page's own part is also measured in the page (``performance.now()`` around ``table.update``
and a forced layout): the rest of the time is spent in Python, in the messages and in showing
the new frame. A click selects a shown row. The round trip is a sort followed by ``get_ids``.
The measures run in a child process (its own Qt application), under an Xvfb server started for
the occasion when there is no display.
"""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.display import virtual_display

FILTER = "n_spikes > 2000 && group != 'noise'"
REPEATS = 5
SETTLE = 0.1  # seconds the table is left idle before each timed call (as between user actions)
# Times each table.update(patch) in the page, with a forced layout.
_PAGE_TIMER = """(() => {
  const update = table.update.bind(table);
  window.phyUpdateMs = [];
  table.update = patch => {
    const t0 = performance.now();
    update(patch);
    document.body.offsetHeight;
    window.phyUpdateMs.push(performance.now() - t0);
  };
})()"""


def _make_data(n, seed=0):
    rng = np.random.default_rng(seed)
    groups = np.array(["good", "mua", "noise", None], dtype=object)
    return [
        dict(id=i, n_spikes=int(rng.integers(10, 100_000)), amplitude=float(rng.uniform(0, 300)),
             ch=int(rng.integers(0, 384)), depth=float(rng.uniform(0, 3840)),
             fr=float(rng.uniform(0, 50)), group=groups[rng.integers(0, 4)],
             KSLabel="good" if rng.random() < .5 else "mua")
        for i in range(n)]


def _wait(app, condition, timeout=60):
    t0 = time.perf_counter()
    while not condition():
        if time.perf_counter() - t0 > timeout:
            raise TimeoutError("The table did not load.")
        app.processEvents()


def _drawn(table):
    """Wait until the table has drawn its store; return the number of rows drawn."""
    if table.implementation == "html":
        from phy.gui.html import wait_for

        while True:  # until no drawn row waits for its cells
            n, missing = wait_for(lambda done: table.eval_js(
                "(document.body.offsetHeight, [table.getIds().length, table.missing])",
                callback=done))
            if not missing:
                return n
    table.impl.view.viewport().repaint()
    return table.impl.model.rowCount()


def _settle(seconds=SETTLE):
    """Let the table finish its previous work (frames, row requests) for some time."""
    from phy.gui.qt import QApplication

    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        QApplication.processEvents()
        time.sleep(0.005)


def _ms(table, f):
    """Time (ms) of a call until the table has drawn its result, and the page's part (HTML).

    The table is idle when the call is made, as when a user clicks.
    """
    _settle()
    t0 = time.perf_counter()
    f()
    _drawn(table)
    total = 1000 * (time.perf_counter() - t0)
    if table.implementation != "html":
        return total, None
    from phy.gui.html import wait_for

    page = wait_for(lambda done: table.eval_js(
        "window.phyUpdateMs.splice(0).reduce((a, b) => a + b, 0)", callback=done))
    return total, page


def _bench(app, implementation, n):
    from phy.gui.qt import QEvent
    from phy.gui.table import Table

    data = _make_data(n)
    columns = ["id", "n_spikes", "amplitude", "ch", "depth", "fr", "group", "KSLabel"]
    t0 = time.perf_counter()
    table = Table(columns=columns, data=data, sort=("n_spikes", "desc"),
                  implementation=implementation)
    table.resize(800, 600)
    table.show()
    _wait(app, table.is_ready)
    _wait(app, lambda: _drawn(table) == n)
    load = 1000 * (time.perf_counter() - t0)
    if table.implementation == "html":
        table.eval_js(_PAGE_TIMER)
    sort, sort_page = zip(*[
        _ms(table, lambda d=d: table.sort_by("amplitude", d)) for d in ("asc", "desc") * 3])
    filt, filt_page = zip(*[_ms(table, lambda t=t: table.filter(t)) for t in (FILTER, "") * 3])
    shown = table.get_ids()[:6]
    click = [_ms(table, lambda i=i: table.user_click(i))[0] for i in shown]
    page = (float(np.median(sort_page)), float(np.median(filt_page))) if sort_page[0] else None
    t0 = time.perf_counter()
    for _ in range(REPEATS):
        table.sort_by("fr", "asc")
        table.get_ids()
    round_trip = 1000 * (time.perf_counter() - t0) / REPEATS
    used = table.implementation
    table.close()
    table.deleteLater()
    app.sendPostedEvents(None, QEvent.DeferredDelete)
    return used, load, float(np.median(sort)), max(sort), float(np.median(filt)), max(filt), \
        page, float(np.median(click)), round_trip


def _run(quick):
    """Measure and print (in the child process)."""
    from phy.gui.qt import create_app

    app = create_app()
    sizes = [500] if quick else [1000, 5000, 20000]
    print(f"{'table':>7} {'rows':>6} {'load ms':>9} {'sort ms (med/max)':>18} "
          f"{'filter ms (med/max)':>20} {'in page (sort/filter)':>22} {'click ms':>9} "
          f"{'sort+get_ids round trip ms':>27}")
    for implementation in ("html", "native"):
        for n in sizes:
            used, load, sort, sort_max, filt, filt_max, page, click, rt = _bench(
                app, implementation, n)
            page = f"{page[0]:.1f} / {page[1]:.1f}" if page else "-"
            print(f"{used:>7} {n:>6} {load:>9.0f} {sort:>10.1f} / {sort_max:<6.1f} "
                  f"{filt:>11.1f} / {filt_max:<6.1f} {page:>22} {click:>9.1f} {rt:>27.1f}",
                  flush=True)


def main(quick=False):
    """Print the load, sort and filter times of the HTML and native tables."""
    args = [sys.executable, "-m", "benchmarks.bench_table"] + (["--quick"] if quick else [])
    with virtual_display():
        result = subprocess.run(
            args, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    print(result.stdout, end="")
    if result.returncode != 0:
        raise RuntimeError(f"The table benchmark failed:\n{result.stderr}")

if __name__ == "__main__":
    _run(quick="--quick" in sys.argv)
