"""SpikeInterface's curation format (JSON, ``format_version`` "2"): export and import.

Export (:func:`export_curation`) is derived from the sorter's clustering and the current one,
not from the session's actions, so it is the same whatever the sessions and undos were:

* ``unit_ids``: the sorter's units (its cluster ids).
* ``splits``: a sorter unit whose spikes are now in several clusters: ``mode: "indices"``,
  ``indices`` one list per current cluster holding part of it, positions of the spikes among
  the unit's spikes in time order (0 = its first spike), ``new_unit_ids`` the phy cluster ids.
* ``merges``: a current cluster made of several whole sorter units: ``unit_ids`` and
  ``new_unit_id`` (the phy cluster id).
* ``manual_labels`` with ``label_definitions``: phy's ``group`` is the ``quality`` label
  (``good``, ``mua``, ``noise``, ``unsorted``), every other field (``cluster_<field>.tsv``) a
  label of the same name; exclusive, one value per unit. As in SpikeInterface, labels are given
  to the units of the step *before* its merges and splits (a merged unit gets them when all its
  units have them; a split unit gives them to all its parts): the labels of a merge go on each
  unit merged.
* ``removed``: the noise units the step leaves unchanged (SpikeInterface forbids removing a
  unit that is merged or split: such noise units have ``quality: ["noise"]``).

A curation that one step cannot express (a cluster mixing part of a sorter unit with other
spikes; parts of one unit with different labels) is written as SpikeInterface's *sequential*
curation: a JSON list of steps, each step's ``unit_ids`` the ids its predecessor ends with
(splits first with temporary ids, then merges, then a step with the labels).

Import (:func:`apply_curation`) accepts a step or a list of steps, written by phy or by
SpikeInterface: unit ids as numbers or strings (strings of digits, or the ``si_unit_id``
values of SpikeInterface's ``cluster_si_unit_ids.tsv``), merges as lists or as dicts with
``unit_ids``/``new_unit_id``, splits with ``mode: "indices"`` (spikes not listed form one more
unit) or ``"labels"``, format 1's ``merge_unit_groups``/``removed_units``, labels as
``{"unit_id", "labels": {...}}`` or format 1's ``{"unit_id", "<label>": [...]}``. Each step is
applied to the current clustering as phy actions (undoable): splits, merges, labels (one
action per label value), then ``removed`` units are labelled noise. The new clusters get
phy's next free ids: a round trip gives the same clustering and labels up to the ids of the
new clusters.
"""

import json
import logging
from pathlib import Path

import numpy as np

from phy.io import DataFormatError

logger = logging.getLogger(__name__)

#: phy's group field is SpikeInterface's ``quality`` label.
QUALITY = "quality"
#: The values of the quality label.
QUALITY_OPTIONS = ("good", "mua", "noise", "unsorted")


# -------------------------------------------------------------------------------------------------
# Export
# -------------------------------------------------------------------------------------------------

def _label_definitions(labels):
    out = {}
    for field, values in labels.items():
        name = QUALITY if field == "group" else field
        options = sorted({str(v) for v in values.values() if v is not None} | (
            set(QUALITY_OPTIONS) if field == "group" else set()))
        options += [f"{name}_{i}" for i in range(2 - len(options))]  # SpikeInterface: >= 2
        out[name] = {"name": name, "label_options": options, "exclusive": True}
    return out


def _cluster_labels(labels, cluster_id):
    return {QUALITY if f == "group" else f: [str(v[cluster_id])] for f, v in labels.items()
            if v.get(cluster_id) is not None}


def _step(unit_ids, merges=(), splits=(), labels=None, label_definitions=None, removed=()):
    return {"format_version": "2", "unit_ids": [int(u) for u in unit_ids],
            "label_definitions": label_definitions or {},
            "manual_labels": [{"unit_id": int(u), "labels": lab}
                              for u, lab in sorted((labels or {}).items()) if lab],
            "merges": [{"unit_ids": [int(u) for u in ids], "new_unit_id": int(new)}
                       for ids, new in merges],
            "splits": [{"unit_id": int(u), "mode": "indices",
                        "indices": [idx.tolist() for idx in parts],
                        "new_unit_ids": [int(n) for n in new]} for u, parts, new in splits],
            "removed": [int(u) for u in removed]}


def _assign_labels(final, labels, noise):
    """Labels per unit of a step: ``final`` maps each final cluster to (its units, merged?).

    Returns ``(unit labels, removed)``, or None if a unit would get two different labels.
    """
    unit_labels, removed = {}, []
    for c, (units, changed) in final.items():
        lab = _cluster_labels(labels, c)
        for u in units:
            if unit_labels.setdefault(u, lab) != lab:
                return None
        if c in noise and not changed:
            removed.append(units[0])
    return unit_labels, removed


def export_curation(original, current, labels):
    """The SpikeInterface curation turning the sorter's clustering into the current one.

    Parameters
    ----------
    original : array-like
        The sorter's cluster of every spike.
    current : array-like
        The current cluster of every spike.
    labels : dict
        ``{field: {cluster_id: value}}`` of the current clusters (``group`` is ``quality``).

    Returns
    -------
    curation : dict or list
        One curation step (a dict), or a list of steps when one cannot express it.

    """
    original, current = np.asarray(original, np.int64), np.asarray(current, np.int64)
    if original.shape != current.shape:
        raise ValueError(f"{original.size} sorter spikes but {current.size} current spikes.")
    labels = {f: {int(c): v for c, v in values.items()} for f, values in labels.items()}
    noise = {c for c, g in labels.get("group", {}).items() if g == "noise"}
    units, unit_size = np.unique(original, return_counts=True)
    clusters = np.unique(current)
    pairs, counts = np.unique(np.stack([original, current]), axis=1, return_counts=True)
    parts = {}  # sorter unit -> [current clusters]; current cluster -> [sorter units]
    sources = {}
    for o, c in pairs.T.tolist():
        parts.setdefault(o, []).append(c)
        sources.setdefault(c, []).append(o)
    whole = {o for o, p in parts.items() if len(p) == 1}
    usize = dict(zip(units.tolist(), unit_size.tolist()))
    pure = {c for c, s in sources.items() if len(s) == 1}  # a part (or all) of one unit only
    temp = iter(range(int(max(units.max(initial=-1), clusters.max(initial=-1))) + 1, 1 << 62))
    reserved = set(units.tolist())
    order = np.argsort(original, kind="stable")  # spikes of each unit, in time order
    starts = np.concatenate([[0], np.cumsum(unit_size)])
    first = dict(zip(units.tolist(), starts[:-1].tolist()))
    splits, split_id, final1 = [], {}, {}
    for o in sorted(set(parts) - whole):
        spikes = order[first[o]:first[o] + usize[o]]
        in_cluster = current[spikes]
        pieces, new = [], []
        for c in parts[o]:
            pieces.append(np.nonzero(in_cluster == c)[0])
            nid = c if c in pure and c not in reserved else next(temp)
            split_id[(o, c)] = nid
            new.append(nid)
            final1[nid] = ([o], True)
        splits.append((o, pieces, new))
    merges, mixed, file_id = [], [], {}
    for c in sorted(sources):
        srcs = sources[c]
        if all(o in whole for o in srcs):
            if len(srcs) == 1:
                final1[srcs[0]] = ([srcs[0]], False)
            else:
                nid = c if c not in reserved else next(temp)
                merges.append((srcs, nid))
                final1[nid] = (srcs, True)
                file_id[c] = nid
        elif len(srcs) > 1:  # whole units kept in step 1, merged with parts in step 2
            mixed.append(c)
            final1.update({o: ([o], False) for o in srcs if o in whole})
    for c in pure:  # the final id (in the file) of the unchanged units and of the parts
        file_id[c] = sources[c][0] if sources[c][0] in whole else split_id[(sources[c][0], c)]
    steps = [(units.tolist(), merges, splits, final1)]
    if mixed:  # the parts and units of each mixed cluster merged in a second step
        step2_units = sorted(final1)
        merges2, final2 = [], {u: ([u], False) for u in step2_units}
        for c in mixed:
            ids = [o if o in whole else split_id[(o, c)] for o in sources[c]]
            nid = c if c not in reserved else next(temp)
            merges2.append((ids, nid))
            file_id[c] = nid
            for u in ids:
                final2.pop(u)
            final2[nid] = (ids, True)
        steps.append((step2_units, merges2, (), final2))
    # Labels in the last step, or in a step of their own.
    by_file_id = {file_id[c]: c for c in sources}
    last_units, last_merges, last_splits, last_final = steps[-1]
    assigned = _assign_labels(
        {by_file_id[f]: v for f, v in last_final.items()}, labels, noise)
    definitions = _label_definitions(labels)
    out = [_step(u, m, s) for u, m, s, _ in steps]
    if assigned is not None:
        out[-1] = _step(last_units, last_merges, last_splits, assigned[0], definitions,
                        assigned[1])
    else:
        final = {by_file_id[f]: ([f], False) for f in sorted(by_file_id)}
        unit_labels, removed = _assign_labels(final, labels, noise)
        out.append(_step(sorted(by_file_id), labels=unit_labels,
                         label_definitions=definitions, removed=removed))
    return out[0] if len(out) == 1 else out


def save_curation_json(path, curation):
    """Write a curation (a step or a list of steps) as JSON."""
    Path(path).write_text(json.dumps(curation, indent=1), encoding="utf-8")
    logger.info("Curation exported to %s.", path)


# -------------------------------------------------------------------------------------------------
# Import
# -------------------------------------------------------------------------------------------------

def read_curation(path):
    """Read a curation JSON file: the list of its steps (a single step gives a list of one)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise DataFormatError(f"Cannot read the curation file {path}: {e}.") from None
    steps = data if isinstance(data, list) else [data]
    if not steps or not all(isinstance(s, dict) and "unit_ids" in s for s in steps):
        raise DataFormatError(f"The curation file {path} is not a SpikeInterface curation "
                              "(a JSON object with `unit_ids`, or a list of them).")
    return steps


def _merges(step):
    merges = step.get("merges")
    if merges is None:
        merges = step.get("merge_unit_groups") or []  # format 1
    if isinstance(merges, dict):
        merges = [{"unit_ids": ids, "new_unit_id": new} for new, ids in merges.items()]
    return [(list(m), None) if isinstance(m, (list, tuple)) else
            (list(m["unit_ids"]), m.get("new_unit_id")) for m in merges]


def _manual_labels(step):
    out = {}
    for item in step.get("manual_labels") or []:
        labels = item.get("labels")
        if labels is None:  # format 1: the labels are keys of the item
            labels = {k: v for k, v in item.items() if k != "unit_id"}
        out.setdefault(item["unit_id"], {}).update(
            {k: v if isinstance(v, list) else [v] for k, v in labels.items()})
    return out


def _label_value(field, values):
    values = [str(v) for v in values]
    if field == QUALITY:
        values = [v.lower() if v.lower() in QUALITY_OPTIONS else v for v in values]
    return ",".join(values)


class _Importer:
    """Apply the steps of a curation to a :class:`~phy.cluster.Curation` or Supervisor."""

    def __init__(self, curation, unit_map, path):
        self.curation, self.unit_map, self.path = curation, unit_map or {}, path
        self.ids = {}  # ids given by the file (new_unit_id(s)) -> phy cluster id

    def error(self, message):
        return DataFormatError(f"Invalid curation file {self.path}: {message}.")

    def resolve(self, unit_id, use_map):
        key = unit_id if not isinstance(unit_id, str) else unit_id.strip()
        if key in self.ids:
            c = self.ids[key]
        elif use_map and str(key) in self.unit_map:
            c = self.unit_map[str(key)]
        else:
            try:
                c = int(key)
            except (TypeError, ValueError):
                raise self.error(f"the unit id {unit_id!r} is not a cluster id") from None
        if c not in set(self.curation.clustering.cluster_ids.tolist()):
            raise self.error(f"the unit {unit_id!r} is not a current cluster")
        return c

    def split(self, split, use_map):
        c = self.resolve(split["unit_id"], use_map)
        spikes = self.curation.clustering.spikes_in_clusters([c])
        if split.get("mode", "indices") == "labels":
            lab = np.asarray(split["labels"])
            if lab.size != spikes.size:
                raise self.error(f"the split of unit {split['unit_id']} has {lab.size} labels "
                                 f"for {spikes.size} spikes")
            parts = [np.nonzero(lab == v)[0] for v in np.unique(lab)]
        else:
            parts = [np.asarray(i, dtype=np.int64) for i in split["indices"]]
            if any(p.size and (p.min() < 0 or p.max() >= spikes.size) for p in parts):
                raise self.error(f"the split of unit {split['unit_id']} has indices outside "
                                 f"its {spikes.size} spikes")
            rest = np.setdiff1d(np.arange(spikes.size), np.concatenate(parts + [[]]))
            parts += [rest] if rest.size else []
        parts = [p for p in parts if p.size]
        rel = np.concatenate([np.full(p.size, k) for k, p in enumerate(parts)])
        self.curation.split(spikes[np.concatenate(parts)], rel)
        new = [int(self.curation.clustering.spike_clusters[spikes[p[0]]]) for p in parts]
        self.ids.update(zip(split.get("new_unit_ids") or [], new))
        return {n: [split["unit_id"]] for n in new}

    def merge(self, unit_ids, new_unit_id, use_map):
        up = self.curation.merge([self.resolve(u, use_map) for u in unit_ids])
        new = int(up.added[0])
        if new_unit_id is not None:
            self.ids[new_unit_id] = new
        return {new: list(unit_ids)}

    def apply_step(self, step):
        unit_ids = [str(u) for u in step["unit_ids"]]
        use_map = bool(self.unit_map) and set(unit_ids) == set(self.unit_map)
        labels = _manual_labels(step)
        origin = {}
        for split in step.get("splits") or []:
            origin.update(self.split(split, use_map))
        for ids, new in _merges(step):
            origin.update(self.merge(ids, new, use_map))
        touched = {u for units in origin.values() for u in units}
        for u in labels:
            if u not in touched:
                origin[self.resolve(u, use_map)] = [u]
        actions = {}  # (field, value) -> clusters
        for c, units in origin.items():
            fields = {f for u in units for f in labels.get(u, {})}
            for field in fields:
                values = [tuple(labels.get(u, {}).get(field, ())) for u in units]
                if len(set(values)) == 1 and values[0]:  # every unit has the same label
                    name = "group" if field == QUALITY else field
                    actions.setdefault((name, _label_value(field, values[0])), []).append(c)
        removed = step.get("removed")
        removed = step.get("removed_units") or [] if removed is None else removed
        if removed:
            actions.setdefault(("group", "noise"), []).extend(
                self.resolve(u, use_map) for u in removed)
        for (name, value), clusters in sorted(actions.items()):
            self.curation.label(name, value, cluster_ids=sorted(set(clusters)))


def apply_curation(curation, steps, unit_map=None, path="the curation"):
    """Apply a SpikeInterface curation as undoable actions (splits, merges, labels).

    Parameters
    ----------
    curation : Curation or Supervisor
        What holds the clustering: its ``merge``, ``split`` and ``label`` are called.
    steps : dict or list
        A curation step or a list of steps (see :func:`read_curation`).
    unit_map : dict
        ``{str(SpikeInterface unit id): cluster id}`` (from ``cluster_si_unit_ids.tsv``),
        used for a step whose ``unit_ids`` are exactly its keys.
    path : str
        The file, named in the errors.

    """
    importer = _Importer(curation, unit_map, path)
    for step in steps if isinstance(steps, list) else [steps]:
        importer.apply_step(step)
    return importer.ids
