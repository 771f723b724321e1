"""The base class of visuals: one kind of object drawn with one program in one draw call.

How to write a visual
---------------------
Subclass :class:`BaseVisual` and:

* in ``__init__``, call ``super().__init__()``, ``self.set_shader('name')`` (loads
  ``glsl/name.vert`` and ``glsl/name.frag``) and ``self.set_primitive_type('points')``. The vertex
  shader computes its position with ``gl_Position = transform(a_position);``, where the canvas
  inserts the GPU transforms (pan/zoom, layouts);
* implement ``validate(**kwargs)``: check the user's data, fill in the defaults and return a
  Bunch of arrays in NDC (positions normalized with :meth:`BaseVisual.transform_positions`,
  ``data_bounds`` set to NDC). The output of ``validate`` must be valid input of ``validate``,
  and the concatenation of several outputs too (that is how batches work);
* implement ``vertex_count(**kwargs)``, and ``vertex_counts(data)`` (vertices per item) when
  a visual draws several items;
* implement ``_program_data(data)``: return the ``{name: value}`` attributes, uniforms and
  textures of the program for validated data (and set ``self.draw_ranges`` if the visual draws
  several vertex ranges). :meth:`BaseVisual.set_data` validates the data, sets them, sets
  ``self.n_vertices``, the box index if one was given, and emits ``visual_set_data``. A visual
  overriding ``set_data`` must do all of this, and return the validated data.

The phy 2 way works too: override only ``__init__`` (setting ``self.vertex_shader`` and
``self.fragment_shader``, possibly in phy 2's GLSL 1.20 dialect, translated to 3.30 when built)
and ``set_data``, which writes ``self.program[name] = value``, sets ``self.n_vertices`` and calls
``self.emit_visual_set_data()``. ``validate`` (data unchanged) and ``vertex_count`` (rows of
``pos``, or of the first array) have defaults; nothing is abstract.

A visual draws only once it is added to a canvas (``canvas.add_visual(visual)``), which builds
its program with the canvas' GPU transforms.
"""

import logging
import re
from pathlib import Path

import numpy as np

from phy.utils import Bunch

from .batch import BatchAccumulator
from .gloo import PRIMITIVES
from .inserter import FRAMEBUFFER_SIZE_VAR, GLSLInserter
from .transform import NDC, Range, TransformChain, _bounds

logger = logging.getLogger(__name__)

#: Folder of the GLSL shaders.
GLSL_DIR = Path(__file__).parent / "glsl"

_INCLUDE = re.compile(r'^[ \t]*#include\s+"([^"]+)"[ \t]*$', re.M)
_VERSION_LINE = re.compile(r"^[ \t]*#version[^\n]*\n?", re.M)


def load_glsl(name):
    """Return the GLSL code of a file of ``phy/plot/glsl/``, its ``#include "file"`` resolved.

    Included files lose their ``#version`` line.
    """
    path = GLSL_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"GLSL file {path} not found.")
    code = path.read_text()

    def include(match):
        return _VERSION_LINE.sub("", load_glsl(match.group(1)))

    return _INCLUDE.sub(include, code)


def get_data_bounds(pos):
    """Bounds ``(xmin, ymin, xmax, ymax)`` of positions, widened where they are flat."""
    pos = np.asarray(pos, dtype=np.float64).reshape(-1, 2)
    if not len(pos):
        return NDC
    low, high = pos.min(axis=0), pos.max(axis=0)
    flat = high == low
    pad = np.where(np.abs(low) > 0, np.abs(low) * 0.5, 1.0)
    low, high = np.where(flat, low - pad, low), np.where(flat, high + pad, high)
    return (low[0], low[1], high[0], high[1])


class BaseVisual:
    """A Visual represents one object (or homogeneous set of objects).

    It is rendered with a single pass of a single program with a single type of GL primitive.

    Attributes
    ----------
    program : gloo.Program
        Created when the visual is added to a canvas.
    canvas : BaseCanvas
        The canvas the visual is in.
    n_vertices : int
        Number of vertices set by the last ``set_data()``.
    box_index : ndarray
        Per-vertex box index of the last ``set_box_index()`` (None before).
    data_range : Range
        The CPU transform normalizing the data (see :meth:`set_data_range`).
    transforms : TransformChain
        The CPU transforms applied to positions in :meth:`transform_positions`.
    inserter : GLSLInserter
        GLSL snippets and GPU transforms specific to this visual.
    draw_ranges : tuple
        ``(firsts, counts)`` to draw several vertex ranges in one call, or None.

    """

    #: Keys of the validated data that are not concatenated in batches.
    _noconcat = ("data_bounds",)
    #: The dtype of the normalized positions of :meth:`transform_positions` (float64 for the
    #: visuals uploading them precisely, see ``glsl/precise.glsl``).
    _position_dtype = np.float32

    def __init__(self):
        self.gl_primitive_type = None
        self.vertex_shader = None
        self.fragment_shader = None
        self.program = None
        self.canvas = None
        self.visible = True
        self.n_vertices = 0
        self.box_index = None
        self.draw_ranges = None
        self.inserter = GLSLInserter()
        self.data_range = Range(NDC, NDC)
        self.transforms = TransformChain([self.data_range])
        self._acc = BatchAccumulator()

    def __repr__(self):
        return f"<{type(self).__name__}>"

    # Shaders and primitive type
    # ---------------------------------------------------------------------------------------------

    def set_shader(self, name):
        """Set the built-in vertex and fragment shader (``glsl/<name>.vert`` and ``.frag``)."""
        self.vertex_shader = load_glsl(f"{name}.vert")
        self.fragment_shader = load_glsl(f"{name}.frag")
        if self.canvas is not None:
            self.canvas.build_program(self)

    def set_primitive_type(self, primitive_type):
        """Set the primitive type (points, lines, line_strip, line_loop, triangles...)."""
        if primitive_type not in PRIMITIVES:
            raise ValueError(
                f"Unknown primitive type {primitive_type!r}: use one of {list(PRIMITIVES)}.")
        self.gl_primitive_type = primitive_type

    # Data
    # ---------------------------------------------------------------------------------------------

    def set_data_range(self, data_range):
        """Set the data bounds that positions are normalized from when none are given.

        This is the CPU Range transform (:attr:`data_range`) used by :meth:`transform_positions`.
        """
        self.data_range.from_bounds = _bounds(data_range)

    def transform_positions(self, pos, data_bounds=None, dtype=None):
        """Normalize positions to NDC with the CPU transforms (computed in float64).

        Parameters
        ----------
        pos : array-like
            ``(n, 2)`` positions in data coordinates.
        data_bounds : 4-tuple, (n, 4) array, 'auto' or None
            Data coordinates of the NDC rectangle: None for the data range of the visual,
            ``'auto'`` for the bounds of `pos`.
        dtype : dtype
            The dtype of the result (by default float32 for the GPU, or float64 for the
            visuals whose positions are precise at deep zoom).

        """
        dtype = dtype or self._position_dtype
        pos = np.asarray(pos).reshape(-1, 2)
        if isinstance(data_bounds, str):
            if data_bounds != "auto":
                raise ValueError(f"Invalid data_bounds {data_bounds!r}: a 4-tuple or 'auto'.")
            data_bounds = get_data_bounds(pos)
        bounds = self.data_range.from_bounds if data_bounds is None else np.asarray(data_bounds)
        if len(self.transforms) == 1 and np.array_equal(bounds, self.data_range.to_bounds):
            return np.ascontiguousarray(pos, dtype=dtype)  # Already normalized.
        pos = self.data_range.apply(pos.astype(np.float64), from_bounds=bounds)
        for t in self.transforms.transforms:
            if t is not self.data_range:
                pos = t.apply(pos)
        return pos.astype(dtype, copy=False)

    def validate(self, **kwargs):
        """Make consistent the input data for the visual; return a Bunch.

        The default returns the data unchanged.
        """
        return Bunch(kwargs)

    def vertex_count(self, **kwargs):
        """Return the number of vertices as a function of the input data.

        The default is the number of rows of ``pos``, else of the first array-like value
        (0 without any).
        """
        values = [kwargs["pos"]] if kwargs.get("pos") is not None else kwargs.values()
        for value in values:
            if not isinstance(value, str) and np.ndim(value) >= 1:
                return len(value)
        return 0

    def vertex_counts(self, data):
        """Number of vertices of each item of validated data (one item by default)."""
        return np.array([self.vertex_count(**data)], dtype=np.int64)

    def _program_data(self, data):
        """Return the program's ``{name: value}`` for validated data."""
        raise NotImplementedError(
            f"{type(self).__name__} must override set_data() or _program_data().")

    def set_data(self, *args, **kwargs):
        """Set data to the program (after the visual was added to a canvas).

        Takes the parameters of :meth:`validate`, and ``box_index`` (see
        :meth:`set_box_index`). Returns the validated data.
        """
        self._check_program()
        box_index = kwargs.pop("box_index", None)
        data = self.validate(*args, **kwargs)
        self.n_vertices = int(self.vertex_counts(data).sum())
        for name, value in self._program_data(data).items():
            self.program[name] = value
        if box_index is not None:
            self.set_box_index(box_index, data)
        self.emit_visual_set_data()
        return data

    def _check_program(self):
        if self.program is None:
            raise RuntimeError(
                f"{type(self).__name__}.set_data() needs the visual to be added to a canvas "
                "first: call canvas.add_visual(visual).")

    def emit_visual_set_data(self):
        """Emit the canvas' ``visual_set_data`` event after data has been set in the visual."""
        if self.canvas is not None:
            self.canvas.emit("visual_set_data", visual=self)
            self.canvas.update()

    # Batch
    # ---------------------------------------------------------------------------------------------

    def add_batch_data(self, box_index=None, **kwargs):
        """Prepare data to be added later with ``PlotCanvas.add_visual()`` or ``update_visual``.

        Parameters
        ----------
        box_index : scalar, 2-tuple or array
            The box of the data (one for all, one per item, or one per vertex).
        **kwargs
            The data, as for ``set_data()``.

        """
        data = self.validate(**kwargs)
        counts = self.vertex_counts(data)
        if box_index is not None:
            box_index = self._expand_box_index(box_index, counts)
        self._acc.add(
            data, noconcat=self._noconcat, n_items=len(counts), n_vertices=int(counts.sum()),
            box_index=box_index)

    @property
    def batch_data(self):
        """The concatenated batch data (a Bunch; empty when nothing was added)."""
        return self._acc.data

    @property
    def has_batch_data(self):
        """Whether batch data was added since the last reset."""
        return not self._acc.is_empty

    def reset_batch(self):
        """Reinitialize the batch."""
        self._acc.reset()

    # Box index
    # ---------------------------------------------------------------------------------------------

    @property
    def _box_var(self):
        layout = getattr(self.canvas, "layout", None)
        return layout.box_var if layout is not None else "a_box_index"

    def _box_dim(self, box_index):
        """Number of components of a box index: 2 in a grid, 1 otherwise."""
        program = self.program
        if program is not None and self._box_var in program.attributes:
            return 2 if program.attributes[self._box_var] == "vec2" else 1
        layout = getattr(self.canvas, "layout", None)
        if layout is not None:
            return layout.box_dim
        arr = np.asarray(box_index)
        return 2 if arr.ndim >= 1 and arr.shape[-1] == 2 and (
            arr.ndim == 2 or isinstance(box_index, tuple)) else 1

    def _expand_box_index(self, box_index, counts=None):
        """Return a per-vertex box index from one box, one per item or one per vertex."""
        dim = self._box_dim(box_index)
        arr = np.asarray(box_index, dtype=np.float32).reshape(-1, dim)
        n_vertices = int(counts.sum()) if counts is not None else self.n_vertices
        if len(arr) == n_vertices:
            out = arr
        elif len(arr) == 1:
            out = np.repeat(arr, n_vertices, axis=0)
        elif counts is not None and len(arr) == len(counts):
            out = np.repeat(arr, counts, axis=0)
        else:
            raise ValueError(
                f"{type(self).__name__}: the box index has {len(arr)} rows, expected 1, one per "
                f"item or one per vertex ({n_vertices}).")
        return out[:, 0] if dim == 1 else out

    def set_box_index(self, box_index, data=None):
        """Set the visual's box index, used by layouts (subplot or box of each vertex).

        Parameters
        ----------
        box_index : scalar, 2-tuple or array
            One box for all vertices, one per item of `data`, or one per vertex.
        data : Bunch
            The validated data, to know the number of vertices of each item.

        """
        counts = self.vertex_counts(data) if data is not None else None
        self.box_index = self._expand_box_index(box_index, counts)
        if self.program is not None and self._box_var in self.program:
            self.program[self._box_var] = self.box_index

    # Drawing
    # ---------------------------------------------------------------------------------------------

    def on_draw(self):
        """Draw the visual (in the canvas' OpenGL context)."""
        if self.visible and self.n_vertices > 0 and self.program is not None:
            self.program.draw(self.gl_primitive_type, ranges=self.draw_ranges)

    def on_resize(self, width, height):
        """Update the window size, device pixel ratio and framebuffer size in the program."""
        if self.program is None:
            return
        self.program.set_declared({"u_window_size": (width, height)})
        if self.canvas is not None:
            self.program.set_declared({
                "u_pixel_ratio": self.canvas.pixel_ratio,
                FRAMEBUFFER_SIZE_VAR: self.canvas.framebuffer_size()})

    def show(self):
        """Show the visual."""
        self.visible = True
        if self.canvas is not None:
            self.canvas.update()

    def hide(self):
        """Hide the visual."""
        self.visible = False
        if self.canvas is not None:
            self.canvas.update()

    def toggle(self):
        """Toggle the visual visibility."""
        self.hide() if self.visible else self.show()

    def close(self):
        """Close the visual: remove it from its canvas and free its OpenGL objects."""
        if self.canvas is not None:
            self.canvas.remove(self)
