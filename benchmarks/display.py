"""A virtual X display for the benchmarks that open Qt windows."""

import os
import shutil
import subprocess
from contextlib import contextmanager


@contextmanager
def virtual_display():
    """Context manager giving a display: the current one, or an Xvfb server started for it.

    Inside the block, ``DISPLAY`` names the display for this process and its children; on exit
    the server is stopped and ``DISPLAY`` restored.
    """
    if os.environ.get("DISPLAY") or not shutil.which("Xvfb"):
        yield
        return
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        os.environ["DISPLAY"] = ":" + f.readline().strip()
    try:
        yield
    finally:
        del os.environ["DISPLAY"]
        proc.terminate()
        proc.wait()
