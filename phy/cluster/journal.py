"""The curation journal: every action on disk before its result is shown, replayable.

A :class:`Journal` listens to the undo :class:`~phy.cluster.history.History` of a
:class:`~phy.cluster.curation.Curation` and appends each action (merge, split with its spike ids,
label or group change, undo, redo, reset) and each save to a file, flushed and synced
(``fsync``) before the history returns, hence before the ``cluster`` event updates the views.
The journal is the dataset's history across sessions: every record says who (the user name),
what and when. After a crash, the actions of the last session that follow its last save are
*pending*: :meth:`Journal.pending` finds them and :meth:`Journal.replay` replays the session
on its base, which gives back the clustering, the labels, the cluster ids and the undo history
of the moment of the crash.

Files, in the journal folder (``.phy/journal/`` of a dataset)
------------------------------------------------------------
``journal.jsonl``
    One JSON object per line (a record), appended; a torn last line (a crash while writing)
    is ignored. Every record has ``action``, ``session``, ``user`` and ``t`` (ISO 8601 time).
``spikes-<session>-<n>.npy``
    The spike ids of a split of more than :data:`INLINE_SPIKES` spikes (``uint32`` when they
    fit: 4 bytes per spike), written and synced before its record.
``base-<fingerprint>.npy``, ``base-<fingerprint>.json``
    The clustering (narrowest integer type) and the labels a session started from: a save
    replaces the dataset's files, so a session is replayed from its own copy. Written when a
    session opens a state that has no copy yet (after a save), then reused; older ones are
    deleted. Written on a thread while the GUI opens (with the session's ``open`` record);
    the first action's record waits for it.
``undo-spill.bin``
    The undo steps spilled out of memory (:mod:`phy.cluster.spill`), for the session only.

Records
-------
``open`` (``n_spikes``, ``next_id``: the first new cluster id, ``base``: the fingerprint),
``merge`` (``clusters``, ``to``), ``split`` (``counts``: the number of spikes of each new
cluster, and ``spikes``: their ids concatenated, or ``file``: the ``.npy`` holding them),
``label`` (``field``, ``clusters``, ``value``), ``undo``, ``redo``, ``reset``, ``saved``,
``close``.
"""

import contextlib
import getpass
import json
import logging
import os
import threading
import uuid
import zlib
from datetime import datetime
from pathlib import Path

import numpy as np

from phy.utils import Bunch

logger = logging.getLogger(__name__)

#: The journal file, in the journal folder.
JOURNAL_FILE = "journal.jsonl"
#: The undo spill file, in the journal folder.
SPILL_FILE = "undo-spill.bin"
#: Splits of at most this many spikes keep their spike ids in the record itself.
INLINE_SPIKES = 256
#: The default memory bound of the undo history, in bytes of spike ids.
UNDO_MAX_BYTES = 256 * 1024 * 1024
#: The records that change the clustering or the labels.
ACTIONS = ("merge", "split", "label", "undo", "redo", "reset")
_CHUNK = 1 << 22


def _user():
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment nor the password database
        return "unknown"


def _json_value(value):
    return value.item() if isinstance(value, np.generic) else value


def _labels_of(curation):
    """``{field: {cluster_id (str): value}}`` of a curation, ``group`` first."""
    meta = curation.cluster_meta
    return {f: {str(c): _json_value(v) for c, v in sorted(meta.to_dict(f).items())}
            for f in meta.fields}


def fingerprint(spike_clusters, labels):
    """A short fingerprint of a clustering and its labels (CRC-32 of the ids as int64).

    Parameters
    ----------
    spike_clusters : array-like
        The cluster of every spike (any integer type).
    labels : dict
        ``{field: {cluster_id: value}}``, JSON-serializable.

    """
    spike_clusters, crc = np.asarray(spike_clusters).ravel(), 0
    for start in range(0, len(spike_clusters), _CHUNK):
        chunk = np.asarray(spike_clusters[start:start + _CHUNK])
        crc = zlib.crc32(np.ascontiguousarray(chunk, dtype=np.int64), crc)
    lab = zlib.crc32(json.dumps(labels, separators=(",", ":")).encode())
    return f"{len(spike_clusters)}-{crc:08x}-{lab:08x}"


def _narrow(arr):
    """`arr` as uint32/int32 when its values fit, else int64."""
    arr = np.asarray(arr)
    if arr.size == 0 or arr.dtype.kind not in "iu":
        return arr.astype(np.int64)
    lo, hi = int(arr.min()), int(arr.max())
    for dtype in (np.uint32, np.int32):
        info = np.iinfo(dtype)
        if info.min <= lo and hi <= info.max:
            return arr.astype(dtype, copy=False)
    return arr.astype(np.int64, copy=False)


def _sync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _save_npy(path, arr):
    """Write an array to a ``.npy`` file and sync it (the folder too)."""
    with open(path, "wb") as f:
        np.save(f, arr)
        f.flush()
        os.fsync(f.fileno())
    _sync_dir(path.parent)


def read_records(path):
    """The records of a journal file (a list of dicts); a torn last line is ignored.

    Raises
    ------
    ValueError
        A line other than the last one is not a JSON object (naming the file and line).

    """
    path = Path(path)
    if not path.exists():
        return []
    lines = path.read_bytes().split(b"\n")
    records = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict) or "action" not in rec:
                raise ValueError("not a journal record")
        except ValueError as e:
            if i == len(lines) - 1:  # no final newline: the write was interrupted
                logger.warning("Ignoring the incomplete last record of %s.", path)
                break
            raise ValueError(f"{path}, line {i + 1}: invalid journal record ({e}).") from None
        records.append(rec)
    return records


class Journal:
    """The curation journal of a dataset (see the module docstring).

    Parameters
    ----------
    dir_path : str or Path
        The journal folder (``.phy/journal`` of the dataset), created if needed.
    user : str
        The name written in the records (by default the login name).
    undo_max_bytes : int or None
        The memory bound of the undo history (None: unbounded).

    """

    def __init__(self, dir_path, user=None, undo_max_bytes=UNDO_MAX_BYTES):
        self.dir_path = Path(dir_path)
        self.path = self.dir_path / JOURNAL_FILE
        self.user = user or _user()
        self.undo_max_bytes = undo_max_bytes
        self.session = None
        self._curation = None
        self._file = None
        self._n_files = 0
        self._sync = True
        self._opening = None  # the thread writing the session's base and open record

    # Reading
    # -------------------------------------------------------------------------------------------

    def records(self):
        """Every record of the journal, oldest first (a list of dicts)."""
        self.wait_opened()
        return read_records(self.path)

    def pending(self):
        """The last session if it ended without saving its last actions (a crash), or None.

        Returns
        -------
        pending : Bunch or None
            ``open`` (its open record), ``records`` (the records that follow it),
            ``n_unsaved`` (the actions after its last save), ``user``, ``t`` (when it
            started).

        """
        records = self.records()
        opens = [i for i, r in enumerate(records) if r["action"] == "open"]
        if not opens:
            return None
        session = records[opens[-1]:]
        if any(r["action"] == "close" for r in session):
            return None
        saved = max((i for i, r in enumerate(session) if r["action"] == "saved"), default=0)
        n_unsaved = sum(r["action"] in ACTIONS for r in session[saved:])
        if not n_unsaved:
            return None
        return Bunch(open=session[0], records=session[1:], n_unsaved=n_unsaved,
                     user=session[0].get("user"), t=session[0].get("t"))

    def _base_path(self, fp, ext):
        return self.dir_path / f"base-{fp}{ext}"

    def base(self, pending):
        """The clustering a pending session started from, to replay it on.

        Raises
        ------
        ValueError
            A file the replay needs is missing (naming it).

        Returns
        -------
        base : Bunch
            ``spike_clusters``, ``cluster_groups``, ``cluster_labels`` (the arguments of a
            :class:`Curation`) and ``new_cluster_id`` (the session's first new cluster id).

        """
        fp = pending.open["base"]
        npy, labels_path = self._base_path(fp, ".npy"), self._base_path(fp, ".json")
        missing = [p for p in (npy, labels_path) if not p.exists()] + [
            self.dir_path / r["file"] for r in pending.records
            if "file" in r and not (self.dir_path / r["file"]).exists()]
        if missing:
            raise ValueError(f"The journal {self.path} cannot be replayed: "
                             f"{', '.join(map(str, missing))} missing.")
        labels = json.loads(labels_path.read_text())
        labels = {f: {int(c): v for c, v in values.items()} for f, values in labels.items()}
        return Bunch(spike_clusters=np.load(npy).astype(np.int64),
                     cluster_groups=labels.pop("group", {}), cluster_labels=labels,
                     new_cluster_id=int(pending.open["next_id"]))

    # Writing
    # -------------------------------------------------------------------------------------------

    def _write(self, action, **fields):
        rec = {"action": action, "session": self.session, "user": self.user,
               "t": datetime.now().astimezone().isoformat(timespec="milliseconds"), **fields}
        self._file.write(json.dumps(rec, separators=(",", ":")) + "\n")
        self._file.flush()
        if self._sync:
            os.fsync(self._file.fileno())

    def _write_base(self, spike_clusters, labels):
        """Copy the base of a session (unless there is one), delete the other copies."""
        fp = fingerprint(spike_clusters, labels)
        npy, labels_path = self._base_path(fp, ".npy"), self._base_path(fp, ".json")
        if not (npy.exists() and labels_path.exists()):
            _save_npy(npy, _narrow(spike_clusters))
            labels_path.write_text(json.dumps(labels))
        for path in self.dir_path.glob("base-*"):
            if path not in (npy, labels_path):
                path.unlink()
        return fp

    def start(self, curation, spike_clusters, restoring=None):
        """Start a session: journal every action of `curation` from now on.

        Parameters
        ----------
        curation : Curation
            The curation, in the state the session starts from (nothing done yet).
        spike_clusters : array-like
            Its clustering (the array it was made from; read, not kept).
        restoring : Bunch
            The pending session that is going to be replayed on `curation` (from
            :meth:`pending`): the new session starts from the same base.

        """
        self.session = uuid.uuid4().hex[:12]
        self.dir_path.mkdir(parents=True, exist_ok=True)
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (the session's)
        self._curation = curation
        fields = dict(n_spikes=int(curation.clustering.n_spikes),
                      next_id=int(curation.clustering.new_cluster_id()))
        if restoring is not None:
            self._write("open", base=restoring.open["base"], **fields)
        else:  # the base copy (0.4 s at 20 M spikes) is written while the GUI opens
            labels = _labels_of(curation)

            def open_session():
                self._write("open", base=self._write_base(spike_clusters, labels), **fields)

            self._opening = threading.Thread(
                target=self._guarded_write, args=(open_session,), name="phy-journal-base")
            self._opening.start()
        curation.history.connect(self._on_history)
        curation.history.bound_memory(self.undo_max_bytes, self.dir_path / SPILL_FILE)

    def _split_fields(self, diff):
        spikes = [s for _, s in diff.inserted]
        counts = [int(s.size) for s in spikes]
        spikes = np.concatenate(spikes) if spikes else np.zeros(0, np.int64)
        if spikes.size <= INLINE_SPIKES:
            return {"counts": counts, "spikes": spikes.tolist()}
        self._n_files += 1
        name = f"spikes-{self.session}-{self._n_files}.npy"
        _save_npy(self.dir_path / name, _narrow(spikes))
        return {"counts": counts, "file": name}

    def _on_history(self, event, entry):
        """Write the record of a history event (the History's listener).

        A failed write (a full disk) is logged and stops the journal: the curation goes on.
        """
        self.wait_opened()
        if self._file is not None:
            self._guarded_write(self._record, event, entry)

    def wait_opened(self):
        """Wait until the session's base copy and ``open`` record are written.

        :meth:`start` writes them on a thread; the first action's record waits for them, so
        that every recorded action can be replayed on its base.
        """
        if self._opening is not None:
            self._opening.join()
            self._opening = None

    def _guarded_write(self, write, *args):
        """Write a record; on failure (a full disk) log the error and stop the journal."""
        try:
            write(*args)
        except OSError as e:
            logger.error("Could not write the curation journal %s (%s): the next actions "
                         "cannot be restored after a crash.", self.path, e)
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None

    def _record(self, event, entry):
        clustering, meta = self._curation.clustering, self._curation.cluster_meta
        if event != "add":
            if event != "reset" or entry.owner is clustering:
                self._write(event)
            return
        diff = entry.diff
        if entry.owner is meta:
            self._write("label", field=diff.field, clusters=[int(c) for c in diff.clusters],
                        value=_json_value(diff.new))
        elif entry.owner is clustering and diff.description == "merge":
            self._write("merge", clusters=sorted(int(c) for c in diff.deleted),
                        to=int(next(iter(diff.added))))
        elif entry.owner is clustering:
            self._write("split", **self._split_fields(diff))
        else:
            logger.warning("The journal cannot record an action of %r.", entry.owner)

    def close(self):
        """End the session: write a ``close`` record, stop listening, drop the undo spill."""
        if self._curation is None:
            return
        self.wait_opened()
        if self._file is not None:
            self._guarded_write(self._write, "close")
        if self._file is not None:
            self._file.close()
            self._file = None
        self._curation.history.disconnect(self._on_history)
        self._curation.history.close()
        self._curation = None

    # Replaying
    # -------------------------------------------------------------------------------------------

    def _spikes(self, rec):
        if "file" in rec:
            path = self.dir_path / rec["file"]
            if not path.exists():
                raise ValueError(f"The journal {self.path} cannot be replayed: {path} is "
                                 "missing.")
            spikes = np.load(path).astype(np.int64)
        else:
            spikes = np.asarray(rec["spikes"], dtype=np.int64)
        rel = np.repeat(np.arange(len(rec["counts"])), rec["counts"])
        if rel.size != spikes.size:
            raise ValueError(f"The journal {self.path} cannot be replayed: a split of "
                             f"{spikes.size} spikes has counts {rec['counts']}.")
        return spikes, rel

    def _replay_one(self, rec, curation):
        action = rec["action"]
        if action == "merge":
            curation.merge(rec["clusters"], to=rec["to"])
        elif action == "split":
            spikes, rel = self._spikes(rec)
            curation.split(spikes, spike_clusters_rel=rel)
        elif action == "label" and rec["value"] is not None:
            curation.label(rec["field"], rec["value"], cluster_ids=rec["clusters"])
        elif action == "label":  # a value removed: no user action does it, a plugin may
            curation._apply(curation.cluster_meta.set(rec["field"], rec["clusters"], None))
        elif action in ("undo", "redo"):
            getattr(curation, action)()
        elif action == "reset":
            curation._apply(curation.clustering.reset())
        elif action == "saved":
            curation.history.mark_saved()

    def replay(self, pending, curation):
        """Replay a pending session on a curation made from its :meth:`base`.

        Call :meth:`start` with ``restoring=pending`` first: the replayed actions are
        journaled again, in the new session.

        Returns
        -------
        n : int
            The number of actions replayed.

        """
        self._sync = False  # one sync at the end
        try:
            for rec in pending.records:
                self._replay_one(rec, curation)
        finally:
            self._sync = True
            if self._file is not None:
                self._file.flush()
                os.fsync(self._file.fileno())
        n = sum(r["action"] in ACTIONS for r in pending.records)
        logger.info("Restored %d actions of the session of %s (%s).", n, pending.user,
                    pending.t)
        return n


def export_journal(dir_path, path=None, spikes=True):
    """Export a journal: every record, with the spike ids of the splits.

    Parameters
    ----------
    dir_path : str or Path
        The journal folder.
    path : str or Path
        The output JSON file (a list of records); None: nothing written.
    spikes : bool
        Whether the splits list their spike ids (``spikes``, read from their ``file``).

    Returns
    -------
    records : list

    """
    journal = Journal(dir_path)
    records = journal.records()
    for rec in records:
        if rec["action"] == "split":
            if spikes and "file" in rec:
                rec["spikes"] = journal._spikes(rec)[0].tolist()
            rec.pop("file", None)
            if not spikes:
                rec.pop("spikes", None)
    if path is not None:
        Path(path).write_text(json.dumps(records, indent=1) + "\n")
    return records
