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


def _column_chunks(m):
    """View of a 2D array as ``(n_chunks, rows, CHUNK_COLUMNS)`` (whole chunks only)."""
    n = m.shape[1] // CHUNK_COLUMNS * CHUNK_COLUMNS
    return m[:, :n].reshape(len(m), -1, CHUNK_COLUMNS).swapaxes(0, 1)


def _matmul(a, b, out):
    """``out[:] = a @ b`` (2D; `out` C-contiguous), by chunks of columns on the filter threads.

    Each product of a chunk is small enough for the BLAS library to compute it on the calling
    thread: its own threads would spin waiting for each other on a busy machine.
    """
    chunks_b, chunks_out = _column_chunks(b), _column_chunks(out)
    n_chunks = len(chunks_b)
    if N_THREADS > 1 and n_chunks >= 4 * N_THREADS:
        bounds = np.linspace(0, n_chunks, N_THREADS + 1).astype(int)
        futures = [_thread_pool().submit(np.matmul, a, chunks_b[i:j], out=chunks_out[i:j])
                   for i, j in zip(bounds[:-1], bounds[1:])]
        for f in futures:
            f.result()
    elif n_chunks:
        np.matmul(a, chunks_b, out=chunks_out)
    done = n_chunks * CHUNK_COLUMNS
    if done < b.shape[1]:
        np.matmul(a, b[:, done:], out=out[:, done:])


def _filter_pass(operators, src, dst, reverse):
    """One pass of the filter over blocked signals, from a zero state (as ``sosfilt``).

    `src` is ``(block + k, n_blocks, n_signals)``: the samples of block ``j`` are
    ``src[:block, j]`` (sample ``i`` of block ``j`` is time ``j * block + i``); the states
    entering the blocks are written into ``src[block:]``. `dst` (``(block, n_blocks,
    n_signals)``, C-contiguous) receives the output. The block-to-block state recursion is the
    only sequential part; the rest is two matrix products over all blocks and signals.
    """
    to, g, p = operators
    block, n_blocks = g.shape[1], src.shape[1]
    z = np.empty((len(g), src[0].size), dtype=src.dtype)
    _matmul(g, src[:block].reshape(block, -1), z)
    z = z.reshape(len(g), n_blocks, -1)
    states = src[block:]
    s = np.zeros(z[:, 0].shape)
    for j in (range(n_blocks - 1, -1, -1) if reverse else range(n_blocks)):
        states[:, j] = s
        s = p @ s + z[:, j]
    _matmul(to, src.reshape(len(src), -1), dst.reshape(block, -1))


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
    # Blocked layout (sample in block, block, signal): each row of a block is contiguous.
    a = np.empty((block + k, n_blocks, signals.shape[1]), dtype=dtype)
    b = np.empty_like(a)
    full = n - tail
    a[:block, :full // block] = signals[:full].reshape(-1, block, signals.shape[1]).swapaxes(0, 1)
    if tail:  # The last block padded with zeros (no effect on the samples before).
        a[:tail, -1], a[tail:block, -1] = signals[full:], 0
    key = sos.tobytes(), len(sos), block
    _filter_pass(_block_operators(*key, False, dtype), a, b[:block], reverse=False)
    if tail:  # The backward pass starts at the last sample, from a zero state.
        b[tail:block, -1] = 0
    _filter_pass(_block_operators(*key, True, dtype), b, a[:block], reverse=True)
    out = b.reshape(-1)[:a[:block].size].reshape(n_blocks, block, -1)  # b is free again.
    out[:] = a[:block].swapaxes(0, 1)
    return np.moveaxis(out.reshape(-1, signals.shape[1])[:n].reshape(moved.shape), 0, axis)


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
