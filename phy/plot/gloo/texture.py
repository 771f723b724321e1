"""1D and 2D textures, uploaded lazily.

The data type picks the texture format: ``uint8`` data gives a normalized 8-bit texture (values
read as 0..1 in GLSL), any other type a 32-bit float texture holding the values unchanged. The
last axis holds 1 to 4 channels (red, rg, rgb, rgba); a 1-channel texture reads as ``.r``.
"""

from abc import ABC, abstractmethod

import numpy as np

from .gl import (
    GL_CLAMP_TO_EDGE,
    GL_FLOAT,
    GL_LINEAR,
    GL_MAX_TEXTURE_SIZE,
    GL_NEAREST,
    GL_R8,
    GL_R32F,
    GL_RED,
    GL_REPEAT,
    GL_RG,
    GL_RG8,
    GL_RG32F,
    GL_RGB,
    GL_RGB8,
    GL_RGB32F,
    GL_RGBA,
    GL_RGBA8,
    GL_RGBA32F,
    GL_TEXTURE0,
    GL_TEXTURE_1D,
    GL_TEXTURE_2D,
    GL_TEXTURE_MAG_FILTER,
    GL_TEXTURE_MIN_FILTER,
    GL_TEXTURE_WRAP_S,
    GL_TEXTURE_WRAP_T,
    GL_UNPACK_ALIGNMENT,
    GL_UNSIGNED_BYTE,
    glActiveTexture,
    glBindTexture,
    glDeleteTextures,
    glGenTextures,
    glGetIntegerv,
    glPixelStorei,
    glTexImage1D,
    glTexImage2D,
    glTexParameteri,
)

# n_channels: (format, 8-bit internal format, float internal format)
_FORMATS = {
    1: (GL_RED, GL_R8, GL_R32F),
    2: (GL_RG, GL_RG8, GL_RG32F),
    3: (GL_RGB, GL_RGB8, GL_RGB32F),
    4: (GL_RGBA, GL_RGBA8, GL_RGBA32F),
}
_INTERPOLATIONS = {"nearest": GL_NEAREST, "linear": GL_LINEAR}
_WRAPPINGS = {"clamp_to_edge": GL_CLAMP_TO_EDGE, "repeat": GL_REPEAT}


class _Texture(ABC):
    """An OpenGL texture of `ndim` spatial dimensions."""

    target = None
    ndim = None

    def __init__(self, data=None, interpolation="nearest", wrapping="clamp_to_edge"):
        if interpolation not in _INTERPOLATIONS:
            raise ValueError(f"Unknown interpolation {interpolation!r}: {list(_INTERPOLATIONS)}.")
        if wrapping not in _WRAPPINGS:
            raise ValueError(f"Unknown wrapping {wrapping!r}: {list(_WRAPPINGS)}.")
        self.interpolation = interpolation
        self.wrapping = wrapping
        self.id = None
        self.shape = None
        self._pending = None
        if data is not None:
            self.set_data(data)

    def set_data(self, data):
        """Set the texture data: shape ``spatial shape + (n_channels,)`` or just spatial."""
        data = np.asarray(data)
        if data.ndim == self.ndim:
            data = data[..., np.newaxis]
        if data.ndim != self.ndim + 1 or data.shape[-1] not in _FORMATS:
            raise ValueError(
                f"{type(self).__name__} data must have {self.ndim} spatial dimension(s) and "
                f"1 to 4 channels, got shape {data.shape}.")
        if min(data.shape[:-1]) < 1:
            raise ValueError(f"{type(self).__name__} data is empty (shape {data.shape}).")
        dtype = np.uint8 if data.dtype == np.uint8 else np.float32
        self._pending = np.ascontiguousarray(data, dtype=dtype)
        self.shape = data.shape

    def activate(self, unit=0):
        """Bind the texture to a texture unit and upload the pending data."""
        glActiveTexture(GL_TEXTURE0 + unit)
        if self.id is None:
            self.id = int(glGenTextures(1))
        glBindTexture(self.target, self.id)
        if self._pending is not None:
            data, self._pending = self._pending, None
            max_size = int(glGetIntegerv(GL_MAX_TEXTURE_SIZE))
            if max(data.shape[:-1]) > max_size:
                raise ValueError(
                    f"Texture of shape {data.shape} exceeds the maximum size of this OpenGL "
                    f"implementation ({max_size}).")
            fmt, internal_8bit, internal_float = _FORMATS[data.shape[-1]]
            is_8bit = data.dtype == np.uint8
            internal = internal_8bit if is_8bit else internal_float
            gl_type = GL_UNSIGNED_BYTE if is_8bit else GL_FLOAT
            glPixelStorei(GL_UNPACK_ALIGNMENT, 1)
            self._upload(data, internal, fmt, gl_type)
            interpolation = _INTERPOLATIONS[self.interpolation]
            glTexParameteri(self.target, GL_TEXTURE_MIN_FILTER, interpolation)
            glTexParameteri(self.target, GL_TEXTURE_MAG_FILTER, interpolation)
            glTexParameteri(self.target, GL_TEXTURE_WRAP_S, _WRAPPINGS[self.wrapping])
            if self.ndim == 2:
                glTexParameteri(self.target, GL_TEXTURE_WRAP_T, _WRAPPINGS[self.wrapping])

    @abstractmethod
    def _upload(self, data, internal, fmt, gl_type):
        """Upload `data` to the bound texture with ``glTexImage1D/2D``."""

    def delete(self):
        """Delete the OpenGL texture (needs its OpenGL context to be current)."""
        if self.id is not None:
            glDeleteTextures(1, [self.id])
            self.id = None


class Texture1D(_Texture):
    """A 1D texture: data of shape ``(width,)`` or ``(width, n_channels)``."""

    target = GL_TEXTURE_1D
    ndim = 1

    def _upload(self, data, internal, fmt, gl_type):
        glTexImage1D(self.target, 0, internal, data.shape[0], 0, fmt, gl_type, data)


class Texture2D(_Texture):
    """A 2D texture: data of shape ``(height, width)`` or ``(height, width, n_channels)``.

    The first row of the array is the row ``t = 0`` of the texture.
    """

    target = GL_TEXTURE_2D
    ndim = 2

    def _upload(self, data, internal, fmt, gl_type):
        height, width = data.shape[:2]
        glTexImage2D(self.target, 0, internal, width, height, 0, fmt, gl_type, data)
