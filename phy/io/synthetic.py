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

``layout=`` writes the files of a given sorter (:data:`LAYOUTS`: KiloSort 2.5/3, KiloSort 4,
SpyKING CIRCUS, SpikeInterface's ``export_to_phy``) with their names, dtypes, shapes, memory
order, sparsity, ``params.py`` fields and metadata files; what a sorter does not write is absent.

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


#: What each sorter writes (FORMATS §1.2, §1.14): defaults of :func:`make_template_dataset`
#: and the files, dtypes and shapes of every layout. Keys:
#:
#: * ``spike_times``, ``spike_templates``: dtypes (None: ``uint64``/``uint32`` for ``(n, 1)``
#:   vectors, else ``int64``); ``spike_clusters``: dtype (None: absent, readers create it),
#:   stored ``(n, 1)`` if ``clusters_column``;
#: * ``sparse``: False (dense ``templates.npy``), ``"amplitude"`` (``template_ind.npy``
#:   listing each template's channels by decreasing amplitude) or ``"id"`` (by increasing
#:   channel id, as SpikeInterface), ``-1`` padding in both cases;
#: * ``whitened``: whether ``templates.npy`` is whitened (else the whitening is the identity);
#:   ``whitening``: the whitening files written;
#: * ``templates_ind``: also write KiloSort's ``templates_ind.npy`` (plural, ignored by readers);
#: * ``template_features``, ``channel_shanks``: whether these files are written;
#: * ``metadata``: the ``cluster_*.tsv`` files (see :func:`_write_metadata`);
#: * ``extras``: sorter files readers ignore or read as spike attributes (``spike_positions``
#:   brings ``spike_detection_templates``, see :func:`_write_extras`);
#: * ``dat_path``: ``"relative"`` or ``"absolute"`` (a raw string; ``None`` without raw data).
LAYOUTS = {
    # This project's synthetic default: KiloSort-like, with a group file.
    "phy": dict(
        n_samples_waveforms=82, sample_rate=30000.0, n_pcs=3, n_pc_channels=12,
        n_template_features=16, column_vectors=True, fortran=False, sparse=False,
        spike_times=None, spike_templates=None, spike_clusters="int32", clusters_column=False,
        whitened=True, whitening=("whitening_mat", "whitening_mat_inv"),
        templates_ind=False, template_features=True, channel_shanks=True,
        metadata=("KSLabel", "group"), extras=(), hp_filtered=False, dat_path="relative",
        raw_name="raw.dat"),
    # KiloSort 2.5 and 3 (MATLAB npy-matlab files: (n, 1) vectors, Fortran order).
    "kilosort2.5": dict(
        n_samples_waveforms=61, n_pc_channels=32, n_template_features=32, fortran=True,
        spike_clusters="uint32", clusters_column=True, templates_ind=True, channel_shanks=False,
        metadata=("KSLabel", "ContamPct", "Amplitude")),
    # KiloSort 4 (Python): no template features, cluster_group.tsv is a copy of KSLabel.
    "kilosort4": dict(
        n_samples_waveforms=61, n_pcs=6, n_pc_channels=10, column_vectors=False,
        spike_templates="int32", spike_times="int64", templates_ind=True,
        template_features=False, channel_shanks=False,
        metadata=("KSLabel", "ContamPct", "Amplitude", "group_KSLabel"),
        extras=("spike_positions", "kept_spikes"),
        raw_name="raw.bin", dat_path="absolute"),
    # SpyKING CIRCUS's phy export: no spike_clusters.npy nor inverse whitening, no metadata.
    "spykingcircus": dict(
        n_samples_waveforms=61, sample_rate=20000.0, n_pcs=5, column_vectors=False,
        spike_times="uint64", spike_templates="int32", spike_clusters=None,
        whitening=("whitening_mat",), templates_ind=True, channel_shanks=False, metadata=(),
        hp_filtered=True),
    # SpikeInterface's export_to_phy: sparse templates by channel id, unwhitened, no template
    # features, unit ids and channel groups as metadata.
    "spikeinterface": dict(
        n_samples_waveforms=90, n_pcs=5, column_vectors=False, spike_times="int64",
        spike_templates="int64", spike_clusters="int64", sparse="id", whitened=False,
        template_features=False, channel_shanks=False, metadata=("si_unit_id", "channel_group"),
        extras=("channel_map_si", "channel_groups"), dat_path="absolute",
        raw_name="recording.dat"),
}
LAYOUTS["kilosort3"] = LAYOUTS["kilosort2.5"]


def layout_options(layout, **overrides):
    """The options of a sorter layout (:data:`LAYOUTS`), with the non-None `overrides`."""
    if layout not in LAYOUTS:
        raise ValueError(f"Unknown layout {layout!r}: expected one of {', '.join(LAYOUTS)}.")
    opts = {**LAYOUTS["phy"], **LAYOUTS[layout]}
    opts.update({k: v for k, v in overrides.items() if v is not None})
    column = opts["column_vectors"]
    opts["spike_times"] = opts["spike_times"] or ("uint64" if column else "int64")
    opts["spike_templates"] = opts["spike_templates"] or ("uint32" if column else "int64")
    return Bunch(opts)


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
        dir_path, n_spikes=10_000, n_templates=32, n_channels=32, sample_rate=None,
        duration=None, n_samples_waveforms=None, raw_data=True, n_channels_dat=None,
        raw_dtype="int16", noise_std=4.0, sparse=None, n_pcs=None, n_pc_channels=None,
        n_template_features=None, features=True, spike_clusters=True, column_vectors=None,
        fortran=None, metadata=True, layout="phy", seed=0, chunk_size=250_000):
    """Write a synthetic template dataset, in the layout of a given sorter.

    Parameters
    ----------
    dir_path : str or Path
        Output directory (created).
    n_spikes, n_templates, n_channels : int
    sample_rate : float or None
        Default: the layout's (30 kHz, 20 kHz for SpyKING CIRCUS).
    duration : float or None
        Recording duration in seconds (default: 5 Hz per template).
    n_samples_waveforms : int or None
        Samples per template (default: the layout's, 82 for ``phy``, 61 for KiloSort).
    raw_data : bool
        Write the raw data file (noise + injected spikes) and name it in ``params.py``.
    n_channels_dat : int or None
        Columns of the raw file (default ``n_channels + 1``: a sync channel, not mapped).
    raw_dtype : str
        ``int16`` or ``float32``.
    noise_std : float
        Standard deviation of the raw noise (before the per-channel gain).
    sparse : bool, str or None
        Store templates sparse (``template_ind.npy``, ``-1`` padding): True or
        ``"amplitude"`` lists channels by decreasing amplitude, ``"id"`` by increasing id.
    n_pcs, n_pc_channels, n_template_features : int or None
        Shapes of the feature files.
    features : bool
        Write PC features, and template features if the layout has them.
    spike_clusters : bool
        Write ``spike_clusters.npy`` (a copy of the templates) if the layout has it, else
        leave it to the reader.
    column_vectors : bool or None
        Store per-spike vectors ``(n, 1)`` with KiloSort dtypes (``uint64`` times,
        ``uint32`` templates), else ``(n,)`` ``int64``.
    fortran : bool or None
        Store the 2-D/3-D arrays in Fortran order (as KiloSort 2/3 does).
    metadata : bool
        Write the layout's ``cluster_*.tsv`` files.
    layout : str
        A key of :data:`LAYOUTS`: ``phy`` (default), ``kilosort2.5``, ``kilosort3``,
        ``kilosort4``, ``spykingcircus`` or ``spikeinterface``. Parameters left to None take
        the layout's value.
    seed : int
    chunk_size : int
        Spikes generated at once (bounds the memory).

    Returns
    -------
    info : Bunch
        ``params_path``, ``dir_path``, ``templates`` (unwhitened, ``(n_templates, n_samples,
        n_channels)`` float32 — what is injected), ``channel_positions``, ``channel_noise``
        (noise std per channel), ``pcs``, ``n_samples`` (raw data length), ``duration``,
        ``layout`` (the options used, :func:`layout_options`), ``template_channels`` (the
        channels listed in ``template_ind.npy``, None if dense).

    """
    opts = layout_options(
        layout, sample_rate=sample_rate, n_samples_waveforms=n_samples_waveforms,
        sparse=sparse, n_pcs=n_pcs, n_pc_channels=n_pc_channels,
        n_template_features=n_template_features, column_vectors=column_vectors,
        fortran=fortran)
    if not spike_clusters:
        opts.spike_clusters = None
    dir_path = ensure_dir_exists(dir_path)
    rng = np.random.default_rng(seed)
    nsw, sample_rate, fortran = int(opts.n_samples_waveforms), opts.sample_rate, opts.fortran
    n_channels_dat = n_channels + 1 if n_channels_dat is None else int(n_channels_dat)
    duration = float(duration) if duration else n_spikes / (5.0 * n_templates)
    positions = probe_positions(n_channels)
    templates = make_templates(rng, positions, n_templates, nsw, sample_rate)
    gains = rng.uniform(0.8, 1.2, n_channels)
    channel_noise = noise_std * gains
    wm = np.diag(1.0 / channel_noise) if opts.whitened else np.eye(n_channels)

    _save(dir_path / "channel_map.npy", np.arange(n_channels, dtype=np.int32).reshape(
        (-1, 1) if opts.column_vectors else (-1,)))
    _save(dir_path / "channel_positions.npy", positions, fortran)
    if opts.channel_shanks:
        _save(dir_path / "channel_shanks.npy", np.zeros(n_channels, dtype=np.int32))
    for name, matrix in (("whitening_mat", wm), ("whitening_mat_inv", np.linalg.inv(wm))):
        if name in opts.whitening:
            _save(dir_path / f"{name}.npy", matrix, fortran)
    template_channels = _write_templates(dir_path, templates, wm, opts)
    similarity = _similarity(templates)
    _save(dir_path / "similar_templates.npy", similarity.astype(np.float32), fortran)

    margin = nsw
    n_samples = int(round(duration * sample_rate))
    mean_isi = max(n_samples - 2 * margin, 1) / max(n_spikes, 1)
    rates = rng.lognormal(0, 0.5, n_templates)
    spikes = _write_spikes(dir_path, rng, n_spikes, mean_isi, rates / rates.sum(), margin,
                           chunk_size, opts)
    n_samples = max(n_samples, spikes.last_sample + margin + 1)
    pcs = _principal_components(templates, opts.n_pcs)
    if features:
        pc_ind = (template_channels if opts.sparse == "id" else _best_channels(
            templates, min(opts.n_pc_channels, n_channels)).astype(np.uint32))
        tf_ind = (np.argsort(-similarity, axis=1, kind="stable")[
            :, :min(opts.n_template_features, n_templates)] if opts.template_features else None)
        _write_features(dir_path, rng, spikes, templates, pcs, channel_noise, pc_ind, tf_ind,
                        chunk_size, fortran)
    raw_path = dir_path / opts.raw_name
    if raw_data:
        _write_raw(raw_path, rng, spikes, templates, channel_noise, n_samples,
                   n_channels_dat, sample_rate, raw_dtype)
    if metadata:
        _write_metadata(dir_path, rng, n_templates, opts.metadata)
    _write_extras(dir_path, rng, spikes, templates, positions, opts)
    params_path = dir_path / "params.py"
    write_text(params_path, "\n".join([
        "dat_path = " + _dat_path(raw_path if raw_data else None, opts.dat_path),
        f"n_channels_dat = {n_channels_dat}",
        f"dtype = {np.dtype(raw_dtype).name!r}",
        "offset = 0",
        f"sample_rate = {float(sample_rate)!r}",
        f"hp_filtered = {bool(opts.hp_filtered)}",
        ""]))
    return Bunch(params_path=params_path, dir_path=dir_path, templates=templates,
                 channel_positions=positions, channel_noise=channel_noise, pcs=pcs,
                 n_samples=n_samples, duration=n_samples / sample_rate, layout=opts,
                 template_channels=template_channels)


def _dat_path(path, style):
    """The ``dat_path`` value of ``params.py``: a relative name or an absolute raw string."""
    if path is None:
        return "None" if style == "absolute" else "''"
    return f"r'{path.absolute()}'" if style == "absolute" else repr(path.name)


def _write_templates(dir_path, templates, wm, opts):
    """Write ``templates.npy`` (and ``template_ind.npy``); return the listed channels or None."""
    whitened = (templates @ wm.astype(np.float32)).astype(np.float32)
    n_templates, _, n_channels = templates.shape
    if opts.templates_ind:  # KiloSort's plural file: every channel listed, ignored by readers
        _save(dir_path / "templates_ind.npy",
              np.tile(np.arange(n_channels, dtype=np.float64), (n_templates, 1)), opts.fortran)
    if not opts.sparse:
        _save(dir_path / "templates.npy", whitened, opts.fortran)
        return None
    amp = templates.max(axis=1) - templates.min(axis=1)
    k = max(int((amp > 0).sum(axis=1).max()), 1)
    ind = _best_channels(templates, k).astype(np.int64)
    ind[np.take_along_axis(amp, ind, axis=1) <= 0] = -1
    if opts.sparse == "id":  # by increasing channel id, the padding last
        ind = np.sort(np.where(ind < 0, n_channels, ind), axis=1)
        ind[ind == n_channels] = -1
    data = np.take_along_axis(whitened, np.maximum(ind, 0)[:, None, :], axis=2)
    data[np.broadcast_to(ind[:, None, :] < 0, data.shape)] = 0
    _save(dir_path / "templates.npy", data, opts.fortran)
    _save(dir_path / "template_ind.npy", ind, opts.fortran)
    return ind


def _write_spikes(dir_path, rng, n_spikes, mean_isi, probabilities, margin, chunk_size, opts):
    column = opts.column_vectors
    out = {
        "spike_times": _vector_file(dir_path / "spike_times.npy", n_spikes, opts.spike_times,
                                    column),
        "spike_templates": _vector_file(dir_path / "spike_templates.npy", n_spikes,
                                        opts.spike_templates, column),
        "amplitudes": _vector_file(dir_path / "amplitudes.npy", n_spikes, np.float64, column),
    }
    if opts.spike_clusters:
        out["spike_clusters"] = _vector_file(
            dir_path / "spike_clusters.npy", n_spikes, opts.spike_clusters, opts.clusters_column)
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
    return Bunch(dir_path=dir_path, n_spikes=n_spikes, last_sample=last, chunk_size=chunk_size)


def _spike_arrays(dir_path):
    """Read-only views of the spike arrays written by `_write_spikes`."""
    def load(name):
        return np.load(dir_path / f"{name}.npy", mmap_mode="r").reshape(-1)
    return load("spike_times"), load("spike_templates"), load("amplitudes")


def _write_features(dir_path, rng, spikes, templates, pcs, channel_noise, pc_ind, tf_ind,
                    chunk_size, fortran):
    """Write the PC features (``-1`` in `pc_ind`: zero columns) and the template features."""
    n_templates = templates.shape[0]
    padded = pc_ind < 0
    cols = np.where(padded, 0, pc_ind).astype(np.int64)
    # Projection of every template on the PCs on its feature channels: (n_t, n_pcs, n_pc_ch).
    proj = np.einsum("ps,tsk->tpk", pcs, np.take_along_axis(
        templates, cols[:, None, :], axis=2)).astype(np.float32)
    proj[np.broadcast_to(padded[:, None, :], proj.shape)] = 0
    _save(dir_path / "pc_feature_ind.npy", pc_ind, fortran)
    n, n_pc_channels = spikes.n_spikes, pc_ind.shape[1]
    pc = np.lib.format.open_memmap(dir_path / "pc_features.npy", mode="w+", dtype=np.float32,
                                   shape=(n, pcs.shape[0], n_pc_channels), fortran_order=fortran)
    tf = None
    if tf_ind is not None:
        # Spike of template t projected on template j: the scaling that best fits U_t onto U_j.
        flat = templates.reshape(n_templates, -1).astype(np.float64)
        coef = (flat @ flat.T) / (flat * flat).sum(axis=1).clip(1e-12)[None, :]
        tf_coef = np.take_along_axis(coef, tf_ind, axis=1).astype(np.float32)
        _save(dir_path / "template_feature_ind.npy", tf_ind.astype(np.uint32), fortran)
        tf = np.lib.format.open_memmap(dir_path / "template_features.npy", mode="w+",
                                       dtype=np.float32, shape=(n, tf_ind.shape[1]),
                                       fortran_order=fortran)
    _, spike_templates, spike_amplitudes = _spike_arrays(dir_path)
    noise = np.where(padded, 0, channel_noise[cols]).astype(np.float32)  # (n_t, n_pc_ch)
    for start, stop in iter_chunks(n, chunk_size):
        t = np.asarray(spike_templates[start:stop], dtype=np.int64)
        a = np.asarray(spike_amplitudes[start:stop], dtype=np.float32)
        block = rng.standard_normal((stop - start,) + proj.shape[1:], dtype=np.float32)
        block *= noise[t][:, None, :]
        block += a[:, None, None] * proj[t]
        pc[start:stop] = block
        del block
        if tf is not None:
            block = rng.standard_normal((stop - start, tf.shape[1]), dtype=np.float32)
            block *= 0.02
            block += a[:, None] * tf_coef[t]
            tf[start:stop] = block
    pc.flush()
    if tf is not None:
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


#: File names of the metadata fields not written as ``cluster_<field>.tsv``.
_METADATA_FILES = {"group_KSLabel": "cluster_group.tsv",
                   "si_unit_id": "cluster_si_unit_ids.tsv"}


def _write_metadata(dir_path, rng, n_templates, fields):
    """Write the ``cluster_*.tsv`` files of a layout, one per name in `fields`.

    ``KSLabel`` (good/mua), ``ContamPct`` and ``Amplitude`` (one decimal) as KiloSort;
    ``group`` (a few good and noise clusters); ``group_KSLabel``: KiloSort 4's
    ``cluster_group.tsv``, a copy of ``cluster_KSLabel.tsv`` (its column is ``KSLabel``);
    ``si_unit_id`` (SpikeInterface's unit ids, here ``3 i + 1``) and ``channel_group`` (0).
    """
    ids = np.arange(n_templates)
    groups = {i: "good" for i in range(0, n_templates, 5)}
    groups.update({i: "noise" for i in range(3, n_templates, 7)})
    labels = None
    for field in fields:
        column = "KSLabel" if field == "group_KSLabel" else field
        if field == "KSLabel":
            labels = dict(zip(ids, rng.choice(["good", "mua"], n_templates, p=[0.6, 0.4])))
        if column == "KSLabel":
            values = labels
        elif field in ("ContamPct", "Amplitude"):
            high = 100 if field == "ContamPct" else 150
            values = dict(zip(ids, np.round(rng.uniform(0, high, n_templates), 1)))
        elif field == "si_unit_id":
            values = dict(zip(ids, 3 * ids + 1))
        else:
            values = groups if field == "group" else dict.fromkeys(ids, 0)
        write_text(dir_path / _METADATA_FILES.get(field, f"cluster_{field}.tsv"),
                   f"cluster_id\t{column}\n" + "".join(
                       f"{i}\t{v}\n" for i, v in sorted(values.items())))


def _write_extras(dir_path, rng, spikes, templates, positions, opts):
    """Sorter files that readers ignore or read as spike attributes (FORMATS §1.2, §1.13).

    KiloSort 4: ``spike_positions.npy`` (the peak channel's position of the spike's template,
    plus noise), ``spike_detection_templates.npy``, ``kept_spikes.npy``; SpikeInterface:
    ``channel_map_si.npy`` (channel ids as strings), ``channel_groups.npy``.
    """
    n, n_channels = spikes.n_spikes, positions.shape[0]
    if "channel_map_si" in opts.extras:
        _save(dir_path / "channel_map_si.npy", np.array([f"CH{i}" for i in range(n_channels)]))
    if "channel_groups" in opts.extras:
        _save(dir_path / "channel_groups.npy", np.zeros(n_channels, dtype=np.int64))
    if "kept_spikes" in opts.extras:
        _save(dir_path / "kept_spikes.npy", np.ones(n, dtype=bool))
    if "spike_positions" not in opts.extras:
        return
    peaks = positions[_best_channels(templates, 1)[:, 0]].astype(np.float32)
    out = np.lib.format.open_memmap(dir_path / "spike_positions.npy", mode="w+",
                                    dtype=np.float32, shape=(n, 2))
    detection = _vector_file(dir_path / "spike_detection_templates.npy", n, np.int32, False)
    _, spike_templates, _ = _spike_arrays(dir_path)
    for start, stop in iter_chunks(n, spikes.chunk_size):
        t = np.asarray(spike_templates[start:stop], dtype=np.int64)
        out[start:stop] = peaks[t] + rng.normal(0, 5, (stop - start, 2)).astype(np.float32)
        detection[start:stop] = t
    out.flush()
    detection.flush()
