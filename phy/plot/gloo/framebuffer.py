"""An offscreen framebuffer (RGBA color and depth) for renders read back as arrays.

Used for canvas screenshots and for the pixel tests: bind it, draw, and :meth:`FrameBuffer.read`
the pixels as a ``(height, width, 4)`` uint8 array, first row at the top.
"""

import numpy as np

from .gl import (
    GL_COLOR_ATTACHMENT0,
    GL_DEPTH_ATTACHMENT,
    GL_DEPTH_COMPONENT24,
    GL_FRAMEBUFFER,
    GL_FRAMEBUFFER_COMPLETE,
    GL_RENDERBUFFER,
    GL_RGBA,
    GL_RGBA8,
    GL_UNSIGNED_BYTE,
    glBindFramebuffer,
    glBindRenderbuffer,
    glCheckFramebufferStatus,
    glDeleteFramebuffers,
    glDeleteRenderbuffers,
    glFramebufferRenderbuffer,
    glGenFramebuffers,
    glGenRenderbuffers,
    glReadPixels,
    glRenderbufferStorage,
)


class FrameBuffer:
    """A framebuffer object with an RGBA8 color buffer and a 24-bit depth buffer.

    Parameters
    ----------
    width : int
    height : int
        Size in device pixels.

    """

    def __init__(self, width, height):
        self.id = None
        self._renderbuffers = []
        self.shape = (0, 0)
        self.resize(width, height)

    def resize(self, width, height):
        """Change the size (the buffers are recreated at the next activation)."""
        width, height = int(width), int(height)
        if width < 1 or height < 1:
            raise ValueError(f"Invalid framebuffer size {width}x{height}.")
        if (height, width) != self.shape:
            self.delete()
            self.shape = (height, width)

    def activate(self):
        """Bind the framebuffer for drawing and reading (needs a current OpenGL context)."""
        if self.id is None:
            self._create()
        glBindFramebuffer(GL_FRAMEBUFFER, self.id)

    def _create(self):
        height, width = self.shape
        self.id = int(glGenFramebuffers(1))
        glBindFramebuffer(GL_FRAMEBUFFER, self.id)
        for internal, attachment in (
                (GL_RGBA8, GL_COLOR_ATTACHMENT0), (GL_DEPTH_COMPONENT24, GL_DEPTH_ATTACHMENT)):
            renderbuffer = int(glGenRenderbuffers(1))
            glBindRenderbuffer(GL_RENDERBUFFER, renderbuffer)
            glRenderbufferStorage(GL_RENDERBUFFER, internal, width, height)
            glFramebufferRenderbuffer(GL_FRAMEBUFFER, attachment, GL_RENDERBUFFER, renderbuffer)
            self._renderbuffers.append(renderbuffer)
        status = glCheckFramebufferStatus(GL_FRAMEBUFFER)
        if status != GL_FRAMEBUFFER_COMPLETE:
            self.delete()
            raise RuntimeError(f"Incomplete framebuffer (status 0x{int(status):x}).")

    def read(self):
        """Read the pixels of the bound framebuffer: a ``(height, width, 4)`` uint8 array."""
        height, width = self.shape
        data = glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE)
        return np.frombuffer(data, dtype=np.uint8).reshape(height, width, 4)[::-1].copy()

    def delete(self):
        """Delete the OpenGL objects (needs the OpenGL context to be current)."""
        if self._renderbuffers:
            glDeleteRenderbuffers(len(self._renderbuffers), self._renderbuffers)
            self._renderbuffers = []
        if self.id is not None:
            glDeleteFramebuffers(1, [self.id])
            self.id = None
