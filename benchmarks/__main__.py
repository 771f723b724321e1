"""Run every ``benchmarks/bench_*.py`` module's ``main()`` (``make bench``).

``python -m benchmarks [--quick] [name ...]`` runs all benchmarks, or those whose module name
contains one of the given names. ``--quick`` runs them on small sizes (a smoke test).
"""

import argparse
import importlib
import pkgutil
import sys
import time
from pathlib import Path


def main(argv=None):
    """Discover and run the benchmark modules."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="run only the benchmarks matching these names")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    args = parser.parse_args(argv)
    here = Path(__file__).parent
    modules = sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))
    if args.names:
        modules = [m for m in modules if any(n in m for n in args.names)]
    for name in modules:
        print(f"\n=== {name} ===", flush=True)
        t0 = time.perf_counter()
        importlib.import_module(f"benchmarks.{name}").main(quick=args.quick)
        print(f"({name}: {time.perf_counter() - t0:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
