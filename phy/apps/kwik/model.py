"""KwikModel: a klusta dataset (``.kwik`` + ``.kwx`` [+ raw data]), headless (FORMATS §3).

The model shows one channel group (shank) and one clustering at a time, both switchable
(``model.channel_group = 1``, ``model.clustering = 'original'``). Opening reads the per-spike
vectors of the group (spike samples, recordings, clusters: 17 bytes per spike) and closes the
``.kwik``; features and masks stay in the ``.kwx``, memory-mapped (contiguous datasets) or
read by rows, and raw data is memory-mapped. The channel ids of the GUI are positions
``0 .. n_channels - 1`` in the group's ``channel_order``.

It implements the Model protocol of :class:`~phy.apps.base.BaseController`. A save writes the
``.kwik`` once (the clustering and its cluster groups, :func:`.clusterings.clustering_writer`)
and ``cluster_info.tsv``, committed as one transaction with the Template GUI's machinery
(:func:`phy.apps.template.transaction.save_files`): the previous ``.kwik`` kept in
``.phy/backups/<timestamp>/`` next to the ``.kwik`` (the sorter's in ``.phy/backups/original/``),
an interrupted save rolled back when the file is opened again, an emergency copy when the
folder cannot be written.
"""

import logging
from pathlib import Path

import numpy as np

from phy.io import DataFormatError, writable_dir
from phy.io.h5 import h5_array, int_names, open_h5, read_attrs
from phy.io.kwik_writer import KWIK_VERSION, SPIKEDETEKT_DEFAULTS
from phy.utils import Bunch

from ..template.saving import cluster_info_text, text_writer
from ..template.transaction import N_BACKUPS, recover, save_files
from . import clusterings as cl
from .raw import WaveformLoader, open_kwik_raw_data, read_recordings, recording_offsets

logger = logging.getLogger(__name__)


def _positions(node, channel_order):
    """``(n_channels, 2)`` positions of the channels, or a vertical line if unreadable."""
    try:
        out = np.array([np.asarray(node[f"channels/{c}"].attrs["position"], dtype=np.float64)
                        for c in channel_order]).reshape(len(channel_order), 2)
        if np.isfinite(out).all():
            return out
    except (KeyError, ValueError, TypeError):
        pass
    logger.warning("No usable channel positions: the channels are shown on a vertical line.")
    return np.c_[np.zeros(len(channel_order)), np.arange(len(channel_order), dtype=np.float64)]


def _sorted_samples(samples):
    """Make spike samples non-decreasing (klusta's one-sample inversions), in memory only."""
    if len(samples) > 1 and (np.diff(samples) < 0).any():
        n = int((np.diff(samples) < 0).sum())
        logger.warning("%d spike samples are not sorted: each is moved to the one before.", n)
        samples = np.maximum.accumulate(samples)
    return samples


class KwikModel:
    """Holds the data of a kwik dataset.

    Parameters
    ----------
    kwik_path : str or Path
        The ``.kwik`` file; the ``.kwx`` is next to it with the same base name (optional).
    channel_group : int or None
        The channel group (shank); default the smallest one.
    clustering : str or None
        The clustering; default ``main`` if present, else the first in sorted order.
    n_backups : int or None
        Previous versions of the ``.kwik`` kept by the saves in ``.phy/backups/``; default
        :data:`~phy.apps.template.transaction.N_BACKUPS`.

    Attributes
    ----------
    channel_groups, recordings, clusterings : list
    channel_order : ndarray
        Raw channel number of every channel of the group (the GUI shows positions in it).
    channel_positions : ndarray
        ``(n_channels, 2)``.
    adjacency : dict
        ``{channel id: set of adjacent channel ids}`` (positions in ``channel_order``).
    spike_samples, spike_recordings, spike_clusters : ndarray
        int64 samples (recordings concatenated), int32 recordings and clusters.
    spike_times : ndarray
        float64 seconds.
    features_masks : array-like or None
        ``(n_spikes, n_columns, 2)`` float32 from the ``.kwx``.
    traces : RawDataReader or None
    metadata : dict
        ``{'group': {cluster_id: label}}`` (the protocol of the controllers).
    spikedetekt : dict
        The spike detection parameters (defaults filled in).

    """

    spike_waveforms = None
    sparse_templates = None
    hp_filtered = False
    channel_shanks = None
    #: Previous versions of the ``.kwik`` kept by the saves in ``.phy/backups/``.
    n_backups = N_BACKUPS

    def __init__(self, kwik_path, channel_group=None, clustering=None, n_backups=None):
        self.kwik_path = Path(kwik_path).absolute()
        if self.kwik_path.suffix != ".kwik":
            raise DataFormatError(f"A kwik file must end in .kwik: {self.kwik_path}.")
        self.dir_path = self.kwik_path.parent
        if n_backups is not None:
            self.n_backups = int(n_backups)
        self._recover()
        self.kwx_path = self.kwik_path.with_suffix(".kwx")
        self.name = self.kwik_path.stem
        self._kwx, self._raw_handles = None, []
        self.traces = None
        self.spike_attributes = Bunch()
        with open_h5(self.kwik_path) as f:
            version = read_attrs(f).get("kwik_version")
            if version != KWIK_VERSION:
                raise DataFormatError(
                    f"{self.kwik_path}: kwik_version {version!r} is not supported "
                    f"(only {KWIK_VERSION}).")
            key = "application_data/spikedetekt"
            self.spikedetekt = {**SPIKEDETEKT_DEFAULTS, **(read_attrs(f[key]) if key in f else {})}
            self.channel_groups = int_names(f.get("channel_groups"))
            self._raw_attrs, self._start_samples = read_recordings(f)
        if not self.channel_groups:
            raise DataFormatError(f"{self.kwik_path} has no channel group.")
        sr = self.spikedetekt.get("sample_rate")
        if not sr or float(sr) <= 0:
            raise DataFormatError(f"{self.kwik_path}: no positive sample_rate in the metadata.")
        self.sample_rate = float(sr)
        self.recordings = list(self._raw_attrs) or [0]
        self.n_recordings = len(self.recordings)
        self.n_features_per_channel = int(self.spikedetekt["n_features_per_channel"])
        self._channel_group = None
        self._clustering = clustering
        self.channel_group = self.channel_groups[0] if channel_group is None else channel_group

    def _recover(self):
        """Roll back a save of this folder that was interrupted (:func:`recover`)."""
        if recover(self.dir_path, write=writable_dir(self.dir_path)):
            logger.warning("A save of %s was interrupted and the folder cannot be written to "
                           "roll it back: the .kwik is read as it is (complete, either the "
                           "previous or the new version).", self.dir_path)

    # Channel group and clustering
    # ---------------------------------------------------------------------------------------------

    @property
    def channel_group(self):
        """The current channel group; setting it loads that group (and its clustering)."""
        return self._channel_group

    @channel_group.setter
    def channel_group(self, group):
        group = int(group)
        if group not in self.channel_groups:
            raise DataFormatError(f"No channel group {group} in {self.kwik_path} (groups: "
                                  f"{', '.join(map(str, self.channel_groups))}).")
        self.close()
        self._channel_group = group
        with open_h5(self.kwik_path) as f:
            node = f[f"channel_groups/{group}"]
            self._load_channels(node)
            self._load_spikes(node)
            self.clusterings = cl.list_clusterings(node)
            if self._clustering not in self.clusterings:
                if self._clustering is not None:
                    raise DataFormatError(
                        f"No clustering {self._clustering!r} in channel group {group} of "
                        f"{self.kwik_path} (clusterings: {', '.join(self.clusterings)}).")
                if not self.clusterings:
                    raise DataFormatError(f"Channel group {group} of {self.kwik_path} has no "
                                          "clustering.")
                self._clustering = self.clusterings[0]
            self._load_clustering(node)
        self._load_features()
        self._load_raw_data()

    @property
    def clustering(self):
        """The current clustering; setting it loads its spike clusters and cluster groups."""
        return self._clustering

    @clustering.setter
    def clustering(self, name):
        if name not in self.clusterings:
            raise DataFormatError(f"No clustering {name!r} in {self.kwik_path} (clusterings: "
                                  f"{', '.join(self.clusterings)}).")
        self._clustering = name
        with open_h5(self.kwik_path) as f:
            self._load_clustering(f[f"channel_groups/{self.channel_group}"])

    def _load_channels(self, node):
        attrs = read_attrs(node)
        order = attrs.get("channel_order")
        if order is None:
            order = int_names(node.get("channels"))
        self.channel_order = np.asarray(order, dtype=np.int64).ravel()
        self.n_channels = len(self.channel_order)
        self.channel_mapping = self.channel_order
        self.channel_labels = [str(i) for i in range(self.n_channels)]
        self.channel_positions = _positions(node, self.channel_order)
        index = {int(c): i for i, c in enumerate(self.channel_order)}
        self.adjacency = {i: set() for i in range(self.n_channels)}
        graph = np.asarray(attrs.get("adjacency_graph", np.zeros((0, 2))), dtype=np.int64)
        for a, b in graph.reshape(-1, 2).tolist():
            if a in index and b in index and a != b:
                self.adjacency[index[a]].add(index[b])
                self.adjacency[index[b]].add(index[a])

    def _load_spikes(self, node):
        if "spikes/time_samples" not in node:
            raise DataFormatError(f"Channel group {self.channel_group} of {self.kwik_path} "
                                  "has no spikes/time_samples.")
        self._time_samples = np.asarray(node["spikes/time_samples"][...], dtype=np.int64)
        self.n_spikes = len(self._time_samples)
        rec = node.get("spikes/recording")
        self.spike_recordings = (np.asarray(rec[...], dtype=np.int32) if rec is not None
                                 else np.zeros(self.n_spikes, dtype=np.int32))
        if len(self.spike_recordings) != self.n_spikes:
            raise DataFormatError(f"{self.kwik_path}: spikes/recording has "
                                  f"{len(self.spike_recordings)} values for {self.n_spikes} "
                                  "spikes.")
        self._set_spike_samples(None)

    def _set_spike_samples(self, n_samples):
        offsets = recording_offsets(
            self._time_samples, self.spike_recordings, self.recordings, n_samples)
        shift = np.zeros(max(self.recordings) + 1, dtype=np.int64)
        for r, offset in offsets.items():
            shift[r] = offset
        samples = self._time_samples + shift[self.spike_recordings]
        self.spike_samples = _sorted_samples(samples)
        self.spike_times = self.spike_samples / self.sample_rate
        self.recording_offsets = offsets

    def _load_clustering(self, node):
        data = node[f"spikes/clusters/{self._clustering}"]
        self.spike_clusters = np.asarray(data[...], dtype=np.int32)
        if len(self.spike_clusters) != self.n_spikes:
            raise DataFormatError(f"{self.kwik_path}: the clustering {self._clustering!r} has "
                                  f"{len(self.spike_clusters)} spikes, not {self.n_spikes}.")
        self.cluster_ids = np.unique(self.spike_clusters).astype(np.int64)
        self.cluster_groups = cl.read_cluster_groups(node, self._clustering, self.cluster_ids)
        self.clustering_metadata = read_attrs(node[f"clusters/{self._clustering}"]) if (
            f"clusters/{self._clustering}" in node) else {}
        self.group_names = cl.group_names(node, self._clustering)

    def _load_features(self):
        self.features_masks = None
        if not self.kwx_path.is_file():
            logger.info("No %s: no features, no masks.", self.kwx_path.name)
            return
        self._kwx = open_h5(self.kwx_path)
        key = f"channel_groups/{self.channel_group}/features_masks"
        if key not in self._kwx:
            return
        fm = self._kwx[key]
        n_cols = self.n_channels * self.n_features_per_channel
        if fm.ndim != 3 or fm.shape[0] != self.n_spikes or fm.shape[1] < n_cols or (
                fm.shape[2] != 2):
            raise DataFormatError(
                f"{self.kwx_path}: {key} has the shape {fm.shape}, not ({self.n_spikes}, "
                f"{n_cols}, 2).")
        self.features_masks = h5_array(fm, self.kwx_path)

    def _load_raw_data(self):
        raws = {r: self._raw_attrs.get(r, {}) for r in self.recordings} if self._raw_attrs else {}
        self.traces, self._raw_handles = open_kwik_raw_data(
            self.kwik_path, raws, self.spikedetekt.get("dtype", "int16"),
            self.spikedetekt.get("n_channels") or self.spikedetekt.get("nchannels"),
            self.channel_order)
        self._waveforms = None
        if self.traces is not None:
            arrays = np.diff(self.traces.bounds).tolist()
            if len(arrays) == len(self.recordings):
                self._set_spike_samples(arrays)
            self._waveforms = WaveformLoader(
                self.traces, self.spike_samples, self.sample_rate, self.spikedetekt)

    # Protocol
    # ---------------------------------------------------------------------------------------------

    @property
    def features(self):
        """The features ``(n_spikes, n_columns)`` (a view of ``features_masks``), or None."""
        return None if self.features_masks is None else _Plane(self.features_masks, 0)

    @property
    def masks(self):
        """The masks ``(n_spikes, n_columns)`` (a view of ``features_masks``), or None."""
        return None if self.features_masks is None else _Plane(self.features_masks, 1)

    @property
    def duration(self):
        """Duration in seconds: of the raw data, else up to the last spike."""
        if self.traces is not None:
            return self.traces.n_samples / self.sample_rate
        return float(self.spike_times[-1]) if self.n_spikes else 0.0

    @property
    def n_samples_waveforms(self):
        """Samples of a waveform: ``extract_s_before + extract_s_after``."""
        return int(self.spikedetekt["extract_s_before"]) + int(
            self.spikedetekt["extract_s_after"])

    @property
    def n_clusters(self):
        """Number of clusters of the current clustering."""
        return len(self.cluster_ids)

    @property
    def metadata(self):
        """``{'group': {cluster_id: label}}``."""
        return {"group": dict(self.cluster_groups)}

    def _rows(self, spike_ids):
        spike_ids = np.asarray(spike_ids, dtype=np.int64).ravel()
        return np.asarray(self.features_masks[spike_ids]) if len(spike_ids) else np.zeros(
            (0,) + tuple(self.features_masks.shape[1:]), dtype=np.float32)

    def get_features(self, spike_ids, channel_ids=None):
        """``(n_spikes, n_channels, n_features_per_channel)`` float32 features, or None."""
        if self.features_masks is None:
            return None
        fpc, n_ch = self.n_features_per_channel, self.n_channels
        rows = self._rows(spike_ids)[:, :n_ch * fpc, 0].reshape(-1, n_ch, fpc)
        return rows if channel_ids is None else rows[:, np.asarray(channel_ids, np.int64)]

    def get_masks(self, spike_ids, channel_ids=None):
        """``(n_spikes, n_channels)`` float32 masks (all ones without masks)."""
        n = len(np.asarray(spike_ids).ravel())
        channels = np.arange(self.n_channels) if channel_ids is None else np.asarray(
            channel_ids, dtype=np.int64)
        if self.features_masks is None:
            return np.ones((n, len(channels)), dtype=np.float32)
        fpc = self.n_features_per_channel
        return self._rows(spike_ids)[:, :self.n_channels * fpc:fpc, 1][:, channels]

    def get_waveforms(self, spike_ids, channel_ids=None):
        """``(n_spikes, n_samples_waveforms, n_channels)`` filtered float32 waveforms.

        Extracted from the raw data as klusta did (FORMATS §3.8); zeros without raw data.
        """
        spike_ids = np.asarray(spike_ids, dtype=np.int64).ravel()
        if self._waveforms is None:
            n_ch = self.n_channels if channel_ids is None else len(channel_ids)
            return np.zeros((len(spike_ids), self.n_samples_waveforms, n_ch), np.float32)
        return self._waveforms.get(spike_ids, channel_ids)

    def get_cluster_spikes(self, cluster_id):
        """The sorted spike ids of a cluster (the clustering as loaded)."""
        return np.flatnonzero(self.spike_clusters == int(cluster_id)).astype(np.int64)

    def spike_train(self, cluster_id):
        """The spike times of a cluster, in seconds."""
        return self.spike_times[self.get_cluster_spikes(cluster_id)]

    # Saving and clusterings
    # ---------------------------------------------------------------------------------------------

    def save(self, spike_clusters, cluster_groups, clustering_metadata=None, cluster_info=None,
             emergency_dir=None):
        """Save spike clusters and cluster groups into the current clustering (one transaction).

        The ``.kwik`` is written once, with ``cluster_info.tsv`` when `cluster_info` is given,
        and both are committed together; the previous ``.kwik`` is kept in
        ``.phy/backups/<timestamp>/`` (the last :attr:`n_backups`).

        Parameters
        ----------
        spike_clusters : array-like
            ``n_spikes`` integers.
        cluster_groups : dict
            ``{cluster_id: label}``; clusters without a label are saved as unsorted.
        clustering_metadata : dict or None
            Attributes of ``clusters/<clustering>``.
        cluster_info : list of dict or None
            The rows of ``cluster_info.tsv`` (the cluster table).
        emergency_dir : str or Path
            Where to write the files if they cannot be saved next to the ``.kwik``.

        Raises
        ------
        DataFormatError
            The clustering is ``original``, or `spike_clusters` has the wrong length.
        SaveError
            Nothing was changed; the message names the problem and where the files are.

        """
        spike_clusters = np.asarray(spike_clusters).ravel()
        if len(spike_clusters) != self.n_spikes:
            raise DataFormatError(f"{len(spike_clusters)} spike clusters for {self.n_spikes} "
                                  f"spikes in {self.kwik_path}.")
        outputs = {self.kwik_path.name: cl.clustering_writer(
            self.kwik_path, self.channel_group, self.clustering, spike_clusters, cluster_groups,
            clustering_metadata)}
        if cluster_info is not None:
            outputs["cluster_info.tsv"] = text_writer(cluster_info_text(cluster_info))
        save_files(self.dir_path, outputs, n_backups=self.n_backups, emergency_dir=emergency_dir)
        logger.info("Saved %s in %s.", ", ".join(sorted(outputs)), self.dir_path)
        self.clustering = self.clustering  # read back what was saved

    def save_curation(self, spike_clusters, labels, cluster_info=None, emergency_dir=None):
        """Save a curation (the protocol of :meth:`BaseController.on_save_clustering`).

        Parameters
        ----------
        spike_clusters : array-like
        labels : dict
            ``{field: {cluster_id: value}}``: ``group`` is saved in the ``.kwik``; the other
            fields are not (logged), but they are columns of ``cluster_info.tsv``.
        cluster_info : list of dict or None
        emergency_dir : str or Path

        """
        labels = dict(labels)
        groups = labels.pop("group", self.cluster_groups)
        for name in labels:
            logger.warning("The label %r is not saved in a kwik dataset (only in "
                           "cluster_info.tsv).", name)
        self.save(spike_clusters, groups, cluster_info=cluster_info, emergency_dir=emergency_dir)

    def save_spike_clusters(self, spike_clusters):
        """Save the spike clusters, keeping the cluster groups of the clusters still there."""
        self.save(spike_clusters, self.cluster_groups)

    def save_metadata(self, name, values):
        """Save the cluster groups (``name='group'``); other labels are not saved for kwik."""
        if name != "group":
            logger.warning("The label %r is not saved in a kwik dataset.", name)
            return
        self.save(self.spike_clusters, values)

    def _reload(self):
        with open_h5(self.kwik_path) as f:
            self.clusterings = cl.list_clusterings(f[f"channel_groups/{self.channel_group}"])

    def add_clustering(self, name, spike_clusters):
        """Save a new clustering (all unsorted) to the file."""
        cl.add_clustering(self.kwik_path, self.channel_group, name, spike_clusters)
        self._reload()

    def copy_clustering(self, name, new_name):
        """Copy a clustering in the ``.kwik`` file."""
        cl.copy_clustering(self.kwik_path, self.channel_group, name, new_name)
        self._reload()

    def rename_clustering(self, old_name, new_name):
        """Rename a clustering in the ``.kwik`` file (not ``original``)."""
        cl.rename_clustering(self.kwik_path, self.channel_group, old_name, new_name)
        if self._clustering == old_name:
            self._clustering = new_name
        self._reload()

    def delete_clustering(self, name):
        """Delete a clustering (not the current one, nor ``original``)."""
        if name == self._clustering:
            raise DataFormatError(f"The clustering {name!r} is in use: switch to another "
                                  "before deleting it.")
        cl.delete_clustering(self.kwik_path, self.channel_group, name)
        self._reload()

    # Misc
    # ---------------------------------------------------------------------------------------------

    def describe(self):
        """Print a summary of the dataset (FORMATS §3.1)."""
        def star(items, current):
            return ", ".join(f"{i}{'*' if i == current else ''}" for i in items)

        rows = [("Kwik file", str(self.kwik_path)),
                ("Recordings", self.n_recordings),
                ("List of shanks", star(self.channel_groups, self.channel_group)),
                ("Clusterings", star(self.clusterings, self.clustering)),
                ("Channels", self.n_channels),
                ("Spikes", self.n_spikes),
                ("Clusters", self.n_clusters),
                ("Duration", f"{self.duration:.0f}s")]
        for label, value in rows:
            print(f"{label:<24}{value}")

    def close(self):
        """Close the ``.kwx`` and the raw data files."""
        if self.traces is not None:
            self.traces.close()
        self.traces, self.features_masks = None, None
        for f in self._raw_handles + ([self._kwx] if self._kwx is not None else []):
            f.close()
        self._kwx, self._raw_handles = None, []

    def __repr__(self):
        return (f"<KwikModel {self.kwik_path.name} group {self.channel_group} "
                f"{self.clustering!r} {self.n_spikes} spikes>")


class _Plane:
    """One plane (features 0 or masks 1) of ``features_masks``, read by rows on indexing."""

    def __init__(self, features_masks, index):
        self._fm, self._index = features_masks, index
        self.shape = tuple(features_masks.shape[:2])
        self.dtype = np.dtype(np.float32)

    def __len__(self):
        return self.shape[0]

    def __getitem__(self, rows):
        return np.asarray(self._fm[rows])[..., self._index]


def kwik_describe(path, channel_group=None, clustering=None):
    """Describe a kwik dataset (print a summary); nothing is written."""
    model = KwikModel(path, channel_group=channel_group, clustering=clustering)
    try:
        model.describe()
    finally:
        model.close()
