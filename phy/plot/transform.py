"""Transforms of 2D positions, each with its CPU, GPU and inverse forms side by side.

A transform maps ``(n, 2)`` positions. Each one has three methods that must agree:

* ``apply(arr)`` transforms a NumPy array on the CPU;
* ``glsl(var)`` returns a GLSL statement transforming the ``vec2`` variable ``var`` in place in
  the vertex shader;
* ``inverse()`` returns the inverse transform.

A transform created with a GPU variable name (``gpu_var``) refers to that uniform (or GLSL
expression) in its GLSL code instead of a literal value, so that an interact such as pan/zoom
changes it by setting a uniform; its CPU value is the ``amount`` (or bounds) attribute, which the
interact keeps in sync.

To write a transform, subclass :class:`BaseTransform` and implement the three methods; override
:meth:`BaseTransform.glsl_declarations` if the GLSL code needs declarations or fragment code
(as :class:`Clip` does).

Bounds are 4-tuples ``(xmin, ymin, xmax, ymax)``; :data:`NDC` is ``(-1, -1, 1, 1)``.
"""

from abc import ABC, abstractmethod

import numpy as np

#: Normalized device coordinates bounds.
NDC = (-1.0, -1.0, 1.0, 1.0)


def _positions(arr):
    """Return an array as float64 positions of shape (n, 2)."""
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim == 1 and arr.shape[0] == 2:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"Positions must have shape (n, 2), got {arr.shape}.")
    return arr


def _bounds(bounds):
    """Return bounds as a float64 array of shape (4,) or (n, 4)."""
    bounds = np.asarray(bounds, dtype=np.float64)
    if bounds.shape[-1:] != (4,) or bounds.ndim > 2:
        raise ValueError(f"Bounds must have shape (4,) or (n, 4), got {bounds.shape}.")
    return bounds


def _vec(values):
    """GLSL literal of a vec2 or vec4."""
    values = np.asarray(values, dtype=np.float64).ravel()
    return f"vec{len(values)}({', '.join(repr(float(v)) for v in values)})"


def _nonempty(bounds):
    """Bounds with a zero width or height widened by 1, as :meth:`Range.apply` does."""
    bounds = bounds.copy()
    empty = bounds[2:] == bounds[:2]
    bounds[2:][empty] += 1.0
    return bounds


def _pair(value):
    value = np.asarray(value, dtype=np.float64)
    return np.broadcast_to(value, (2,)).copy() if value.ndim == 0 else value


class BaseTransform(ABC):
    """Base class of transforms (see the module docstring)."""

    @abstractmethod
    def apply(self, arr):
        """Apply the transform to an ``(n, 2)`` array."""

    @abstractmethod
    def glsl(self, var):
        """Return GLSL code transforming the ``vec2`` variable `var` in place."""

    @abstractmethod
    def inverse(self):
        """Return the inverse transform."""

    def glsl_declarations(self):
        """Return the extra GLSL code this transform needs, as a dictionary.

        Keys: ``vertex_header``, ``fragment_header`` (declarations) and ``fragment_main``
        (code at the start of the fragment shader's ``main()``). Empty by default.
        """
        return {}

    def __repr__(self):
        return f"<{type(self).__name__}>"


class Translate(BaseTransform):
    """Translation transform.

    Parameters
    ----------
    amount : 2-tuple
        Coordinates of the translation.
    gpu_var : str
        The name of the GPU variable with the translate vector.

    """

    def __init__(self, amount=(0.0, 0.0), gpu_var=None):
        self.amount = _pair(amount)
        self.gpu_var = gpu_var
        self._inverted = False

    def apply(self, arr, param=None):
        """Apply a translation to a NumPy array (by `param` instead of the amount if given)."""
        amount = self.amount if param is None else _pair(param)
        return _positions(arr) + amount

    def glsl(self, var):
        """Return a GLSL snippet that applies the translation to a given GLSL variable name."""
        if self.gpu_var:
            return f"{var} = {var} {'-' if self._inverted else '+'} {self.gpu_var};"
        return f"{var} = {var} + {_vec(self.amount)};"

    def inverse(self):
        """Return the inverse Translate instance."""
        t = Translate(-self.amount, gpu_var=self.gpu_var)
        t._inverted = not self._inverted
        return t


class Scale(BaseTransform):
    """Scale transform.

    Parameters
    ----------
    amount : 2-tuple
        Coordinates of the scaling (nonzero).
    gpu_var : str
        The name of the GPU variable with the scaling vector.

    """

    def __init__(self, amount=(1.0, 1.0), gpu_var=None):
        self.amount = _pair(amount)
        self.gpu_var = gpu_var
        self._inverted = False

    def apply(self, arr, param=None):
        """Apply a scaling to a NumPy array (by `param` instead of the amount if given)."""
        amount = self.amount if param is None else _pair(param)
        return _positions(arr) * amount

    def glsl(self, var):
        """Return a GLSL snippet that applies the scaling to a given GLSL variable name."""
        if self.gpu_var:
            return f"{var} = {var} {'/' if self._inverted else '*'} {self.gpu_var};"
        return f"{var} = {var} * {_vec(self.amount)};"

    def inverse(self):
        """Return the inverse Scale instance."""
        if np.any(self.amount == 0):
            raise ValueError("A scaling by zero has no inverse.")
        t = Scale(1.0 / self.amount, gpu_var=self.gpu_var)
        t._inverted = not self._inverted
        return t


class Range(BaseTransform):
    """Linear transform from a source rectangle to a target rectangle.

    Parameters
    ----------
    from_bounds : 4-tuple
        Bounds of the source rectangle.
    to_bounds : 4-tuple
        Bounds of the target rectangle.
    from_gpu_var : str
        Name of the GPU variable (a ``vec4``) with the from bounds.
    to_gpu_var : str
        Name of the GPU variable (a ``vec4``) with the to bounds.

    A source rectangle of zero width (or height) maps its single x (or y) value to the
    target's minimum.

    """

    def __init__(self, from_bounds=NDC, to_bounds=NDC, from_gpu_var=None, to_gpu_var=None):
        self.from_bounds = _bounds(from_bounds)
        self.to_bounds = _bounds(to_bounds)
        self.from_gpu_var = from_gpu_var
        self.to_gpu_var = to_gpu_var

    def apply(self, arr, from_bounds=None, to_bounds=None):
        """Apply the transform to a NumPy array.

        The bounds may also be ``(n, 4)`` arrays: one rectangle per position.
        """
        arr = _positions(arr)
        f = self.from_bounds if from_bounds is None else _bounds(from_bounds)
        t = self.to_bounds if to_bounds is None else _bounds(to_bounds)
        if f.ndim == t.ndim == 1 and np.array_equal(f, t):
            return arr.copy()
        f0, f1 = f[..., :2], f[..., 2:]
        t0, t1 = t[..., :2], t[..., 2:]
        width = f1 - f0
        width = np.where(width == 0, 1.0, width)
        return t0 + (arr - f0) * ((t1 - t0) / width)

    def glsl(self, var):
        """Return a GLSL snippet that applies the transform to a given GLSL variable name."""
        f = self.from_gpu_var or _vec(_nonempty(self.from_bounds))
        t = self.to_gpu_var or _vec(self.to_bounds)
        return (
            f"{var} = ({t}).xy + ({var} - ({f}).xy) * (({t}).zw - ({t}).xy) / "
            f"(({f}).zw - ({f}).xy);")

    def inverse(self):
        """Return the inverse Range instance."""
        return Range(
            from_bounds=self.to_bounds, to_bounds=self.from_bounds,
            from_gpu_var=self.to_gpu_var, to_gpu_var=self.from_gpu_var)


def subplot_bounds(shape, index):
    """Bounds of the subplot at `index` (row, col) in a grid of `shape` (n_rows, n_cols).

    `index` may be an ``(n, 2)`` array, giving ``(n, 4)`` bounds. Row 0 is at the top.
    """
    n_rows, n_cols = shape
    index = np.asarray(index, dtype=np.float64)
    i, j = index[..., 0], index[..., 1]
    width, height = 2.0 / n_cols, 2.0 / n_rows
    return np.stack(
        [-1 + j * width, 1 - (i + 1) * height, -1 + (j + 1) * width, 1 - i * height], axis=-1)


def _subplot_bounds_glsl(shape_var, index_var):
    """GLSL expression (a vec4) of the subplot bounds, mirroring :func:`subplot_bounds`."""
    s, i = shape_var, index_var
    return (
        f"vec4(-1.0 + 2.0 * {i}.y / {s}.y, 1.0 - 2.0 * ({i}.x + 1.0) / {s}.x, "
        f"-1.0 + 2.0 * ({i}.y + 1.0) / {s}.y, 1.0 - 2.0 * {i}.x / {s}.x)")


class Subplot(Range):
    """A Range transform from NDC to a subplot at a particular location in a grid layout.

    Parameters
    ----------
    shape : 2-tuple
        Number of rows and columns in the grid layout.
    index : 2-tuple
        Index of the row and column of the subplot (row 0 at the top).
    shape_gpu_var : str
        Name of the GPU variable (a ``vec2``) with the grid's shape.
    index_gpu_var : str
        Name of the GPU variable (a ``vec2``) with the grid's subplot index.

    """

    def __init__(self, shape=(1, 1), index=(0, 0), shape_gpu_var=None, index_gpu_var=None):
        self.shape = tuple(shape)
        self.index = tuple(index)
        to_gpu_var = None
        if shape_gpu_var or index_gpu_var:
            to_gpu_var = _subplot_bounds_glsl(
                shape_gpu_var or _vec(self.shape), index_gpu_var or _vec(self.index))
        super().__init__(
            from_bounds=NDC, to_bounds=subplot_bounds(self.shape, self.index),
            to_gpu_var=to_gpu_var)


class Clip(BaseTransform):
    """Discard the fragments outside a rectangle (in the coordinates where it is applied).

    On the CPU, :meth:`apply` keeps the positions inside the rectangle. On the GPU, the position
    is passed to the fragment shader through a varying, where the fragments outside are
    discarded: lines and triangles are cut at the edges, and a point (marker) is drawn whole
    if its center is inside. The inverse is the identity.

    Parameters
    ----------
    bounds : 4-tuple
        The clipping rectangle.
    varying : str
        Name of the GLSL varying holding the position.

    """

    def __init__(self, bounds=NDC, varying="v_clip_position"):
        self.bounds = _bounds(bounds)
        self.varying = varying

    def apply(self, arr):
        """Return the positions inside the clipping rectangle."""
        arr = _positions(arr)
        x0, y0, x1, y1 = self.bounds
        inside = (arr[:, 0] >= x0) & (arr[:, 0] <= x1) & (arr[:, 1] >= y0) & (arr[:, 1] <= y1)
        return arr[inside]

    def glsl(self, var):
        """Return a GLSL snippet passing the position to the fragment shader."""
        return f"{self.varying} = {var};"

    def glsl_declarations(self):
        """Declare the varying and discard the fragments outside the rectangle."""
        x0, y0, x1, y1 = (repr(float(v)) for v in self.bounds)
        v = self.varying
        return {
            "vertex_header": f"out vec2 {v};",
            "fragment_header": f"in vec2 {v};",
            "fragment_main": (
                f"if (({v}.x < {x0}) || ({v}.y < {y0}) || ({v}.x > {x1}) || ({v}.y > {y1})) "
                "discard;"),
        }

    def inverse(self):
        """Clipping has no inverse: return the identity (this transform)."""
        return self


class TransformChain:
    """A linear sequence of transforms, each one with an optional origin.

    The origin is the object (e.g. a layout or the pan/zoom interact) that added the
    transform; visuals can exclude the transforms of some origins.
    """

    def __init__(self, transforms=(), origin=None):
        self._items = []
        self.add(transforms, origin=origin)

    @property
    def transforms(self):
        """List of transforms."""
        return [t for t, _ in self._items]

    @property
    def items(self):
        """List of ``(transform, origin)`` pairs."""
        return list(self._items)

    def add(self, transforms, origin=None, index=None):
        """Add some transforms (at the end, or before position `index`); return the chain."""
        if isinstance(transforms, BaseTransform):
            transforms = [transforms]
        new = [(t, origin) for t in transforms]
        index = len(self._items) if index is None else index
        self._items[index:index] = new
        return self

    def remove(self, origin):
        """Remove the transforms added by an origin."""
        self._items = [(t, o) for t, o in self._items if o is not origin]

    def get(self, class_name):
        """Get the first transform in the chain with this class name (None if absent)."""
        for t in self.transforms:
            if type(t).__name__ == class_name:
                return t
        return None

    def apply(self, arr):
        """Apply all transforms on an array."""
        arr = _positions(arr)
        for t in self.transforms:
            arr = t.apply(arr)
        return arr

    def inverse(self):
        """Return the inverse chain of transforms."""
        chain = TransformChain()
        chain._items = [(t.inverse(), o) for t, o in reversed(self._items)]
        return chain

    def __len__(self):
        return len(self._items)

    def __repr__(self):
        return f"<TransformChain {self.transforms}>"


def extend_bounds(bounds_list):
    """Return a single data bounds 4-tuple containing all bounds in a list."""
    bounds = np.array([_bounds(b) for b in bounds_list], dtype=np.float64)
    if not len(bounds):
        raise ValueError("extend_bounds() needs at least one bounds 4-tuple.")
    return (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
