"""A thin object layer over PyOpenGL: programs, buffers, textures and framebuffers.

Every object records its data on the CPU side and touches OpenGL only when activated or drawn,
in the current OpenGL context (OpenGL 3.3 core profile).
"""

from .buffer import IndexBuffer, VertexBuffer  # noqa: F401
from .framebuffer import FrameBuffer  # noqa: F401
from .gl import GLError, gl_info  # noqa: F401
from .program import PRIMITIVES, Program  # noqa: F401
from .shader import (  # noqa: F401
    ShaderError,
    drop_declared,
    numbered_source,
    parse_declarations,
    translate_shader,
)
from .texture import Texture1D, Texture2D  # noqa: F401
