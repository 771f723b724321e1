"""Clusterings of a kwik channel group: reading them, saving, adding, copying, renaming, deleting.

FORMATS §3.6 and §3.9. A save of a clustering is a ``write(path)`` (:func:`clustering_writer`)
that the model commits as a transaction with versioned backups
(:func:`phy.apps.template.transaction.save_files`). The other changes to the ``.kwik`` go
through :func:`edit_kwik`: the file is copied next to itself, the copy is changed and flushed,
then renamed over the original (``os.replace``, atomic). A failure or a crash at any point
leaves the original file as it was, readable. The ``original`` clustering is never changed.
"""

import logging
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from phy.io import DataFormatError
from phy.io.h5 import int_names, open_h5, read_attrs, write_attrs
from phy.io.kwik_writer import DEFAULT_CLUSTER_GROUPS, write_clustering

logger = logging.getLogger(__name__)

#: The clustering that is never changed.
ORIGINAL = "original"


@contextmanager
def edit_kwik(kwik_path):
    """Open a copy of a ``.kwik`` for writing; it replaces the original on success only.

    Yields the open h5py file of the copy (``<name>.kwik.saving~``), removed on failure.
    """
    kwik_path = Path(kwik_path)
    tmp = kwik_path.with_name(kwik_path.name + ".saving~")
    shutil.copyfile(kwik_path, tmp)
    try:
        with open_h5(tmp, "a") as f:
            yield f
        with open(tmp, "rb+") as fd:
            os.fsync(fd.fileno())
        os.replace(tmp, kwik_path)
    finally:
        if tmp.exists():
            tmp.unlink()


def list_clusterings(node):
    """The clustering names of a channel group: ``main`` first, then sorted."""
    names = sorted(node["spikes/clusters"].keys()) if "spikes/clusters" in node else []
    return sorted(names, key=lambda n: (n != "main", n))


def group_names(node, clustering):
    """``{group_id: name}`` of a clustering's cluster groups (the defaults if none)."""
    groups = node.get(f"cluster_groups/{clustering}")
    out = {i: read_attrs(groups[str(i)]).get("name", f"group_{i}") for i in int_names(groups)}
    return out or dict(DEFAULT_CLUSTER_GROUPS)


def read_cluster_groups(node, clustering, cluster_ids):
    """``{cluster_id: group label}`` (lower-cased names) of the clusters with spikes.

    Clusters without a node are ``unsorted``; a group stored as a name (old files) or a
    1-element array is accepted; unknown ids become ``group_<id>``.
    """
    names = {i: n.lower() for i, n in group_names(node, clustering).items()}
    clusters = node.get(f"clusters/{clustering}")
    out = {}
    for cluster in np.asarray(cluster_ids).tolist():
        key = str(cluster)
        value = 3
        if clusters is not None and key in clusters:
            value = clusters[key].attrs.get("cluster_group", 3)
        if isinstance(value, (bytes, np.bytes_, str)):
            out[cluster] = value.decode() if isinstance(value, bytes) else str(value)
            out[cluster] = out[cluster].lower()
            continue
        value = int(np.asarray(value).ravel()[0])
        out[cluster] = names.get(value, f"group_{value}")
    return out


def _group_ids(groups_node, labels):
    """``{label: group_id}`` for labels, creating cluster groups (ids > 3) for new labels."""
    existing = {read_attrs(groups_node[str(i)]).get("name", "").lower(): i
                for i in int_names(groups_node)}
    out = {}
    for label in sorted(set(labels)):
        key = str(label).lower()
        if key not in existing:
            new_id = max([3] + list(existing.values())) + 1
            write_attrs(groups_node.require_group(str(new_id)), name=str(label).title())
            existing[key] = new_id
            logger.info("New cluster group %d %r.", new_id, str(label).title())
        out[label] = existing[key]
    return out


def _check_writable(name):
    if name == ORIGINAL:
        raise DataFormatError(
            f"The {ORIGINAL!r} clustering is never changed: copy it to a new clustering first.")


def _write_clustering(node, clustering, spike_clusters, cluster_groups, clustering_metadata,
                      kwik_path):
    """Write the spike clusters and the cluster groups of a clustering into a channel group."""
    dset = node[f"spikes/clusters/{clustering}"]
    if dset.shape != spike_clusters.shape:
        raise DataFormatError(f"{len(spike_clusters)} spike clusters for "
                              f"{dset.shape[0]} spikes in {kwik_path}.")
    dset[...] = spike_clusters
    groups_node = node.require_group(f"cluster_groups/{clustering}")
    if not int_names(groups_node):
        for i, name in DEFAULT_CLUSTER_GROUPS.items():
            write_attrs(groups_node.require_group(str(i)), name=name)
    labels = {int(c): cluster_groups.get(int(c)) or "unsorted"
              for c in np.unique(spike_clusters).tolist()}
    ids = _group_ids(groups_node, labels.values())
    clusters = node.require_group(f"clusters/{clustering}")
    for cluster, label in labels.items():
        clusters.require_group(str(cluster)).attrs["cluster_group"] = np.int64(ids[label])
    write_attrs(clusters, **(clustering_metadata or {}))


def clustering_writer(kwik_path, channel_group, clustering, spike_clusters, cluster_groups,
                      clustering_metadata=None):
    """A ``write(path)`` of the ``.kwik`` with a clustering saved into it (one save).

    ``write(path)`` copies the current ``.kwik`` to ``path`` and writes the spike clusters and
    the cluster groups of the clustering into the copy: the output of a ``.kwik`` for
    :func:`phy.apps.template.transaction.save_files`, which commits it.

    Parameters
    ----------
    kwik_path : Path
    channel_group : int
    clustering : str
        Not ``original``.
    spike_clusters : ndarray
        ``(n_spikes,)``, written in place of the clustering's array (int32).
    cluster_groups : dict
        ``{cluster_id: label}`` (``good``, ``mua``, ``noise``, ``unsorted``, or a new label:
        a new cluster group is created); clusters without a label are saved as unsorted.
    clustering_metadata : dict or None
        Attributes of ``clusters/<clustering>``.

    """
    _check_writable(clustering)
    spike_clusters = np.asarray(spike_clusters, dtype=np.int32).ravel()
    kwik_path = Path(kwik_path)

    def write(path):
        shutil.copyfile(kwik_path, path)
        with open_h5(path, "a") as f:
            _write_clustering(f[f"channel_groups/{channel_group}"], clustering, spike_clusters,
                              cluster_groups, clustering_metadata, kwik_path)

    return write


def _places(name):
    return (f"spikes/clusters/{name}", f"clusters/{name}", f"cluster_groups/{name}")


def add_clustering(kwik_path, channel_group, name, spike_clusters):
    """Add a clustering (all clusters unsorted, the default cluster groups)."""
    with edit_kwik(kwik_path) as f:
        node = f[f"channel_groups/{channel_group}"]
        if name in list_clusterings(node):
            raise DataFormatError(f"The clustering {name!r} already exists in {kwik_path}.")
        write_clustering(node, name, spike_clusters)


def copy_clustering(kwik_path, channel_group, name, new_name):
    """Copy a clustering (spike clusters, cluster nodes, cluster groups) to a new name."""
    with edit_kwik(kwik_path) as f:
        node = f[f"channel_groups/{channel_group}"]
        _check_names(node, name, new_name, kwik_path)
        for src, dst in zip(_places(name), _places(new_name)):
            if src in node:
                node.copy(src, dst)


def rename_clustering(kwik_path, channel_group, name, new_name):
    """Rename a clustering (not ``original``)."""
    _check_writable(name)
    with edit_kwik(kwik_path) as f:
        node = f[f"channel_groups/{channel_group}"]
        _check_names(node, name, new_name, kwik_path)
        for src, dst in zip(_places(name), _places(new_name)):
            if src in node:
                node.move(src, dst)


def delete_clustering(kwik_path, channel_group, name):
    """Delete a clustering (not ``original``)."""
    _check_writable(name)
    with edit_kwik(kwik_path) as f:
        node = f[f"channel_groups/{channel_group}"]
        if name not in list_clusterings(node):
            raise DataFormatError(f"No clustering {name!r} in {kwik_path}.")
        for place in _places(name):
            if place in node:
                del node[place]


def _check_names(node, name, new_name, kwik_path):
    names = list_clusterings(node)
    if name not in names:
        raise DataFormatError(f"No clustering {name!r} in {kwik_path}.")
    if new_name in names:
        raise DataFormatError(f"The clustering {new_name!r} already exists in {kwik_path}.")
