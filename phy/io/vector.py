"""Per-spike vectors converted on the fly from a memory-mapped file, never copied.

Sorters store spike times as ``uint64`` samples (or ``float64`` samples from MATLAB, or seconds
in ALF files) and ids as ``uint32``/``int32``/``float64``; the public API exposes ids as
``int64`` and times as ``float64`` seconds. Copying the files into that form would cost up to
8 bytes per spike and array (800 MB per array at 100 M spikes) on disk or in memory. A
:class:`LazyVector` instead wraps the memory map and converts only the elements read:

* ``v[i]``, ``v[a:b]``, ``v[spike_ids]``, ``v[mask]`` read those elements and convert them;
* ``np.asarray(v)`` converts the whole vector (chunk by chunk into one new array);
* operators and ufuncs (``v / 2``, ``v == 3``, ``np.bincount(v)``) work on the converted array.

It is read-only and one-dimensional, like the memory map it wraps.
"""

import numpy as np

from .npy import iter_chunks, native, read_slice

#: Elements converted at once by ``np.asarray(vector)``.
CHUNK_SIZE = 1 << 21


class LazyVector(np.lib.mixins.NDArrayOperatorsMixin):
    """A read-only 1-D array whose elements are converted from a source vector when read.

    Parameters
    ----------
    source : ndarray
        The 1-D source (typically a read-only memory map), any dtype and byte order.
    dtype : NumPy dtype
        The dtype of the converted elements.
    convert : function or None
        ``convert(chunk)`` turns a native-byte-order chunk of the source into values of `dtype`
        (default: a plain cast).

    """

    ndim = 1

    def __init__(self, source, dtype, convert=None):
        self.source = source
        self.dtype = np.dtype(dtype)
        self._convert = convert

    @property
    def shape(self):
        """``(n,)``, the shape of the source."""
        return self.source.shape

    @property
    def size(self):
        """Number of elements."""
        return self.source.size

    @property
    def nbytes(self):
        """Bytes of the converted array (``np.asarray(self)``)."""
        return self.size * self.dtype.itemsize

    def __len__(self):
        return self.size

    def _converted(self, chunk):
        chunk = native(np.asarray(chunk))
        if self._convert is not None:
            chunk = self._convert(chunk)
        return np.asarray(chunk).astype(self.dtype, copy=False)

    def __getitem__(self, item):
        if isinstance(item, LazyVector):
            item = np.asarray(item)
        return self._converted(self.source[item])[()]

    def __iter__(self):
        for start, stop in iter_chunks(self.size, CHUNK_SIZE):
            yield from self[start:stop]

    def __array__(self, dtype=None, copy=None):
        out = np.empty(self.shape, dtype=self.dtype)
        for start, stop in iter_chunks(self.size, CHUNK_SIZE):  # read, not mapped: see read_slice
            out[start:stop] = self._converted(read_slice(self.source, start, stop))
        return out if dtype is None else out.astype(dtype, copy=False)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if any(isinstance(x, LazyVector) for x in kwargs.get("out", ())):
            raise TypeError("A LazyVector is read-only.")
        inputs = tuple(np.asarray(x) if isinstance(x, LazyVector) else x for x in inputs)
        return getattr(ufunc, method)(*inputs, **kwargs)

    def astype(self, dtype):
        """Return the converted vector as a new array of another dtype."""
        return np.asarray(self).astype(dtype, copy=False)

    def tolist(self):
        """Return the converted values as a list of Python scalars."""
        return np.asarray(self).tolist()

    def __repr__(self):
        return f"<LazyVector {self.size} {self.dtype} from {self.source.dtype}>"
