"""Saving a set of dataset files as one transaction, with versioned backups.

A save replaces several files (``spike_clusters.npy``, every ``cluster_<field>.tsv``,
``cluster_info.tsv``) that must stay consistent with each other. :func:`save_files` commits
them together; its state lives in the dataset's ``.phy/`` folder:

``.phy/save/staged-<hex>/<name>``
    The new outputs, each written and fsynced before any dataset file is touched.
``.phy/backups/<timestamp>/<name>``, ``.phy/backups/<timestamp>/manifest.json``
    The previous version of every output (a hard link: instant, no space, since phy never
    writes into a file but replaces it; a copy where links are impossible) and the list of the
    outputs that did not exist. The last :data:`N_BACKUPS` are kept (``n_backups``).
``.phy/backups/original/``
    The same for the first save of the dataset: the sorter's outputs (where an older save kept
    ``<name>.bak``, that file), never pruned (:func:`sorter_sources`).
``.phy/save/transaction.json``
    The manifest: which set of files is current. ``{"status": "replacing", "files": [...],
    "backup": "<timestamp>"}`` while the staged files are renamed over the dataset's, then
    ``"committed"``: writing it is the commit point.

A reader that finds ``"replacing"`` (phy was killed, or the disk failed, in the middle of the
renames) gets the previous complete set: :func:`recover` restores it from the backup (or, for a
reader that may not write, returns the backup paths to read instead). A save that fails with an
exception is rolled back at once and raises :class:`SaveError`, which says what happened, that
the previous files are intact, and where the unsaved outputs are (an emergency copy written in
``emergency_dir``, e.g. ``~/.phy/unsaved/``, when the dataset folder cannot take them).
The first save also keeps ``<name>.bak`` beside each replaced file (FORMATS §2.1).
"""

import json
import logging
import os
import shutil
import time
import uuid
from datetime import datetime
from pathlib import Path

from phy.io import DataFormatError
from phy.utils import atomic_write
from phy.utils.io import backup_path, ensure_dir_exists

logger = logging.getLogger(__name__)

#: How many previous versions of the outputs a save keeps in ``.phy/backups/``.
N_BACKUPS = 10
#: The backup of the sorter's outputs (made by the first save), never pruned.
ORIGINAL = "original"
_MANIFEST = "manifest.json"


class SaveError(DataFormatError):
    """A save failed: the previous files are intact; the message says where the data are."""


def _save_dir(dir_path):
    return Path(dir_path) / ".phy" / "save"


def backups_dir(dir_path):
    """The folder of the versioned backups of a dataset, ``.phy/backups/``."""
    return Path(dir_path) / ".phy" / "backups"


def _fsync_dir(path):
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # not possible on every platform (Windows)
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json(path, data):
    with atomic_write(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")


def _read_json(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        logger.warning("Cannot read %s: %s.", path, e)
        return None


def _link_or_copy(src, dst):
    """Make `dst` hold the bytes of `src`: a hard link, or else a copy (fsynced)."""
    try:
        os.link(src, dst)
    except OSError:  # no hard links on this file system, or across devices
        shutil.copy2(src, dst)
        with open(dst, "rb+") as f:
            os.fsync(f.fileno())


def _write_staged(path, write):
    write(path)
    with open(path, "rb+") as f:
        f.flush()
        os.fsync(f.fileno())


def _snapshot(dest, sources):
    """Keep the files ``{name: path or None}`` in the folder `dest`, manifest last.

    A folder that already holds a snapshot gets the new names added (the sorter's one).
    """
    dest.mkdir(parents=True, exist_ok=True)
    manifest = _read_json(dest / _MANIFEST) if (dest / _MANIFEST).is_file() else None
    manifest = manifest or {"files": [], "absent": [], "time": time.time()}
    for name, src in sources.items():
        if src is not None and Path(src).is_file():
            with atomic_write(dest / name) as tmp:
                _link_or_copy(src, tmp)
        else:
            manifest["absent"] = sorted(set(manifest["absent"]) | {name})
    manifest["files"] = sorted(set(manifest["files"]) | set(sources))
    _fsync_dir(dest)
    _write_json(dest / _MANIFEST, manifest)
    return dest


def sorter_sources(dir_path, names):
    """The files holding the sorter's version of the outputs `names`: ``{name: path or None}``.

    From ``.phy/backups/original/`` when a save made it; else ``<name>.bak`` where an older
    save kept one, else the file itself (never saved). None: the sorter did not write it.
    """
    dir_path = Path(dir_path)
    original = backups_dir(dir_path) / ORIGINAL
    manifest = _read_json(original / _MANIFEST) if original.is_dir() else None
    out = {}
    for name in names:
        if manifest is not None and name in manifest["files"]:
            out[name] = None if name in manifest["absent"] else original / name
            continue
        for path in (backup_path(dir_path / name), dir_path / name):
            if path.is_file():
                out[name] = path
                break
        else:
            out[name] = None
    return out


def original_names(dir_path):
    """The files of the sorter's backup (``.phy/backups/original/``), if a save made it."""
    manifest = backups_dir(dir_path) / ORIGINAL / _MANIFEST
    return (_read_json(manifest) or {}).get("files", []) if manifest.is_file() else []


def _keep_bak(path):
    backup = backup_path(path)
    if path.is_file() and not backup.exists():
        with atomic_write(backup) as tmp:
            _link_or_copy(path, tmp)


def _restore(dir_path, names, backup):
    """Put back the files `names` as they are in the backup folder (absent ones removed)."""
    manifest = _read_json(backup / _MANIFEST) or {"absent": []}
    for name in names:
        target = Path(dir_path) / name
        if name in manifest["absent"] or not (backup / name).is_file():
            if target.exists():
                target.unlink()
            continue
        with atomic_write(target) as tmp:
            _link_or_copy(backup / name, tmp)
    _fsync_dir(dir_path)


def prune_backups(dir_path, n_backups=N_BACKUPS):
    """Remove the oldest backups beyond the last `n_backups` (the sorter's one is kept)."""
    backups = list_backups(dir_path)
    for path in backups[:max(0, len(backups) - max(0, int(n_backups)))]:
        shutil.rmtree(path, ignore_errors=True)


def list_backups(dir_path):
    """The versioned backups of a dataset, oldest first (``.phy/backups/<timestamp>/``)."""
    root = backups_dir(dir_path)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name != ORIGINAL
                  and not p.name.startswith(".") and (p / _MANIFEST).is_file())


def _emergency_copy(dir_path, outputs, emergency_dir):
    """Write the outputs in a new folder of `emergency_dir`; return it (None if impossible)."""
    if emergency_dir is None:
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = Path(emergency_dir) / f"{Path(dir_path).name}-{stamp}"
    try:
        ensure_dir_exists(dest)
        for name, write in outputs.items():
            if write is not None:
                _write_staged(dest / name, write)
    except Exception as e:  # noqa: BLE001 (the save's own error is the one reported)
        logger.error("Could not write an emergency copy in %s: %s.", dest, e)
        return None
    return dest


def _failure(dir_path, error, outputs, emergency_dir):
    reason = str(error) if isinstance(error, OSError) else f"{type(error).__name__}: {error}"
    where = _emergency_copy(dir_path, outputs, emergency_dir)
    data = (f"The unsaved files were written to {where}." if where is not None else
            "The unsaved data are only in memory: do not close phy, free some space or fix "
            "the permissions, and save again.")
    return SaveError(f"Could not save to {dir_path}: {reason}. The previous files are "
                     f"intact. {data}")


def save_files(dir_path, outputs, n_backups=N_BACKUPS, emergency_dir=None):
    """Replace a set of files of a dataset folder together (one transaction).

    Parameters
    ----------
    dir_path : str or Path
        The dataset folder.
    outputs : dict
        ``{file name: write}``, ``write(path)`` writing the whole new file at ``path`` (it may
        be called twice: for the save, then for an emergency copy); None removes the file.
    n_backups : int
        How many previous versions to keep in ``.phy/backups/``.
    emergency_dir : str or Path
        Where to write the outputs when the dataset folder cannot take them.

    Returns
    -------
    backup : Path
        The backup of the previous version of the files.

    Raises
    ------
    SaveError
        Nothing was changed in the dataset folder; the message names the problem and where
        the unsaved files are.

    """
    dir_path = Path(dir_path)
    names = sorted(outputs)
    save_dir = _save_dir(dir_path)
    staged = backup = None
    replacing = False
    try:
        recover(dir_path)  # a previous interrupted save is rolled back first
        staged = save_dir / f"staged-{uuid.uuid4().hex[:12]}"
        staged.mkdir(parents=True)
        for name in names:  # 1. every output written and fsynced
            if outputs[name] is not None:
                _write_staged(staged / name, outputs[name])
        _fsync_dir(staged)
        root = backups_dir(dir_path)  # 2. the previous version kept
        original = _read_json(root / ORIGINAL / _MANIFEST) if (
            root / ORIGINAL / _MANIFEST).is_file() else None
        new_names = [n for n in names if original is None or n not in original["files"]]
        if new_names:  # the sorter's version of the files saved for the first time
            _snapshot(root / ORIGINAL, sorter_sources(dir_path, new_names))
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        backup = _snapshot(root / stamp, {n: dir_path / n for n in names})
        for name in names:
            _keep_bak(dir_path / name)
        manifest = {"files": names, "backup": backup.name, "time": time.time()}
        _write_json(save_dir / "transaction.json", {**manifest, "status": "replacing"})
        replacing = True  # 3. from here, a crash is rolled back at the next open
        for name in names:
            if outputs[name] is not None:
                os.replace(staged / name, dir_path / name)
            elif (dir_path / name).exists():
                os.unlink(dir_path / name)
        _fsync_dir(dir_path)
        _write_json(save_dir / "transaction.json", {**manifest, "status": "committed"})
    except Exception as e:  # noqa: BLE001 (rolled back, then reported with its cause)
        error = _failure(dir_path, e, outputs, emergency_dir)
        if replacing:
            try:
                _rollback(dir_path)
            except Exception as e2:  # noqa: BLE001 (the next open rolls it back)
                error = SaveError(f"{error} The files being replaced could not be put back "
                                  f"yet ({e2}): the previous ones are in {backup}, and they "
                                  "are restored when the dataset is opened again.")
        if staged is not None:
            shutil.rmtree(staged, ignore_errors=True)
        if backup is not None and not replacing:
            shutil.rmtree(backup, ignore_errors=True)
        logger.error("%s", error)
        raise error from e
    shutil.rmtree(staged, ignore_errors=True)
    prune_backups(dir_path, n_backups)
    logger.debug("Saved %s in %s (previous version in %s).", ", ".join(names), dir_path, backup)
    return backup


def _rollback(dir_path):
    """Restore the files of an interrupted save from its backup; mark the transaction done."""
    save_dir = _save_dir(dir_path)
    manifest = _read_json(save_dir / "transaction.json")
    _restore(dir_path, manifest["files"], backups_dir(dir_path) / manifest["backup"])
    _write_json(save_dir / "transaction.json", {**manifest, "status": "rolled back"})
    logger.warning("An interrupted save of %s was rolled back: the files saved before it "
                   "(kept in %s) are restored.", dir_path, backups_dir(dir_path) / manifest[
                       "backup"])


def recover(dir_path, write=True):
    """Give the previous complete set of files if a save of `dir_path` was interrupted.

    Parameters
    ----------
    dir_path : str or Path
    write : bool
        Whether the files may be restored in place (a read-only reader passes False).

    Returns
    -------
    overrides : dict
        Empty when the dataset's files are a complete set (or were restored); else
        ``{file name: path to read instead, or None if the file is not part of the set}``.

    """
    save_dir = _save_dir(dir_path)
    manifest = _read_json(save_dir / "transaction.json") if (
        save_dir / "transaction.json").is_file() else None
    if save_dir.is_dir() and write:
        for path in save_dir.glob("staged-*"):
            shutil.rmtree(path, ignore_errors=True)
    if not manifest or manifest.get("status") != "replacing":
        return {}
    backup = backups_dir(dir_path) / manifest["backup"]
    if write:
        try:
            _rollback(dir_path)
            return {}
        except OSError as e:
            logger.error("Cannot roll back the interrupted save of %s (%s): reading the "
                         "previous files from %s.", dir_path, e, backup)
    absent = (_read_json(backup / _MANIFEST) or {}).get("absent", [])
    return {name: None if name in absent else backup / name for name in manifest["files"]}


def restore_backup(dir_path, backup, emergency_dir=None, n_backups=N_BACKUPS):
    """Make a backup's files the current ones again (a save: the current set is backed up).

    Parameters
    ----------
    dir_path : str or Path
    backup : str or Path
        A folder of :func:`list_backups`, or ``original`` (the sorter's outputs).

    Returns
    -------
    backup : Path
        The backup of the files replaced.

    """
    backup = Path(backup)
    if not backup.is_absolute():
        backup = backups_dir(dir_path) / backup
    manifest = _read_json(backup / _MANIFEST)
    if manifest is None:
        raise DataFormatError(f"{backup} is not a backup of {dir_path}.")
    return save_files(dir_path, {
        n: None if n in manifest["absent"] else (
            lambda tmp, n=n: shutil.copyfile(backup / n, tmp)) for n in manifest["files"]},
        n_backups=n_backups, emergency_dir=emergency_dir)


def overridden(path, overrides):
    """`path`, or what `overrides` (of :func:`recover`) gives to read instead of it."""
    if path is None or Path(path).name not in overrides:
        return path
    return overrides[Path(path).name]
