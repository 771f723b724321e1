"""phy benchmarks: speed and memory targets, run with ``make bench``."""
