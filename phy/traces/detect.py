"""Thresholds of filtered traces: robust noise level, weak and strong threshold crossings."""

import numpy as np

#: Median absolute deviation of a standard Gaussian: ``std ≈ median(|x|) / 0.6745``.
MAD_FACTOR = 0.6745
#: Default weak and strong thresholds, in units of the noise standard deviation.
DEFAULT_STD_FACTOR = (2.0, 4.5)


def compute_threshold(arr, single_threshold=True, std_factor=None):
    """Compute the threshold(s) of filtered traces.

    The noise standard deviation is estimated robustly (spikes barely change it) as the median
    absolute value divided by 0.6745, over all the channels or per channel.

    Parameters
    ----------
    arr : ndarray
        Filtered traces, shape ``(n_samples, n_channels)``.
    single_threshold : bool
        Whether there should be a unique threshold for all channels, or one threshold per
        channel.
    std_factor : float or 2-tuple
        The threshold in unit of signal std. Two values can be specified for multiple
        thresholds (weak and strong); default ``(2.0, 4.5)``.

    Returns
    -------
    thresholds : ndarray
        A ``(2,)`` or ``(2, n_channels)`` array with the (weak, strong) thresholds.

    """
    arr = np.asarray(arr)
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError("The traces must be a non-empty (n_samples, n_channels) array.")
    factors = np.broadcast_to(
        np.asarray(DEFAULT_STD_FACTOR if std_factor is None else std_factor, dtype=float), 2)
    # |x| channel-major (a contiguous partition per channel), sorted in place.
    values = np.abs(arr.T if single_threshold else np.ascontiguousarray(arr.T))
    axis = None if single_threshold else 1
    std = np.median(values, axis=axis, overwrite_input=True) / MAD_FACTOR
    return np.multiply.outer(factors, std)


class Thresholder:
    """Threshold traces to detect spikes.

    Parameters
    ----------
    mode : str
        ``'positive'``, ``'negative'``, or ``'both'``.
    thresholds : dict, 2-sequence or float
        A ``{str: float}`` mapping for multiple thresholds (e.g. ``weak`` and ``strong``); a
        pair is ``(weak, strong)``. Values may be per-channel arrays.

    Examples
    --------
    >>> thres = Thresholder('positive', thresholds=(.1, .2))  # doctest: +SKIP
    >>> crossings = thres(traces)  # {'weak': bool array, 'strong': bool array}

    """

    MODES = ("positive", "negative", "both")

    def __init__(self, mode=None, thresholds=None):
        mode = mode or "negative"
        if mode not in self.MODES:
            raise ValueError(f"Unknown detection mode {mode!r}: expected one of {self.MODES}.")
        self.mode = mode
        if thresholds is None:
            thresholds = {}
        elif np.ndim(thresholds) == 0 and not isinstance(thresholds, dict):
            thresholds = {"default": thresholds}
        elif not isinstance(thresholds, dict):
            weak, strong = thresholds
            thresholds = dict(weak=weak, strong=strong)
        self.thresholds = dict(thresholds)

    def transform(self, data):
        """Return ``data``, ``-data``, or ``abs(data)`` depending on the mode."""
        data = np.asarray(data)
        if self.mode == "positive":
            return data
        return -data if self.mode == "negative" else np.abs(data)

    def detect(self, data_t, threshold=None):
        """Perform the thresholding operation on transformed data.

        Parameters
        ----------
        data_t : ndarray
            Transformed data (:meth:`transform`).
        threshold : str, float or None
            A threshold name, a value, or None for every named threshold.

        Returns
        -------
        crossings : ndarray or dict
            ``data_t > value`` (boolean), or ``{name: crossings}`` if `threshold` is None.

        """
        if threshold is None:
            return {name: self.detect(data_t, name) for name in self.thresholds}
        if isinstance(threshold, str):
            if threshold not in self.thresholds:
                raise KeyError(f"Unknown threshold {threshold!r}: expected one of "
                               f"{sorted(self.thresholds)}.")
            threshold = self.thresholds[threshold]
        return data_t > threshold

    def __call__(self, data, threshold=None):
        """Transform then threshold `data` (see :meth:`detect`)."""
        return self.detect(self.transform(data), threshold=threshold)
