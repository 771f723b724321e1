"""Electrodes: the built-in probes and the PRB files (headless)."""

from .probe import builtin_probes, probe_path, read_probe  # noqa: F401
