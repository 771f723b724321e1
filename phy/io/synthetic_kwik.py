"""Synthetic kwik datasets of any size (tests and benchmarks), written by :class:`KwikCreator`.

Every channel group (shank) has its own channels (consecutive raw channel numbers), spikes and
clusters; every recording its own flat binary raw file (optional). A cluster has a main
channel; its spikes have masks 1 there, 0.5 on the next channel of the group (the first one
after the last), 0 elsewhere, features centred on a point of its own, and (with raw data) a
negative spike on its main channels.
"""

from pathlib import Path

import numpy as np

from .kwik_writer import CHUNK_ROWS, SPIKEDETEKT_DEFAULTS, KwikCreator

#: Samples of the synthetic spike shape, and its amplitude in raw units.
_SPIKE_SAMPLES = 12
_SPIKE_AMPLITUDE = 400.0


def _probe(n_groups, n_channels):
    """Channel groups of a linear multi-shank probe (shanks 200 µm apart, 20 µm pitch)."""
    out = {}
    for g in range(n_groups):
        channels = list(range(g * n_channels, (g + 1) * n_channels))
        graph = [(a, b) for a, b in zip(channels[:-1], channels[1:])]
        geometry = {c: (200.0 * g + 10.0 * (i % 2), 20.0 * i) for i, c in enumerate(channels)}
        out[g] = {"channels": channels, "graph": graph, "geometry": geometry}
    return out


def _recording_spikes(rng, n, n_samples, margin):
    """``n`` sorted spike samples in ``[margin, n_samples - margin)``."""
    return np.sort(rng.integers(margin, max(margin + 1, n_samples - margin), n)).astype(np.int64)


def make_kwik_dataset(path, n_spikes=1000, n_clusters=5, n_channels=8, n_channel_groups=1,
                      n_recordings=1, n_features_per_channel=3, sample_rate=20000.0,
                      duration=10.0, raw_data=False, seed=0):
    """Write a synthetic kwik dataset and return the path of its ``.kwik``.

    Parameters
    ----------
    path : str or Path
        The ``.kwik`` file to write (its folder is created).
    n_spikes : int
        Spikes per channel group.
    n_clusters : int
        Clusters per channel group (ids 0 .. n_clusters - 1 in ``main`` and ``original``).
    n_channels : int
        Channels per channel group.
    n_channel_groups, n_recordings : int
    n_features_per_channel : int
    sample_rate, duration : float
        Duration of each recording, in seconds.
    raw_data : bool
        Write one flat binary int16 file per recording (``<name>_<r>.dat``).
    seed : int

    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_samples = int(duration * sample_rate)
    n_total = n_channels * n_channel_groups
    probe = _probe(n_channel_groups, n_channels)
    creator = KwikCreator(path)
    creator.create_empty()
    raw_files = [f"{path.stem}_{r}.dat" for r in range(n_recordings)] if raw_data else []
    creator.set_metadata(
        "/application_data/spikedetekt",
        **{**SPIKEDETEKT_DEFAULTS, "sample_rate": sample_rate, "n_channels": n_total,
           "dtype": "int16", "n_features_per_channel": n_features_per_channel,
           "extract_s_before": 16, "extract_s_after": 16, "raw_data_files": raw_files,
           "experiment_name": path.stem, "prb_file": "synthetic", "voltage_gain": 10.0})
    creator.set_metadata("/application_data/klustakwik2", num_starting_clusters=100)
    creator.set_probe(probe)
    for r in range(n_recordings):
        creator.add_recording(id=r, raw_path=raw_files[r] if raw_data else None,
                              start_sample=r * n_samples, sample_rate=sample_rate)
    raw = ([np.memmap(path.parent / f, dtype=np.int16, mode="w+", shape=(n_samples, n_total))
            for f in raw_files] if raw_data else [])
    for g in range(n_channel_groups):
        recordings = np.sort(rng.integers(0, n_recordings, n_spikes)).astype(np.int32)
        counts = np.bincount(recordings, minlength=n_recordings)
        samples = np.concatenate([_recording_spikes(rng, c, n_samples, 4 * _SPIKE_SAMPLES)
                                  for c in counts])
        clusters = rng.integers(0, n_clusters, n_spikes).astype(np.int32)
        main = np.arange(n_clusters) % n_channels  # the main channel (position) of a cluster
        centers = rng.normal(0, 5, (n_clusters, n_channels * n_features_per_channel))

        def features(clusters=clusters, centers=centers):
            for i in range(0, n_spikes, CHUNK_ROWS):
                c = clusters[i:i + CHUNK_ROWS]
                yield (centers[c] + rng.normal(0, 1, (len(c), centers.shape[1]))).astype(
                    np.float32)

        def masks(clusters=clusters, main=main):
            for i in range(0, n_spikes, CHUNK_ROWS):
                m = main[clusters[i:i + CHUNK_ROWS]]
                out = np.zeros((len(m), n_channels), np.float32)
                out[np.arange(len(m)), m] = 1
                out[np.arange(len(m)), (m + 1) % n_channels] = 0.5
                yield out

        creator.add_spikes(group=g, spike_samples=samples, spike_recordings=recordings,
                           features=features(), masks=masks(), n_channels=n_channels,
                           n_features=n_features_per_channel)
        for name in ("main", "original"):
            creator.add_clustering(group=g, name=name, spike_clusters=clusters)
        shape = -_SPIKE_AMPLITUDE * np.sin(np.linspace(0, np.pi, _SPIKE_SAMPLES))
        for r, data in enumerate(raw):
            sel = recordings == r
            cols = g * n_channels + main[clusters[sel]]
            for k, v in enumerate(shape):
                t = samples[sel] + k - _SPIKE_SAMPLES // 2
                data[t, cols] += v.astype(np.int16)
                data[t, np.minimum(cols + 1, (g + 1) * n_channels - 1)] += (v // 2).astype(
                    np.int16)
    for data in raw:
        data += rng.normal(0, 20, data.shape).astype(np.int16)
        data.flush()
    return path
