"""Write kwik datasets (``.kwik`` + ``.kwx``) in klusta's layout (FORMATS §3.3-3.4).

:class:`KwikCreator` builds a dataset piece by piece (probe, recordings, spikes with their
features and masks, clusterings, cluster groups); :func:`create_kwik` creates the empty
dataset of a PRM file (metadata, probe, recordings), as klusta did before detecting spikes.
Per-spike data may be given as arrays or as iterables of chunks, written in order, so that a
dataset of any size is written in bounded memory. Datasets are contiguous and uncompressed
(readers memory-map ``features_masks``).
"""

import logging
from pathlib import Path

import numpy as np

from .h5 import open_h5, write_attrs
from .npy import DataFormatError
from .prm import read_prb, read_prm

logger = logging.getLogger(__name__)

#: The kwik format version written and accepted.
KWIK_VERSION = 2
#: The creator written in the files.
CREATOR_VERSION = "phy"
#: Default spike detection parameters, stored in ``/application_data/spikedetekt`` (§3.8).
SPIKEDETEKT_DEFAULTS = dict(
    filter_low=500.0, filter_high_factor=0.475, filter_butter_order=3, chunk_size_seconds=1,
    chunk_overlap_seconds=0.015, n_excerpts=50, excerpt_size_seconds=1,
    use_single_threshold=True, threshold_strong_std_factor=4.5, threshold_weak_std_factor=2.0,
    detect_spikes="negative", connected_component_join_size=1, extract_s_before=10,
    extract_s_after=10, weight_power=2, n_features_per_channel=3, pca_n_waveforms_max=10000)
#: The default cluster groups of every clustering: ``{id: name}``.
DEFAULT_CLUSTER_GROUPS = {0: "Noise", 1: "MUA", 2: "Good", 3: "Unsorted"}
#: Rows per chunk when an array is written in pieces.
CHUNK_ROWS = 100_000


def _chunks(data, chunk_rows=CHUNK_ROWS):
    """An array (in row chunks) or an iterable of chunks, as an iterator of arrays."""
    if data is None:
        return iter(())
    if isinstance(data, np.ndarray) or hasattr(data, "shape"):
        return (np.asarray(data[i:i + chunk_rows]) for i in range(0, len(data), chunk_rows))
    return (np.asarray(chunk) for chunk in data)


class KwikCreator:
    """Create and modify the ``.kwik`` and ``.kwx`` files of a kwik dataset.

    Each method opens the files in append mode for the duration of the write.

    Parameters
    ----------
    kwik_path : str or Path
        The ``.kwik`` file; the ``.kwx`` is next to it with the same base name.

    """

    def __init__(self, kwik_path):
        self.kwik_path = Path(kwik_path)
        if self.kwik_path.suffix != ".kwik":
            raise DataFormatError(f"A kwik file must end in .kwik: {self.kwik_path}.")
        self.kwx_path = self.kwik_path.with_suffix(".kwx")

    def create_empty(self, name=None):
        """Create empty ``.kwik`` and ``.kwx`` files (overwriting existing ones)."""
        name = name or str(self.kwik_path.with_suffix(""))
        for path in (self.kwik_path, self.kwx_path):
            with open_h5(path, "w") as f:
                write_attrs(f, kwik_version=KWIK_VERSION, name=name,
                            creator_version=CREATOR_VERSION)
                f.create_group("channel_groups")
                if path == self.kwik_path:
                    f.create_group("application_data")
                    f.create_group("recordings")

    def set_metadata(self, path, **kwargs):
        """Set metadata fields (attributes) of an HDF5 group of the ``.kwik``, created if needed.

        Example: ``set_metadata('/application_data/spikedetekt', sample_rate=20000)``.
        """
        with open_h5(self.kwik_path, "a") as f:
            write_attrs(f.require_group(path), **kwargs)

    def set_probe(self, channel_groups):
        """Save a probe's channel groups (:func:`phy.io.prm.parse_channel_groups` format).

        Each group gets ``channel_order``, ``adjacency_graph`` and one ``channels/<c>``
        subgroup per channel (``name``, ``position``; ``(0, c)`` without geometry).
        """
        with open_h5(self.kwik_path, "a") as f:
            for group, spec in channel_groups.items():
                g = f.require_group(f"channel_groups/{int(group)}")
                g.attrs["channel_order"] = np.asarray(spec["channels"], dtype=np.int32)
                g.attrs["adjacency_graph"] = np.asarray(
                    spec.get("graph") or np.zeros((0, 2)), dtype=np.int32).reshape(-1, 2)
                geometry = spec.get("geometry") or {}
                for c in spec["channels"]:
                    ch = g.require_group(f"channels/{int(c)}")
                    write_attrs(ch, name=str(int(c)))
                    ch.attrs["position"] = np.asarray(
                        geometry.get(int(c), (0, int(c))), dtype=np.float32)

    def add_recording(self, id=None, raw_path=None, start_sample=0, sample_rate=None):
        """Add a recording: ``/recordings/<id>`` and its raw data path.

        A ``.raw.kwd`` path is stored as ``raw*hdf5_path``, any other as ``raw*dat_path``.
        """
        with open_h5(self.kwik_path, "a") as f:
            r = f.require_group(f"recordings/{int(id)}")
            sample_rate = float(sample_rate or 0)
            write_attrs(r, name=f"recording_{int(id)}", sample_rate=sample_rate,
                        start_sample=int(start_sample),
                        start_time=float(start_sample) / sample_rate if sample_rate else 0.)
            raw = r.require_group("raw")
            if raw_path is not None:
                key = "hdf5_path" if str(raw_path).endswith(".raw.kwd") else "dat_path"
                write_attrs(raw, **{key: str(raw_path)})

    def add_spikes(self, group=None, spike_samples=None, spike_recordings=None, masks=None,
                   features=None, n_channels=None, n_features=None):
        """Add the spikes of a channel group, with their features and masks (in the ``.kwx``).

        Parameters
        ----------
        group : int
            Channel group.
        spike_samples : ndarray
            Spike samples, relative to the start of their recording (``(n_spikes,)``).
        spike_recordings : ndarray or None
            Recording of every spike (default 0).
        features : ndarray or iterable of ndarrays or None
            ``(n_spikes, n_channels * n_features)`` or ``(n_spikes, n_channels, n_features)``,
            or chunks of rows of them.
        masks : ndarray or iterable of ndarrays or None
            ``(n_spikes, n_channels)`` in [0, 1] (default 1), or chunks of rows.
        n_channels, n_features : int
            Channels and features per channel (default: the group's ``channel_order`` and 3).

        """
        samples = np.asarray(spike_samples, dtype=np.uint64).ravel()
        n = len(samples)
        recordings = (np.zeros(n, dtype=np.int32) if spike_recordings is None
                      else np.asarray(spike_recordings, dtype=np.int32).ravel())
        with open_h5(self.kwik_path, "a") as f:
            g = f.require_group(f"channel_groups/{int(group)}")
            if n_channels is None:
                n_channels = len(g.attrs.get("channel_order", ()))
            s = g.require_group("spikes")
            s.create_dataset("time_samples", data=samples)
            s.create_dataset("time_fractional", data=np.zeros(n, dtype=np.uint8))
            s.create_dataset("recording", data=recordings)
            s.require_group("clusters")
            g.require_group("clusters")
            g.require_group("cluster_groups")
        if features is None:
            return
        n_features = int(n_features or 3)
        n_cols = int(n_channels) * n_features
        with open_h5(self.kwx_path, "a") as f:
            dset = f.require_group(f"channel_groups/{int(group)}").create_dataset(
                "features_masks", shape=(n, n_cols, 2), dtype=np.float32)
            if masks is None:
                masks = (np.ones((min(CHUNK_ROWS, n - i), n_channels), np.float32)
                         for i in range(0, n, CHUNK_ROWS))
            for plane, data in ((0, features), (1, masks)):
                row = 0
                for chunk in _chunks(data):
                    chunk = chunk.reshape(len(chunk), -1)
                    if plane == 1 and chunk.shape[1] == n_channels:
                        chunk = np.repeat(chunk, n_features, axis=1)
                    dset[row:row + len(chunk), :, plane] = chunk
                    row += len(chunk)
                if row != n:
                    raise DataFormatError(f"{row} rows of {('features', 'masks')[plane]} given "
                                          f"for {n} spikes.")

    def add_clustering(self, group=None, name=None, spike_clusters=None, cluster_groups=None):
        """Add a clustering of a channel group.

        Parameters
        ----------
        group : int
        name : str
        spike_clusters : ndarray
            The cluster of every spike, ``(n_spikes,)``.
        cluster_groups : dict or None
            ``{cluster_id: group_id}`` (default 3, unsorted). The clustering gets the four
            default cluster groups.

        """
        with open_h5(self.kwik_path, "a") as f:
            write_clustering(f[f"channel_groups/{int(group)}"], name, spike_clusters,
                             cluster_groups)

    def add_cluster_group(self, group=None, id=None, name=None, clustering=None):
        """Add a cluster group ``id`` named ``name`` to a clustering of a channel group."""
        with open_h5(self.kwik_path, "a") as f:
            node = f.require_group(f"channel_groups/{int(group)}/cluster_groups/{clustering}")
            write_attrs(node.require_group(str(int(id))), name=str(name))


def write_clustering(node, name, spike_clusters, cluster_groups=None, group_names=None):
    """Write a new clustering into the HDF5 group of a channel group of an open ``.kwik``.

    Parameters
    ----------
    node : h5py.Group
        ``/channel_groups/<G>``, with its spikes.
    name : str
    spike_clusters : ndarray
        ``(n_spikes,)``, written as int32.
    cluster_groups : dict or None
        ``{cluster_id: group_id}`` (default 3, unsorted) of the clusters with spikes.
    group_names : dict or None
        ``{group_id: name}`` of the clustering's cluster groups (default: the four defaults).

    """
    spike_clusters = np.asarray(spike_clusters, dtype=np.int32).ravel()
    cluster_groups = cluster_groups or {}
    n = len(node["spikes/time_samples"])
    if len(spike_clusters) != n:
        raise DataFormatError(
            f"The clustering {name!r} has {len(spike_clusters)} spikes, not {n}.")
    node.create_dataset(f"spikes/clusters/{name}", data=spike_clusters)
    clusters = node.require_group(f"clusters/{name}")
    for cluster in np.unique(spike_clusters).tolist():
        clusters.require_group(str(cluster)).attrs["cluster_group"] = np.int64(
            cluster_groups.get(cluster, 3))
    groups = node.require_group(f"cluster_groups/{name}")
    for group_id, group_name in (group_names or DEFAULT_CLUSTER_GROUPS).items():
        write_attrs(groups.require_group(str(group_id)), name=group_name)


def _n_samples(path, dtype, n_channels):
    """Samples of a flat binary raw file, or None if it is missing."""
    path = Path(path)
    if not path.is_file() or not n_channels:
        return None
    return path.stat().st_size // (np.dtype(dtype).itemsize * int(n_channels))


def create_kwik(prm_file=None, kwik_path=None, overwrite=False, probe=None, **kwargs):
    """Create a new (empty) kwik dataset from a PRM file.

    The ``.kwik`` gets the spikedetekt parameters (the defaults, the PRM's ``spikedetekt`` and
    ``traces`` dicts, ``experiment_name`` and ``prb_file``), the ``klustakwik2`` parameters,
    the probe, and one recording per raw data file (``start_sample`` = total samples of the
    files before it, 0 when files are missing); the ``.kwx`` is empty.

    Parameters
    ----------
    prm_file : str or Path or None
        The PRM file (its folder is the default output folder and that of relative paths).
    kwik_path : str or Path or None
        The output ``.kwik`` (default: ``<experiment_name>.kwik`` next to the PRM).
    overwrite : bool
        Refuse to overwrite an existing ``.kwik`` unless True.
    probe : dict or str or Path or None
        The probe's channel groups (:func:`phy.io.prm.parse_channel_groups`), or a ``.prb``
        path; default: the PRM's ``prb_file`` as a path relative to the PRM. Built-in probe
        names are resolved by :func:`phy.electrode.read_probe`: pass its result.
    **kwargs
        Override top-level PRM names (``experiment_name``, ``traces``, ``spikedetekt``...).

    Returns
    -------
    kwik_path : Path

    """
    prm = read_prm(prm_file) if prm_file is not None else {
        "traces": {}, "spikedetekt": {}, "klustakwik2": {}}
    prm.update(kwargs)
    base = Path(prm_file).parent if prm_file is not None else Path(".")
    name = prm.get("experiment_name")
    if kwik_path is None:
        if not name:
            raise DataFormatError(f"{prm_file}: no `experiment_name` to name the .kwik after.")
        kwik_path = base / f"{name}.kwik"
    kwik_path = Path(kwik_path)
    if kwik_path.exists() and not overwrite:
        raise DataFormatError(f"{kwik_path} already exists (overwrite it with overwrite=True).")
    if probe is None or isinstance(probe, (str, Path)):
        prb = probe or prm.get("prb_file")
        path = Path(prb) if prb else None
        if path is not None and not path.is_absolute():
            path = base / path
        if path is None or not path.is_file():
            raise DataFormatError(
                f"{prm_file}: the probe {prb!r} is not a .prb file; for a built-in probe, pass "
                "`probe=phy.electrode.read_probe(name)`.")
        probe = read_prb(path)
    traces = dict(prm["traces"])
    if "dtype" not in traces:
        logger.warning("%s: no raw data `dtype`, int16 assumed.", prm_file)
        traces["dtype"] = "int16"
    raw_files = traces.get("raw_data_files") or []
    raw_files = [raw_files] if isinstance(raw_files, str) else list(raw_files)
    metadata = {**SPIKEDETEKT_DEFAULTS, **prm["spikedetekt"], **traces,
                "raw_data_files": raw_files}
    metadata["experiment_name"] = str(name or kwik_path.stem)
    metadata["prb_file"] = str(prm.get("prb_file") or "")
    creator = KwikCreator(kwik_path)
    creator.create_empty(name=str(kwik_path.with_suffix("")))
    creator.set_metadata("/application_data/spikedetekt", **metadata)
    creator.set_metadata("/application_data/klustakwik2", **prm["klustakwik2"])
    creator.set_probe(probe)
    start, sample_rate = 0, traces.get("sample_rate")
    for i, raw in enumerate(raw_files):
        creator.add_recording(id=i, raw_path=raw, start_sample=start, sample_rate=sample_rate)
        n = _n_samples(base / raw, traces["dtype"], traces.get("n_channels"))
        start = start + n if n is not None else 0
    return kwik_path
