"""Digital filters for raw data and waveforms: Butterworth filters applied with zero phase.

The filter used for display (``high_pass``) is a 3rd-order Butterworth high-pass at 150 Hz,
applied forward then backward on the reversed signal, without padding. Waveforms are
preprocessed by subtracting their median over time before filtering (:func:`filter_waveforms`).
SciPy is imported on first use only.
"""

import functools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def butterworth(rate, low=None, high=None, order=3):
    """Design a Butterworth filter.

    Parameters
    ----------
    rate : float
        Sampling rate in Hz.
    low : float or None
        High-pass cut-off in Hz (frequencies below are removed).
    high : float or None
        Low-pass cut-off in Hz (frequencies above are removed).
    order : int

    Returns
    -------
    b, a : ndarray
        Filter coefficients (band-pass if both cut-offs are given).

    """
    from scipy import signal

    if rate <= 0:
        raise ValueError("The sampling rate must be positive.")
    nyquist = rate / 2.0
    if low is not None and high is not None:
        return signal.butter(order, (low / nyquist, high / nyquist), btype="bandpass")
    if low is not None:
        return signal.butter(order, low / nyquist, btype="highpass")
    if high is not None:
        return signal.butter(order, high / nyquist, btype="lowpass")
    raise ValueError("At least one of the cut-off frequencies must be given.")


#: Samples per block of the blocked filter (:func:`apply_filter`).
BLOCK_SAMPLES = 32
#: Signals (times blocks) per matrix product of the blocked filter.
CHUNK_COLUMNS = 192
#: Threads computing the matrix products (NumPy releases the GIL).
N_THREADS = min(2, os.cpu_count() or 1)
#: Below this many values, the products are computed on the calling thread only.
MIN_THREADED_SIZE = 200_000

_pool = None


def _thread_pool():
    """The threads of the filter's matrix products (created on first use)."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(N_THREADS, thread_name_prefix="phy-filter")
    return _pool


@functools.lru_cache(maxsize=32)
def _block_operators(sos_bytes, n_sections, block, reverse, dtype):
    """Matrices applying ``sosfilt`` to blocks of `block` samples, obtained from ``sosfilt``.

    For a block ``x`` entered with the filter state ``s`` (the ``zi`` of ``sosfilt``, flat),
    the output is ``T @ x + O @ s`` and the state after the block ``P @ s + G @ x``: the
    columns of ``T`` and ``G`` are the filter's response to unit impulses, those of ``O`` and
    ``P`` its response to unit states. With `reverse`, the same for the time-reversed block
    (the backward pass).

    Returns
    -------
    to : ndarray
        ``[T | O]``, ``(block, block + k)`` in `dtype`, ``k = 2 * n_sections``.
    g : ndarray
        ``(k, block)`` in `dtype`.
    p : ndarray
        ``(k, k)`` float64 (the state recursion runs in double precision).

    """
    from scipy import signal

    sos = np.frombuffer(sos_bytes).reshape(n_sections, 6).copy()
    k = 2 * n_sections
    t, g = signal.sosfilt(sos, np.eye(block), axis=0, zi=np.zeros((n_sections, 2, block)))
    o, p = signal.sosfilt(sos, np.zeros((block, k)), axis=0, zi=np.eye(k).reshape(-1, 2, k))
    g, p = g.reshape(k, block), p.reshape(k, k)
    if reverse:
        t, o, g = t[::-1, ::-1], o[::-1], g[:, ::-1]
    return (np.ascontiguousarray(np.hstack([t, o]), dtype=dtype),
            np.ascontiguousarray(g, dtype=dtype), p)


def _matmul(a, b, out):
    """``out[j] = a @ b[j]`` for every block ``j``, on the filter threads.

    `b` is ``(n_blocks, K, n_signals)`` and `out` ``(n_blocks, M, n_signals)``, with contiguous
    rows. The products are made by chunks of :data:`CHUNK_COLUMNS` signals, small enough for the
    BLAS library to compute each on the calling thread: its own threads would spin waiting for
    each other on a busy machine.
    """
    n_blocks, _, n_signals = b.shape
    columns = [slice(i, i + CHUNK_COLUMNS) for i in range(0, n_signals, CHUNK_COLUMNS)]
    n_parts = N_THREADS if b.size >= MIN_THREADED_SIZE else 1
    bounds = np.linspace(0, n_blocks, n_parts + 1).astype(int)
    parts = [[(slice(i, j), c) for c in columns] for i, j in zip(bounds[:-1], bounds[1:])]

    def run(tasks):
        for rows, cols in tasks:
            np.matmul(a, b[rows, :, cols], out=out[rows, :, cols])

    futures = [_thread_pool().submit(run, tasks) for tasks in parts[1:]]
    run(parts[0])
    for f in futures:
        f.result()


def _filter_pass(operators, src, dst, reverse):
    """One pass of the filter over blocked signals, from a zero state (as ``sosfilt``).

    `src` is ``(n_blocks, block + k, n_signals)``: ``src[j, i]`` is sample ``j * block + i``;
    the filter states entering the blocks are written into ``src[:, block:]``. `dst`
    (``(n_blocks, block, n_signals)``, contiguous rows) receives the output. The block-to-block
    state recursion is the only sequential part; the rest is two matrix products over all the
    blocks and signals.
    """
    to, g, p = operators
    block = g.shape[1]
    z = np.empty((len(src), len(g), src.shape[2]), dtype=src.dtype)
    _matmul(g, src[:, :block], z)
    states = src[:, block:]
    s = np.zeros(z.shape[1:])
    for j in (range(len(src) - 1, -1, -1) if reverse else range(len(src))):
        states[j] = s
        s = p @ s + z[j]
    _matmul(to, src, dst)


def apply_filter(x, filter, axis=0):
    """Apply a filter forward then backward along an axis (zero phase, no padding).

    The result is that of ``scipy.signal.sosfilt`` run forward, then backward on the reversed
    output, from a zero state, within floating-point rounding. It is computed by blocks of
    :data:`BLOCK_SAMPLES` samples (:func:`_block_operators`): matrix products over all the
    signals and blocks (on :data:`N_THREADS` threads), and a short sequential
    recursion of the filter state from block to block.

    Parameters
    ----------
    x : array-like
        The data; integers are converted to float32.
    filter : tuple
        ``(b, a)`` coefficients.
    axis : int

    Returns
    -------
    y : ndarray
        Filtered data, float32 unless `x` is float64, of the shape of `x`. For
        ``(n_samples, n_channels)`` data and ``axis=0``, ``y`` is C-contiguous (time-major).

    """
    from scipy import signal

    x = np.asarray(x)
    dtype = np.float64 if x.dtype == np.float64 else np.float32
    n = x.shape[axis]
    if n == 0:
        return x.astype(dtype)
    sos = np.ascontiguousarray(signal.tf2sos(*filter), dtype=np.float64)
    block, k = BLOCK_SAMPLES, 2 * len(sos)
    moved = np.moveaxis(x, axis, 0)
    signals = moved.reshape(n, -1)
    n_blocks, tail = -(-n // block), n % block
    n_signals = signals.shape[1]
    # Blocked layout: the samples of each block, then room for the filter states entering it.
    a = np.empty((n_blocks, block + k, n_signals), dtype=dtype)
    full = n - tail
    a[:full // block, :block] = signals[:full].reshape(-1, block, n_signals)
    if tail:  # The last block padded with zeros (no effect on the samples before).
        a[-1, :tail], a[-1, tail:block] = signals[full:], 0
    b = np.empty_like(a)
    key = sos.tobytes(), len(sos), block
    _filter_pass(_block_operators(*key, False, dtype), a, b[:, :block], reverse=False)
    if tail:  # The backward pass starts at the last sample, from a zero state.
        b[-1, tail:block] = 0
    out = a.reshape(-1)[:n_blocks * block * n_signals].reshape(n_blocks, block, n_signals)
    _filter_pass(_block_operators(*key, True, dtype), b, out, reverse=True)  # a is free.
    return np.moveaxis(out.reshape(-1, n_signals)[:n].reshape(moved.shape), 0, axis)


class Filter:
    """Multichannel Butterworth filter, applied with zero phase along one axis.

    Parameters
    ----------
    rate : float
        Sampling rate in Hz.
    low : float or None
        High-pass cut-off in Hz.
    high : float or None
        Low-pass cut-off in Hz.
    order : int

    Examples
    --------
    >>> fil = Filter(rate=20000., low=500., high=5000., order=3)  # doctest: +SKIP
    >>> traces_f = fil(traces)  # doctest: +SKIP

    """

    def __init__(self, rate=None, low=None, high=None, order=3):
        self.rate, self.low, self.high, self.order = rate, low, high, order
        self._coefs = butterworth(rate, low=low, high=high, order=order)

    def __call__(self, data, axis=0):
        """Filter `data` along `axis` (time)."""
        return apply_filter(data, self._coefs, axis=axis)

    def __repr__(self):
        return f"<Filter rate={self.rate} low={self.low} high={self.high} order={self.order}>"


def high_pass_filter(sample_rate, cutoff=150.0, order=3):
    """The default display filter: Butterworth high-pass (150 Hz, order 3, zero phase)."""
    return Filter(rate=sample_rate, low=cutoff, order=order)


def subtract_median(x, axis=0):
    """Subtract the median along an axis (float32 result unless `x` is float64)."""
    x = np.asarray(x)
    if x.dtype != np.float64:
        x = x.astype(np.float32)
    return x - np.median(x, axis=axis, keepdims=True)


def filter_waveforms(waveforms, filter=None, axis=1):
    """Preprocess spike waveforms for display: subtract the median over time, then filter.

    Parameters
    ----------
    waveforms : array-like
        ``(n_spikes, n_samples, n_channels)`` waveforms (time along `axis`).
    filter : callable or None
        Applied as ``filter(data, axis=axis)``; None only subtracts the median (``raw``).
    axis : int
        Time axis.

    """
    out = subtract_median(waveforms, axis=axis)
    return filter(out, axis=axis) if filter is not None else out
