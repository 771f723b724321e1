"""Synthetic datasets shared by the benchmarks, written once and reused across runs.

The view benchmarks need the same large datasets (2 M spikes on 384 channels with raw data
takes minutes to write): :func:`view_dataset` writes one into ``$PHY_BENCH_DATA`` (default
``~/.cache/phy-bench``) the first time and returns its ``params.py`` afterwards. A dataset is
keyed by its parameters; a half-written one (interrupted run) is never reused.
"""

import hashlib
import json
import os
import shutil
from pathlib import Path

from phy.io.synthetic import make_template_dataset

#: The views' benchmark size (issue "Cluster views"): 2 M spikes, 384 channels, raw data.
FULL = dict(n_spikes=2_000_000, n_templates=400, n_channels=384, duration=120.0, seed=0)
#: The ``--quick`` size: the same shape of dataset, small.
QUICK = dict(n_spikes=50_000, n_templates=64, n_channels=64, duration=20.0, seed=0)
#: The Template GUI's three benchmark sizes (issue "The Template GUI").
GUI_SIZES = {
    "60k": dict(n_spikes=60_000, n_templates=64, n_channels=64, duration=60.0, seed=0),
    "2M": dict(n_spikes=2_000_000, n_templates=400, n_channels=384, duration=300.0, seed=0),
    "20M": dict(n_spikes=20_000_000, n_templates=700, n_channels=384, duration=3600.0,
                raw_data=False, seed=0),
}


def bench_data_dir():
    """The folder holding the benchmark datasets (``$PHY_BENCH_DATA`` or ``~/.cache/phy-bench``)."""
    return Path(os.environ.get("PHY_BENCH_DATA", Path.home() / ".cache" / "phy-bench"))


def gui_dataset(size):
    """Return the ``params.py`` path of one of the Template GUI's benchmark datasets.

    Parameters
    ----------
    size : str
        A key of :data:`GUI_SIZES` (``60k``, ``2M`` or ``20M``).

    """
    return dataset(GUI_SIZES[size])


def view_dataset(quick=False, **overrides):
    """Return the ``params.py`` path of a synthetic template dataset, written on first use.

    Parameters
    ----------
    quick : bool
        The small dataset of ``--quick`` runs instead of the full-size one.
    **overrides
        Parameters of :func:`phy.io.synthetic.make_template_dataset` replacing the defaults.

    Returns
    -------
    params_path : Path

    """
    return dataset({**(QUICK if quick else FULL), **overrides})


def dataset(params):
    """Return the ``params.py`` path of the dataset of these generator parameters (written once).

    Parameters
    ----------
    params : dict
        Keyword arguments of :func:`phy.io.synthetic.make_template_dataset`.

    """
    key = hashlib.sha1(json.dumps(params, sort_keys=True).encode()).hexdigest()[:12]
    path = bench_data_dir() / f"template-{params['n_spikes']}-{params['n_channels']}-{key}"
    done = path / ".complete"
    if not done.exists():
        shutil.rmtree(path, ignore_errors=True)
        print(f"writing the benchmark dataset {path} (once) ...", flush=True)
        make_template_dataset(path, **params)
        done.write_text(json.dumps(params))
    return path / "params.py"
