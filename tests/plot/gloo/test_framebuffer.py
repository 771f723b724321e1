import pytest

from phy.plot.gloo import FrameBuffer
from phy.plot.gloo.gl import (
    GL_COLOR_BUFFER_BIT,
    GL_FRAMEBUFFER,
    glBindFramebuffer,
    glClear,
    glClearColor,
)


def test_framebuffer_read(canvas):
    canvas.makeCurrent()
    fbo = FrameBuffer(30, 20)
    try:
        fbo.activate()
        glClearColor(1.0, 0.0, 1.0, 1.0)
        glClear(GL_COLOR_BUFFER_BIT)
        pixels = fbo.read()
        assert pixels.shape == (20, 30, 4)
        assert (pixels == (255, 0, 255, 255)).all()
        fbo.resize(10, 5)
        fbo.activate()
        assert fbo.read().shape == (5, 10, 4)
    finally:
        fbo.delete()
        glBindFramebuffer(GL_FRAMEBUFFER, canvas.defaultFramebufferObject())
        canvas.doneCurrent()
    assert fbo.id is None


def test_framebuffer_invalid_size():
    with pytest.raises(ValueError, match="Invalid framebuffer size"):
        FrameBuffer(0, 10)
