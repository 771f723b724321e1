"""Insert GLSL snippets and GPU transforms into the shaders of a visual.

A visual's vertex shader computes its position with the line::

    gl_Position = transform(a_position);

which :meth:`GLSLInserter.insert_into_shaders` replaces by code declaring the transformed
variable ``a_position_tr``, the snippets inserted at ``before_transforms``, the GLSL of every GPU
transform, the snippets at ``transforms`` and ``after_transforms``, and finally
``gl_Position = vec4(a_position_tr, 0.0, 1.0);``. Snippets may refer to the transformed
variable as ``{{ var }}``. Snippets at ``header`` go after the ``#version`` line.

Each snippet and transform has an origin (the interact that added it): a visual added with
``exclude_origins`` does not get them. Inserters add up: ``visual.inserter + canvas.inserter``
applies the visual's own snippets and transforms before the canvas'.
"""

import re

from phy.utils import Bunch

#: Insertion points in the vertex shader.
LOCATIONS = ("header", "before_transforms", "transforms", "after_transforms")

_TRANSFORM_CALL = re.compile(r"gl_Position\s*=\s*transform\(\s*(\w+)\s*\)\s*;")
_VERSION = re.compile(r"^\s*#version[^\n]*\n", re.M)
_MAIN = re.compile(r"void\s+main\s*\(\s*(?:void)?\s*\)\s*\{")
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
            GLSL code of the vertex shader, with ``gl_Position = transform(var);``.
        fragment : str
            GLSL code of the fragment shader.
        exclude_origins : list-like
            The interacts whose snippets and transforms are not inserted.

        Returns
        -------
        vertex, fragment : str
            The shaders with the code inserted.

        """
        match = _TRANSFORM_CALL.search(vertex)
        transforms = self._transforms(exclude_origins)
        if not match:
            raise ValueError(
                "The vertex shader must compute its position with "
                "`gl_Position = transform(<vec2 variable>);`.")
        var = match.group(1)
        tvar = f"{var}_tr"
        code = (
            [f"vec2 {tvar} = {var};"]
            + self._snippet_code("vertex", ("before_transforms",), exclude_origins, tvar)
            + [t.glsl(tvar) for t in transforms]
            + self._snippet_code("vertex", ("transforms",), exclude_origins, tvar)
            + self._snippet_code("vertex", ("after_transforms",), exclude_origins, tvar)
            + [f"gl_Position = vec4({tvar}, 0.0, 1.0);"])
        vertex = vertex[:match.start()] + "\n" + _indent(code) + "\n" + vertex[match.end():]

        declarations = [t.glsl_declarations() for t in transforms]
        vertex_header = self._snippet_code("vertex", ("header",), exclude_origins, tvar)
        vertex_header += [d["vertex_header"] for d in declarations if d.get("vertex_header")]
        fragment_header = self._snippet_code("fragment", ("header",), exclude_origins, tvar)
        fragment_header += [d["fragment_header"] for d in declarations if d.get("fragment_header")]
        fragment_main = [d["fragment_main"] for d in declarations if d.get("fragment_main")]
        fragment_main += self._snippet_code(
            "fragment", LOCATIONS[1:], exclude_origins, tvar)

        vertex = _insert_header(vertex, "\n".join(vertex_header))
        fragment = _insert_header(fragment, "\n".join(fragment_header))
        fragment = _insert_main(fragment, _indent(fragment_main), "fragment")
        return vertex, fragment


def _excluded(origin, exclude_origins):
    return origin is not None and any(origin is o for o in exclude_origins)
