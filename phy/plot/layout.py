"""Layouts: subplots in a grid, boxes anywhere, or boxes stacked vertically.

:class:`Grid`, :class:`Boxed` and :class:`Stacked` place each vertex in its box on the GPU.

A layout is a GPU transform from a box's local NDC to the box in the window, selected per vertex
by a box index attribute (``a_box_index``: ``vec2`` (row, col) in a grid, ``float`` otherwise).
Visuals set their box index with ``set_data(..., box_index=...)``, or get the layout's active box.
All boxes of a visual are drawn in one call.

To write a layout, subclass :class:`BaseLayout`: set ``box_dim``, build ``self.gpu_transforms``
(the GPU side, with GLSL variables), implement ``_glsl_declarations()`` (uniforms),
``_box_chain(box)`` (the CPU transforms of one box), ``get_closest_box(ndc)``, and
``update_visual(visual)`` to set the uniforms.
"""

from abc import ABC, abstractmethod
from contextlib import contextmanager

import numpy as np

from .transform import NDC, Clip, Range, Scale, Subplot, TransformChain, subplot_bounds
from .visuals import ThickLineVisual
from .visuals.thick_line import snap_to_pixels
from .visuals.utils import item_texture

#: Width of the box borders, in logical pixels.
BORDER_WIDTH = 1.0


def _rectangle_sides(bounds):
    """The sides ``(x0, y0, x1, y1)`` of rectangles of ``(n, 4)`` bounds, each side once.

    Adjacent boxes share sides: they are drawn once.
    """
    x0, y0, x1, y1 = np.asarray(bounds, dtype=np.float64).reshape(-1, 4).T
    sides = np.concatenate([
        np.column_stack([x0, y0, x1, y0]), np.column_stack([x0, y1, x1, y1]),
        np.column_stack([x0, y0, x0, y1]), np.column_stack([x1, y0, x1, y1])])
    return np.unique(sides, axis=0)


class BaseLayout(ABC):
    """Implement global transforms on a canvas, like subplots.

    Attributes
    ----------
    box_var : str
        Name of the GLSL attribute with the box index.
    active_box : int or tuple
        The box of the visuals that do not set a box index.
    gpu_transforms : TransformChain
        The layout's GPU transforms.

    """

    #: Number of components of the box index: 2 (row, col) in a grid, 1 otherwise.
    box_dim = 1
    #: Name of the ``vec2`` uniform scaling the plots within their box (None: no scaling).
    scaling_var = None
    _boxes_color = (1.0, 1.0, 1.0, 0.25)

    def __init__(self, box_var=None):
        self.box_var = box_var or "a_box_index"
        self.canvas = None
        self.active_box = 0
        self.gpu_transforms = TransformChain()
        self._boxes_visual = None
        self._scaling = np.ones(2)

    @property
    def scaling(self):
        """Return the scaling of the plots within their box (or subplot)."""
        return tuple(self._scaling)

    @scaling.setter
    def scaling(self, value):
        self._scaling = np.broadcast_to(np.asarray(value, dtype=np.float64), (2,)).copy()
        self.update()

    def _glsl_declarations(self):
        """Declarations of the layout's uniforms in the vertex shader."""
        return ""

    def _glsl_snippets(self):
        """``(location, code)`` snippets of the vertex shader."""
        return []

    def attach(self, canvas):
        """Attach this layout to a canvas (replacing its previous layout)."""
        if canvas.layout is not None and canvas.layout is not self:
            canvas.remove_interact(canvas.layout)
        self.canvas = canvas
        canvas.layout = self
        canvas.gpu_transforms.add(self.gpu_transforms.transforms, origin=self)
        box_type = "vec2" if self.box_dim == 2 else "float"
        header = f"in {box_type} {self.box_var};\n{self._glsl_declarations()}"
        canvas.inserter.insert_vert(header, "header", origin=self)
        for location, code in self._glsl_snippets():
            canvas.inserter.insert_vert(code, location, origin=self)
        canvas.add_interact(self)

    def on_visual_set_data(self, e):
        """Update the box index and uniforms of a visual whose data changed."""
        visual = e.visual
        if visual.program is not None and self.box_var in visual.program:
            self.update_visual(visual)

    def update_visual(self, visual):
        """Set the default box index of a visual (when it has none for its vertices)."""
        has_box_index = visual.box_index is not None and len(visual.box_index) == visual.n_vertices
        if visual.n_vertices and not has_box_index:
            visual.set_box_index(self.active_box)
        visual.program.set_declared({self.scaling_var: self._scaling})

    def update(self):
        """Update all visuals in the attached canvas."""
        if self.canvas is None:
            return
        for visual in self.canvas.visuals_of(self):
            self.update_visual(visual)
        self.canvas.update()

    @abstractmethod
    def _box_chain(self, box):
        """The CPU transforms from the local NDC of a box to the window NDC."""

    def map(self, arr, box=None, inverse=None):
        """Apply the layout transformation (or its inverse) to a position array."""
        chain = self._box_chain(self.active_box if box is None else box)
        return (chain.inverse() if inverse else chain).apply(arr)

    def imap(self, arr, box=None):
        """Apply the layout inverse transformation to a position array."""
        return self.map(arr, box=box, inverse=True)

    @abstractmethod
    def get_closest_box(self, ndc):
        """Return the box closest to a given position in NDC."""

    def box_map(self, mouse_pos):
        """Get the box and the local NDC coordinates (before pan/zoom) of a mouse position."""
        ndc = self.canvas.pos_to_ndc(mouse_pos)
        box = self.get_closest_box(ndc)
        return box, self.imap(ndc, box=box)[0]

    @contextmanager
    def swap_active_box(self, box):
        """Context manager to temporarily change the active box."""
        previous, self.active_box = self.active_box, box
        try:
            yield
        finally:
            self.active_box = previous

    @abstractmethod
    def _box_bounds_list(self):
        """The bounds of every box in window NDC, shape (n, 4)."""

    def add_boxes(self, canvas):
        """Show the box borders (a visual outside of all interacts).

        The borders are lines one logical pixel wide (two physical pixels on a HiDPI screen),
        snapped to whole pixels so that they are crisp, the sides shared by adjacent boxes drawn
        once. Their color is opaque (the translucent border color over the canvas background),
        so that the pixels where sides meet are the same as the others.
        """
        self.canvas = self.canvas or canvas
        self._boxes_visual = ThickLineVisual(width=BORDER_WIDTH)
        canvas.add_visual(
            self._boxes_visual, clearable=False, exclude_origins="all")
        canvas.attach_events(self)
        self._update_boxes_visual()

    def _update_boxes_visual(self):
        visual = self._boxes_visual
        if visual is None or visual.canvas is None:
            return
        canvas = visual.canvas
        ratio = canvas.pixel_ratio
        (w, h), width = canvas.get_size(), BORDER_WIDTH * ratio
        bounds = np.asarray(self._box_bounds_list(), dtype=np.float64).reshape(-1, 4)
        bounds[:, ::2] = snap_to_pixels(bounds[:, ::2], w * ratio, width, keep_inside=True)
        bounds[:, 1::2] = snap_to_pixels(bounds[:, 1::2], h * ratio, width, keep_inside=True)
        sides = _rectangle_sides(bounds)
        alpha = self._boxes_color[3]
        color = np.r_[
            alpha * np.asarray(self._boxes_color[:3])
            + (1 - alpha) * np.asarray(canvas.background_color[:3]), 1.0]
        visual.set_data(
            pos=sides.reshape(-1, 2), plot_sizes=np.full(len(sides), 2), color=color)

    def on_resize(self, e):
        """Snap the box borders to the pixels of the new size."""
        self._update_boxes_visual()


class Grid(BaseLayout):
    """Layout showing subplots arranged in a 2D grid.

    Parameters
    ----------
    shape : tuple or str
        Number of rows, cols in the grid; or the name of the GLSL uniform with the shape.
    shape_var : str
        Name of the GLSL uniform variable that holds the shape.
    box_var : str
        Name of the GLSL variable with the box index (row, col), row 0 at the top.
    has_clip : boolean
        Whether subplots should be clipped.

    """

    box_dim = 2
    scaling_var = "u_grid_scaling"

    def __init__(self, shape=(1, 1), shape_var="u_grid_shape", box_var=None, has_clip=True):
        super().__init__(box_var=box_var)
        if isinstance(shape, str):
            shape_var, shape = shape, (1, 1)
        self.shape_var = shape_var
        self._shape = self._check_shape(shape)
        self.has_clip = has_clip
        self.active_box = (0, 0)
        self.gpu_transforms = TransformChain(
            [Scale(gpu_var=self.scaling_var)] + ([Clip(NDC)] if has_clip else [])
            + [Subplot(shape_gpu_var=shape_var, index_gpu_var=self.box_var)])

    @staticmethod
    def _check_shape(shape):
        shape = tuple(int(s) for s in shape)
        if len(shape) != 2 or min(shape) < 1:
            raise ValueError(f"A grid shape must be (n_rows, n_cols) >= 1, got {shape}.")
        return shape

    def _glsl_declarations(self):
        return f"uniform vec2 {self.shape_var};\nuniform vec2 {self.scaling_var};"

    @property
    def shape(self):
        """Return the grid shape."""
        return self._shape

    @shape.setter
    def shape(self, value):
        self._shape = self._check_shape(value)
        self._update_boxes_visual()
        self.update()

    def update_visual(self, visual):
        """Update a visual."""
        super().update_visual(visual)
        visual.program.set_declared({self.shape_var: self._shape})

    def _box_chain(self, box):
        return TransformChain([Scale(self._scaling), Subplot(self._shape, box)])

    def get_closest_box(self, pos):
        """Get the box index (i, j) closest to a given position in NDC coordinates."""
        x, y = np.asarray(pos, dtype=np.float64).ravel()[:2]
        n_rows, n_cols = self._shape
        row = int(np.clip(np.floor((1 - y) / 2 * n_rows), 0, n_rows - 1))
        col = int(np.clip(np.floor((x + 1) / 2 * n_cols), 0, n_cols - 1))
        return row, col

    def _box_bounds_list(self):
        n_rows, n_cols = self._shape
        rows, cols = np.meshgrid(np.arange(n_rows), np.arange(n_cols), indexing="ij")
        return subplot_bounds(self._shape, np.column_stack([rows.ravel(), cols.ravel()]))

    def add_boxes(self, canvas, shape=None):
        """Show subplot boxes."""
        if shape is not None:
            self._shape = self._check_shape(shape)
        super().add_boxes(canvas)


def get_non_overlapping_boxes(box_pos, keep_aspect_ratio=False):
    """Return the bounds of the largest equal boxes centered on positions, without overlap.

    Among box aspect ratios from 1/1000 to 1000, the one that gives the largest boxes once all
    boxes are rescaled to fill NDC is chosen; for each ratio, the largest size without overlap
    is the smallest, over all pairs of boxes, of the size at which they start to overlap.

    Parameters
    ----------
    box_pos : array-like
        ``(n, 2)`` box centers, in any coordinates.
    keep_aspect_ratio : bool
        Rescale both axes by the same factor (centered) to fit NDC.

    Returns
    -------
    box_bounds : ndarray
        ``(n, 4)`` bounds within NDC.

    """
    pos = np.asarray(box_pos, dtype=np.float64).reshape(-1, 2)
    n = len(pos)
    if n == 0:
        raise ValueError("At least one box position is needed.")
    if n == 1:
        return np.array([NDC])
    i, j = np.triu_indices(n, 1)
    dx, dy = np.abs(pos[i] - pos[j]).T
    if np.any((dx == 0) & (dy == 0)):
        raise ValueError("Two boxes have the same position: they cannot be separated.")
    extent = pos.max(axis=0) - pos.min(axis=0)
    best, best_size = -1.0, None
    for ratio in np.logspace(-3, 3, 121):
        height = np.min(np.maximum(dx / ratio, dy))
        width = ratio * height
        score = width / (extent[0] + width) * height / (extent[1] + height)
        if score > best:
            best, best_size = score, np.array([width, height])
    return _fit_to_ndc(np.hstack([pos - best_size / 2, pos + best_size / 2]), keep_aspect_ratio)


def _fit_to_ndc(bounds, keep_aspect_ratio=False):
    """Rescale bounds linearly so that together they fill NDC."""
    low = bounds[:, :2].min(axis=0)
    high = bounds[:, 2:].max(axis=0)
    span = high - low
    if keep_aspect_ratio:
        span = np.full(2, span.max())
        low = 0.5 * (low + high) - 0.5 * span
    range_ = Range(from_bounds=np.r_[low, low + span], to_bounds=NDC)
    out = range_.apply(bounds.reshape(-1, 2)).reshape(-1, 4)
    return np.clip(out, -1.0, 1.0)


class Boxed(BaseLayout):
    """Layout showing plots in rectangles at arbitrary positions. Used by the waveform view.

    The boxes can be specified from their corner coordinates, or from their centers and optional
    sizes. Without sizes, the largest equal size without overlap is computed
    (:func:`get_non_overlapping_boxes`).

    Parameters
    ----------
    box_bounds : array-like
        A (n, 4) array where each row contains the (xmin, ymin, xmax, ymax) bounds of every box,
        in normalized device coordinates, within [-1, 1] (an error is raised otherwise).
    box_pos : array-like (2D, shape[1] == 2)
        Position of the centers of the boxes.
    box_size : array-like (2D, shape[1] == 2)
        Size of the boxes.
    box_var : str
        Name of the GLSL variable with the box index.
    keep_aspect_ratio : boolean
        Whether to keep the aspect ratio of the positions when fitting the boxes in NDC.
    has_clip : boolean
        Whether the plots are clipped to their box (lines, shapes and markers are cut at its
        edges, after the box scaling).

    """

    scaling_var = "u_box_scaling"

    def __init__(
            self, box_bounds=None, box_pos=None, box_size=None, box_var=None,
            keep_aspect_ratio=False, has_clip=True):
        super().__init__(box_var=box_var)
        self.keep_aspect_ratio = keep_aspect_ratio
        self.has_clip = has_clip
        self._box_bounds = None
        if box_bounds is not None:
            self.box_bounds = box_bounds
        elif box_pos is not None:
            self.update_boxes(box_pos, box_size)
        else:
            raise ValueError("Boxed needs `box_bounds`, or `box_pos` (and optionally `box_size`).")
        self.gpu_transforms = TransformChain(
            [Scale(gpu_var=self.scaling_var)] + ([Clip(NDC)] if has_clip else [])
            + [Range(NDC, to_gpu_var="boxed_bounds")])

    def _glsl_declarations(self):
        return f"uniform sampler2D u_box_bounds;\nuniform vec2 {self.scaling_var};"

    def _glsl_snippets(self):
        return [("before_transforms", (
            "ivec2 boxed_size = textureSize(u_box_bounds, 0);\n"
            f"int boxed_index = int({self.box_var} + 0.5);\n"
            "vec4 boxed_bounds = texelFetch(u_box_bounds, "
            "ivec2(boxed_index % boxed_size.x, boxed_index / boxed_size.x), 0);"))]

    @property
    def box_bounds(self):
        """Bounds of the boxes, (n, 4)."""
        return self._box_bounds.copy()

    @box_bounds.setter
    def box_bounds(self, value):
        bounds = np.asarray(value, dtype=np.float64).reshape(-1, 4)
        if not len(bounds):
            raise ValueError("At least one box is needed.")
        if np.any(np.abs(bounds) > 1 + 1e-6):
            raise ValueError("The box bounds must be within [-1, 1] (normalized coordinates).")
        if np.any(bounds[:, 2:] <= bounds[:, :2]):
            raise ValueError("The box bounds must be (xmin, ymin, xmax, ymax), xmin < xmax.")
        self._box_bounds = bounds
        self._update_boxes_visual()
        self.update()

    @property
    def box_pos(self):
        """Position of the box centers."""
        return 0.5 * (self._box_bounds[:, :2] + self._box_bounds[:, 2:])

    @property
    def box_size(self):
        """Sizes of the boxes."""
        return self._box_bounds[:, 2:] - self._box_bounds[:, :2]

    @property
    def n_boxes(self):
        """Total number of boxes."""
        return len(self._box_bounds)

    def update_boxes(self, box_pos, box_size=None):
        """Set the box bounds from specified box positions and (optionally) sizes."""
        box_pos = np.asarray(box_pos, dtype=np.float64).reshape(-1, 2)
        if box_size is None:
            self.box_bounds = get_non_overlapping_boxes(box_pos, self.keep_aspect_ratio)
            return
        size = np.broadcast_to(np.asarray(box_size, dtype=np.float64), box_pos.shape)
        self.box_bounds = np.hstack([box_pos - size / 2, box_pos + size / 2])

    def update_visual(self, visual):
        """Update a visual."""
        super().update_visual(visual)
        if "u_box_bounds" in visual.program:
            visual.program["u_box_bounds"] = item_texture(self._box_bounds)

    def _box_chain(self, box):
        return TransformChain([Scale(self._scaling), Range(NDC, self._box_bounds[int(box)])])

    def get_closest_box(self, pos):
        """Get the box containing a position in NDC, or else the one with the closest center."""
        x, y = np.asarray(pos, dtype=np.float64).ravel()[:2]
        b = self._box_bounds
        inside = np.nonzero((b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3]))[0]
        if len(inside):
            return int(inside[0])
        return int(np.argmin(np.sum((self.box_pos - (x, y)) ** 2, axis=1)))

    def _box_bounds_list(self):
        return self._box_bounds


class Stacked(Boxed):
    """Layout showing a number of full-width boxes stacked vertically (trace view).

    Parameters
    ----------
    n_boxes : int
        Number of boxes.
    box_var : str
        Name of the GLSL variable with the box index.
    origin : str
        ``'top'`` (box 0 at the top, the default) or ``'bottom'``.
    has_clip : boolean
        Whether the plots are clipped to their box.

    """

    def __init__(self, n_boxes, box_var=None, origin=None, has_clip=True):
        self._origin = self._check_origin(origin)
        super().__init__(
            box_bounds=self.get_box_bounds(n_boxes, self._origin), box_var=box_var,
            has_clip=has_clip)

    @staticmethod
    def _check_origin(origin):
        origin = origin or "top"
        if origin not in ("top", "bottom"):
            raise ValueError(f"The origin must be 'top' or 'bottom', got {origin!r}.")
        return origin

    @staticmethod
    def get_box_bounds(n_boxes, origin="top"):
        """Bounds of `n_boxes` full-width boxes stacked from the top (or the bottom)."""
        n_boxes = int(n_boxes)
        if n_boxes < 1:
            raise ValueError(f"A stacked layout needs at least one box, got {n_boxes}.")
        edges = np.linspace(1.0, -1.0, n_boxes + 1)
        bounds = np.zeros((n_boxes, 4))
        bounds[:, 0], bounds[:, 2] = -1.0, 1.0
        bounds[:, 1], bounds[:, 3] = edges[1:], edges[:-1]
        return bounds if origin == "top" else bounds[::-1].copy()

    @property
    def n_boxes(self):
        """Number of boxes (settable)."""
        return len(self._box_bounds)

    @n_boxes.setter
    def n_boxes(self, value):
        self.box_bounds = self.get_box_bounds(value, self._origin)

    @property
    def origin(self):
        """Where box 0 is: 'top' or 'bottom' (settable)."""
        return self._origin

    @origin.setter
    def origin(self, value):
        self._origin = self._check_origin(value)
        self.box_bounds = self.get_box_bounds(self.n_boxes, self._origin)
