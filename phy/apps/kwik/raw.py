"""Raw data of a kwik dataset: locating the files, recording offsets, filtered waveforms.

FORMATS §3.7-3.8. The raw data of every recording is found in this order (first success wins):
``recordings/<R>/raw*hdf5_path`` (a ``.raw.kwd`` file, dataset ``/recordings/<R>/data``);
``raw*dat_path`` (a flat binary file, resolved against the ``.kwik``'s folder, then as given);
the same file name in the ``.kwik``'s folder; ``<kwik base name>.raw.kwd`` in that folder. If
a recording has none, the dataset has no raw data (a warning says which file is missing).
"""

import logging
from pathlib import Path

import numpy as np

from phy.io import RawDataReader, read_dat
from phy.io.h5 import h5_array, int_names, open_h5, read_attrs
from phy.traces.filter import Filter

logger = logging.getLogger(__name__)


def _kwd_data(path, recording, handles):
    """The raw array of a recording in a ``.raw.kwd`` file, or None."""
    if not path.is_file():
        return None
    f = open_h5(path)
    key = f"recordings/{recording}/data"
    if key not in f:
        f.close()
        return None
    handles.append(f)
    return h5_array(f[key], path)


def _candidates(kwik_path, raw_attrs):
    """``(kind, path)`` candidates of a recording's raw data, in the order of the lookup."""
    folder = kwik_path.parent
    out = []
    hdf5 = raw_attrs.get("hdf5_path")
    if hdf5:
        hdf5 = str(hdf5).split(".raw.kwd")[0] + ".raw.kwd"
        out.append(("kwd", folder / hdf5))
    dat = raw_attrs.get("dat_path")
    if dat:
        out += [("dat", folder / dat), ("dat", Path(dat)), ("dat", folder / Path(dat).name)]
    out.append(("kwd", kwik_path.with_suffix(".raw.kwd")))
    return out


def open_kwik_raw_data(kwik_path, recordings, dtype, n_channels, channel_order):
    """Open the raw data of all the recordings, concatenated, on the group's channels.

    Parameters
    ----------
    kwik_path : Path
    recordings : dict
        ``{recording id: attributes of its raw group}`` in recording order.
    dtype, n_channels
        Sample type and columns of flat binary files.
    channel_order : array-like
        The raw column of every shown channel.

    Returns
    -------
    traces, handles : RawDataReader or None, list
        The reader (None without raw data) and the open HDF5 files to close with it.

    """
    if not recordings:  # no /recordings: the flat binary file named after the .kwik
        recordings = {0: {"dat_path": kwik_path.with_suffix(".dat").name}}
    arrays, paths, handles = [], [], []
    for r, attrs in recordings.items():
        data = None
        for kind, path in _candidates(kwik_path, attrs):
            if kind == "kwd":
                data = _kwd_data(path, r, handles)
            elif path.is_file() and n_channels:
                data = read_dat(path, dtype=dtype, n_channels=int(n_channels))
            if data is not None:
                arrays.append(data)
                paths.append(path)
                break
        if data is None:
            logger.warning("No raw data found for recording %d of %s: no traces, no waveforms.",
                           r, kwik_path)
            for f in handles:
                f.close()
            return None, []
    return RawDataReader(arrays, channel_map=channel_order, paths=paths), handles


def read_recordings(kwik_file):
    """``{recording id: raw group attributes}`` and ``{recording id: start_sample}``."""
    group = kwik_file.get("recordings")
    raws, starts = {}, {}
    for r in int_names(group):
        node = group[str(r)]
        raws[r] = read_attrs(node["raw"]) if "raw" in node else {}
        starts[r] = read_attrs(node).get("start_sample")
    return raws, starts


def recording_offsets(time_samples, spike_recordings, recordings, n_samples=None):
    """The first sample of every recording in the concatenated time line (FORMATS §3.7).

    Parameters
    ----------
    time_samples : ndarray
        Spike samples relative to their recording.
    spike_recordings : ndarray
        Recording index of every spike.
    recordings : list
        Recording ids, in order.
    n_samples : list or None
        Samples of every recording's raw data (when found): recordings are concatenated.
        Without raw data, a recording starts one sample after the last spike of the previous.

    Returns
    -------
    offsets : dict
        ``{recording id: offset}``.

    """
    offsets, total = {}, 0
    for i, r in enumerate(recordings):
        offsets[r] = total
        if n_samples is not None:
            total += int(n_samples[i])
        else:
            sel = time_samples[spike_recordings == r]
            total += int(sel.max()) + 1 if len(sel) else 0
    return offsets


class WaveformLoader:
    """Filtered spike waveforms from the raw data, as klusta extracted them (FORMATS §3.8).

    Parameters
    ----------
    traces : RawDataReader
    spike_samples : array-like
    sample_rate : float
    metadata : dict
        The spikedetekt parameters (``extract_s_before``/``after``, ``filter_low``,
        ``filter_high_factor``, ``filter_butter_order``, ``waveform_filter``,
        ``waveform_dc_offset``, ``waveform_scale_factor``).

    """

    def __init__(self, traces, spike_samples, sample_rate, metadata):
        self.traces, self.spike_samples = traces, spike_samples
        self.before = int(metadata["extract_s_before"])
        self.n_samples = self.before + int(metadata["extract_s_after"])
        self.dc_offset = metadata.get("waveform_dc_offset")
        self.scale = metadata.get("waveform_scale_factor")
        self.filter = None
        if metadata.get("waveform_filter", True):
            order = int(metadata["filter_butter_order"])
            self.margin = 3 * order
            self.filter = Filter(rate=sample_rate, low=float(metadata["filter_low"]),
                                 high=float(metadata["filter_high_factor"]) * sample_rate,
                                 order=order)

    def get(self, spike_ids, channel_ids=None):
        """``(n_spikes, n_samples, n_channels)`` float32 waveforms of some spikes."""
        spike_ids = np.asarray(spike_ids, dtype=np.int64).ravel()
        starts = np.asarray(self.spike_samples[spike_ids], dtype=np.int64) - self.before
        n, before = self.n_samples, 0
        if self.filter is not None:  # zero-padded at the edges by ``windows``
            before = self.margin // 2
            n += self.margin
        data = self.traces.windows(starts - before, n, channel_ids).astype(np.float32)
        if self.filter is not None and len(data):
            data = self.filter(data, axis=1)[:, before:before + self.n_samples]
        if self.dc_offset:
            data = data - np.float32(self.dc_offset)
        if self.scale:
            data = data * np.float32(self.scale)
        return np.ascontiguousarray(data, dtype=np.float32)
