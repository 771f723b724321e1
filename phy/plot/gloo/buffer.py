"""Vertex and index buffers, uploaded lazily with full or partial updates.

``set_data()`` only records the data; the upload happens in ``activate()``, which the program
calls while drawing, in the current OpenGL context. Data of the same size as the buffer is
uploaded in place (``glBufferSubData``), a range with ``offset`` updates part of the buffer, and
data of another size reallocates it (``glBufferData``); ``update_rows()`` always updates in
place, also the first rows.
"""

import numpy as np

from .gl import (
    GL_ARRAY_BUFFER,
    GL_DYNAMIC_DRAW,
    GL_ELEMENT_ARRAY_BUFFER,
    glBindBuffer,
    glBufferData,
    glBufferSubData,
    glDeleteBuffers,
    glGenBuffers,
)


class _Buffer:
    """An OpenGL buffer object holding rows of one dtype."""

    target = None
    dtype = None

    def __init__(self, data=None):
        self.id = None
        self.shape = (0,)
        self._allocate = None  # data to upload with glBufferData
        self._updates = []  # (byte offset, data) to upload with glBufferSubData
        if data is not None:
            self.set_data(data)

    def _check(self, data):
        return np.ascontiguousarray(data, dtype=self.dtype)

    @property
    def size(self):
        """Number of rows (vertices or indices) in the buffer."""
        return self.shape[0]

    @property
    def row_nbytes(self):
        """Number of bytes of one row."""
        return int(np.prod(self.shape[1:], dtype=np.int64)) * np.dtype(self.dtype).itemsize

    @property
    def has_pending_upload(self):
        """Whether some data waits to be uploaded to the GPU."""
        return self._allocate is not None or bool(self._updates)

    def set_data(self, data, offset=0):
        """Set the buffer data, or the rows starting at `offset`.

        Parameters
        ----------
        data : array-like
        offset : int
            First row to update. With a nonzero offset, or data as large as the buffer, the
            buffer is updated in place; otherwise it is reallocated with the new data.

        """
        data = self._check(data)
        if offset == 0 and data.shape != self.shape:
            self.shape = data.shape
            self._allocate = data
            self._updates = []
            return
        if offset == 0:  # The whole buffer, in place: supersedes the pending uploads.
            if self._allocate is not None:
                self._allocate = data
            else:
                self._updates = [(0, data)]
            return
        self.update_rows(data, offset)

    def update_rows(self, data, offset):
        """Update the rows ``offset:offset + len(data)`` in place (never reallocates)."""
        data = self._check(data)
        if data.shape[1:] != self.shape[1:] or offset < 0 or offset + len(data) > self.size:
            raise ValueError(
                f"Cannot update rows {offset}:{offset + len(data)} of a buffer of shape "
                f"{self.shape} with data of shape {data.shape}.")
        self._updates.append((offset * self.row_nbytes, data))

    def activate(self):
        """Bind the buffer and upload the pending data (needs a current OpenGL context)."""
        if self.id is None:
            self.id = int(glGenBuffers(1))
        glBindBuffer(self.target, self.id)
        if self._allocate is not None:
            glBufferData(self.target, self._allocate.nbytes, self._allocate, GL_DYNAMIC_DRAW)
            self._allocate = None
        for offset, data in self._updates:
            glBufferSubData(self.target, offset, data.nbytes, data)
        self._updates = []

    def delete(self):
        """Delete the OpenGL buffer (needs its OpenGL context to be current)."""
        if self.id is not None:
            glDeleteBuffers(1, [self.id])
            self.id = None


class VertexBuffer(_Buffer):
    """A buffer of vertex attributes, shape ``(n_vertices, n_components)``.

    ``uint8`` data is stored as it is and read as *normalized* values (0..255 as 0..1 in GLSL):
    a fourth of the memory of float32, for colors and masks. Any other data is stored as float32.
    Setting data of the other kind reallocates the buffer.
    """

    target = GL_ARRAY_BUFFER
    dtype = np.float32

    @property
    def normalized(self):
        """Whether the buffer holds normalized uint8 values."""
        return self.dtype == np.uint8

    @staticmethod
    def _dtype_of(data):
        return np.uint8 if np.asarray(data).dtype == np.uint8 else np.float32

    def set_data(self, data, offset=0):
        """Set the data, or the rows starting at `offset` (see :meth:`_Buffer.set_data`)."""
        if not offset and self._dtype_of(data) != self.dtype:
            self.dtype, self.shape = self._dtype_of(data), (0,)
        super().set_data(data, offset=offset)

    def update_rows(self, data, offset):
        """Update rows in place (see :meth:`_Buffer.update_rows`); the dtype must not change."""
        dtype = self._dtype_of(data)
        if dtype != self.dtype:
            raise ValueError(
                f"Cannot update rows of a {np.dtype(self.dtype).name} buffer with "
                f"{np.dtype(dtype).name} data.")
        super().update_rows(data, offset)

    def _check(self, data):
        data = np.asarray(data, dtype=self.dtype)
        if data.ndim == 1:
            data = data[:, np.newaxis]
        if data.ndim != 2 or not 1 <= data.shape[1] <= 4:
            raise ValueError(
                f"Vertex data must have shape (n_vertices, 1 to 4), got {data.shape}.")
        return np.ascontiguousarray(data)

    @property
    def n_components(self):
        """Number of components per vertex (1 to 4)."""
        return self.shape[1] if len(self.shape) == 2 else 0


class IndexBuffer(_Buffer):
    """A buffer of uint32 vertex indices."""

    target = GL_ELEMENT_ARRAY_BUFFER
    dtype = np.uint32

    def __init__(self, data=None):
        self.max_index = -1
        super().__init__(data)

    def _check(self, data):
        data = np.asarray(data)
        if data.ndim != 1:
            raise ValueError(f"Indices must be a 1D array, got shape {data.shape}.")
        if data.size and (data.min() < 0 or data.max() > np.iinfo(np.uint32).max):
            raise ValueError("Indices must be non-negative 32-bit integers.")
        return np.ascontiguousarray(data, dtype=np.uint32)

    def set_data(self, data, offset=0):
        """Set the indices, or those starting at `offset` (see :meth:`_Buffer.set_data`)."""
        data = self._check(data)
        super().set_data(data, offset=offset)
        if data.size:
            self.max_index = max(self.max_index if offset else -1, int(data.max()))
