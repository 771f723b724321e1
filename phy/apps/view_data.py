"""The data functions of the cluster views, built from a model and the live clustering.

A view gets *functions*, not arrays (see ARCHITECTURE.md): ``waveforms(cluster_id)``,
``features(cluster_id, channel_ids=None, load_all=False)``, ``amplitudes(cluster_ids)``,
``correlograms(cluster_ids, bin_size, window_size)``, ``traces(interval)``. Each factory here
takes the model (the data on disk) and the functions giving the *current* clusters:

* ``cluster_spikes(cluster_id)``: the sorted ids of all the spikes of a cluster;
* ``cluster_channels(cluster_id)``: its best channels, best first;
* ``cluster_template(cluster_id)``: its main template id.

Without them, the factories use the clusters as saved on disk (``model.get_cluster_spikes``,
``model.get_cluster_channels``, ``model.get_cluster_main_template``): that is how the
benchmarks use them on a model alone; the controllers pass the live clustering's functions.

Headless: NumPy only (the trace data helpers are imported when a traces function is made).
"""

import numpy as np

from phy.cluster.stats import correlograms as _correlograms
from phy.cluster.stats import firing_rate as _firing_rate
from phy.traces.filter import filter_waveforms
from phy.utils import Bunch
from phy.utils.array import random_subset, regular_indices, regular_subset

#: Waveforms shown per cluster.
N_SPIKES_WAVEFORMS = 100
#: Feature points shown per cluster, and background spikes in the feature view.
N_SPIKES_FEATURES = 2500
#: Amplitudes shown per cluster, and background spikes in the amplitude view.
N_SPIKES_AMPLITUDES = 10_000
#: Spikes per cluster in the correlograms (a random subset, fixed per cluster).
N_SPIKES_CORRELOGRAMS = 100_000
#: Background amplitudes kept, one per channel (the best channel of the first selected cluster).
N_KEPT_BACKGROUNDS = 16
#: Channels of a spike in the trace view.
N_TRACE_SPIKE_CHANNELS = 12


def _defaults(model, cluster_spikes=None, cluster_channels=None, cluster_template=None):
    """The cluster functions, those not given being the model's clusters as saved."""
    return (cluster_spikes or model.get_cluster_spikes,
            cluster_channels or model.get_cluster_channels,
            cluster_template or getattr(model, "get_cluster_main_template", None))


def channels_bunch(model, channel_ids):
    """``Bunch(channel_ids, channel_positions, channel_labels)`` of some channels."""
    channel_ids = np.asarray(channel_ids, dtype=np.int64)
    labels = model.channel_labels
    return Bunch(channel_ids=channel_ids, channel_positions=model.channel_positions[channel_ids],
                 channel_labels=[labels[c] for c in channel_ids])


def background_spikes(n_spikes, n):
    """`n` spikes regularly spaced among all spikes (the background of the views)."""
    return regular_indices(n_spikes, n)


def display_filters(model):
    """The display filters of a model's raw data: ``{name: filter(data, axis=0)}``.

    The 150 Hz high-pass filter of FORMATS §4.9 unless the raw data is already filtered
    (``model.hp_filtered``): the trace view's filters, which the waveform view follows.
    """
    from phy.traces.filter import high_pass_filter

    if getattr(model, "hp_filtered", False):
        return {}
    return {"high_pass": high_pass_filter(model.sample_rate)}


def template_waveforms(model, n_spikes_waveforms=N_SPIKES_WAVEFORMS, cluster_spikes=None,
                       cluster_channels=None, cluster_template=None, waveform_filter=None):
    """The waveform functions of a template model: the waveform view's types.

    Parameters
    ----------
    waveform_filter : callable or None
        ``waveform_filter()`` returns the display filter in use (``f(data, axis)``, or None for
        the raw data), applied along time after the median subtraction (FORMATS §4.9).

    Returns
    -------
    types : dict
        ``waveforms(cluster_id, n_spikes)``: at most ``n_spikes`` spikes of the cluster (one
        every ``ceil(n / n_spikes)``), read with ``model.get_waveforms`` on the cluster's best
        channels, each waveform minus its median on each channel, then filtered (absent without
        raw data nor waveforms); ``mean_waveforms(cluster_id)``: their mean;
        ``templates(cluster_id)``: the cluster's main template on the same channels (absent
        without templates).

    """
    spikes_of, channels_of, template_of = _defaults(
        model, cluster_spikes, cluster_channels, cluster_template)

    def waveforms(cluster_id, n_spikes=n_spikes_waveforms):
        spike_ids = spikes_of(cluster_id)
        spike_ids = spike_ids[::max(1, -(-len(spike_ids) // n_spikes))]
        channel_ids = channels_of(cluster_id)
        data = model.get_waveforms(spike_ids, channel_ids)
        if data is not None:
            data = filter_waveforms(
                data, filter=waveform_filter() if waveform_filter else None, axis=1)
        return Bunch(data=data, spike_ids=spike_ids, **channels_bunch(model, channel_ids))

    def mean_waveforms(cluster_id):
        b = waveforms(cluster_id)
        b.data = b.data.mean(axis=0, keepdims=True)
        return b

    def templates(cluster_id):
        channel_ids = channels_of(cluster_id)
        template = model.get_template(template_of(cluster_id), channel_ids=channel_ids)
        return Bunch(data=template.template[np.newaxis], **channels_bunch(model, channel_ids))

    types = {}
    has_waveforms = model.traces is not None or model.spike_waveforms is not None
    if has_waveforms:
        types["waveforms"] = waveforms
    if model.sparse_templates is not None:
        types["templates"] = templates
        if not has_waveforms:  # the view needs a "waveforms" type: the templates are shown
            types["waveforms"] = templates
    if has_waveforms:
        types["mean_waveforms"] = mean_waveforms
    return types


def feature_functions(model, n_shown=N_SPIKES_FEATURES, n_background=N_SPIKES_FEATURES,
                      cluster_spikes=None, cluster_channels=None, spike_times=None):
    """The data functions of a FeatureView from a TemplateModel.

    `spike_times` (the ``time`` attribute) defaults to the model's; a controller passes the
    array it already holds, so that the view's time axis does not map the file again.

    Returns
    -------
    functions : Bunch
        ``features(cluster_id, channel_ids=None, load_all=False)`` (the cluster's best
        channels by default; ``cluster_id=None``: the background, read once on every channel
        and kept: about 12 MB for 2 500 spikes on 384 channels) and ``attributes``
        (``{'time': spike times}``).

    """
    spikes_of, channels_of, _ = _defaults(model, cluster_spikes, cluster_channels)
    labels = np.array(model.channel_labels)
    background = background_spikes(model.n_spikes, n_background)
    kept = {}

    def background_features(channel_ids):
        if "all" not in kept:
            kept["all"] = model.get_features(background, np.arange(model.n_channels))
        return kept["all"][:, channel_ids]

    def features(cluster_id, channel_ids=None, load_all=False):
        if cluster_id is None and channel_ids is not None:
            channel_ids = np.asarray(channel_ids, dtype=np.int64)
            return Bunch(data=background_features(channel_ids), spike_ids=background,
                         channel_ids=channel_ids, channel_labels=list(labels[channel_ids]))
        if cluster_id is None:
            spike_ids = background
        else:
            spike_ids = spikes_of(cluster_id)
            spike_ids = spike_ids if load_all else regular_subset(spike_ids, n_shown)
        if channel_ids is None:
            channel_ids = channels_of(cluster_id)
        channel_ids = np.asarray(channel_ids, dtype=np.int64)
        return Bunch(data=model.get_features(spike_ids, channel_ids), spike_ids=spike_ids,
                     channel_ids=channel_ids, channel_labels=list(labels[channel_ids]))

    return Bunch(features=features,
                 attributes={"time": model.spike_times if spike_times is None else spike_times})


def amplitude_function(values, spike_times, cluster_spikes, n_spikes, n_max=N_SPIKES_AMPLITUDES,
                       first_channel=None):
    """An amplitude function of the amplitude view (one amplitude type).

    Parameters
    ----------
    values : function
        ``values(spike_ids, channel_id=None)``: the amplitude of these spikes (on the channel:
        the best channel of the first selected cluster).
    spike_times : array-like or function
        Spike times in seconds, or a function of spike ids returning their times.
    cluster_spikes : function
        The spike ids of a cluster.
    n_spikes : int
        Number of spikes (the background is a regular subset of them).
    n_max : int
        Spikes shown per cluster and in the background (all with ``load_all``).
    first_channel : function or None
        The best channel of a cluster, given to `values` as ``channel_id``.

    Returns
    -------
    amplitudes : function
        ``amplitudes(cluster_ids, load_all=False)``: one ``Bunch(amplitudes, spike_ids,
        spike_times)`` per cluster id (None: the background, computed once per channel and
        kept for the last :data:`N_KEPT_BACKGROUNDS` channels).

    """
    background = background_spikes(n_spikes, n_max)
    times_of = spike_times if callable(spike_times) else spike_times.__getitem__
    kept = {}

    def background_values(channel_id):
        out = kept.get(channel_id)
        if out is None:
            out = np.asarray(values(background, channel_id=channel_id))
            while len(kept) >= N_KEPT_BACKGROUNDS:
                kept.pop(next(iter(kept)), None)
            kept[channel_id] = out
        return out

    def amplitudes(cluster_ids, load_all=False):
        first = next((c for c in cluster_ids if c is not None), None)
        channel_id = first_channel(first) if first_channel and first is not None else None
        out = []
        for cluster_id in cluster_ids:
            if cluster_id is None:
                ids = background
            else:
                ids = cluster_spikes(cluster_id)
                ids = ids if load_all else regular_subset(ids, n_max)
            amplitude = (background_values(channel_id) if cluster_id is None
                         else np.asarray(values(ids, channel_id=channel_id)))
            out.append(Bunch(amplitudes=amplitude, spike_ids=ids,
                             spike_times=np.asarray(times_of(ids))))
        return out

    return amplitudes


def template_amplitudes(model, n_max=N_SPIKES_AMPLITUDES, cluster_spikes=None):
    """The template amplitude function of the amplitude view for a ``TemplateModel``.

    The amplitude of a spike is its template scaling (``amplitudes.npy``) times the amplitude
    of its template.
    """
    spikes_of = cluster_spikes or model.get_cluster_spikes

    def values(spike_ids, channel_id=None):
        return spike_template_amplitudes(model, spike_ids)

    return amplitude_function(values, model.spike_times, spikes_of, model.n_spikes, n_max)


def spike_template_amplitudes(model, spike_ids):
    """The template amplitudes multiplied by the spikes' scaling (``amplitudes.npy``)."""
    spike_ids = np.asarray(spike_ids, dtype=np.int64)
    scaling = np.asarray(model.amplitudes[spike_ids], dtype=np.float64)
    if model.sparse_templates is None:
        return scaling
    templates = np.asarray(model.spike_templates[spike_ids], dtype=np.int64)
    return scaling * np.asarray(model.templates_peak_amplitudes)[templates]


class SpikeData:
    """The correlogram, ISI and firing-rate functions on the spikes of the current clusters.

    Parameters
    ----------
    spike_times : array-like
        Sorted spike times, in seconds.
    cluster_spikes : function or mapping
        The sorted spike ids of a cluster.
    sample_rate, duration : float
    n_spikes_correlograms : int
        Most spikes per cluster in the correlograms (a random subset, fixed per cluster id:
        cluster ids are never reused, so the subsets are cached).

    """

    def __init__(self, spike_times, cluster_spikes, sample_rate, duration,
                 n_spikes_correlograms=N_SPIKES_CORRELOGRAMS):
        self.spike_times = spike_times
        self.cluster_spikes = (cluster_spikes if callable(cluster_spikes)
                               else cluster_spikes.__getitem__)
        self.sample_rate, self.duration = sample_rate, duration
        self.n_spikes_correlograms = n_spikes_correlograms
        self._subsets = {}

    def subset(self, cluster_id):
        """The spikes of a cluster used in the correlograms (cached)."""
        cluster_id = int(cluster_id)
        if cluster_id not in self._subsets:
            self._subsets[cluster_id] = random_subset(
                self.cluster_spikes(cluster_id), self.n_spikes_correlograms, seed=cluster_id)
        return self._subsets[cluster_id]

    def correlograms(self, cluster_ids, bin_size, window_size):
        """The correlograms of the clusters' spike subsets."""
        subsets = [self.subset(c) for c in cluster_ids]
        spikes = np.concatenate(subsets) if subsets else np.zeros(0, np.int64)
        clusters = np.repeat(np.asarray(cluster_ids, dtype=np.int64), [len(s) for s in subsets])
        order = np.argsort(spikes, kind="stable")
        return _correlograms(
            np.asarray(self.spike_times[spikes[order]]), clusters[order], cluster_ids=cluster_ids,
            sample_rate=self.sample_rate, bin_size=bin_size, window_size=window_size)

    def firing_rate(self, cluster_ids, bin_size):
        """The baselines of the correlograms, with the numbers of spikes used."""
        n = [len(self.subset(c)) for c in cluster_ids]
        clusters = np.repeat(np.asarray(cluster_ids, dtype=np.int64), n)
        return _firing_rate(clusters, cluster_ids, bin_size=bin_size, duration=self.duration)

    def isi(self, cluster_id):
        """The ISI view's statistic: the intervals between all the spikes of a cluster."""
        return Bunch(data=np.diff(np.asarray(self.spike_times[self.cluster_spikes(cluster_id)])))

    def spike_times_of(self, cluster_id):
        """The firing-rate view's statistic: all the spike times of a cluster."""
        return Bunch(data=np.asarray(self.spike_times[self.cluster_spikes(cluster_id)]))


def template_channel_table(model, n_channels=N_TRACE_SPIKE_CHANNELS):
    """The best channels of every template, ``(n_templates, n_channels)``, -1 padded."""
    table = np.full((max(model.n_templates, 1), n_channels), -1, dtype=np.int64)
    for t in range(model.n_templates):
        c = np.asarray(model.get_template_channels(t))[:n_channels]
        table[t, :len(c)] = c
    return table


def trace_function(model, spike_times=None, spike_clusters=None, spike_channels=None):
    """The ``traces(interval)`` function of the trace view for a template model.

    Parameters
    ----------
    model : TemplateModel
    spike_times : ndarray or None
        The sorted spike times in seconds (by default read from the model once).
    spike_clusters : function or None
        Returns the current spike-cluster array (by default the model's, as saved).
    spike_channels : function or None
        ``spike_channels(spike_ids)``: the ``(n, k)`` channels of spikes, -1 padded (by
        default the best channels of their templates).

    """
    from phy.cluster.views.trace_data import interval_spikes, select_traces

    if spike_channels is None:
        table = template_channel_table(model)
        templates = model.spike_templates

        def spike_channels(spike_ids):
            return table[np.asarray(templates[spike_ids], dtype=np.int64)]

    clusters_of = spike_clusters or (lambda: model.spike_clusters)
    spike_times = np.asarray(model.spike_times if spike_times is None else spike_times)

    def traces(interval):
        return Bunch(
            data=select_traces(model.traces, interval, model.sample_rate),
            waveforms=interval_spikes(
                interval, spike_times, clusters_of(), spike_channels,
                model.n_samples_waveforms, sample_rate=model.sample_rate))

    return traces
