"""Spike detection pipeline: from a raw recording to spike samples, masks and PCA features.

:class:`SpikeDetekt` processes a raw ``(n_samples, n_channels)`` recording (any array-like
sliced in time: a memory map, :class:`phy.io.RawDataReader`...) channel group by channel
group (shanks, in the PRB ``channel_groups`` structure):

1. **thresholds**: ``n_excerpts`` excerpts of ``excerpt_size_seconds`` spread over the
   recording are filtered; the thresholds (:func:`compute_threshold`) of each excerpt are
   computed and their median over the excerpts is kept;
2. **detection**, chunk by chunk (``chunk_size_seconds``, read with ``chunk_overlap_seconds``
   more on each side): the chunk minus its mean is band-pass filtered (:class:`Filter`), the
   weak and strong crossings (:class:`Thresholder`) are grouped into spikes
   (:class:`FloodFillDetector`), aligned, masked and extracted (:class:`WaveformExtractor`).
   Only the spikes whose aligned sample falls in the chunk's own part are kept: no duplicate
   at chunk borders. Spikes too close to the recording's edges for a waveform are dropped;
3. **features**: the PCs (:class:`PCA`) are fitted on the waveforms of the first
   ``pca_n_waveforms_max`` spikes (kept until then, at most :data:`PCA_BUFFER_BYTES`), then
   every spike's waveform is projected.

Memory is bounded by the chunk size and the PCA's waveforms whatever the recording's
length, plus the output arrays (grown chunk by chunk) — or not even those when the spikes are
handed chunk by chunk to an ``on_spikes`` callback (:meth:`SpikeDetekt.run`).
"""

import logging
import time

import numpy as np

from phy.io.kwik_writer import SPIKEDETEKT_DEFAULTS
from phy.utils import Bunch

from .detect import Thresholder, compute_threshold
from .filter import Filter
from .floodfill import FloodFillDetector
from .pca import PCA
from .waveform import WaveformExtractor

logger = logging.getLogger(__name__)

#: Spike-detection parameters and their defaults (FORMATS §3.8), as the kwik files store them.
DEFAULT_PARAMS = dict(SPIKEDETEKT_DEFAULTS)
#: Most bytes of waveforms kept for the PCA fit (fewer than ``pca_n_waveforms_max`` spikes
#: on probes with many channels).
PCA_BUFFER_BYTES = 64 * 2 ** 20


def _adjacency(group):
    """The ``{position: set(positions)}`` adjacency of a channel group's PRB graph."""
    position = {int(c): i for i, c in enumerate(group["channels"])}
    out = {}
    for a, b in group.get("graph", ()):
        if int(a) in position and int(b) in position:
            out.setdefault(position[int(a)], set()).add(position[int(b)])
    return out


class _Output:
    """Per-spike arrays of a channel group, grown chunk by chunk (capacity doubling)."""

    def __init__(self):
        self._arrays, self.n = {}, 0

    def append(self, **arrays):
        k = len(next(iter(arrays.values())))
        for name, a in arrays.items():
            buf = self._arrays.get(name)
            if buf is None:
                buf = np.empty((max(k, 1024),) + a.shape[1:], dtype=a.dtype)
            elif self.n + k > len(buf):
                buf = np.resize(buf, (max(2 * len(buf), self.n + k),) + buf.shape[1:])
            buf[self.n:self.n + k] = a
            self._arrays[name] = buf
        self.n += k

    def get(self, name, shape, dtype):
        if name not in self._arrays:
            return np.zeros((0,) + shape, dtype=dtype)
        return self._arrays[name][:self.n].copy()


class SpikeDetekt:
    """Detect spikes in a raw recording: samples, masks and PCA features per channel group.

    Parameters
    ----------
    sample_rate : float
        In Hz.
    channel_groups : dict or None
        ``{group: {'channels': [raw channel numbers], 'graph': [(a, b), ...]}}`` as in a PRB
        file; default: one group ``0`` with every column, no adjacency.
    **params
        Detection parameters (:data:`DEFAULT_PARAMS`; unknown names are kept, unused).

    Examples
    --------
    >>> sd = SpikeDetekt(20000., channel_groups=probe.channel_groups)  # doctest: +SKIP
    >>> out = sd.run(raw)  # doctest: +SKIP
    >>> out.groups[0].spike_samples, out.groups[0].masks, out.groups[0].features  # +SKIP

    """

    def __init__(self, sample_rate, channel_groups=None, **params):
        if not sample_rate or sample_rate <= 0:
            raise ValueError("The sample rate must be positive.")
        self.sample_rate = float(sample_rate)
        self.params = Bunch({**DEFAULT_PARAMS, **params})
        self.channel_groups = channel_groups
        p = self.params
        self.thresholder = Thresholder(p.detect_spikes)  # checks the mode
        self.filter = Filter(rate=self.sample_rate, low=p.filter_low,
                             high=p.filter_high_factor * self.sample_rate,
                             order=p.filter_butter_order)

    def _groups(self, n_channels):
        groups = self.channel_groups or {0: dict(channels=list(range(n_channels)), graph=[])}
        for g, group in groups.items():
            channels = np.asarray(group["channels"], dtype=np.int64)
            if channels.size == 0 or channels.min() < 0 or channels.max() >= n_channels:
                raise ValueError(f"Channel group {g} refers to channels outside the "
                                 f"{n_channels} columns of the raw data.")
        return groups

    def _filtered(self, raw, start, stop):
        """The float32 filtered samples ``[start, stop)`` of all the columns."""
        x = np.array(raw[start:stop], dtype=np.float32)
        x -= x.mean(axis=0)
        return self.filter(x)

    def thresholds(self, raw, channels):
        """The ``(2,)`` or ``(2, n_channels)`` weak/strong thresholds, median over excerpts.

        `channels` maps each group to its columns: ``{group: channels}``; returns
        ``{group: thresholds}``.
        """
        p = self.params
        n = int(raw.shape[0])
        size = min(max(int(p.excerpt_size_seconds * self.sample_rate), 1), n)
        n_excerpts = max(1, min(int(p.n_excerpts), n // size))
        starts = np.linspace(0, n - size, n_excerpts).astype(np.int64)
        factors = (p.threshold_weak_std_factor, p.threshold_strong_std_factor)
        per_excerpt = {g: [] for g in channels}
        for start in starts:
            f = self._filtered(raw, start, start + size)
            for g, ch in channels.items():
                per_excerpt[g].append(compute_threshold(
                    f[:, ch], single_threshold=p.use_single_threshold, std_factor=factors))
        return {g: np.median(np.stack(v), axis=0) for g, v in per_excerpt.items()}

    def _detect(self, f, thresholds, detector, extractor):
        """Spikes of one filtered chunk: ``(s_aligned, masks)`` relative to the chunk."""
        thresholder = Thresholder(self.params.detect_spikes, thresholds)
        data_t = thresholder.transform(f)
        crossings = thresholder.detect(data_t)
        comp = detector.label(crossings["weak"], crossings["strong"])
        values = data_t[comp.samples, comp.channels]
        s_aligned = extractor.aligned_samples(
            values, comp.samples, comp.channels, comp.labels, comp.n_components)
        masks = extractor.component_masks(
            values, comp.channels, comp.labels, comp.n_components, f.shape[1])
        return s_aligned, masks

    def run(self, raw, progress=None, on_spikes=None):
        """Detect the spikes of a recording.

        Parameters
        ----------
        raw : array-like
            ``(n_samples, n_channels)`` raw data, sliced in time (``raw[a:b]``).
        progress : callable or None
            Called after every chunk as ``progress(done, total, time_left)``: samples done,
            total samples, estimated seconds left.
        on_spikes : callable or None
            If given, called as ``on_spikes(group, spikes)`` with every new batch of spikes of
            a channel group, in time order (a Bunch of the per-spike arrays below, for these
            spikes only), and the per-spike arrays are not kept: the result's groups have
            ``n_spikes`` instead.

        Returns
        -------
        result : Bunch
            ``groups``: ``{group: Bunch}`` with ``channels`` (raw channel numbers),
            ``thresholds``, ``spike_samples`` (int64, sorted), ``spike_fractional`` (float32
            in [0, 1): the aligned sample is ``spike_samples + spike_fractional``),
            ``masks`` (``(n_spikes, n_channels)`` float32), ``features``
            (``(n_spikes, n_channels, n_features_per_channel)`` float32), ``pcs``; and
            ``n_samples``, ``sample_rate``, ``params``.

        """
        p = self.params
        n_samples, n_columns = int(raw.shape[0]), int(raw.shape[1])
        groups = self._groups(n_columns)
        channels = {g: np.asarray(gr["channels"], dtype=np.int64) for g, gr in groups.items()}
        thresholds = self.thresholds(raw, channels) if n_samples else {}
        chunk = max(int(p.chunk_size_seconds * self.sample_rate), 1)
        overlap = int(p.chunk_overlap_seconds * self.sample_rate)
        before, after = int(p.extract_s_before), int(p.extract_s_after)
        state = {}
        for g in groups:
            t = thresholds[g] if n_samples else np.zeros(2)
            state[g] = Bunch(
                detector=FloodFillDetector(_adjacency(groups[g]), p.connected_component_join_size),
                extractor=WaveformExtractor(before, after, p.weight_power,
                                            dict(weak=t[0], strong=t[1])),
                pca=PCA(p.n_features_per_channel), buffer=[], n_buffered=0, n_bytes=0,
                out=_Output(), group=g, on_spikes=on_spikes, n_spikes=0)
        t0 = time.perf_counter()
        for start in range(0, n_samples, chunk):
            stop = min(start + chunk, n_samples)
            lo, hi = max(start - overlap, 0), min(stop + overlap, n_samples)
            f_all = self._filtered(raw, lo, hi)
            for g, st in state.items():
                every = np.array_equal(channels[g], np.arange(n_columns))
                f = f_all if every else np.ascontiguousarray(f_all[:, channels[g]])
                s_aligned, masks = self._detect(f, thresholds[g], st.detector, st.extractor)
                keep = ((s_aligned + lo >= start) & (s_aligned + lo < stop) &
                        (s_aligned >= before) & (s_aligned < len(f) - after - 1))
                s_aligned, masks = s_aligned[keep], masks[keep]
                order = np.argsort(s_aligned, kind="stable")
                s_aligned, masks = s_aligned[order], masks[order]
                waveforms = st.extractor.extract_many(f, s_aligned)
                self._features(st, s_aligned + lo, masks, waveforms)
            if progress is not None:
                elapsed = time.perf_counter() - t0
                progress(stop, n_samples, elapsed / stop * (n_samples - stop))
        result = Bunch(groups={}, n_samples=n_samples, sample_rate=self.sample_rate, params=p)
        for g, st in state.items():
            self._features(st, None, None, None, flush=True)
            result.groups[g] = Bunch(channels=channels[g], thresholds=thresholds.get(g),
                                     pcs=st.pca.pcs, n_spikes=st.n_spikes)
            if on_spikes is None:
                n_ch, n_fpc = len(channels[g]), int(p.n_features_per_channel)
                result.groups[g].update(_spikes(
                    st.out.get("s_aligned", (), np.float64),
                    st.out.get("masks", (n_ch,), np.float32),
                    st.out.get("features", (n_ch, n_fpc), np.float32),
                    st.out.get("peak_channels", (), np.int64)))
            logger.debug("Channel group %s: %d spikes.", g, st.n_spikes)
        return result

    def _features(self, st, s_aligned, masks, waveforms, flush=False):
        """Project the waveforms on the PCs; keep them until the PCs are fitted."""
        limit = int(self.params.pca_n_waveforms_max)
        if st.pca.pcs is None and not flush:
            st.buffer.append((s_aligned, masks, waveforms))
            st.n_buffered += len(s_aligned)
            st.n_bytes += waveforms.nbytes
            if st.n_buffered < limit and st.n_bytes < PCA_BUFFER_BYTES:
                return
        if st.buffer:
            s_aligned, masks, waveforms = (np.concatenate(a) for a in zip(*st.buffer))
            st.buffer = []
            if len(s_aligned):
                st.pca.fit(waveforms[:limit], masks[:limit])
        if s_aligned is None or len(s_aligned) == 0:
            return
        features = st.pca.transform(waveforms)
        peaks = np.argmax(self.thresholder.transform(waveforms).max(axis=1),
                          axis=1).astype(np.int64)
        st.n_spikes += len(s_aligned)
        if st.on_spikes is not None:
            st.on_spikes(st.group, _spikes(s_aligned, masks, features, peaks))
        else:
            st.out.append(s_aligned=s_aligned, masks=masks, features=features,
                          peak_channels=peaks)


def _spikes(s_aligned, masks, features, peak_channels):
    """The per-spike arrays of the result, from the fractional aligned samples."""
    samples = np.floor(s_aligned).astype(np.int64)
    return Bunch(spike_samples=samples, spike_fractional=(s_aligned - samples).astype(np.float32),
                 masks=masks.astype(np.float32, copy=False),
                 features=features.astype(np.float32, copy=False), peak_channels=peak_channels)
