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

    Raises a RuntimeError naming `what` with the child's error output when it fails.
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
