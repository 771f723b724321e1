"""TemplateModel: a KiloSort / SpyKING CIRCUS / SpikeInterface template dataset, headless.

The model represents the dataset as it is on disk (FORMATS §1): per-spike arrays and features
are memory-mapped and converted to the public dtypes on the fly (:mod:`.spikes`), small arrays
are loaded and normalised. What is costly to recompute (the validation of the per-spike files,
spikes grouped by template and by cluster, best channels and amplitudes of templates) is
computed once with vectorised chunked passes and cached in the dataset's ``.phy/`` folder, at
most 8 bytes per spike, validated against the files it comes from
(:class:`phy.io.ArrayCache`). Loading a dataset whose cache is valid touches no per-spike data.

Sorter files are only read; the model writes ``spike_clusters.npy`` (created from
``spike_templates.npy`` if absent, and on :meth:`TemplateModel.save_spike_clusters`),
``cluster_<field>.tsv`` (:meth:`TemplateModel.save_metadata`), ``cluster_info.tsv``
(:meth:`TemplateModel.save_cluster_info`), ``clusters.meanWaveforms.npy``
(:meth:`TemplateModel.save_mean_waveforms`) and ``.phy/``. Saves are atomic and the first one
keeps the original file as ``<name>.bak`` (:mod:`.saving`). A model opened with
``read_only=True`` writes nothing at all.
"""

import logging
from functools import partial
from pathlib import Path

import numpy as np

from phy.io import (
    ArrayCache,
    DataFormatError,
    open_npy,
    open_raw_data,
    resolve_dat_paths,
)
from phy.io.npy import iter_chunks
from phy.utils import Bunch

from . import loading, readers, spikes
from .clusters import CHECKS_VERSION, SavedClusters
from .describe import describe_lines
from .metadata import load_metadata
from .params import DEFAULT_PARAMS, check_number, get_template_params
from .saving import TemplateSaving
from .templates import Templates
from .transaction import overridden, recover

logger = logging.getLogger(__name__)

def load_model(params_path, read_only=False):
    """Return a TemplateModel instance from a path to a ``params.py`` file (or its folder).

    With ``read_only=True`` the model writes nothing (see :class:`TemplateModel`).
    """
    return TemplateModel(**get_template_params(params_path), read_only=read_only)


def template_describe(params_path):
    """Describe a template dataset (print a summary of ``params.py``'s dataset).

    Nothing is written: a valid ``.phy/`` cache is used, and what it lacks is computed in memory.
    """
    model = load_model(params_path, read_only=True)
    try:
        model.describe()
    finally:
        model.close()


class TemplateModel(TemplateSaving, SavedClusters):
    """Object holding all data of a KiloSort/phy dataset.

    Parameters
    ----------
    dir_path : str or Path
        Path to the dataset directory.
    dat_path : str, Path, or list
        Path to the raw data files (relative paths are relative to `dir_path`).
    dtype : NumPy dtype
        Data type of the raw data file.
    offset : int
        Header offset of the binary file.
    n_channels_dat : int
        Number of channels in the dat file.
    sample_rate : float
        Sampling rate of the data file.
    read_only : bool
        Write nothing into the dataset folder: a valid ``.phy/`` cache is read but the derived
        arrays it lacks stay in memory, a missing ``spike_clusters.npy`` is read from
        ``spike_templates.npy``, and saving raises :class:`phy.io.DataFormatError`.
    **kwargs
        Any other ``params.py`` key, set as an attribute (``n_closest_channels``,
        ``amplitude_threshold``, ``template_scaling``, ``show_mapped_channels``, ...).

    Attributes
    ----------
    n_spikes, n_templates, n_channels, n_samples_waveforms : int
    spike_samples : ndarray or LazyVector (int64)
        Spike times in samples.
    spike_times : ndarray or LazyVector (float64)
        Spike times in seconds.
    spike_templates, spike_clusters : ndarray or LazyVector (int64)
        Template and cluster (as saved) of every spike.
    amplitudes : ndarray or LazyVector (float)
        Template scaling of every spike (zeros without ``amplitudes.npy``).

    Per-spike arrays are the memory-mapped files when these hold the public dtype, else
    :class:`phy.io.LazyVector` views converting the elements read (``v[ids]``, ``v[a:b]``,
    ``np.asarray(v)``).
    channel_mapping, channel_positions, channel_shanks, channel_probes : ndarray
        Raw column, ``(x, y)``, shank and probe of every shown channel.
    sparse_templates : Bunch or None
        ``data`` (whitened templates, memory-mapped) and ``cols`` (channels, None if dense).
    wm, wmi, similar_templates : ndarray
        Whitening matrix and its inverse, template similarity.
    features, template_features : ndarray or None
        PC features ``(n_rows, n_channels_loc, n_pcs)`` and template features, memory-mapped;
        ``sparse_features``/``sparse_template_features`` are ``Bunch(data, cols, rows)``.
    spike_attributes : Bunch
        The ``spike_<name>.npy`` arrays.
    spike_waveforms : Bunch or None
        The pre-extracted waveform subset (``spike_ids``, ``spike_channels``, ``waveforms``).
    traces : RawDataReader or None
        The channel-mapped raw data, ``(n_samples, n_channels)``.
    duration : float
        Raw data duration in seconds, or the last spike time without raw data.
    metadata : dict
        ``{field: {cluster_id: value}}`` from the metadata files.

    """

    def __init__(self, dir_path=None, dat_path=None, dtype=None, offset=0, n_channels_dat=None,
                 sample_rate=None, read_only=False, **kwargs):
        self.dir_path = Path(dir_path or ".").absolute()
        self.dat_path = resolve_dat_paths(dat_path, self.dir_path)
        self.dtype = np.dtype(dtype) if dtype is not None else None
        self.offset = int(offset or 0)
        self.n_channels_dat = int(n_channels_dat) if n_channels_dat else None
        if not sample_rate or float(sample_rate) <= 0:
            raise DataFormatError(f"The sample rate of {self.dir_path} must be positive.")
        self.sample_rate = float(sample_rate)
        self._set_params({**DEFAULT_PARAMS, **kwargs})
        if not self.dir_path.is_dir():
            raise DataFormatError(f"The dataset directory {self.dir_path} does not exist.")
        self.read_only = bool(read_only)
        self.cache = ArrayCache(self.dir_path / ".phy", write=not self.read_only)
        # The previous complete set of files if a save was interrupted (restored if writable).
        self._overrides = recover(self.dir_path, write=not self.read_only)
        self._files = {key: overridden(loading.find_file(self.dir_path, key), self._overrides)
                       for key in loading.FILES}
        self._load()

    def _set_params(self, params):
        for key, value in params.items():
            attr = getattr(type(self), key, None)
            if isinstance(attr, property) or callable(attr):
                logger.warning("Ignoring the parameter %r, a reserved name.", key)
                continue
            setattr(self, key, value)
        for key, kind in (("n_closest_channels", int), ("amplitude_threshold", float),
                          ("template_scaling", float), ("n_samples_waveforms", int)):
            setattr(self, key, check_number(params, key, "params.py", kind=kind))

    def _path(self, key):
        return self._files.get(key)

    # ---------------------------------------------------------------------------------------------
    # Loading
    # ---------------------------------------------------------------------------------------------

    def _load(self):
        c = readers.read_channels(self._files, self.dir_path, self.n_channels_dat)
        self.channel_mapping, self.channel_positions = c.channel_mapping, c.channel_positions
        self.channel_shanks, self.channel_probes = c.channel_shanks, c.channel_probes
        self.n_channels = self.channel_mapping.size
        self._load_spikes()
        self._load_clusters()
        self._load_amplitudes()
        self._load_templates()
        self._pc = self._load_features(
            "pc_features", "pc_feature_ind", "pc_feature_spike_ids", self.n_channels)
        self.sparse_features = self._pc.bunch if self._pc else None
        self.features = self._pc.data if self._pc else None
        self.n_features_per_channel = self.features.shape[2] if self._pc else 0
        self._tf = self._load_features(
            "template_features", "template_feature_ind", "template_feature_spike_ids",
            self.n_templates)
        self.sparse_template_features = self._tf.bunch if self._tf else None
        self.template_features = self._tf.data if self._tf else None
        self.spike_attributes = readers.read_spike_attributes(self.dir_path, self.n_spikes)
        reordered = self._load_vector("spike_times_reordered", "int")
        self._reordered_samples = spikes.int_vector(reordered[1]) if reordered else None
        self.spike_waveforms = readers.read_waveform_subset(self._files)
        if not self.n_samples_waveforms:
            self.n_samples_waveforms = (
                self.sparse_templates.data.shape[1] if self._templates is not None else
                self.spike_waveforms.waveforms.shape[1] if self.spike_waveforms else 0)
        self.traces = (open_raw_data(
            self.dat_path, self.dtype, self.n_channels_dat, self.offset,
            channel_map=self.channel_mapping) if self.dat_path else None)
        self.duration = self._compute_duration()
        self.metadata = load_metadata(self.dir_path, self._overrides)

    def _load_spikes(self):
        times_path, kind = self._path("spike_times"), "samples"
        if times_path is None:
            times_path = self._path("alf_spike_samples")
        if times_path is None and self._path("alf_spike_times") is not None:
            times_path, kind = self._path("alf_spike_times"), "seconds"
        templates_path = self._path("spike_templates")
        for key, path in (("spike_times", times_path), ("spike_templates", templates_path)):
            if path is None:
                raise DataFormatError(f"{key}.npy not found in {self.dir_path}.")
        templates = self._path("templates")
        n_templates = readers.templates_shape(templates)[0] if templates else None
        checked = self.cache.get(
            "derived/spikes", [times_path, templates_path],
            partial(spikes.check_spikes, times_path=times_path, times_kind=kind,
                    templates_path=templates_path, n_templates=n_templates),
            params={"n_templates": n_templates, "kind": kind, "checks": CHECKS_VERSION})
        if checked.first_decrease >= 0:
            logger.warning(spikes.unsorted_message(times_path.name, checked.first_decrease))
        times = spikes.open_vector(times_path)
        self.spike_samples = spikes.spike_samples(times, kind, self.sample_rate)
        self.spike_times = spikes.spike_times(times, kind, self.sample_rate)
        self.spike_templates = spikes.int_vector(spikes.open_vector(templates_path))
        self.n_spikes = times.size
        self.n_templates = checked.n_templates
        self._template_counts = np.asarray(checked.template_counts)
        self._template_groups = None

    def _load_vector(self, key, kind, n_spikes=True):
        """Validate a vector once (cached): ``(n_nonfinite, its memory map as stored)``.

        With ``n_spikes=False``, the vector lists spike ids (sorted, each below n_spikes).
        """
        path = self._path(key)
        if path is None:
            return None
        n, below = (self.n_spikes, None) if n_spikes else (None, self.n_spikes)
        checked = self.cache.get(
            f"derived/{key}", [path],
            partial(spikes.check_vector, path=path, kind=kind, n_spikes=n, spike_ids_below=below),
            params={"kind": kind, "n_spikes": n, "spike_ids_below": below})
        return checked.n_nonfinite, spikes.open_vector(path)

    def _load_amplitudes(self):
        loaded = self._load_vector("amplitudes", "float")
        self.amplitudes = spikes.float_vector(loaded[1], loaded[0]) if loaded else None
        if self.amplitudes is None:
            # A read-only array of zeros without memory (zero stride).
            self.amplitudes = np.broadcast_to(np.float64(0), (self.n_spikes,))

    def _load_templates(self):
        self.wm, self.wmi = readers.read_whitening(self._files, self.n_channels)
        n = self.n_templates
        self.similar_templates = readers.read_square(
            self._path("similar_templates"), np.zeros((n, n), np.float32), n)
        self._templates, self.sparse_templates, self._template_info = None, None, None
        path = self._path("templates")
        if path is None:
            return
        data, cols = readers.read_templates(path, self._path("template_ind"), self.n_channels)
        self.sparse_templates = Bunch(data=data, cols=cols)
        self._templates = Templates(
            data, cols, self.wmi, self.channel_positions, self.channel_shanks,
            template_scaling=self.template_scaling, n_closest_channels=self.n_closest_channels,
            amplitude_threshold=self.amplitude_threshold)
        sources = [path] + [self._path(k) or self.dir_path / f"{k}.npy" for k in (
            "template_ind", "whitening_mat", "whitening_mat_inv", "channel_map",
            "channel_positions", "channel_shanks")]
        self._template_info = self.cache.get(
            "derived/templates", sources, self._templates.compute_derived,
            params={"n_closest_channels": self.n_closest_channels,
                    "amplitude_threshold": self.amplitude_threshold,
                    "template_scaling": self.template_scaling})
        if self._template_info.n_nonfinite:
            logger.warning("%d NaN or infinite values in %s are read as 0 (%d templates "
                           "entirely NaN).", self._template_info.n_nonfinite, path.name,
                           self._template_info.n_nan_templates)

    def _load_features(self, key, ind_key, ids_key, n_columns):
        path = self._path(key)
        if path is None:
            return None
        data = open_npy(path)
        if loading.needs_c_order(data) and self.cache.enabled:
            logger.info("Converting %s to C order in the cache (once).", path.name)
            data = self.cache.get(f"derived/{key}", [path],
                                  partial(loading.compute_c_order, path=path)).data
        rows = self._load_vector(ids_key, "int", n_spikes=False)
        rows = rows[1] if rows else None
        return readers.sparse_features(
            data, path, self._path(ind_key), rows, self.n_spikes,
            self.n_templates, n_columns, self.spike_templates, pcs=key == "pc_features",
            rows_path=self._path(ids_key))

    def _compute_duration(self):
        last = float(self.spike_times[-1]) if self.n_spikes else 0.0
        if self.traces is None:
            return last
        if self.n_spikes and self.spike_samples[-1] >= self.traces.n_samples:
            logger.warning("Some spikes are after the end of the raw data (%d samples).",
                           self.traces.n_samples)
        return self.traces.n_samples / self.sample_rate

    # ---------------------------------------------------------------------------------------------
    # Channels and templates
    # ---------------------------------------------------------------------------------------------

    @property
    def channel_labels(self):
        """Label of every channel: its raw column if ``show_mapped_channels``, else its id."""
        ids = self.channel_mapping if self.show_mapped_channels else np.arange(self.n_channels)
        return [str(int(i)) for i in ids]

    @property
    def templates_peak_channels(self):
        """Peak (best) channel of every template (FORMATS §4.2), int64."""
        if self._template_info is None:
            return np.zeros(self.n_templates, dtype=np.int64)
        return np.asarray(self._template_info.peak_channels, dtype=np.int64)

    @property
    def templates_peak_amplitudes(self):
        """Template amplitude (FORMATS §4.1): max peak-to-peak of the unwhitened template."""
        if self._template_info is None:
            return np.zeros(self.n_templates)
        return np.asarray(self._template_info.peak_amplitudes)

    def get_template(self, template_id, channel_ids=None, amplitude_threshold=None,
                     unwhiten=True):
        """Get data about a template.

        Parameters
        ----------
        template_id : int
        channel_ids : array-like or None
            Return the template on these channels (default: its best channels).
        amplitude_threshold : float or None
            Override of ``amplitude_threshold`` for the best channels (dense templates).
        unwhiten : bool
            Whether to unwhiten the template (default) or return it as stored.

        Returns
        -------
        template : Bunch or None
            ``template`` ``(n_samples, n_channels)`` float32, ``amplitude`` (peak-to-peak per
            returned channel), ``channel_ids``, ``template_id``; None without templates.

        """
        if self._templates is None:
            return None
        template_id = int(template_id)
        if not 0 <= template_id < self.n_templates:
            raise ValueError(f"Template {template_id} does not exist.")
        best = self._template_info.best_channels[template_id]
        return self._templates.get(
            template_id, channel_ids=channel_ids, amplitude_threshold=amplitude_threshold,
            unwhiten=unwhiten, best_channels=best[best >= 0].astype(np.int64))

    def get_template_channels(self, template_id):
        """Return the most relevant channels of a template (channel 0 without templates)."""
        template = self.get_template(template_id)
        return template.channel_ids if template is not None else np.zeros(1, dtype=np.int64)

    def get_template_waveforms(self, template_id):
        """Return the waveforms of a template on the most relevant channels."""
        template = self.get_template(template_id)
        return template.template if template is not None else None

    def get_template_spikes(self, template_id):
        """Return the spike ids that belong to a given template."""
        t = int(template_id)
        if not 0 <= t < self.n_templates:
            return np.zeros(0, dtype=np.int64)
        if self._template_groups is None:
            path = self._path("spike_templates")
            self._template_groups = self.cache.get(
                "derived/template_order", [path],
                partial(spikes.template_order, templates_path=path,
                        counts=self._template_counts),
                params={"n_templates": self.n_templates})
        g = self._template_groups
        return g.template_order[g.template_offsets[t]:g.template_offsets[t + 1]].astype(np.int64)

    def get_template_spike_waveforms(self, template_id):
        """Return all spike waveforms of a template, on the most relevant channels."""
        return self.get_waveforms(
            self.get_template_spikes(template_id), self.get_template_channels(template_id))

    # ---------------------------------------------------------------------------------------------
    # Waveforms and features
    # ---------------------------------------------------------------------------------------------

    def get_waveforms(self, spike_ids, channel_ids=None):
        """Return spike waveforms on specified channels.

        Parameters
        ----------
        spike_ids : array-like
        channel_ids : array-like or None
            Shown channel ids (default: all).

        Returns
        -------
        waveforms : ndarray or None
            ``(n_spikes, n_samples_waveforms, n_channels)`` float32: the raw, unfiltered,
            channel-mapped data in ``[s - nsw // 2, s - nsw // 2 + nsw)`` around each spike
            sample, zero-padded outside the recording. Read from the pre-extracted subset when
            it holds all the requested spikes, else from the raw data; None without either.

        """
        spike_ids = np.asarray(spike_ids, dtype=np.int64).ravel()
        channel_ids = (np.arange(self.n_channels) if channel_ids is None
                       else np.asarray(channel_ids, dtype=np.int64).ravel())
        if self.spike_waveforms is not None:
            out = readers.subset_waveforms(self.spike_waveforms, spike_ids, channel_ids)
            if out is not None:
                return out
        if self.traces is None:
            return None
        nsw = self.n_samples_waveforms
        starts = np.asarray(self.spike_samples[spike_ids], dtype=np.int64) - nsw // 2
        return self.traces.windows(starts, nsw, channel_ids).astype(np.float32)

    def get_features(self, spike_ids, channel_ids):
        """Return sparse features for given spikes.

        Returns
        -------
        features : ndarray or None
            ``(n_spikes, n_channels, n_pcs)``: 0 where a channel is not among the spike's
            feature channels, NaN for spikes without features; None without PC features.

        """
        if self._pc is None:
            return None
        return self._pc.get(spike_ids, channel_ids)

    def get_template_features(self, spike_ids):
        """Return sparse template features for given spikes.

        Returns
        -------
        features : ndarray or None
            ``(n_spikes, n_templates)`` with 0 where a template is not among the spike's
            columns and NaN rows for spikes without template features; None without them.

        """
        if self._tf is None:
            return None
        return self._tf.get(spike_ids, np.arange(self.n_templates))

    @property
    def spike_times_reordered(self):
        """Alternative spike times in seconds (``spike_times_reordered.npy``), or None."""
        if self._reordered_samples is None:
            return None
        return self._reordered_samples / self.sample_rate

    # ---------------------------------------------------------------------------------------------
    # Per-template summaries (ALF export)
    # ---------------------------------------------------------------------------------------------

    @property
    def templates_channels(self):
        """Returns a vector of peak channels for all templates.

        The peak channel is the channel with the largest peak-to-peak amplitude of the
        *whitened* template (FORMATS §4.13), int64.
        """
        if self._templates is None:
            return np.zeros(self.n_templates, dtype=np.int64)
        return self._templates.alf_peaks_and_durations()[0]

    @property
    def templates_probes(self):
        """Returns a vector of probe index for all templates."""
        return self.channel_probes[self.templates_channels]

    @property
    def templates_amplitudes(self):
        """Returns the average amplitude per template: mean of ``amplitudes`` over its spikes.

        NaN for templates without spikes.
        """
        sums = np.zeros(self.n_templates)
        for start, stop in iter_chunks(self.n_spikes, spikes.CHUNK_SIZE):
            sums += np.bincount(np.asarray(self.spike_templates[start:stop]),
                                weights=np.asarray(self.amplitudes[start:stop], np.float64),
                                minlength=self.n_templates)[:self.n_templates]
        counts = self._template_counts.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / counts, np.nan)

    @property
    def templates_waveforms_durations(self):
        """Returns a vector of waveform durations (ms) for all templates.

        ``argmax - argmin`` over time on the peak channel of the whitened template.
        """
        if self._templates is None:
            return np.zeros(self.n_templates)
        return self._templates.alf_peaks_and_durations()[1] * 1e3 / self.sample_rate

    # ---------------------------------------------------------------------------------------------
    # Misc
    # ---------------------------------------------------------------------------------------------

    def describe(self):
        """Display basic information about the dataset."""
        for label, value in describe_lines(self):
            print(f"{label:<24}{value}")

    def close(self):
        """Close all memmapped files."""
        if self.traces is not None:
            self.traces.close()
        for name in ("spike_times", "spike_samples", "spike_templates", "spike_clusters",
                     "amplitudes", "features", "template_features", "sparse_features",
                     "sparse_template_features", "spike_waveforms", "sparse_templates",
                     "_templates", "_pc", "_tf", "_template_groups", "_cluster_info",
                     "_cluster_order", "_template_info", "_reordered_samples"):
            setattr(self, name, None)
        self.spike_attributes = Bunch()

    def __repr__(self):
        return f"<TemplateModel {self.dir_path} {self.n_spikes} spikes>"
