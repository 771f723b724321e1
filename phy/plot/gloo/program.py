"""A GLSL program with its vertex array object, attribute buffers, uniforms and textures.

Usage::

    program = Program(vertex_source, fragment_source)
    program['a_position'] = positions      # (n, 2) array: a vertex buffer
    program['a_color'] = colors            # (n, 4) uint8 array: normalized (0..255 as 0..1)
    program['u_color'] = (1, 0, 0, 1)      # a uniform value
    program['u_texture'] = image           # an array, or a Texture2D: a texture
    program.draw('points')                 # in the current OpenGL context

Names are checked against the declarations parsed from the sources, so a typo raises at once.
Nothing touches OpenGL before :meth:`Program.draw`: the program compiles and links at its first
draw, and the data uploads there, in the current context (OpenGL 3.3 core profile: the
attribute pointers live in a vertex array object).

In lazy mode (``program.queue`` set to a queue, see ``BaseCanvas.set_lazy``), assignments are
appended to the queue as ``(program, name, data)`` and applied later with :meth:`set_value`.
"""

import logging

import numpy as np

from .buffer import IndexBuffer, VertexBuffer
from .gl import (
    GL_FALSE,
    GL_FLOAT,
    GL_LINE_LOOP,
    GL_LINE_STRIP,
    GL_LINES,
    GL_POINTS,
    GL_TRIANGLE_FAN,
    GL_TRIANGLE_STRIP,
    GL_TRIANGLES,
    GL_TRUE,
    GL_UNSIGNED_BYTE,
    GL_UNSIGNED_INT,
    glBindVertexArray,
    glDeleteProgram,
    glDeleteVertexArrays,
    glDrawArrays,
    glDrawElements,
    glEnableVertexAttribArray,
    glGenVertexArrays,
    glGetAttribLocation,
    glGetUniformLocation,
    glMultiDrawArrays,
    glUniform1fv,
    glUniform1iv,
    glUniform2fv,
    glUniform2iv,
    glUniform3fv,
    glUniform3iv,
    glUniform4fv,
    glUniform4iv,
    glUniformMatrix2fv,
    glUniformMatrix3fv,
    glUniformMatrix4fv,
    glUseProgram,
    glVertexAttribPointer,
)
from .shader import link_program, parse_declarations, translate_shader
from .texture import Texture1D, Texture2D

logger = logging.getLogger(__name__)

#: Primitive type names accepted by :meth:`Program.draw`.
PRIMITIVES = {
    "points": GL_POINTS,
    "lines": GL_LINES,
    "line_strip": GL_LINE_STRIP,
    "line_loop": GL_LINE_LOOP,
    "triangles": GL_TRIANGLES,
    "triangle_strip": GL_TRIANGLE_STRIP,
    "triangle_fan": GL_TRIANGLE_FAN,
}

_ATTRIBUTE_TYPES = {"float": 1, "vec2": 2, "vec3": 3, "vec4": 4}

# GLSL type: (setter, number of components, dtype)
_UNIFORM_TYPES = {
    "float": (glUniform1fv, 1, np.float32),
    "vec2": (glUniform2fv, 2, np.float32),
    "vec3": (glUniform3fv, 3, np.float32),
    "vec4": (glUniform4fv, 4, np.float32),
    "int": (glUniform1iv, 1, np.int32),
    "bool": (glUniform1iv, 1, np.int32),
    "ivec2": (glUniform2iv, 2, np.int32),
    "ivec3": (glUniform3iv, 3, np.int32),
    "ivec4": (glUniform4iv, 4, np.int32),
    "mat2": (glUniformMatrix2fv, 4, np.float32),
    "mat3": (glUniformMatrix3fv, 9, np.float32),
    "mat4": (glUniformMatrix4fv, 16, np.float32),
}
_SAMPLER_TYPES = {"sampler1D": Texture1D, "sampler2D": Texture2D}


def _primitive(mode):
    try:
        return PRIMITIVES[mode]
    except KeyError:
        raise ValueError(f"Unknown primitive type {mode!r}: use one of {list(PRIMITIVES)}.") \
            from None


class Program:
    """A GLSL program made of a vertex and a fragment shader.

    Parameters
    ----------
    vertex : str
        GLSL source of the vertex shader (``#version 330 core``, or phy 2's GLSL 1.20 dialect).
    fragment : str
        GLSL source of the fragment shader.

    Attributes
    ----------
    attributes : dict
        ``{name: glsl_type}`` of the vertex attributes (float, vec2, vec3, vec4).
    uniforms : dict
        ``{name: Bunch(type, size)}`` of the uniforms of both shaders.
    error : Exception or None
        The error raised by the last build or draw, if any.
    queue : collections.deque or None
        When set, assignments are queued instead of applied (lazy mode).

    """

    def __init__(self, vertex, fragment):
        self.id = None
        self._vao = None
        self._stale_ids = []
        self._stale_objects = []
        self._buffers = {}
        self._values = {}
        self._textures = {}
        self._dirty = set()
        self._pointers = {}
        self._locations = {}
        self.queue = None
        self.error = None
        self.set_shaders(vertex, fragment)

    # Sources and declarations
    # ---------------------------------------------------------------------------------------------

    def set_shaders(self, vertex, fragment):
        """Replace the shaders; the program is rebuilt at the next draw, keeping its data.

        Shaders in phy 2's dialect are translated to GLSL 3.30 (:func:`translate_shader`).
        """
        vertex = self.vertex_shader = translate_shader(vertex, "vertex")
        fragment = self.fragment_shader = translate_shader(fragment, "fragment")
        vertex_decl = parse_declarations(vertex)
        fragment_decl = parse_declarations(fragment)
        self.attributes = {
            name: d.type for name, d in vertex_decl.items()
            if d.qualifier in ("in", "attribute")}
        for name, glsl_type in self.attributes.items():
            if glsl_type not in _ATTRIBUTE_TYPES:
                raise ValueError(f"Unsupported attribute type `{glsl_type} {name}`.")
        self.uniforms = {
            name: d for name, d in {**fragment_decl, **vertex_decl}.items()
            if d.qualifier == "uniform"}
        for name, d in self.uniforms.items():
            if d.type not in _UNIFORM_TYPES and d.type not in _SAMPLER_TYPES:
                raise ValueError(f"Unsupported uniform type `{d.type} {name}`.")
        self._buffers = {k: v for k, v in self._buffers.items() if k in self.attributes}
        self._values = {k: v for k, v in self._values.items() if k in self.uniforms}
        self._textures = {k: v for k, v in self._textures.items() if k in self.uniforms}
        if self.id is not None:
            self._stale_ids.append((self.id, self._vao))
            self.id = self._vao = None
        self.error = None

    def __contains__(self, name):
        return name in self.attributes or name in self.uniforms

    # Data
    # ---------------------------------------------------------------------------------------------

    def __setitem__(self, name, data):
        if self.queue is not None:
            self.queue.append((self, name, data))
        else:
            self.set_value(name, data)

    @property
    def vertex_nbytes(self):
        """Number of bytes of the vertex data (all attribute buffers) uploaded to the GPU."""
        return sum(b.size * b.row_nbytes for b in self._buffers.values())

    def set_declared(self, values):
        """Set those of ``{name: data}`` that the program declares, and skip the others.

        For interacts setting their uniforms in any visual: a visual whose shaders do not use
        them (e.g. a vertex shader without a transform hook) does not declare them.
        """
        for name, data in values.items():
            if name in self:
                self[name] = data

    def set_value(self, name, data):
        """Set an attribute, a uniform or a texture now (bypassing the lazy queue)."""
        if name in self.attributes:
            buffer = self._buffers.get(name)
            if buffer is None:
                buffer = self._buffers[name] = VertexBuffer()
            buffer.set_data(data)
        elif name in self.uniforms:
            glsl_type = self.uniforms[name].type
            if glsl_type in _SAMPLER_TYPES:
                self._set_texture(name, glsl_type, data)
            else:
                self._values[name] = self._check_uniform(name, data)
                self._dirty.add(name)
        else:
            raise KeyError(
                f"`{name}` is not an attribute or a uniform of this program (attributes: "
                f"{sorted(self.attributes)}, uniforms: {sorted(self.uniforms)}).")

    def update_attribute(self, name, data, offset):
        """Update the rows of an attribute starting at `offset` (a partial upload, in place).

        The other rows are kept, also with ``offset=0``.
        """
        if name not in self._buffers:
            raise KeyError(f"Attribute `{name}` has no data to update.")
        self._buffers[name].update_rows(data, offset)

    def _set_texture(self, name, glsl_type, data):
        cls = _SAMPLER_TYPES[glsl_type]
        if isinstance(data, cls):
            old = self._textures.get(name)
            if old is not None and old is not data:
                self._stale_objects.append(old)
            self._textures[name] = data
        elif name in self._textures:
            self._textures[name].set_data(data)
        else:
            self._textures[name] = cls(data)

    def _check_uniform(self, name, data):
        d = self.uniforms[name]
        _, n, dtype = _UNIFORM_TYPES[d.type]
        value = np.asarray(data, dtype=dtype).ravel()
        if value.size != n * d.size:
            raise ValueError(
                f"Uniform `{d.type} {name}` expects {n * d.size} value(s), got {value.size}.")
        return value

    def __getitem__(self, name):
        """The value of a uniform, the texture of a sampler or the buffer of an attribute."""
        for store in (self._values, self._textures, self._buffers):
            if name in store:
                return store[name]
        raise KeyError(f"`{name}` has not been set in this program.")

    # OpenGL
    # ---------------------------------------------------------------------------------------------

    def build(self):
        """Compile and link the shaders (needs a current OpenGL context)."""
        self._delete_stale()
        self.id = int(link_program(self.vertex_shader, self.fragment_shader))
        self._vao = int(glGenVertexArrays(1))
        self._locations = {name: glGetAttribLocation(self.id, name) for name in self.attributes}
        self._locations.update(
            {name: glGetUniformLocation(self.id, name) for name in self.uniforms})
        self._pointers = {}
        self._dirty = set(self._values)

    def _bind_attributes(self):
        """Upload the attribute buffers, set their pointers, return the number of vertices."""
        sizes = {}
        for name in self.attributes:
            location = self._locations[name]
            if location < 0:  # Declared, but optimized out by the compiler.
                continue
            buffer = self._buffers.get(name)
            if buffer is None:
                raise ValueError(f"Attribute `{name}` has no data.")
            pointer = (buffer.shape[1], buffer.normalized)
            if buffer.has_pending_upload or self._pointers.get(name) != pointer:
                buffer.activate()
                glEnableVertexAttribArray(location)
                glVertexAttribPointer(
                    location, buffer.n_components,
                    GL_UNSIGNED_BYTE if buffer.normalized else GL_FLOAT,
                    GL_TRUE if buffer.normalized else GL_FALSE, 0, None)
                self._pointers[name] = pointer
            sizes[name] = buffer.size
        if len(set(sizes.values())) > 1:
            raise ValueError(f"The attributes have different numbers of vertices: {sizes}.")
        return next(iter(sizes.values()), 0)

    def _upload_uniforms(self):
        for name in self._dirty:
            location = self._locations.get(name, -1)
            if location < 0:
                continue
            d = self.uniforms[name]
            setter = _UNIFORM_TYPES[d.type][0]
            value = self._values[name]
            if d.type.startswith("mat"):
                setter(location, d.size, GL_FALSE, value)
            else:
                setter(location, d.size, value)
        self._dirty = set()

    def _bind_textures(self):
        samplers = [name for name, d in self.uniforms.items() if d.type in _SAMPLER_TYPES]
        for unit, name in enumerate(samplers):
            location = self._locations.get(name, -1)
            if location < 0:
                continue
            if name not in self._textures:
                raise ValueError(f"Sampler `{name}` has no texture.")
            self._textures[name].activate(unit)
            glUniform1iv(location, 1, np.array([unit], dtype=np.int32))

    def draw(self, mode="triangles", indices=None, first=0, count=None, ranges=None):
        """Draw the program in the current OpenGL context.

        Parameters
        ----------
        mode : str
            Primitive type: one of :data:`PRIMITIVES`.
        indices : IndexBuffer or array-like
            Optional vertex indices (``glDrawElements``).
        first : int
            First vertex to draw.
        count : int
            Number of vertices to draw (all by default).
        ranges : tuple of two int arrays
            ``(firsts, counts)``: several vertex ranges drawn in one call (``glMultiDrawArrays``),
            e.g. one line strip per plot.

        """
        gl_mode = _primitive(mode)
        if self.id is None:
            try:
                self.build()
            except Exception as e:
                self.error = e
                raise
        if self._stale_objects:
            self._delete_stale()
        glUseProgram(self.id)
        glBindVertexArray(self._vao)
        try:
            n_vertices = self._bind_attributes()
            self._upload_uniforms()
            self._bind_textures()
            self._draw_call(gl_mode, n_vertices, indices, first, count, ranges)
        finally:
            glBindVertexArray(0)

    def _draw_call(self, gl_mode, n_vertices, indices, first, count, ranges):
        if indices is not None:
            if not isinstance(indices, IndexBuffer):
                indices = IndexBuffer(indices)
            if indices.max_index >= n_vertices:
                raise ValueError(
                    f"Index {indices.max_index} out of range for {n_vertices} vertices.")
            indices.activate()
            n = indices.size if count is None else count
            if n:
                glDrawElements(gl_mode, n, GL_UNSIGNED_INT, None)
        elif ranges is not None:
            firsts = np.ascontiguousarray(ranges[0], dtype=np.int32)
            counts = np.ascontiguousarray(ranges[1], dtype=np.int32)
            if firsts.shape != counts.shape or firsts.ndim != 1:
                raise ValueError("Draw ranges must be two 1D arrays of the same length.")
            if len(firsts) and (firsts + counts).max() > n_vertices:
                raise ValueError(f"Draw ranges exceed the {n_vertices} vertices.")
            if len(firsts):
                glMultiDrawArrays(gl_mode, firsts, counts, len(firsts))
        else:
            count = n_vertices - first if count is None else count
            if first < 0 or first + count > n_vertices:
                raise ValueError(
                    f"Cannot draw vertices {first}:{first + count} of {n_vertices}.")
            if count > 0:
                glDrawArrays(gl_mode, first, count)

    def _delete_stale(self):
        for program_id, vao in self._stale_ids:
            glDeleteProgram(program_id)
            glDeleteVertexArrays(1, [vao])
        for item in self._stale_objects:
            item.delete()
        self._stale_ids = []
        self._stale_objects = []

    def delete(self):
        """Delete the OpenGL objects (needs the program's OpenGL context to be current)."""
        if self.id is not None:
            self._stale_ids.append((self.id, self._vao))
            self.id = self._vao = None
        self._delete_stale()
        for item in (*self._buffers.values(), *self._textures.values()):
            item.delete()
