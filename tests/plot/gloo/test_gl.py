import pytest

from phy.plot.gloo.gl import GLError, gl_info, glEnable


def test_gl_info_and_errors(canvas):
    canvas.makeCurrent()
    try:
        info = gl_info()
        assert info["version"][0] >= "3" and info["renderer"]
        # An invalid enum is an OpenGL error, raised as an exception.
        with pytest.raises(GLError):
            glEnable(0x1234)
    finally:
        canvas.doneCurrent()
