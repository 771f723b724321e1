"""A virtual X display for the benchmarks that open Qt windows."""

import os
import shutil
import subprocess


def start_xvfb():
    """Start an Xvfb server if there is no display; return its process (or None).

    The server's display number is set in ``DISPLAY`` for this process and its children. The
    caller terminates the returned process when done.
    """
    if os.environ.get("DISPLAY") or not shutil.which("Xvfb"):
        return None
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as f:
        os.environ["DISPLAY"] = ":" + f.readline().strip()
    return proc
