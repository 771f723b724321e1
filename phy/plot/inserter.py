"""Insert GLSL snippets and GPU transforms into the shaders of a visual.

A visual's vertex shader computes its position with a *transform hook*, a statement
``<out> = transform(<expr>);`` where ``<expr>`` is a ``vec2``, typically::

    gl_Position = transform(a_position);

:meth:`GLSLInserter.insert_into_shaders` replaces each hook (there may be several) by code
declaring the transformed variable (``a_position_tr``, initialised with ``<expr>``), the snippets
inserted at ``before_transforms``, the GLSL of every GPU transform, the snippets at ``transforms``,
then the assignment of the result to ``<out>`` (as ``vec4(..., 0.0, 1.0)`` for ``gl_Position`` or a
``vec4`` declaration, as the ``vec2`` otherwise), then the snippets at ``after_transforms``.
Snippets may refer to the transformed variable as ``{{ var }}``. Snippets at ``header`` go after
the ``#version`` line, without the declarations of variables that the shader (or an earlier
snippet) declares already: a phy 2 plugin shader may declare ``attribute float a_box_index;``
itself. A vertex shader without a hook is used unchanged. A hook may be in a function other than
``main()`` (as in ``glsl/precise.glsl``).

A :class:`~phy.plot.transform.Clip` cuts each fragment at its rectangle mapped to window
coordinates, so that lines, triangles and markers (point sprites) are clipped to their own box.
The fragment's window position is passed from the vertex shader (``gl_Position`` at the end of
``main()``), plus, in a shader writing ``gl_PointSize``, the fragment's offset in its sprite
(``gl_PointCoord``: this needs the uniform ``u_framebuffer_size``, which
``BaseVisual.on_resize`` sets). ``gl_FragCoord`` is not used: with Mesa, its y orientation is
wrong in a program drawn first into the window and then into an offscreen framebuffer.

Shaders in phy 2's dialect (GLSL 1.20 style) are first translated to GLSL 3.30 core
(:func:`phy.plot.gloo.translate_shader`), the dialect of the inserted code.

Each snippet and transform has an origin (the interact that added it): a visual added with
``exclude_origins`` does not get them. Inserters add up: ``visual.inserter + canvas.inserter``
applies the visual's own snippets and transforms before the canvas'.
"""

import re

from phy.utils import Bunch

from .gloo import drop_declared, parse_declarations, translate_shader
from .transform import Clip

#: Insertion points in the vertex shader.
LOCATIONS = ("header", "before_transforms", "transforms", "after_transforms")

_HOOK_CALL = re.compile(r"\btransform\s*\(")
_HOOK_HEAD = re.compile(r"\s*(?P<out>[^;{}=]*[^;{}=!<>\s])\s*=\s*")
_STATEMENT_END = re.compile(r"\s*;")
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_IDENTIFIER = re.compile(r"\w+")
_VERSION = re.compile(r"^\s*#version[^\n]*\n", re.M)
_MAIN = re.compile(r"void\s+main\s*\(\s*(?:void)?\s*\)\s*\{")
_POINT_SIZE = re.compile(r"\bgl_PointSize\s*[-+*/]?=(?!=)")
#: Uniform holding the framebuffer size in pixels, in shaders clipping fragments to boxes.
FRAMEBUFFER_SIZE_VAR = "u_framebuffer_size"

_VAR = re.compile(r"\{\{\s*var\s*\}\}")


def _insert_header(source, code):
    """Insert code after the #version line (or at the top)."""
    if not code:
        return source
    match = _VERSION.search(source)
    at = match.end() if match else 0
    return source[:at] + code + "\n" + source[at:]


def _insert_main(source, code, name):
    """Insert code at the start of main()."""
    if not code:
        return source
    match = _MAIN.search(source)
    if not match:
        raise ValueError(f"The {name} shader has no `void main() {{`.")
    return source[:match.end()] + "\n" + code + "\n" + source[match.end():]


def _blank_comments(source):
    """The source with its comments blanked out (offsets kept)."""
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), source)


def _insert_main_end(source, code):
    """Insert code at the end of main() (before its closing brace)."""
    if not code:
        return source
    blank = _blank_comments(source)
    match = _MAIN.search(blank)
    if not match:
        raise ValueError("The vertex shader has no `void main() {`.")
    depth, i = 1, match.end()
    while i < len(blank) and depth:
        depth += {"{": 1, "}": -1}.get(blank[i], 0)
        i += 1
    if depth:
        raise ValueError("The main() function of the vertex shader has no closing brace.")
    return source[:i - 1] + code + "\n" + source[i - 1:]


def transform_hooks(vertex):
    """Find the transform hooks ``<out> = transform(<expr>);`` of a vertex shader.

    Returns
    -------
    hooks : list
        One Bunch per hook, in order: ``start``, ``end`` (character offsets of the statement),
        ``out`` and ``expr`` (the GLSL code on each side).

    """
    code = _blank_comments(vertex)
    hooks = []
    for call in _HOOK_CALL.finditer(code):
        depth, i = 1, call.end()
        while i < len(code) and depth:
            depth += {"(": 1, ")": -1}.get(code[i], 0)
            i += 1
        end = _STATEMENT_END.match(code, i)
        start = max(code.rfind(c, 0, call.start()) for c in ";{}") + 1
        head = _HOOK_HEAD.fullmatch(code, start, call.start())
        if depth or not end or not head:
            continue  # Not a statement `<out> = transform(<expr>);` (e.g. a definition).
        hooks.append(Bunch(
            start=head.start("out"), end=end.end(), out=head.group("out"),
            expr=code[call.end():i - 1].strip()))
    return hooks


def _assignment(out, var):
    """Assign the transformed vec2 `var` to `out` (a vec4 for gl_Position)."""
    is_vec4 = out == "gl_Position" or out.split()[0] == "vec4"
    return f"{out} = {f'vec4({var}, 0.0, 1.0)' if is_vec4 else var};"


def _window_clips(transforms, points):
    """GLSL cutting every fragment at the rectangles of the Clip transforms, in window NDC.

    Each rectangle is mapped through the transforms after its Clip to window NDC in the vertex
    shader (at each transform hook), passed flat to the fragment shader, and every fragment
    outside it is discarded. The fragment's window NDC is the vertex shader's ``gl_Position``
    (at the end of ``main()``), interpolated; for point sprites (`points`: the shader writes
    ``gl_PointSize``), whose fragments all share the position of their center, plus the
    fragment's offset in the sprite (``gl_PointCoord``, origin at the upper left, and the point
    size in pixels), so that markers are cut too.

    Returns
    -------
    code : Bunch
        Lists of lines ``vertex_header``, ``vertex_main``, ``vertex_end``, ``fragment_header``,
        ``fragment_main`` (all empty without a Clip).

    """
    code = Bunch(
        vertex_header=[], vertex_main=[], vertex_end=[], fragment_header=[], fragment_main=[])
    clips = [i for i, t in enumerate(transforms) if isinstance(t, Clip)]
    for k, i in enumerate(clips):
        rect = f"v_window_clip_{k}"
        after = [t for t in transforms[i + 1:] if not isinstance(t, Clip)]
        x0, y0, x1, y1 = (repr(float(v)) for v in transforms[i].bounds)
        low, high = f"{rect}_low", f"{rect}_high"
        code.vertex_main += (
            [f"vec2 {low} = vec2({x0}, {y0});", f"vec2 {high} = vec2({x1}, {y1});"]
            + [t.glsl(low) for t in after] + [t.glsl(high) for t in after]
            + [f"{rect} = vec4(min({low}, {high}), max({low}, {high}));"])
        code.vertex_header.append(f"flat out vec4 {rect};")
        code.fragment_header.append(f"flat in vec4 {rect};")
        code.fragment_main.append(
            f"if (any(lessThan(window_ndc, {rect}.xy)) || "
            f"any(greaterThan(window_ndc, {rect}.zw))) discard;")
    if not clips:
        return code
    code.vertex_header.append("noperspective out vec2 v_window_ndc;")
    code.vertex_end.append("v_window_ndc = gl_Position.xy / gl_Position.w;")
    code.fragment_header.append("noperspective in vec2 v_window_ndc;")
    window_ndc = "v_window_ndc"
    if points:
        code.vertex_header.append("flat out float v_window_point_size;")
        code.vertex_end.append("v_window_point_size = gl_PointSize;")
        code.fragment_header += [
            "flat in float v_window_point_size;", f"uniform vec2 {FRAMEBUFFER_SIZE_VAR};"]
        window_ndc += (
            " + (gl_PointCoord - 0.5) * vec2(2.0, -2.0) * v_window_point_size"
            f" / {FRAMEBUFFER_SIZE_VAR}")
    code.fragment_main.insert(0, f"vec2 window_ndc = {window_ndc};")
    return code


def _indent(lines):
    return "\n".join("    " + line for line in lines if line)


class GLSLInserter:
    """Collect GLSL snippets and GPU transforms, and insert them into shaders."""

    def __init__(self):
        self._snippets = []
        self._chains = []

    def _insert(self, shader, glsl, location, origin, index):
        if location not in LOCATIONS:
            raise ValueError(f"Unknown GLSL location {location!r}: use one of {LOCATIONS}.")
        snippet = Bunch(shader=shader, glsl=glsl, location=location, origin=origin)
        index = len(self._snippets) if index is None else index
        self._snippets.insert(index, snippet)

    def insert_vert(self, glsl, location="transforms", origin=None, index=None):
        """Insert a GLSL snippet into the vertex shader.

        Parameters
        ----------
        glsl : str
            The GLSL code to insert.
        location : str
            Where to insert the GLSL code: ``header`` (declarations), ``before_transforms``,
            ``transforms`` (after the GPU transforms) or ``after_transforms``.
        origin : object
            The interact that adds this snippet: visuals that exclude it do not get it.
        index : int
            Index of the snippets list to insert the snippet at (the end by default).

        """
        self._insert("vertex", glsl, location, origin, index)

    def insert_frag(self, glsl, location=None, origin=None, index=None):
        """Insert a GLSL snippet into the fragment shader.

        ``header`` snippets go after the ``#version`` line, the others at the start of
        ``main()``. See :meth:`insert_vert`.
        """
        self._insert("fragment", glsl, location or "before_transforms", origin, index)

    def add_gpu_transforms(self, tc):
        """Insert the GLSL of all transforms of a transform chain.

        The chain is kept by reference: transforms added to it later are inserted too.
        """
        self._chains.append(tc)

    def remove(self, origin):
        """Remove the snippets added by an origin."""
        self._snippets = [s for s in self._snippets if s.origin is not origin]

    def __add__(self, other):
        inserter = GLSLInserter()
        inserter._snippets = self._snippets + other._snippets
        inserter._chains = self._chains + other._chains
        return inserter

    def _transforms(self, exclude_origins):
        return [
            t for chain in self._chains for t, origin in chain.items
            if not _excluded(origin, exclude_origins)]

    def _snippet_code(self, shader, locations, exclude_origins, var):
        return [
            _VAR.sub(var, s.glsl) for s in self._snippets
            if s.shader == shader and s.location in locations
            and not _excluded(s.origin, exclude_origins)]

    def insert_into_shaders(self, vertex, fragment, exclude_origins=()):
        """Insert all GLSL snippets and GPU transforms in a vertex and a fragment shader.

        Parameters
        ----------
        vertex : str
            GLSL code of the vertex shader, with transform hooks ``<out> = transform(<expr>);``
            (used unchanged without any).
        fragment : str
            GLSL code of the fragment shader.
        exclude_origins : list-like
            The interacts whose snippets and transforms are not inserted.

        Returns
        -------
        vertex, fragment : str
            The shaders (in GLSL 3.30 core) with the code inserted.

        """
        vertex = translate_shader(vertex, "vertex")
        fragment = translate_shader(fragment, "fragment")
        hooks = transform_hooks(vertex)
        transforms = self._transforms(exclude_origins) if hooks else []
        clips = _window_clips(transforms, bool(_POINT_SIZE.search(_blank_comments(vertex))))
        fragment_header = self._snippet_code("fragment", ("header",), exclude_origins, "")
        fragment_header += clips.fragment_header
        fragment_main = clips.fragment_main
        fragment_main += self._snippet_code("fragment", LOCATIONS[1:], exclude_origins, "")
        fragment = _insert_header(fragment, drop_declared(
            "\n".join(fragment_header), parse_declarations(fragment)))
        fragment = _insert_main(fragment, _indent(fragment_main), "fragment")
        if not hooks:
            return vertex, fragment

        names = set(_IDENTIFIER.findall(vertex))
        for i, hook in reversed(list(enumerate(hooks))):
            var = f"{hook.expr}_tr" if _IDENTIFIER.fullmatch(hook.expr) else f"position_{i}_tr"
            var = var if var not in names and i == 0 else f"{var}_{i}"
            block = (
                self._snippet_code("vertex", ("before_transforms",), exclude_origins, var)
                + [t.glsl(var) for t in transforms]
                + self._snippet_code("vertex", ("transforms",), exclude_origins, var)
                + clips.vertex_main)
            code = (
                [f"vec2 {var} = {hook.expr};", "{", _indent(block), "}",
                 _assignment(hook.out, var)]
                + self._snippet_code("vertex", ("after_transforms",), exclude_origins, var))
            vertex = vertex[:hook.start] + "\n".join(code) + vertex[hook.end:]

        vertex = _insert_main_end(vertex, _indent(clips.vertex_end))
        vertex_header = self._snippet_code("vertex", ("header",), exclude_origins, "")
        vertex_header += clips.vertex_header
        vertex_header = drop_declared("\n".join(vertex_header), parse_declarations(vertex))
        return _insert_header(vertex, vertex_header), fragment


def _excluded(origin, exclude_origins):
    return origin is not None and any(origin is o for o in exclude_origins)
