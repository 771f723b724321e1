"""Probes: the built-in ``.prb`` files of ``phy/electrode/probes/`` and PRB paths.

A PRM names its probe by a path to a ``.prb`` file or by the name of a built-in probe
(``prb_file = '1x32_buzsaki'``); :func:`read_probe` accepts both. The files are read with the
safe evaluator of :mod:`phy.io.prm` (no code is run).
"""

from pathlib import Path

from phy.io import DataFormatError
from phy.io.prm import read_prb

#: The folder of the built-in probes (one ``<name>.prb`` each).
PROBES_DIR = Path(__file__).parent / "probes"


def builtin_probes():
    """The names of the built-in probes, sorted."""
    return sorted(p.stem for p in PROBES_DIR.glob("*.prb"))


def probe_path(name, dir_path=None):
    """The ``.prb`` file of a probe given by a path or a built-in name.

    Parameters
    ----------
    name : str or Path
        A path to a ``.prb`` file (relative paths from `dir_path`), or a built-in probe name
        (with or without ``.prb``).
    dir_path : str or Path or None
        Folder of relative paths (the PRM's folder).

    Raises
    ------
    DataFormatError
        If it is neither an existing file nor a built-in probe.

    """
    path = Path(name)
    candidates = [path if path.is_absolute() or dir_path is None else Path(dir_path) / path]
    if path.parent == Path("."):
        candidates.append(PROBES_DIR / (path.stem + ".prb"))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise DataFormatError(
        f"Unknown probe {str(name)!r}: not a .prb file (looked in {candidates[0].parent}) nor "
        f"a built-in probe ({', '.join(builtin_probes())}).")


def read_probe(name, dir_path=None):
    """The channel groups of a probe given by a ``.prb`` path or a built-in name.

    Returns
    -------
    channel_groups : dict
        ``{group_id: {'channels', 'graph', 'geometry'}}`` (:func:`phy.io.prm.read_prb`).

    """
    return read_prb(probe_path(name, dir_path))
