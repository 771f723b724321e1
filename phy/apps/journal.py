"""The curation journal of a dataset in the controllers: restore after a crash, export.

The controller opens the journal of the dataset (``.phy/journal/``, ``.phy/<group>/journal/``
for a kwik file with several channel groups, see
:mod:`phy.cluster.journal`) when it creates its supervisor. If the last session ended without
saving its last actions (a crash, ``kill -9``, a power cut), the user is asked whether to
restore them (a question dialog through :func:`phy.gui.dialogs.prompt`, so that scripts and
tests answer it with their dialog provider), or the ``restore_journal`` argument of the
controller answers: True restores, False does not.
"""

import logging
from pathlib import Path

from phy.cluster.journal import Journal, export_journal

logger = logging.getLogger(__name__)

#: The journal folder, in the dataset's cache folder (``.phy``).
JOURNAL_DIR = "journal"


def _ask_restore(pending):
    from phy.gui.dialogs import prompt

    answer = prompt(
        f"The last session ({pending.user}, {pending.t}) ended without saving "
        f"{pending.n_unsaved} action(s), probably after a crash.\n\n"
        "Restore them? (No: start from the saved clustering; the actions stay in the "
        "dataset's history.)", buttons=("yes", "no"), title="Restore the unsaved curation")
    return answer == "yes"


def open_journal(cache_dir, restore=None, **kwargs):
    """Open the journal of a dataset and find the session to restore, if any.

    Parameters
    ----------
    cache_dir : str or Path
        The dataset's cache folder (``.phy``).
    restore : bool or None
        Whether to restore the unsaved actions of a crashed session; None: ask the user.
    **kwargs
        Passed to :class:`~phy.cluster.journal.Journal` (``user``, ``undo_max_bytes``).

    Returns
    -------
    journal : Journal
    pending : Bunch or None
        The session to replay (:meth:`Journal.pending`), None when there is nothing to restore
        or the answer is no.

    """
    journal = Journal(Path(cache_dir) / JOURNAL_DIR, **kwargs)
    try:
        pending = journal.pending()
    except ValueError as e:  # a corrupt journal: it is appended to, not replayed
        logger.error("%s Nothing is restored.", e)
        return journal, None
    if pending is None:
        return journal, None
    if restore is None:
        restore = _ask_restore(pending)
    if not restore:
        logger.info("Not restoring the %d unsaved actions of the last session.",
                    pending.n_unsaved)
    return journal, pending if restore else None


def _journal_dir(dir_path, channel_group):
    """The journal folder of a dataset: ``.phy/journal/``, or ``.phy/<group>/journal/``."""
    cache = dir_path / ".phy"
    if channel_group is not None:
        return cache / str(int(channel_group)) / JOURNAL_DIR
    groups = sorted(int(p.parent.parent.name) for p in cache.glob(
        f"*/{JOURNAL_DIR}/journal.jsonl") if p.parent.parent.name.isdigit())
    if (cache / JOURNAL_DIR / "journal.jsonl").exists() or not groups:
        return cache / JOURNAL_DIR
    if len(groups) > 1:
        raise ValueError(f"{dir_path} has one curation journal per channel group "
                         f"({', '.join(map(str, groups))}): choose one with --channel-group.")
    return cache / str(groups[0]) / JOURNAL_DIR


def journal_export(dir_path, path=None, spikes=True, channel_group=None):
    """Export the curation journal of a dataset (``phy journal-export``).

    Parameters
    ----------
    dir_path : str or Path
        The dataset folder, its ``params.py`` or its ``.kwik``.
    path : str or Path
        The output JSON file; None: nothing written.
    spikes : bool
        Whether the splits list their spike ids.
    channel_group : int or None
        For a kwik file with several channel groups, the group whose journal
        (``.phy/<group>/journal/``) is exported; None: the only journal of the dataset.

    Returns
    -------
    records : list
        Every record (``action``, ``session``, ``user``, ``t``...), oldest first.

    Raises
    ------
    FileNotFoundError
        No journal there.
    ValueError
        Several channel groups have a journal and `channel_group` is None.

    """
    dir_path = Path(dir_path)
    if dir_path.is_file():
        dir_path = dir_path.parent
    journal_dir = _journal_dir(dir_path, channel_group)
    if not (journal_dir / "journal.jsonl").exists():
        raise FileNotFoundError(f"No curation journal in {dir_path}: expected "
                                f"{journal_dir / 'journal.jsonl'}.")
    return export_journal(journal_dir, path=path, spikes=spikes)
