"""The base controller of the manual clustering GUIs: :class:`BaseController`.

A controller opens a model (the dataset as it is on disk), builds the
:class:`~phy.cluster.Supervisor` on the model's clusters and the views of the GUI, giving each
view *functions* of the live clustering (:mod:`phy.apps.view_data`), and saves on
``save_clustering``. It depends only on the Model protocol of the API doc (``spike_times``,
``spike_clusters``, ``channel_positions``, ``metadata``, ``save_spike_clusters``...): a new
kind of dataset adds a model and the mixins of what it has.

How to write a controller::

    class MyController(WaveformMixin, FeatureMixin, BaseController):
        gui_name = 'MyGUI'

        def _create_model(self, dir_path=None, **kwargs):
            return MyModel(dir_path)

The mixins (:mod:`phy.apps.mixins`) add their views to ``view_creator`` in
``_set_view_creator``, their columns in ``_cluster_metrics``, and their amplitude types in
``_amplitude_functions``, each calling ``super()`` first.

Live clusters: every per-cluster answer (spike ids, best channels, metrics) comes from the
supervisor's :class:`~phy.cluster.Clustering`, and before the supervisor exists from the
model's clusters as saved (the same ones). Per-cluster values are cached in memory by cluster
id and never invalidated: cluster ids are never reused, also across sessions, because the next
free cluster id is saved in the dataset's ``.phy/new_cluster_id.json``.
"""

import functools
import logging
import shutil
from pathlib import Path

import numpy as np

from phy.utils import (
    Bunch,
    Context,
    attach_plugins,
    emit,
    load_json,
    phy_config_dir,
    save_json,
    unconnect,
)
from phy.utils import bus_events as ev
from phy.utils.array import regular_subset

from .base_views import BaseViewsMixin
from .controller_gui import GUIMixin
from .view_data import (
    N_SPIKES_AMPLITUDES,
    N_SPIKES_CORRELOGRAMS,
    N_SPIKES_FEATURES,
    N_SPIKES_WAVEFORMS,
    amplitude_function,
)

logger = logging.getLogger(__name__)

#: The file of the next free cluster id, in the dataset's cache folder.
NEW_CLUSTER_ID_FILE = "new_cluster_id.json"
#: The files of the cache folder kept by ``clear_cache``: no cache, the user's data (the journal:
#: the dataset's history; the versioned backups and the save manifest that rolls back a save
#: interrupted mid-commit).
_KEPT_BY_CLEAR_CACHE = ("state.json", NEW_CLUSTER_ID_FILE, ".gitignore", "journal", "backups",
                        "save")


def clear_cache_folder(folder, keep_model_cache=False):
    """Delete the cached data of a ``.phy/`` folder, keep the user's data.

    The names of ``_KEPT_BY_CLEAR_CACHE`` (GUI state, next cluster id, journal, backups, save
    manifest) are kept, and ``derived/`` with `keep_model_cache`. A sub-folder holding kept
    names (the cache of one channel group of a Kwik dataset, ``.phy/<group>/``) is cleared
    the same way instead of deleted.
    """
    keep = _KEPT_BY_CLEAR_CACHE + (("derived",) if keep_model_cache else ())
    for path in Path(folder).iterdir():
        if path.name in keep:
            continue
        if path.is_dir() and any((path / name).exists() for name in _KEPT_BY_CLEAR_CACHE):
            clear_cache_folder(path, keep_model_cache)
        elif path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def cluster_cached(f):
    """Cache a method ``f(self, cluster_id)`` in ``self._cluster_cache`` by cluster id.

    Cluster ids are never reused: a cached value never becomes stale.
    """

    @functools.wraps(f)
    def cached(self, cluster_id):
        key = (f.__name__, int(cluster_id))
        cache = self._cluster_cache
        if key not in cache:
            cache[key] = f(self, int(cluster_id))
        return cache[key]

    return cached


class BaseController(GUIMixin, BaseViewsMixin):
    """Base controller for manual clustering GUI.

    Parameters
    ----------
    dir_path : str or Path
        Path to the data directory.
    config_dir : str or Path
        Path to the configuration directory (default ``~/.phy``, or ``PHY_CONFIG_DIR``).
    model : Model
        Model object, optional (it is automatically created otherwise).
    plugins : list
        List of plugins to manually activate, optional (the plugins are automatically loaded
        from the user configuration directory).
    clear_cache : boolean
        Whether to clear the cache on startup.
    clear_state : boolean
        Whether to clear the GUI state files on startup.
    enable_threading : boolean
        Whether to enable threading in the views when selecting clusters.
    restore_journal : boolean or None
        Whether to restore the unsaved actions of a crashed session from the dataset's
        curation journal (:mod:`phy.apps.journal`); None: ask the user if there are some.
    **kwargs
        Passed to :meth:`_create_model`.

    Attributes
    ----------
    model : Model
    supervisor : Supervisor or None
        Created by :meth:`create_supervisor` (by :meth:`create_gui`).
    journal : Journal or None
        The curation journal (``.phy/journal/``), started with the supervisor.
    gui : GUI or None
    view_creator : dict
        ``{view class name: function returning a new view (or None)}``.
    context : Context
        The cache of the dataset's ``.phy/`` folder (``context.memcache``, ``context.cache``).
    cluster_metrics : dict
        ``{column name: function(cluster_id)}``: the columns of the cluster view, made when the
        supervisor is created (plugins add theirs in ``attach_to_controller``).
    similarity_functions : dict
        ``{name: function(cluster_id) -> [(other_cluster_id, similarity), ...]}``.
    similarity : str
        The name of the similarity function of the similarity view (by default the last one of
        ``similarity_functions``); setting it refreshes the similarity view.

    Notes
    -----
    The plugins are attached at the end of the constructor, which then creates the supervisor
    (a Qt application is created if there is none) and emits ``controller_ready(controller)``.

    """

    #: The GUI name: its state folder in the configuration directory, its section in
    #: ``phy_config.py`` (``c.<gui_name>.plugins``).
    gui_name = "BaseGUI"
    #: The packaged default GUI state (view count), or None.
    default_state_path = None

    #: Spike budgets of the views (class attributes, configurable per controller instance).
    n_spikes_waveforms = N_SPIKES_WAVEFORMS
    n_spikes_features = N_SPIKES_FEATURES
    n_spikes_features_background = N_SPIKES_FEATURES
    n_spikes_amplitudes = N_SPIKES_AMPLITUDES
    n_spikes_correlograms = N_SPIKES_CORRELOGRAMS
    #: Most best channels of a cluster (base implementation of ``get_best_channels``).
    n_best_channels = 12
    #: The memory bound of the undo history, in bytes (older steps spill to ``.phy/``).
    undo_max_bytes = 256 * 1024 * 1024

    def __init__(self, dir_path=None, config_dir=None, model=None, clear_cache=None,
                 clear_state=None, enable_threading=True, plugins=None, restore_journal=None,
                 **kwargs):
        self.config_dir = Path(config_dir) if config_dir else phy_config_dir()
        self.enable_threading = bool(enable_threading)
        self.dir_path = Path(dir_path).absolute() if dir_path is not None else None
        if self.dir_path is not None and self.dir_path.is_file():
            self.dir_path = self.dir_path.parent
        if clear_cache and self.dir_path is not None:
            self._clear_cache(keep_model_cache=model is not None)
        self.model = model if model is not None else self._create_model(
            dir_path=dir_path, **kwargs)
        if self.dir_path is None:
            self.dir_path = Path(getattr(self.model, "dir_path", ".")).absolute()
        self.cache_dir = self._cache_dir()
        if clear_state:
            self._clear_state()
        self.n_spikes = int(getattr(self.model, "n_spikes", None) or len(self.model.spike_times))
        self.supervisor = None
        self.journal = None
        self._restore_journal = restore_journal
        self.gui = None
        self.spike_reorder = False
        self._cluster_cache = {}
        self._saved_clustering = None
        self._spike_times_array = None
        self.context = Context(self.cache_dir)
        self.view_creator = {}
        self._set_view_creator()
        self.cluster_metrics = self._cluster_metrics()
        self.similarity_functions = self._similarity_functions()
        self.similarity = list(self.similarity_functions)[-1]
        self.plugins = attach_plugins(self, plugins=plugins, config_dir=self.config_dir)
        self.create_supervisor()  # after the plugins' metrics and similarities, as phy 2
        emit(ev.CONTROLLER_READY, self)

    # Model and files
    # ---------------------------------------------------------------------------------------------

    def _create_model(self, dir_path=None, **kwargs):
        """Return a Model instance from the controller constructor's parameters (to override)."""
        raise NotImplementedError(
            f"{type(self).__name__} cannot create a model: pass `model=`.")

    def _cache_dir(self):
        """The dataset's cache folder: ``.phy/`` in the data directory (to override)."""
        return self.dir_path / ".phy"

    def _clear_cache(self, keep_model_cache=False):
        """Remove the cache folder's contents but the user's data (``_KEPT_BY_CLEAR_CACHE``)."""
        cache_dir = self.dir_path / ".phy"
        if cache_dir.is_dir():
            logger.info("Clearing the cache %s.", cache_dir)
            clear_cache_folder(cache_dir, keep_model_cache=keep_model_cache)

    def _clear_state(self):
        """Remove the GUI state files (local and global)."""
        for path in (self.cache_dir / "state.json", self.config_dir / self.gui_name / "state.json"):
            if path.exists():
                logger.info("Removing the GUI state %s.", path)
                path.unlink()

    def _load_new_cluster_id(self):
        """The next free cluster id saved with the dataset (0 if none)."""
        return int(load_json(self.cache_dir / NEW_CLUSTER_ID_FILE).get("new_cluster_id", 0))

    def _save_new_cluster_id(self):
        """Save the next free cluster id with the dataset (atomically; never decreasing)."""
        if self.supervisor is None:
            return
        new_id = max(self.supervisor.clustering.new_cluster_id(), self._load_new_cluster_id())
        try:
            save_json(self.cache_dir / NEW_CLUSTER_ID_FILE, {"new_cluster_id": int(new_id)})
        except OSError as e:
            logger.warning("Could not save the next cluster id in %s: %s.", self.cache_dir, e)

    # Clusters
    # ---------------------------------------------------------------------------------------------

    @property
    def clustering(self):
        """The live :class:`~phy.cluster.Clustering` (the supervisor's), or None before."""
        if self.supervisor is not None:
            return self.supervisor.clustering
        return self.__dict__.get("_new_clustering")  # while the supervisor is being created

    @property
    def cluster_ids(self):
        """The ids of the current clusters."""
        if self.clustering is not None:
            return self.clustering.cluster_ids
        return np.asarray(self._initial_clusters()[0])

    def _initial_clusters(self):
        """``(cluster_ids, spikes function)`` of the clusters as saved, before the supervisor."""
        if self._saved_clustering is None:
            if hasattr(self.model, "get_cluster_spikes") and hasattr(self.model, "cluster_ids"):
                self._saved_clustering = (self.model.cluster_ids, self.model.get_cluster_spikes)
            else:
                from phy.cluster.clustering import group_spikes

                spc = group_spikes(np.asarray(self.model.spike_clusters))
                empty = np.zeros(0, dtype=np.int64)
                self._saved_clustering = (np.array(sorted(spc), dtype=np.int64),
                                          lambda c: spc.get(int(c), empty))
        return self._saved_clustering

    def _cluster_spikes(self, cluster_id):
        """All the spike ids of a cluster, sorted (the live clustering)."""
        if self.clustering is not None:
            return self.clustering.spikes_in_clusters([int(cluster_id)])
        return np.asarray(self._initial_clusters()[1](int(cluster_id)), dtype=np.int64)

    def get_spike_ids(self, cluster_id, n=None):
        """Return part or all of spike ids belonging to a given cluster.

        ``n`` spikes at most, regularly spaced (all spikes by default).
        """
        return regular_subset(self._cluster_spikes(cluster_id), n)

    def get_spike_times(self, cluster_id, n=None):
        """Return the spike times of spikes returned by ``get_spike_ids(cluster_id, n)``.

        Returns
        -------
        bunch : Bunch
            ``data`` (the times in seconds, increasing unless the spikes are reordered),
            ``spike_ids``, and ``lim`` = ``(0, duration)``, as in phy 2
            (``controller.get_spike_times(cluster_id).data``).

        """
        spike_ids = self.get_spike_ids(cluster_id, n)
        return Bunch(data=np.asarray(self._spike_times()[spike_ids], dtype=np.float64),
                     spike_ids=spike_ids, lim=(0., float(self.model.duration)))

    @property
    def spike_times(self):
        """The times of all spikes in seconds, an array (read from the model once)."""
        if self._spike_times_array is None:
            self._spike_times_array = np.asarray(self.model.spike_times, dtype=np.float64)
        return self._spike_times_array

    def _spike_times(self):
        """The spike times shown: reordered when ``spike_reorder`` is on and available."""
        reordered = getattr(self.model, "spike_times_reordered", None)
        return reordered if self.spike_reorder and reordered is not None else self.spike_times

    def get_background_spike_ids(self, n=None):
        """Return regularly spaced spikes (``n`` at most)."""
        return regular_subset(np.arange(self.n_spikes, dtype=np.int64), n)

    @cluster_cached
    def get_best_channels(self, cluster_id):
        """Return the best channels of a given cluster. To be overriden.

        Here: the channels with the largest peak-to-peak amplitude of the mean raw waveform
        (``n_best_channels`` at most), or channel 0 without waveforms.
        """
        spike_ids = self.get_spike_ids(cluster_id, self.n_spikes_waveforms)
        get_waveforms = getattr(self.model, "get_waveforms", None)
        data = get_waveforms(spike_ids, None) if get_waveforms and len(spike_ids) else None
        if data is None:
            return np.zeros(1, dtype=np.int64)
        ptp = np.ptp(np.asarray(data, dtype=np.float64).mean(axis=0), axis=0)
        return np.argsort(-ptp, kind="stable")[:self.n_best_channels].astype(np.int64)

    def get_best_channel(self, cluster_id):
        """Return the best channel id of a given cluster (the first of get_best_channels())."""
        return int(self.get_best_channels(cluster_id)[0])

    def get_best_channel_label(self, cluster_id):
        """Return the channel label of the best channel, for display in the cluster view."""
        channel_id = self.get_best_channel(cluster_id)
        labels = getattr(self.model, "channel_labels", None)
        if labels is not None:
            return labels[channel_id]
        return str(int(self.model.channel_mapping[channel_id]))

    def get_channel_shank(self, cluster_id):
        """Return the shank of a cluster's best channel (None without ``channel_shanks``)."""
        shanks = getattr(self.model, "channel_shanks", None)
        if shanks is None:
            return None
        return int(shanks[self.get_best_channel(cluster_id)])

    def get_probe_depth(self, cluster_id):
        """Return the depth of a cluster: the y position of its best channel."""
        return float(self.model.channel_positions[self.get_best_channel(cluster_id)][1])

    def get_clusters_on_channel(self, channel_id):
        """Return all clusters which have the specified channel among their best channels."""
        return [int(c) for c in self.cluster_ids
                if int(channel_id) in np.asarray(self.get_best_channels(c)).tolist()]

    def get_mean_firing_rate(self, cluster_id):
        """Return the mean firing rate of a cluster, in spikes per second."""
        duration = float(self.model.duration) or 1.0
        return len(self._cluster_spikes(cluster_id)) / duration

    def peak_channel_similarity(self, cluster_id):
        """Return the list of similar clusters to a given cluster, from the peak channel only.

        The similarity of another cluster is ``1 / (1 + d)`` with ``d`` the distance between the
        two peak channels on the probe (1 on the same channel).

        Parameters
        ----------
        cluster_id : int

        Returns
        -------
        similarities : list
            List of tuples ``(other_cluster_id, similarity_value)`` sorted by decreasing
            similarity value.

        """
        positions = np.asarray(self.model.channel_positions, dtype=np.float64)
        ref = positions[self.get_best_channel(cluster_id)]
        out = []
        for other in self.cluster_ids.tolist():
            if other != cluster_id:
                d = np.linalg.norm(positions[self.get_best_channel(other)] - ref)
                out.append((int(other), float(1.0 / (1.0 + d))))
        return sorted(out, key=lambda x: -x[1])

    def _similarity_functions(self):
        """``{name: function(cluster_id)}`` of the similarity view (mixins add theirs).

        The last one is the default (``similarity``).
        """
        return {"peak_channel": self.peak_channel_similarity}

    def _similarity(self, cluster_id):
        """The similar clusters of the current similarity function (named by ``similarity``)."""
        return self.similarity_functions[self.similarity](cluster_id)

    @property
    def similarity(self):
        """The name of the similarity function of the similarity view.

        Setting it (to a key of ``similarity_functions``) makes the similarity view again for
        the selected clusters: ``controller.similarity = 'template'``.
        """
        return self._similarity_name

    @similarity.setter
    def similarity(self, name):
        if name not in self.similarity_functions:
            raise ValueError(f"Unknown similarity {name!r}: choose among "
                             f"{', '.join(map(str, self.similarity_functions))}.")
        self._similarity_name = name
        if self.supervisor is not None:
            wizard = self.supervisor.wizard
            wizard.invalidate_similar()
            wizard.set_selection(wizard.best)
        self._check_similarity_action()

    def _cluster_metrics(self):
        """``{column: function(cluster_id)}`` of the cluster view (mixins add theirs)."""
        metrics = {"ch": self.get_best_channel_label}
        if getattr(self.model, "channel_shanks", None) is not None:
            metrics["sh"] = self.get_channel_shank
        metrics["depth"] = self.get_probe_depth
        metrics["fr"] = self.get_mean_firing_rate
        return metrics

    def _amplitude_functions(self):
        """``{amplitude type: function}`` of the amplitude view (mixins add theirs)."""
        return {}

    def _amplitude_function(self, values, on_best_channel=True):
        """An amplitude type of the amplitude view from ``values(spike_ids, channel_id=None)``.

        The channel is the best channel of the first selected cluster (``on_best_channel``).
        """
        return amplitude_function(
            values, lambda ids: self._spike_times()[ids], self._cluster_spikes, self.n_spikes,
            self.n_spikes_amplitudes,
            first_channel=self.get_best_channel if on_best_channel else None)

    # Supervisor and saving
    # ---------------------------------------------------------------------------------------------

    def create_supervisor(self):
        """Create the :class:`~phy.cluster.Supervisor` on the model's clusters (once)."""
        if self.supervisor is not None:
            return self.supervisor
        from phy.cluster.supervisor import Supervisor
        from phy.gui.qt import create_app
        from phy.utils import connect

        from .journal import open_journal

        create_app()  # the supervisor's tables are widgets
        journal, pending = open_journal(self.cache_dir, restore=self._restore_journal,
                                        undo_max_bytes=self.undo_max_bytes)
        metadata = dict(getattr(self.model, "metadata", None) or {})
        base = Bunch(spike_clusters=np.asarray(self.model.spike_clusters),
                     cluster_groups=metadata.pop("group", {}), cluster_labels=metadata,
                     new_cluster_id=self._load_new_cluster_id)
        if pending is not None:  # a crashed session: replayed on its own base
            try:
                base = journal.base(pending)
            except ValueError as e:
                logger.error("%s Nothing is restored.", e)
                pending = None
        self.supervisor = Supervisor(
            cluster_metrics=dict(self.cluster_metrics), similarity=self._similarity,
            context=self.context, **base,
            on_clustering=lambda clustering: setattr(self, "_new_clustering", clustering))
        self._new_clustering = None
        self._saved_clustering = None
        connect(self.on_save_clustering, event=ev.SAVE_CLUSTERING, sender=self.supervisor)
        connect(self._on_cluster, event=ev.CLUSTER, sender=self.supervisor)
        self._start_journal(journal, base.spike_clusters, pending)
        return self.supervisor

    def _start_journal(self, journal, spike_clusters, pending):
        """Journal the supervisor's actions; replay the pending ones of a crashed session."""
        try:
            journal.start(self.supervisor.curation, spike_clusters, restoring=pending)
        except OSError as e:
            logger.error("Could not start the curation journal in %s (%s): the actions of "
                         "this session cannot be restored after a crash.", journal.dir_path, e)
            return
        self.journal = journal
        if pending is not None:
            with self.busy("Restoring the unsaved actions of the last session..."):
                journal.replay(pending, self.supervisor.curation)

    def _on_cluster(self, sender, up):
        if up.added:
            self._save_new_cluster_id()

    def on_save_clustering(self, sender, spike_clusters, groups, *labels):
        """Save the modified data.

        ``spike_clusters.npy``, ``cluster_group.tsv``, one ``cluster_<label>.tsv`` per label
        and, when the model can (``save_cluster_info``), ``cluster_info.tsv`` with every
        column of the cluster view. A model with ``save_curation`` saves them as one
        transaction, with an emergency copy in ``<config_dir>/unsaved/`` on failure.
        """
        with self.busy(f"Saving the clustering to {self.dir_path}...",
                       done=f"Saved {len(self.cluster_ids)} clusters to {self.dir_path}."):
            save_curation = getattr(self.model, "save_curation", None)
            if save_curation is not None:  # one transaction; the unsaved data in ~/.phy/unsaved
                info = self.supervisor.cluster_info if self.supervisor is not None else None
                save_curation(spike_clusters, {"group": groups, **dict(labels)}, info,
                              emergency_dir=self.config_dir / "unsaved")
                self._save_new_cluster_id()
                return
            self.model.save_spike_clusters(spike_clusters)
            self.model.save_metadata("group", groups)
            for name, values in labels:
                self.model.save_metadata(name, values)
            save_info = getattr(self.model, "save_cluster_info", None)
            if save_info is not None and self.supervisor is not None:
                save_info(self.supervisor.cluster_info)
            self._save_new_cluster_id()

    # Actions
    # ---------------------------------------------------------------------------------------------

    def toggle_spike_reorder(self, checked):
        """Show the reordered spike times (``spike_times_reordered.npy``) or the original ones."""
        self.spike_reorder = bool(checked)
        if self.supervisor is not None:
            emit(ev.TOGGLE_SPIKE_REORDER, self.supervisor, self.spike_reorder)
        for view in self.gui.list_views("AmplitudeView") if self.gui is not None else ():
            view.plot()  # the amplitudes against the other spike times

    def switch_raw_data_filter(self):
        """Switch the display filter of the trace views (when a filter is available)."""
        for view in self.gui.list_views("TraceView") if self.gui is not None else ():
            view.switch_raw_data_filter()

    def prefetch_features(self):
        """Read the model's feature files into the page cache in the background.

        Selections of clusters not seen yet then read warm pages instead of waiting on disk
        seeks (:func:`phy.io.npy.prefetch_files`); stopped by :meth:`close`.
        """
        from phy.io.npy import prefetch_files

        self._prefetching = prefetch_files(
            [getattr(self.model, name, None) for name in ("features", "template_features")])

    def close(self):
        """Close the supervisor and the model (after the GUI closed)."""
        if getattr(self, "_prefetching", None) is not None:
            self._prefetching.set()
        unconnect(self._on_progress)
        if self.supervisor is not None:
            self._save_new_cluster_id()
            if self.journal is not None:
                self.journal.close()
            self.supervisor.close()
        close = getattr(self.model, "close", None)
        if close is not None:
            close()
