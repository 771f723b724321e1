"""Seeded synthetic template datasets (KiloSort-like), for tests, benchmarks and the demo.

:func:`make_template_dataset` writes a complete template dataset (FORMATS §1): ``params.py``,
spike times/templates/clusters/amplitudes, whitened templates, whitening matrices, channel
map/positions/shanks, PC and template features, similar templates, cluster metadata files and,
optionally, raw data. Everything is consistent:

* the probe is Neuropixels-like: 4 staggered columns, 20 µm between rows;
* templates are spatially localised (amplitude decaying with the distance to a soma position,
  exactly 0 beyond, with a small propagation delay) biphasic waveforms, trough at
  ``n_samples_waveforms // 2``; ``templates.npy`` holds them whitened with a diagonal
  whitening matrix, so unwhitening gives the injected waveforms back exactly;
* spikes form a Poisson process, template drawn according to per-template rates; spike ``s``
  of template ``t`` adds ``amplitudes[s] * U_t`` to the raw data, trough at its sample, over
  Gaussian noise (``noise_std`` per channel, scaled by the channel gain);
* PC features are the projections of each spike's waveform on principal components of the
  templates (plus the projected noise); template features are projections on similar
  templates.

Per-spike arrays are generated and written in chunks (``open_memmap``), raw data in 1-s
blocks, so memory stays bounded whatever the size (20 M spikes take a few minutes).
"""

import logging

import numpy as np

from phy.utils import Bunch, ensure_dir_exists, write_text

from .npy import iter_chunks

logger = logging.getLogger(__name__)

#: x coordinate (µm) of the 4 staggered columns of a Neuropixels 1.0 probe.
NP_COLUMNS = np.array([43.0, 11.0, 59.0, 27.0])


def probe_positions(n_channels):
    """Neuropixels-like channel positions: 4 staggered columns, 2 sites per 20-µm row."""
    i = np.arange(n_channels)
    return np.c_[NP_COLUMNS[i % 4], 20.0 * (i // 2)].astype(np.float64)


def _waveform(rng, n_samples, sample_rate, delays):
    """Biphasic waveforms ``(n_samples, n_channels)`` with a trough at the centre + delay."""
    t = (np.arange(n_samples)[:, None] - n_samples // 2 - delays[None, :]) / sample_rate * 1e3
    s1, s2 = rng.uniform(0.08, 0.15), rng.uniform(0.2, 0.4)  # ms
    lag, ratio = rng.uniform(0.3, 0.6), rng.uniform(0.25, 0.5)
    w = -np.exp(-t ** 2 / (2 * s1 ** 2)) + ratio * np.exp(-(t - lag) ** 2 / (2 * s2 ** 2))
    return w / np.abs(w).max(axis=0, keepdims=True).clip(1e-12)


def make_templates(rng, positions, n_templates, n_samples, sample_rate, amplitude=(40, 150)):
    """Spatially localised unwhitened templates ``(n_templates, n_samples, n_channels)``.

    The amplitude on a channel is ``A exp(-d / λ)`` (``d`` the distance to the soma, ``λ``
    between 20 and 35 µm), set to exactly 0 where it falls below 5 % of ``A``.
    """
    n_channels = positions.shape[0]
    out = np.zeros((n_templates, n_samples, n_channels), dtype=np.float32)
    extent = positions.max(axis=0) - positions.min(axis=0)
    for t in range(n_templates):
        soma = positions.min(axis=0) + rng.uniform(0, 1, 2) * extent + rng.normal(0, 5, 2)
        d = np.linalg.norm(positions - soma, axis=1)
        d -= d.min()  # the nearest site gets the full amplitude
        lam = rng.uniform(20, 35)
        gain = np.exp(-d / lam)
        gain[gain < 0.05] = 0
        out[t] = rng.uniform(*amplitude) * gain * _waveform(rng, n_samples, sample_rate, d / 100)
    return out


def _spike_chunks(rng, n_spikes, mean_isi, probabilities, margin, chunk_size):
    """Yield ``(start, stop, samples, templates, amplitudes)`` chunks of sorted spikes."""
    last = float(margin)
    for start, stop in iter_chunks(n_spikes, chunk_size):
        times = last + np.cumsum(rng.exponential(mean_isi, stop - start))
        last = float(times[-1])
        templates = rng.choice(probabilities.size, stop - start, p=probabilities)
        amplitudes = rng.lognormal(0.0, 0.15, stop - start)
        yield start, stop, times.astype(np.int64), templates, amplitudes


def _vector_file(path, n, dtype, column):
    shape = (n, 1) if column else (n,)
    return np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=shape)


def _best_channels(templates, k):
    """The `k` channels of largest peak-to-peak amplitude of each template, decreasing."""
    amp = templates.max(axis=1) - templates.min(axis=1)
    return np.argsort(-amp, axis=1, kind="stable")[:, :k]


def _similarity(templates):
    flat = templates.reshape(templates.shape[0], -1).astype(np.float64)
    norm = np.linalg.norm(flat, axis=1).clip(1e-12)
    return (flat @ flat.T) / np.outer(norm, norm)


def _principal_components(templates, n_pcs):
    """Orthonormal ``(n_pcs, n_samples)`` basis of the template waveforms on all channels."""
    w = templates.transpose(0, 2, 1).reshape(-1, templates.shape[1]).astype(np.float64)
    w = w[np.abs(w).max(axis=1) > 0]
    _, _, vt = np.linalg.svd(w, full_matrices=False)
    return vt[:n_pcs]


def _save(path, arr, fortran=False):
    arr = np.asfortranarray(arr) if fortran else np.ascontiguousarray(arr)
    np.save(path, arr)


def make_template_dataset(
        dir_path, n_spikes=10_000, n_templates=32, n_channels=32, sample_rate=30000.0,
        duration=None, n_samples_waveforms=82, raw_data=True, n_channels_dat=None,
        raw_dtype="int16", noise_std=4.0, sparse=False, n_pcs=3, n_pc_channels=12,
        n_template_features=16, features=True, spike_clusters=True, column_vectors=True,
        fortran=False, metadata=True, seed=0, chunk_size=250_000):
    """Write a synthetic template dataset.

    Parameters
    ----------
    dir_path : str or Path
        Output directory (created).
    n_spikes, n_templates, n_channels : int
    sample_rate : float
    duration : float or None
        Recording duration in seconds (default: 5 Hz per template).
    n_samples_waveforms : int
        Samples per template.
    raw_data : bool
        Write ``raw.dat`` (noise + injected spikes) and name it in ``params.py``.
    n_channels_dat : int or None
        Columns of the raw file (default ``n_channels + 1``: a sync channel, not mapped).
    raw_dtype : str
        ``int16`` or ``float32``.
    noise_std : float
        Standard deviation of the raw noise (before the per-channel gain).
    sparse : bool
        Store templates sparse (``template_ind.npy``, ``-1`` padding), as SpikeInterface.
    n_pcs, n_pc_channels, n_template_features : int
        Shapes of the feature files.
    features : bool
        Write PC and template features.
    spike_clusters : bool
        Write ``spike_clusters.npy`` (a copy of the templates), else leave it to the reader.
    column_vectors : bool
        Store per-spike vectors ``(n, 1)`` with KiloSort dtypes (``uint64`` times,
        ``uint32`` templates), else ``(n,)`` ``int64``.
    fortran : bool
        Store the 2-D/3-D arrays in Fortran order (as KiloSort does).
    metadata : bool
        Write ``cluster_group.tsv`` and ``cluster_KSLabel.tsv``.
    seed : int
    chunk_size : int
        Spikes generated at once (bounds the memory).

    Returns
    -------
    info : Bunch
        ``params_path``, ``dir_path``, ``templates`` (unwhitened, ``(n_templates, n_samples,
        n_channels)`` float32 — what is injected), ``channel_positions``, ``channel_noise``
        (noise std per channel), ``pcs``, ``n_samples`` (raw data length), ``duration``.

    """
    dir_path = ensure_dir_exists(dir_path)
    rng = np.random.default_rng(seed)
    nsw = int(n_samples_waveforms)
    n_channels_dat = n_channels + 1 if n_channels_dat is None else int(n_channels_dat)
    duration = float(duration) if duration else n_spikes / (5.0 * n_templates)
    positions = probe_positions(n_channels)
    templates = make_templates(rng, positions, n_templates, nsw, sample_rate)
    gains = rng.uniform(0.8, 1.2, n_channels)
    channel_noise = noise_std * gains
    wm = np.diag(1.0 / channel_noise)

    _save(dir_path / "channel_map.npy", np.arange(n_channels, dtype=np.int32).reshape(
        (-1, 1) if column_vectors else (-1,)))
    _save(dir_path / "channel_positions.npy", positions, fortran)
    _save(dir_path / "channel_shanks.npy", np.zeros(n_channels, dtype=np.int32))
    _save(dir_path / "whitening_mat.npy", wm, fortran)
    _save(dir_path / "whitening_mat_inv.npy", np.diag(channel_noise), fortran)
    _write_templates(dir_path, templates, wm, sparse, fortran)
    similarity = _similarity(templates)
    _save(dir_path / "similar_templates.npy", similarity.astype(np.float32), fortran)

    margin = nsw
    n_samples = int(round(duration * sample_rate))
    mean_isi = max(n_samples - 2 * margin, 1) / max(n_spikes, 1)
    rates = rng.lognormal(0, 0.5, n_templates)
    spikes = _write_spikes(dir_path, rng, n_spikes, mean_isi, rates / rates.sum(), margin,
                           chunk_size, column_vectors, spike_clusters)
    n_samples = max(n_samples, spikes.last_sample + margin + 1)
    pcs = _principal_components(templates, n_pcs)
    if features:
        _write_features(dir_path, rng, spikes, templates, pcs, channel_noise, similarity,
                        min(n_pc_channels, n_channels), min(n_template_features, n_templates),
                        chunk_size, fortran)
    if raw_data:
        _write_raw(dir_path / "raw.dat", rng, spikes, templates, channel_noise, n_samples,
                   n_channels_dat, sample_rate, raw_dtype)
    if metadata:
        _write_metadata(dir_path, rng, n_templates)
    params_path = dir_path / "params.py"
    write_text(params_path, "\n".join([
        f"dat_path = {'raw.dat' if raw_data else ''!r}",
        f"n_channels_dat = {n_channels_dat}",
        f"dtype = {np.dtype(raw_dtype).name!r}",
        "offset = 0",
        f"sample_rate = {float(sample_rate)!r}",
        "hp_filtered = False",
        ""]))
    return Bunch(params_path=params_path, dir_path=dir_path, templates=templates,
                 channel_positions=positions, channel_noise=channel_noise, pcs=pcs,
                 n_samples=n_samples, duration=n_samples / sample_rate)


def _write_templates(dir_path, templates, wm, sparse, fortran):
    whitened = (templates @ wm.astype(np.float32)).astype(np.float32)
    if not sparse:
        _save(dir_path / "templates.npy", whitened, fortran)
        return
    amp = templates.max(axis=1) - templates.min(axis=1)
    k = max(int((amp > 0).sum(axis=1).max()), 1)
    ind = _best_channels(templates, k).astype(np.int64)
    ind[np.take_along_axis(amp, ind, axis=1) <= 0] = -1
    data = np.take_along_axis(whitened, np.maximum(ind, 0)[:, None, :], axis=2)
    data[np.broadcast_to(ind[:, None, :] < 0, data.shape)] = 0
    _save(dir_path / "templates.npy", data, fortran)
    _save(dir_path / "template_ind.npy", ind, fortran)


def _write_spikes(dir_path, rng, n_spikes, mean_isi, probabilities, margin, chunk_size,
                  column_vectors, spike_clusters):
    time_dtype, tmpl_dtype = (np.uint64, np.uint32) if column_vectors else (np.int64, np.int64)
    out = {
        "spike_times": _vector_file(dir_path / "spike_times.npy", n_spikes, time_dtype,
                                    column_vectors),
        "spike_templates": _vector_file(dir_path / "spike_templates.npy", n_spikes,
                                        tmpl_dtype, column_vectors),
        "amplitudes": _vector_file(dir_path / "amplitudes.npy", n_spikes, np.float64,
                                   column_vectors),
    }
    if spike_clusters:
        out["spike_clusters"] = _vector_file(
            dir_path / "spike_clusters.npy", n_spikes, np.int32, False)
    last = margin
    for start, stop, samples, templates, amplitudes in _spike_chunks(
            rng, n_spikes, mean_isi, probabilities, margin, chunk_size):
        for name, values in (("spike_times", samples), ("spike_templates", templates),
                             ("amplitudes", amplitudes), ("spike_clusters", templates)):
            if name in out:
                out[name].reshape(-1)[start:stop] = values
        last = int(samples[-1])
    for arr in out.values():
        arr.flush()
    return Bunch(dir_path=dir_path, n_spikes=n_spikes, last_sample=last)


def _spike_arrays(dir_path):
    """Read-only views of the spike arrays written by `_write_spikes`."""
    def load(name):
        return np.load(dir_path / f"{name}.npy", mmap_mode="r").reshape(-1)
    return load("spike_times"), load("spike_templates"), load("amplitudes")


def _write_features(dir_path, rng, spikes, templates, pcs, channel_noise, similarity,
                    n_pc_channels, n_tf, chunk_size, fortran):
    n_templates = templates.shape[0]
    pc_ind = _best_channels(templates, n_pc_channels)
    # Projection of every template on the PCs on its feature channels: (n_t, n_pcs, n_pc_ch).
    proj = np.einsum("ps,tsk->tpk", pcs, np.take_along_axis(
        templates, pc_ind[:, None, :], axis=2)).astype(np.float32)
    tf_ind = np.argsort(-similarity, axis=1, kind="stable")[:, :n_tf]
    # Spike of template t projected on template j: the scaling that best fits U_t onto U_j.
    flat = templates.reshape(n_templates, -1).astype(np.float64)
    coef = (flat @ flat.T) / (flat * flat).sum(axis=1).clip(1e-12)[None, :]
    tf_coef = np.take_along_axis(coef, tf_ind, axis=1).astype(np.float32)
    _save(dir_path / "pc_feature_ind.npy", pc_ind.astype(np.uint32), fortran)
    _save(dir_path / "template_feature_ind.npy", tf_ind.astype(np.uint32), fortran)
    n = spikes.n_spikes
    pc = np.lib.format.open_memmap(dir_path / "pc_features.npy", mode="w+", dtype=np.float32,
                                   shape=(n, pcs.shape[0], n_pc_channels), fortran_order=fortran)
    tf = np.lib.format.open_memmap(dir_path / "template_features.npy", mode="w+",
                                   dtype=np.float32, shape=(n, n_tf), fortran_order=fortran)
    _, spike_templates, spike_amplitudes = _spike_arrays(dir_path)
    noise = channel_noise[pc_ind].astype(np.float32)  # (n_t, n_pc_ch)
    for start, stop in iter_chunks(n, chunk_size):
        t = np.asarray(spike_templates[start:stop], dtype=np.int64)
        a = np.asarray(spike_amplitudes[start:stop], dtype=np.float32)
        block = rng.standard_normal((stop - start,) + proj.shape[1:], dtype=np.float32)
        block *= noise[t][:, None, :]
        block += a[:, None, None] * proj[t]
        pc[start:stop] = block
        del block
        block = rng.standard_normal((stop - start, n_tf), dtype=np.float32)
        block *= 0.02
        block += a[:, None] * tf_coef[t]
        tf[start:stop] = block
    pc.flush()
    tf.flush()


def _write_raw(path, rng, spikes, templates, channel_noise, n_samples, n_channels_dat,
               sample_rate, raw_dtype):
    n_templates, nsw, n_channels = templates.shape
    amp = templates.max(axis=1) - templates.min(axis=1)
    k = max(int((amp > 0).sum(axis=1).max()), 1)
    support = _best_channels(templates, k)  # (n_t, k): channels with signal first
    values = np.take_along_axis(templates, support[:, None, :], axis=2)  # (n_t, nsw, k)
    samples, spike_templates, amplitudes = _spike_arrays(spikes.dir_path)
    noise = np.ones(n_channels_dat, dtype=np.float32)
    noise[:n_channels] = channel_noise
    block = int(sample_rate)
    sync_period = int(sample_rate)
    dtype = np.dtype(raw_dtype)
    with open(path, "wb") as f:
        for start, stop in iter_chunks(n_samples, block):
            size = stop - start
            data = rng.standard_normal((size, n_channels_dat), dtype=np.float32) * noise
            if n_channels_dat > n_channels:  # a sync channel: a square wave
                data[:, n_channels] = 100.0 * ((np.arange(start, stop) // (sync_period // 2)) % 2)
            lo, hi = np.searchsorted(samples, [start - nsw, stop + nsw])
            if hi > lo:
                s = np.asarray(samples[lo:hi], dtype=np.int64)
                t = np.asarray(spike_templates[lo:hi], dtype=np.int64)
                a = np.asarray(amplitudes[lo:hi], dtype=np.float32)
                rows = (s - nsw // 2 - start)[:, None, None] + np.arange(nsw)[None, :, None]
                rows = np.broadcast_to(rows, (s.size, nsw, k))
                cols = np.broadcast_to(support[t][:, None, :], rows.shape)
                vals = a[:, None, None] * values[t]
                ok = (rows >= 0) & (rows < size)
                flat = rows[ok] * n_channels_dat + cols[ok]
                data.reshape(-1)[:] += np.bincount(
                    flat, weights=vals[ok], minlength=data.size).astype(np.float32)
            if dtype.kind == "i":
                info = np.iinfo(dtype)
                data = np.clip(np.round(data), info.min, info.max)
            f.write(data.astype(dtype).tobytes())


def _write_metadata(dir_path, rng, n_templates):
    labels = rng.choice(["good", "mua"], n_templates, p=[0.6, 0.4])
    write_text(dir_path / "cluster_KSLabel.tsv", "cluster_id\tKSLabel\n" + "".join(
        f"{i}\t{label}\n" for i, label in enumerate(labels)))
    groups = {i: "good" for i in range(0, n_templates, 5)}
    groups.update({i: "noise" for i in range(3, n_templates, 7)})
    write_text(dir_path / "cluster_group.tsv", "cluster_id\tgroup\n" + "".join(
        f"{i}\t{g}\n" for i, g in sorted(groups.items())))
