"""Multi-electrode arrays: the channels, positions and adjacency of a probe's channel group.

:class:`MEA` presents one channel group (shank) of a probe at a time; :func:`load_probe` makes
one from a built-in probe name or a ``.prb`` path (read by :func:`phy.electrode.read_probe`).
"""

import numpy as np

from .probe import read_probe


def _adjacency(channels, graph):
    """``{channel: set(neighbours)}`` of the edges `graph` between `channels` (raw numbers)."""
    out = {int(c): set() for c in channels}
    for a, b in graph:
        if a in out and b in out and a != b:
            out[a].add(b)
            out[b].add(a)
    return out


def _positions(channels, geometry):
    """``(n_channels, 2)`` float positions; a channel without geometry is at ``(0, c)``."""
    return np.array([geometry.get(int(c), (0, int(c))) for c in channels],
                    dtype=np.float64).reshape(-1, 2)


class MEA:
    """A multi-electrode array: channels, positions and adjacency of the current channel group.

    There are two modes: without a probe, one channel group whose channels, positions and
    adjacency are given directly; with a probe (the channel groups of a PRB file), the current
    channel group is the first one and can be changed (:meth:`change_channel_group`).

    Parameters
    ----------
    channels : array-like or None
        Raw channel numbers (default: ``0 .. len(positions) - 1``).
    positions : array-like or None
        ``(n_channels, 2)`` positions (default: ``(0, c)`` for channel ``c``).
    adjacency : dict or None
        ``{channel: set(neighbours)}`` (default: no neighbours).
    probe : dict or None
        ``{group: {'channels', 'graph', 'geometry'}}`` (:func:`phy.electrode.read_probe`).

    """

    def __init__(self, channels=None, positions=None, adjacency=None, probe=None):
        self.probe = probe
        self.channel_group = None
        if probe is not None:
            if not probe:
                raise ValueError("The probe has no channel group.")
            self.change_channel_group(min(probe))
            return
        if channels is None:
            channels = range(len(positions) if positions is not None else 0)
        self._set(list(channels), positions, adjacency or {})

    def _set(self, channels, positions, adjacency):
        self._channels = np.asarray(channels, dtype=np.int64)
        if positions is None:
            positions = _positions(self._channels, {})
        positions = np.asarray(positions, dtype=np.float64)
        if positions.shape != (len(self._channels), 2):
            raise ValueError(f"The positions must be an array of shape ({len(self._channels)}, "
                             f"2), not {positions.shape}.")
        self._positions = positions
        self._adjacency = {int(c): set(int(n) for n in adjacency.get(int(c), ()))
                           for c in self._channels}

    def change_channel_group(self, group):
        """Change the current channel group (of the probe).

        Raises
        ------
        ValueError
            Without a probe, or if the probe has no such group.

        """
        if self.probe is None:
            raise ValueError("This MEA has no probe: it has a single channel group.")
        if group not in self.probe:
            raise ValueError(f"Unknown channel group {group!r}: the probe has "
                             f"{', '.join(map(str, sorted(self.probe)))}.")
        spec = self.probe[group]
        channels = [int(c) for c in spec["channels"]]
        self._set(channels, _positions(channels, spec.get("geometry") or {}),
                  _adjacency(channels, spec.get("graph") or ()))
        self.channel_group = group

    @property
    def channels(self):
        """Channel ids (raw channel numbers) in the current channel group."""
        return self._channels

    @property
    def n_channels(self):
        """Number of channels in the current channel group."""
        return len(self._channels)

    @property
    def positions(self):
        """Channel positions ``(n_channels, 2)`` in the current channel group."""
        return self._positions

    @property
    def adjacency(self):
        """Adjacency graph ``{channel: set(neighbours)}`` in the current channel group."""
        return self._adjacency

    def __repr__(self):
        group = "" if self.channel_group is None else f" group {self.channel_group}"
        return f"<MEA{group}: {self.n_channels} channels>"


def load_probe(name, dir_path=None):
    """Load a probe, given by a built-in probe name or a ``.prb`` path, as an :class:`MEA`.

    Parameters
    ----------
    name : str or Path
        A built-in probe name (``'1x32_buzsaki'``) or a ``.prb`` file.
    dir_path : str or Path or None
        Folder of a relative `name`.

    Raises
    ------
    DataFormatError
        If the probe is unknown or its file invalid.

    """
    return MEA(probe=read_probe(name, dir_path))
