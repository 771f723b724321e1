"""Sparse per-spike features: PC features and template features (FORMATS §1.8, §1.9).

Features are stored per spike with per-template columns: row ``r`` holds spike ``rows[r]``
(all spikes when there is no ``*_spike_ids.npy``), and column ``k`` of a spike of template
``t`` refers to channel (PC features) or template (template features) ``cols[t, k]``, ``-1``
meaning padding. :func:`from_sparse` turns such rows into a dense array on requested columns;
:class:`SparseFeatures` answers queries by spike ids, reading only the rows it needs from the
memory map. Spikes without stored features get NaN rows.
"""

import numpy as np

from phy.io.npy import read_rows
from phy.utils import Bunch


def from_sparse(data, cols, channel_ids):
    """Convert a sparse structure into a dense one.

    Parameters
    ----------
    data : array-like
        A ``(n_spikes, n_channels_loc, ...)`` array with the data.
    cols : array-like
        A ``(n_spikes, n_channels_loc)`` array with the channel indices of every row in data
        (``-1`` = padding).
    channel_ids : array-like
        List of requested channel ids (columns), unique.

    Returns
    -------
    out : ndarray
        ``(n_spikes, len(channel_ids), ...)``: the value where the requested channel is among
        the row's channels, 0 elsewhere.

    """
    data = np.asarray(data)
    cols = np.asarray(cols, dtype=np.int64).reshape(data.shape[:2])
    channel_ids = np.asarray(channel_ids, dtype=np.int64).ravel()
    if np.unique(channel_ids).size != channel_ids.size:
        raise ValueError("The requested channel ids must be unique.")
    if channel_ids.size and channel_ids.min() < 0:
        raise ValueError("The requested channel ids must be non-negative.")
    out = np.zeros((data.shape[0], channel_ids.size) + data.shape[2:], dtype=data.dtype)
    if out.size == 0 or cols.size == 0:
        return out
    lookup = np.full(max(int(cols.max()), int(channel_ids.max())) + 1, -1, dtype=np.int64)
    lookup[channel_ids] = np.arange(channel_ids.size)
    index = np.where(cols >= 0, lookup[np.maximum(cols, 0)], -1)
    rows, k = np.nonzero(index >= 0)
    out[rows, index[rows, k]] = data[rows, k]
    return out


class SparseFeatures:
    """Query per-spike sparse features by spike ids.

    Parameters
    ----------
    data : ndarray
        ``(n_rows, n_cols, ...)`` features (memory map), columns on axis 1.
    cols : ndarray or None
        ``(n_templates, n_cols)`` column ids per template, or None for dense columns
        (column k is id k).
    rows : ndarray or None
        Sorted spike id of every row (any integer dtype, or floats holding integers), or None
        (row i is spike i).
    spike_templates : ndarray
        Template of every spike.

    """

    def __init__(self, data, cols, rows, spike_templates):
        self.data = data
        self.cols = cols
        self.rows = rows
        self.spike_templates = spike_templates

    @property
    def bunch(self):
        """``Bunch(data, cols, rows)`` as exposed by the model."""
        return Bunch(data=self.data, cols=self.cols, rows=self.rows)

    def _locate(self, spike_ids):
        """Row of every spike and whether it has features."""
        if self.rows is None:
            return spike_ids, (spike_ids >= 0) & (spike_ids < self.data.shape[0])
        if self.rows.size == 0:
            return spike_ids, np.zeros(spike_ids.size, dtype=bool)
        # Search in the dtype of the rows (a memory map of any integer or float dtype): casting
        # the few queried ids, never the whole vector. Ids that do not survive the cast (< 0,
        # too large) land anywhere and fail the equality check below.
        keys = np.maximum(spike_ids, 0).astype(self.rows.dtype)
        pos = np.minimum(np.searchsorted(self.rows, keys), self.rows.size - 1)
        return pos, np.asarray(self.rows[pos]) == spike_ids

    def get(self, spike_ids, column_ids):
        """Return dense features of some spikes on some column ids.

        Parameters
        ----------
        spike_ids : array-like
        column_ids : array-like
            Unique channel ids (PC features) or template ids (template features).

        Returns
        -------
        features : ndarray
            ``(n_spikes, n_columns, ...)`` float32; NaN rows for spikes without features.

        """
        spike_ids = np.asarray(spike_ids, dtype=np.int64).ravel()
        column_ids = np.asarray(column_ids, dtype=np.int64).ravel()
        rows, found = self._locate(spike_ids)
        out = np.full((spike_ids.size, column_ids.size) + self.data.shape[2:], np.nan,
                      dtype=np.float32)
        if not found.any():
            return out
        block = np.asarray(read_rows(self.data, rows[found]), dtype=np.float32)
        if self.cols is None:
            cols = np.broadcast_to(np.arange(self.data.shape[1]), block.shape[:2])
        else:
            cols = self.cols[np.asarray(self.spike_templates[spike_ids[found]], dtype=np.int64)]
        out[found] = from_sparse(block, cols, column_ids)
        return out
