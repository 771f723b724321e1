"""Histograms: filled bars, two triangles per bin, all histograms in one draw call."""

import numpy as np

from phy.utils import Bunch

from ..visual import BaseVisual
from .utils import as_colors, as_values, check_no_kwargs, to_uint8

# The six corners (x, y) of the two triangles of a bar, in units of the bar's width and height.
_BAR_CORNERS = np.array([[0, 0], [1, 0], [0, 1], [1, 0], [1, 1], [0, 1]], dtype=np.float64)


class HistogramVisual(BaseVisual):
    """A histogram visual.

    Each histogram fills its box: bins side by side from x = -1 to 1, counts from y = -1 (zero)
    to 1 (`ylim`).

    Parameters
    ----------
    hist : array-like (1D), or list of 1D arrays, or 2D array
        One histogram per row; all histograms have the same number of bins.
    color : array-like (2D, shape[1] == 4)
        One color for all histograms, or one per histogram.
    ylim : array-like (1D)
        The maximum hist value in the viewport, one for all or one per histogram (by default,
        the maximum of each histogram).

    """

    def __init__(self):
        super().__init__()
        self.set_shader("histogram")
        self.set_primitive_type("triangles")

    def validate(self, hist=None, color=None, ylim=None, **kwargs):
        """Validate the requested data before passing it to set_data()."""
        check_no_kwargs(self, kwargs)
        if hist is None:
            raise ValueError("HistogramVisual: `hist` is required.")
        try:
            hist = np.atleast_2d(np.asarray(hist, dtype=np.float64))
        except ValueError:
            raise ValueError("HistogramVisual: all histograms must have the same number of "
                             "bins.") from None
        if hist.ndim != 2:
            raise ValueError(f"HistogramVisual: `hist` must be 1D or 2D, got {hist.shape}.")
        n = len(hist)
        default_ylim = hist.max(axis=1) if hist.shape[1] else np.ones(n)
        ylim = as_values(self, "ylim", ylim, n, 1.0) if ylim is not None else default_ylim
        ylim = np.where(ylim > 0, ylim, 1.0).astype(np.float32)
        return Bunch(hist=hist, color=as_colors(self, color, n), ylim=ylim)

    def vertex_count(self, hist, **kwargs):
        """Number of vertices for the requested data."""
        return 6 * np.atleast_2d(np.asarray(hist)).size

    def vertex_counts(self, data):
        """Six vertices per bin of each histogram."""
        return np.full(len(data.hist), 6 * data.hist.shape[1], dtype=np.int64)

    def _program_data(self, data):
        n_hists, n_bins = data.hist.shape
        # (n_hists, n_bins, 6, 2) corners: x in bins, y in units of ylim.
        x = (np.arange(n_bins)[np.newaxis, :, np.newaxis] + _BAR_CORNERS[:, 0]) / max(n_bins, 1)
        y = (data.hist / data.ylim[:, np.newaxis])[..., np.newaxis] * _BAR_CORNERS[:, 1]
        x = np.broadcast_to(x, y.shape)
        pos = np.stack([2 * x - 1, 2 * y - 1], axis=-1).reshape(-1, 2)
        return {
            "a_position": pos.astype(np.float32),
            "a_color": np.repeat(to_uint8(data.color), 6 * n_bins, axis=0),
        }
