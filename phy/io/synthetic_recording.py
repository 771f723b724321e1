"""Seeded synthetic raw recordings with known spike times, for testing spike detection.

:class:`SyntheticRecording` is a read-only ``(n_samples, n_channels)`` array-like (``shape``,
``dtype``, ``len``, ``rec[t0:t1]``) whose samples are generated on demand: Gaussian noise
(``noise_std``), plus the waveforms of ``n_units`` units with distinct spatial footprints
(:func:`phy.io.synthetic.make_templates`: amplitude decaying with the distance to a soma on a
Neuropixels-like probe, trough at the spike sample on the unit's main channel). Any window is
generated in 1-second blocks seeded by ``(seed, block)``, so reading a window twice, or in
different pieces, gives the same samples, and memory stays bounded whatever the duration:
:meth:`SyntheticRecording.write_dat` writes a long recording block by block.

Spike trains are Poisson with a refractory period; the ground truth (``spike_samples``,
``spike_units``) and the probe (``positions``, ``adjacency``, ``channel_groups`` in the PRB
structure) are attributes.
"""

import numpy as np

from .npy import iter_chunks
from .synthetic import make_templates, probe_positions


def adjacency_from_positions(positions, radius):
    """The channels closer than `radius` to each other: ``{channel: set(neighbours)}``."""
    positions = np.asarray(positions, dtype=np.float64)
    d = np.linalg.norm(positions[:, None, :] - positions[None, :, :], axis=2)
    close = (d <= radius) & ~np.eye(len(positions), dtype=bool)
    return {c: set(np.flatnonzero(close[c]).tolist()) for c in range(len(positions))}


class SyntheticRecording:
    """A raw recording generated on demand, with known spike times.

    Parameters
    ----------
    n_channels : int
    sample_rate : float
        In Hz.
    duration : float
        In seconds.
    n_units : int
        Number of units (ignored if `templates` is given).
    firing_rate : float or 2-tuple
        Mean firing rate of every unit in Hz, or a range drawn from.
    amplitude : 2-tuple
        Range of the units' peak amplitudes on their main channel (raw units).
    noise_std : float
        Standard deviation of the white Gaussian noise.
    templates : ndarray or None
        ``(n_units, n_samples_waveforms, n_channels)`` waveforms to use instead of random ones
        (the spike sample is at index ``n_samples_waveforms // 2``).
    refractory_ms : float
        No spike of a unit within this time of its previous one.
    radius : float
        Distance (µm) within which two channels are adjacent.
    dtype : str
        Sample dtype (integers are rounded and clipped).
    seed : int

    """

    ndim = 2
    #: Length of the generated blocks, in seconds.
    block_seconds = 1.0

    def __init__(self, n_channels=32, sample_rate=20000.0, duration=10.0, n_units=8,
                 firing_rate=(5.0, 15.0), amplitude=(80.0, 160.0), noise_std=10.0,
                 templates=None, refractory_ms=2.0, radius=45.0, dtype="int16", seed=0):
        rng = np.random.default_rng(seed)
        self.sample_rate = float(sample_rate)
        self.n_samples = int(round(duration * sample_rate))
        self.dtype = np.dtype(dtype)
        self.noise_std = float(noise_std)
        self.seed = seed
        self.positions = probe_positions(n_channels)
        self.adjacency = adjacency_from_positions(self.positions, radius)
        self.channel_groups = {0: dict(
            channels=list(range(n_channels)),
            graph=sorted((a, b) for a, nb in self.adjacency.items() for b in nb if a < b),
            geometry={c: tuple(p) for c, p in enumerate(self.positions.tolist())})}
        if templates is None:
            n_wave = int(round(3e-3 * sample_rate)) | 1
            templates = make_templates(
                rng, self.positions, n_units, n_wave, sample_rate, amplitude=amplitude)
        self.templates = np.asarray(templates, dtype=np.float32)
        if self.templates.shape[2] != n_channels:
            raise ValueError(f"The templates have {self.templates.shape[2]} channels, "
                             f"not {n_channels}.")
        #: Main channel (largest trough) of every unit.
        self.main_channels = np.argmin(self.templates.min(axis=1), axis=1)
        self.spike_samples, self.spike_units = self._spike_trains(
            rng, firing_rate, refractory_ms)

    @property
    def n_units(self):
        """Number of units."""
        return len(self.templates)

    def _spike_trains(self, rng, firing_rate, refractory_ms):
        """Sorted ground-truth spike samples and units (spikes away from the edges)."""
        rates = rng.uniform(*np.broadcast_to(firing_rate, 2), self.n_units)
        nsw = self.templates.shape[1]
        refractory = refractory_ms * 1e-3 * self.sample_rate
        samples, units = [], []
        for u, rate in enumerate(rates):
            mean_isi = self.sample_rate / rate
            n = int(self.n_samples / mean_isi * 1.5) + 10
            isi = refractory + rng.exponential(max(mean_isi - refractory, 1.0), n)
            s = (nsw + np.cumsum(isi)).astype(np.int64)
            s = s[s < self.n_samples - nsw]
            samples.append(s)
            units.append(np.full(s.size, u, dtype=np.int64))
        samples, units = np.concatenate(samples), np.concatenate(units)
        order = np.argsort(samples, kind="stable")
        return samples[order], units[order]

    @property
    def shape(self):
        """``(n_samples, n_channels)``."""
        return (self.n_samples, self.templates.shape[2])

    def __len__(self):
        return self.n_samples

    def _block(self, index):
        """The float32 samples of one block (noise + spikes)."""
        size = int(self.block_seconds * self.sample_rate)
        start = index * size
        stop = min(start + size, self.n_samples)
        rng = np.random.default_rng((self.seed, index))
        data = rng.standard_normal((stop - start, self.shape[1]), dtype=np.float32)
        data *= self.noise_std
        nsw = self.templates.shape[1]
        lo, hi = np.searchsorted(self.spike_samples, [start - nsw, stop + nsw])
        for s, u in zip(self.spike_samples[lo:hi], self.spike_units[lo:hi]):
            first = s - nsw // 2 - start
            a, b = max(first, 0), min(first + nsw, stop - start)
            if a < b:
                data[a:b] += self.templates[u, a - first:b - first]
        return data

    def read(self, start, stop):
        """Samples ``[start, stop)`` (within the recording) in the recording's dtype."""
        start, stop = max(int(start), 0), min(int(stop), self.n_samples)
        size = int(self.block_seconds * self.sample_rate)
        out = np.empty((max(stop - start, 0), self.shape[1]), dtype=np.float32)
        for index in range(start // size, -(-stop // size)):
            b0 = index * size
            block = self._block(index)
            a, b = max(start, b0), min(stop, b0 + len(block))
            out[a - start:b - start] = block[a - b0:b - b0]
        if self.dtype.kind in "iu":
            info = np.iinfo(self.dtype)
            out = np.clip(np.round(out), info.min, info.max)
        return out.astype(self.dtype)

    def __getitem__(self, item):
        rows, cols = item if isinstance(item, tuple) else (item, slice(None))
        if not isinstance(rows, slice) or rows.step not in (None, 1):
            raise IndexError("A synthetic recording is indexed by a slice of samples.")
        start, stop, _ = rows.indices(self.n_samples)
        return self.read(start, stop)[:, cols]

    def write_dat(self, path):
        """Write the recording as a flat binary file, block by block; return its path."""
        size = int(self.block_seconds * self.sample_rate)
        with open(path, "wb") as f:
            for start, stop in iter_chunks(self.n_samples, size):
                f.write(self.read(start, stop).tobytes())
        return path
