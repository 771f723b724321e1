"""Compile and link GLSL shaders; report their errors against the numbered source.

Shaders may be written in the 3.3 core dialect (``#version 330 core``, ``in``/``out``) or in phy
2's dialect (GLSL 1.20 style: no ``#version``, ``attribute``, ``varying``, ``gl_FragColor``,
``texture2D``): :func:`translate_shader` turns the latter into the former.

A compile or link error raises :class:`ShaderError`, whose message holds the driver's log and
the generated source with line numbers, the lines named in the log marked with ``>>``. The
module also parses the declarations of a shader (attributes and uniforms), which lets a
:class:`~phy.plot.gloo.Program` check names before anything is compiled.
"""

import re

from phy.utils import Bunch

from .gl import (
    GL_COMPILE_STATUS,
    GL_FRAGMENT_SHADER,
    GL_LINK_STATUS,
    GL_VERTEX_SHADER,
    glAttachShader,
    glCompileShader,
    glCreateProgram,
    glCreateShader,
    glDeleteProgram,
    glDeleteShader,
    glDetachShader,
    glGetProgramInfoLog,
    glGetProgramiv,
    glGetShaderInfoLog,
    glGetShaderiv,
    glLinkProgram,
    glShaderSource,
)

_STAGES = {"vertex": GL_VERTEX_SHADER, "fragment": GL_FRAGMENT_SHADER}

# Line numbers in the info logs of the common drivers.
_LOG_LINE_PATTERNS = (
    re.compile(r"^\s*\d+:(\d+)\(\d+\)"),  # Mesa: "0:12(5): error: ..."
    re.compile(r"^\s*(?:ERROR|WARNING):\s*\d+:(\d+):"),  # macOS, ANGLE: "ERROR: 0:12: ..."
    re.compile(r"^\s*\d+\((\d+)\)\s*:"),  # NVIDIA: "0(12) : error ..."
)

_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_DECLARATION = re.compile(
    r"(?:^|(?<=[;{}]))\s*(?:layout\s*\([^)]*\)\s*)?"
    r"(?:(?:flat|smooth|noperspective|highp|mediump|lowp)\s+)*"
    r"(in|attribute|uniform|out|varying)\s+"
    r"(?:(?:flat|smooth|noperspective|highp|mediump|lowp)\s+)*"
    r"(\w+)\s+(\w+)\s*(?:\[\s*(\d+)\s*\])?\s*;",
    re.M,
)


#: The ``#version`` line of the shaders phy compiles.
VERSION_LINE = "#version 330 core"
#: The output variable replacing ``gl_FragColor`` in translated fragment shaders.
FRAG_COLOR = "phy_FragColor"

_VERSION = re.compile(r"^[ \t]*#version[ \t]+(\d+)[^\n]*(?:\n|$)", re.M)
_RENAMES = {
    "vertex": ((r"\battribute\b", "in"), (r"\bvarying\b", "out")),
    "fragment": (
        (r"\bvarying\b", "in"), (r"\bgl_FragColor\b", FRAG_COLOR),
        (r"\bgl_FragData\s*\[\s*0\s*\]", FRAG_COLOR)),
}
_TEXTURE_FUNCTIONS = (
    (r"\btexture(?:1D|2D|3D|Cube)Lod\s*\(", "textureLod("),
    (r"\btexture(?:1D|2D|3D|Cube)\s*\(", "texture("))


def translate_shader(source, stage):
    """Translate a shader written in phy 2's dialect (GLSL 1.20 style) to GLSL 3.30 core.

    A shader with a ``#version`` of 150 or more is returned unchanged. Otherwise the
    ``#version`` line becomes ``#version 330 core``; ``attribute`` becomes ``in``, ``varying``
    becomes ``out`` (vertex) or ``in`` (fragment); ``gl_FragColor`` and ``gl_FragData[0]`` become
    an output variable declared after the ``#version`` line; ``texture2D()`` and the other
    typed texture functions become ``texture()``.

    Parameters
    ----------
    source : str
        GLSL code.
    stage : str
        ``'vertex'`` or ``'fragment'``.

    """
    if stage not in _STAGES:
        raise ValueError(f"Unknown shader stage {stage!r}: 'vertex' or 'fragment'.")
    match = _VERSION.search(source)
    if match and int(match.group(1)) >= 150:
        return source
    code = _VERSION.sub("", source, count=1)
    for pattern, replacement in _RENAMES[stage] + _TEXTURE_FUNCTIONS:
        code = re.sub(pattern, replacement, code)
    header = VERSION_LINE + "\n"
    if stage == "fragment" and re.search(rf"\b{FRAG_COLOR}\b", code):
        header += f"out vec4 {FRAG_COLOR};\n"
    return header + code


class ShaderError(RuntimeError):
    """A GLSL shader failed to compile or a program failed to link.

    Attributes
    ----------
    stage : str
        ``'vertex'``, ``'fragment'`` or ``'link'``.
    log : str
        The driver's info log.
    sources : dict
        The GLSL sources concerned, by stage name.

    """

    def __init__(self, stage, log, sources):
        self.stage = stage
        self.log = log.strip()
        self.sources = dict(sources)
        what = "link the program" if stage == "link" else f"compile the {stage} shader"
        parts = [f"Could not {what}:", self.log]
        lines = error_lines(self.log)
        for name, source in self.sources.items():
            parts.append(f"\n{name} shader source:\n{numbered_source(source, lines)}")
        super().__init__("\n".join(parts))


def error_lines(log):
    """Return the set of source line numbers (1-based) named in a driver info log."""
    lines = set()
    for row in log.splitlines():
        for pattern in _LOG_LINE_PATTERNS:
            match = pattern.match(row)
            if match:
                lines.add(int(match.group(1)))
                break
    return lines


def numbered_source(source, highlight=()):
    """Return the source with line numbers, the lines in `highlight` marked with ``>>``."""
    rows = source.splitlines()
    width = len(str(len(rows)))
    return "\n".join(
        f"{'>>' if i in highlight else '  '} {i:>{width}} | {row}"
        for i, row in enumerate(rows, 1))


def parse_declarations(source):
    """Return the global declarations of a GLSL source, by name.

    Parameters
    ----------
    source : str
        GLSL code. Only declarations of one variable per statement are recognised
        (``uniform float a, b;`` is not).

    Returns
    -------
    declarations : dict
        ``{name: Bunch(qualifier, type, size)}`` with qualifier one of ``in``, ``attribute``,
        ``uniform``, ``out``, ``varying`` and size the array length (1 for a scalar).

    """
    code = _COMMENTS.sub("", source)
    return {
        m.group(3): Bunch(qualifier=m.group(1), type=m.group(2), size=int(m.group(4) or 1))
        for m in _DECLARATION.finditer(code)}


def _same_declaration(a, b):
    """Whether two declarations (Bunch of parse_declarations) declare the same variable."""
    def key(d):
        qualifier = {"attribute": "in", "varying": "out"}.get(d.qualifier, d.qualifier)
        return qualifier, d.type, d.size
    return key(a) == key(b)


def drop_declared(code, declared):
    """Remove from GLSL code the declarations of variables that are already declared.

    Used to insert declarations (of a layout's attribute, of uniforms) into a shader that may
    declare some of them itself, as phy 2 plugin shaders do (``attribute float a_box_index;``).

    Parameters
    ----------
    code : str
        The GLSL code to insert (declarations and possibly functions).
    declared : dict
        ``{name: Bunch(qualifier, type, size)}`` of the variables already declared (see
        :func:`parse_declarations`); the declarations kept in `code` are added to it.

    Returns
    -------
    code : str
        The code without the declarations of names in `declared`.

    Raises
    ------
    ValueError
        When a name is declared already with another type or qualifier.

    """
    def drop(match):
        name = match.group(3)
        new = Bunch(qualifier=match.group(1), type=match.group(2), size=int(match.group(4) or 1))
        old = declared.get(name)
        if old is None:
            declared[name] = new
            return match.group()
        if not _same_declaration(old, new):
            raise ValueError(
                f"The shader declares `{old.qualifier} {old.type} {name}`, but phy inserts "
                f"`{new.qualifier} {new.type} {name}` (the layout or interact needs this type).")
        return re.match(r"\s*", match.group()).group()  # The line break before, if any.

    return _DECLARATION.sub(drop, code)


def _decode(log):
    return log.decode("utf-8", "replace") if isinstance(log, bytes) else str(log)


def compile_shader(stage, source):
    """Compile a shader in the current OpenGL context and return its id.

    Parameters
    ----------
    stage : str
        ``'vertex'`` or ``'fragment'``.
    source : str
        GLSL code.

    Raises
    ------
    ShaderError
        With the driver's log and the numbered source.

    """
    shader = glCreateShader(_STAGES[stage])
    glShaderSource(shader, source)
    glCompileShader(shader)
    if not glGetShaderiv(shader, GL_COMPILE_STATUS):
        log = _decode(glGetShaderInfoLog(shader))
        glDeleteShader(shader)
        raise ShaderError(stage, log, {stage: source})
    return shader


def link_program(vertex, fragment):
    """Compile a vertex and a fragment shader, link them and return the program id.

    Raises
    ------
    ShaderError
        When a shader does not compile or the program does not link.

    """
    shaders = [compile_shader("vertex", vertex)]
    try:
        shaders.append(compile_shader("fragment", fragment))
        program = glCreateProgram()
        for shader in shaders:
            glAttachShader(program, shader)
        glLinkProgram(program)
        for shader in shaders:
            glDetachShader(program, shader)
        if not glGetProgramiv(program, GL_LINK_STATUS):
            log = _decode(glGetProgramInfoLog(program))
            glDeleteProgram(program)
            raise ShaderError("link", log, {"vertex": vertex, "fragment": fragment})
    finally:
        for shader in shaders:
            glDeleteShader(shader)
    return program
