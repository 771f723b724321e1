"""Helpers of the benchmarks measuring Qt views: a child process with a display, waiting.

The view measures run in a child Python process (its own Qt application, Mesa's software
renderer unless ``LIBGL_ALWAYS_SOFTWARE`` says otherwise, Qt WebEngine without sandbox, an Xvfb
server when there is no display) that prints its results as JSON lines; :func:`run_child`
returns them.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.display import virtual_display


def run_child(code, what, timeout=1800):
    """Run Python `code` in a child process from the repository root; return its JSON lines.

    Parameters
    ----------
    code : str
        The Python code run with ``python -c``, under a display (:func:`virtual_display`).
    what : str
        The benchmark's name in the error message.
    timeout : float
        Seconds after which the child is killed.

    Returns
    -------
    lines : list
        The child's standard output lines starting with ``{``, decoded from JSON.

    Raises
    ------
    RuntimeError
        Naming `what`, with the child's error output, when the child fails.
    """
    root = Path(__file__).resolve().parents[1]
    with virtual_display():
        env = dict(os.environ)
        env.setdefault("LIBGL_ALWAYS_SOFTWARE", "1")
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
        env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu --no-sandbox")
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True,
            timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"The {what} benchmark failed:\n{out.stderr}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def run_module_child(module, what, *args):
    """Run ``_child(*args)`` of the benchmark module `module` with :func:`run_child`.

    Parameters
    ----------
    module : str
        The module's dotted name (``benchmarks.bench_...``); its ``_child`` prints JSON lines.
    what : str
        The benchmark's name in the error message.
    *args
        The arguments of ``_child``: Python literals (their ``repr`` is the code).

    Returns
    -------
    lines : list
        The child's JSON lines.
    """
    code = f"from {module} import _child; _child({', '.join(map(repr, args))})"
    return run_child(code, what)


def timed(f, *args):
    """Call ``f(*args)``; return the seconds it took and its result.

    Returns
    -------
    seconds : float
    out : object
        What ``f`` returned.
    """
    t0 = time.perf_counter()
    out = f(*args)
    return time.perf_counter() - t0, out


def show_canvas(app, canvas, size, exposed=False, timeout=30.0):
    """Show a Qt OpenGL `canvas` in a window container of `size`; wait until it is valid.

    Parameters
    ----------
    app : QApplication
    canvas : QOpenGLWindow
        The canvas (a view's ``view.canvas``).
    size : tuple
        The container's ``(width, height)`` in pixels.
    exposed : bool
        Wait also until the canvas is exposed (on screen).
    timeout : float
        Seconds to wait at most (RuntimeError after that).

    Returns
    -------
    container : QWidget
        The container holding the canvas, to close after the measures.
    """
    from phy.gui.qt import QWidget

    container = QWidget.createWindowContainer(canvas)
    container.resize(*size)
    container.show()
    wait_until(
        app, lambda: canvas.isValid() and (not exposed or canvas.isExposed()), timeout=timeout)
    return container


def print_table(header, rows):
    """Print a results table: the `header` line, a rule of its width, then the `rows` lines."""
    print(header)
    print("-" * len(header))
    for row in rows:
        print(row)


def wait_until(app, predicate, timeout=60.0):
    """Process the Qt events until `predicate()` is true (RuntimeError after `timeout` s)."""
    t0 = time.perf_counter()
    while not predicate():
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"Timed out after {timeout} s waiting for {predicate}.")
        app.processEvents()
        time.sleep(0.001)


def emit_json(**kwargs):
    """Print one JSON line of results (read back by :func:`run_child`)."""
    print(json.dumps(kwargs), flush=True)
