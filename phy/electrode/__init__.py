"""Electrodes: the built-in probes, the PRB files and multi-electrode arrays (headless)."""

from .mea import MEA, load_probe  # noqa: F401
from .probe import builtin_probes, probe_path, read_probe  # noqa: F401
