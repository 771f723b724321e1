"""Cluster metadata files: reading every ``*.csv``/``*.tsv`` (written by :mod:`.saving`).

Every ``.csv`` then every ``.tsv`` file of the dataset directory (sorted by name within each
group, ``cluster_info.*`` excluded) is read; each column other than ``cluster_id`` becomes a
field ``{cluster_id: value}``. A field defined by several files takes the mapping of its own
file, ``cluster_<field>.tsv`` (the one saving writes: the user's curation), else of the last
file read. Empty cells are skipped and files without a ``cluster_id`` column contribute nothing.
A ``cluster_<field>.tsv`` file that cannot be read (undecodable, malformed, a cluster id that is
not an integer) is an error naming it: saving would replace it, losing its labels; other
unparsable files are skipped with a warning. Legacy numeric groups are mapped to names.
"""

import csv
import logging
from pathlib import Path

from phy.io import DataFormatError
from phy.utils import read_tsv

logger = logging.getLogger(__name__)

#: Legacy numeric cluster groups (phy 1 / old KiloSort ``cluster_groups.csv``).
LEGACY_GROUPS = {0: "noise", 1: "mua", 2: "good", 3: "unsorted"}


def metadata_files(dir_path, overrides=None):
    """Return the metadata files of a dataset directory in reading order.

    `overrides` (``{file name: path or None}``) reads a file from another path (None: the
    file is not read): the previous complete set of an interrupted save.
    """
    dir_path = Path(dir_path)
    overrides = overrides or {}
    out = []
    for ext in (".csv", ".tsv"):
        paths = {p.name: p for p in dir_path.glob(f"*{ext}")
                 if p.is_file() and p.stem != "cluster_info" and not p.name.startswith(".")}
        paths.update({n: o for n, o in overrides.items()
                      if n.endswith(ext) and not n.startswith("cluster_info.")})
        out.extend(paths[n] for n in sorted(paths) if paths[n] is not None)
    return out


def _read_fields(path):
    """Read the fields of one metadata file: ``{field: {cluster_id: value}}``."""
    fields = {}
    for row in read_tsv(path):
        cluster_id = row.pop("cluster_id", None)
        if cluster_id is None:
            continue
        if isinstance(cluster_id, float) and cluster_id.is_integer():
            cluster_id = int(cluster_id)
        if not isinstance(cluster_id, int):
            raise ValueError(f"invalid cluster id {cluster_id!r}")
        for field, value in row.items():
            if field and not field.startswith("Unnamed:"):
                fields.setdefault(field, {})[cluster_id] = value
    return fields


def _normalize_group(values):
    """Map legacy numeric groups to names."""
    return {c: LEGACY_GROUPS.get(v, v) if isinstance(v, int) else v for c, v in values.items()}


def load_metadata(dir_path, overrides=None):
    """Load the cluster metadata of a dataset directory.

    Parameters
    ----------
    dir_path : str or Path
    overrides : dict
        ``{file name: path or None}``: files read from elsewhere (see :func:`metadata_files`).

    Returns
    -------
    metadata : dict
        ``{field: {cluster_id: value}}``; the ``group`` field holds cluster groups.

    Raises
    ------
    DataFormatError
        If a ``cluster_<field>.tsv`` file cannot be read.

    """
    metadata, saved = {}, {}
    for path in metadata_files(dir_path, overrides):
        try:
            fields = _read_fields(path)
        except (ValueError, csv.Error, OSError) as e:  # UnicodeDecodeError is a ValueError
            problem = e.strerror if isinstance(e, OSError) and e.strerror else e
            if path.name.startswith("cluster_") and path.suffix == ".tsv":
                raise DataFormatError(
                    f"Cannot read the cluster labels of {path}: {problem}. Fix or remove the "
                    "file (saving would replace it).") from e
            logger.warning("Skipping the metadata file %s, which cannot be parsed: %s.",
                           path, problem)
            continue
        if fields:
            logger.debug("Loaded metadata fields %s from %s.", ", ".join(fields), path.name)
        for field, values in fields.items():
            (saved if path.name == f"cluster_{field}.tsv" else metadata)[field] = values
    metadata.update(saved)  # the files phy writes (cluster_<field>.tsv) win
    if "group" in metadata:
        metadata["group"] = _normalize_group(metadata["group"])
    return metadata
