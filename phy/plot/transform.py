"""Transforms of 2D positions, each with its CPU, GPU and inverse forms side by side.

A transform maps 2D positions. Each one has three methods that must agree:

* ``apply(arr)`` transforms a NumPy array on the CPU: an ``(n, 2)`` array of positions, or any
  ``(n, k)`` array with ``k / 2`` positions per row (a 1-D array is one row; ``None`` and empty
  arrays are returned unchanged);
* ``glsl(var)`` returns a GLSL statement transforming the ``vec2`` variable ``var`` in place in
  the vertex shader;
* ``inverse()`` returns the inverse transform.

A transform created with a GPU variable name (``gpu_var``, or a string in place of a value, as
in ``Scale('u_zoom')`` or ``Subplot('u_grid_shape', 'a_box_index')``) uses that uniform, attribute
or GLSL expression as it is in its GLSL code instead of a literal value, so that an interact such
as pan/zoom changes it by setting a uniform; its CPU value is the ``amount`` (or bounds)
attribute, which the interact keeps in sync. ``Translate`` and ``Scale`` also take a callable
amount, called at each use.

``t1 + t2`` is the :class:`TransformChain` applying ``t1`` then ``t2``.

To write a transform, subclass :class:`BaseTransform` and implement the three methods.

Bounds are 4-tuples ``(xmin, ymin, xmax, ymax)``; :data:`NDC` is ``(-1, -1, 1, 1)``.
"""

from abc import ABC, abstractmethod
from functools import wraps

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


def _wrap_apply(f):
    """Decorate ``apply(self, arr, ...)`` to take any ``(n, k)`` array of positions.

    ``None`` and empty arrays are returned unchanged; a 1-D array is one row. Each row holds
    ``k / 2`` consecutive ``(x, y)`` positions (``k`` even, e.g. segments ``(x0, y0, x1, y1)``);
    `f` receives them as an ``(n * k / 2, 2)`` float64 array and the result gets the input's
    row shape back.
    """
    @wraps(f)
    def apply(self, arr, *args, **kwargs):
        if arr is None or np.size(arr) == 0:
            return arr
        arr = np.asarray(arr, dtype=np.float64)
        if arr.ndim == 1:
            arr = arr[np.newaxis, :]
        if arr.ndim != 2 or arr.shape[1] % 2:
            raise ValueError(
                f"{type(self).__name__}.apply() needs an (n, k) array with k even "
                f"(k / 2 positions (x, y) per row), got shape {arr.shape}.")
        out = f(self, arr.reshape(-1, 2), *args, **kwargs)
        return out.reshape(-1, arr.shape[1])
    return apply


def _bounds(bounds):
    """Return bounds as a float64 array of shape (4,) or (n, 4)."""
    bounds = np.asarray(bounds, dtype=np.float64)
    if bounds.shape[-1:] != (4,) or bounds.ndim > 2:
        raise ValueError(f"Bounds must have shape (4,) or (n, 4), got {bounds.shape}.")
    return bounds


def _vec(values):
    """GLSL literal of a vec2 or vec4, or a GLSL variable name (a string) as it is."""
    if isinstance(values, str):
        return values
    values = np.asarray(values, dtype=np.float64).ravel()
    return f"vec{len(values)}({', '.join(repr(float(v)) for v in values)})"


def _nonempty(bounds):
    """Bounds with a zero width or height widened by 1 around their value.

    A flat source then maps its single value to the centre of the target, as
    :meth:`Range.apply` does.
    """
    bounds = bounds.copy()
    empty = bounds[2:] == bounds[:2]
    bounds[:2][empty] -= 0.5
    bounds[2:][empty] += 0.5
    return bounds


def _pair(value):
    value = np.asarray(value, dtype=np.float64)
    return np.broadcast_to(value, (2,)).copy() if value.ndim == 0 else value


class BaseTransform(ABC):
    """Base class of transforms (see the module docstring).

    Adding transforms (``t1 + t2``, ``t + chain``) gives a :class:`TransformChain` applying
    them in order.
    """

    @abstractmethod
    def apply(self, arr):
        """Apply the transform to an ``(n, 2)`` array."""

    @abstractmethod
    def glsl(self, var):
        """Return GLSL code transforming the ``vec2`` variable `var` in place."""

    @abstractmethod
    def inverse(self):
        """Return the inverse transform."""

    def __add__(self, other):
        return TransformChain([self]) + other

    def __repr__(self):
        return f"<{type(self).__name__}>"


class _Amount(BaseTransform):
    """A transform by a 2D amount: a value, a callable returning it, or a GPU variable name."""

    _op, _inverse_op, _neutral = "+", "-", 0.0

    def __init__(self, amount=None, gpu_var=None):
        if isinstance(amount, str):  # phy 2 style: Scale('u_zoom').
            amount, gpu_var = None, amount
        self.amount = self._neutral if amount is None else amount
        self.gpu_var = gpu_var
        self._inverted = False

    @property
    def amount(self):
        """The amount, a ``(2,)`` array (a callable amount is called at each use)."""
        return _pair(self._amount() if callable(self._amount) else self._amount)

    @amount.setter
    def amount(self, value):
        self._amount = value if callable(value) else _pair(value)

    @abstractmethod
    def _operate(self, arr, amount):
        """Apply the transform by `amount` to ``(n, 2)`` positions."""

    @_wrap_apply
    def apply(self, arr, param=None):
        """Apply the transform to a NumPy array (by `param` instead of the amount if given)."""
        return self._operate(arr, self.amount if param is None else _pair(param))

    def glsl(self, var):
        """Return a GLSL snippet that applies the transform to a given GLSL variable name."""
        if self.gpu_var:
            return f"{var} = {var} {self._inverse_op if self._inverted else self._op} " \
                f"{self.gpu_var};"
        return f"{var} = {var} {self._op} {_vec(self.amount)};"

    @abstractmethod
    def _inverse_amount(self, amount):
        """The amount of the inverse transform."""

    def inverse(self):
        """Return the inverse transform (of a callable amount: calling it at each use)."""
        amount = self._amount
        inv = (lambda: self._inverse_amount(_pair(amount()))) if callable(amount) else \
            self._inverse_amount(amount)
        t = type(self)(inv, gpu_var=self.gpu_var)
        t._inverted = not self._inverted
        return t


class Translate(_Amount):
    """Translation transform.

    Parameters
    ----------
    amount : 2-tuple, callable or str
        Coordinates of the translation; a callable returning them (called at each use); or the
        name of the GPU variable with the translate vector.
    gpu_var : str
        The name of the GPU variable with the translate vector.
    lo_gpu_var : str
        With `gpu_var`, the name of a second GPU variable added after it:
        ``var = (var + gpu_var) + lo_gpu_var``. Splitting a float64 translation into its
        float32 rounding (`gpu_var`) and the rest (`lo_gpu_var`) keeps its precision for the
        positions near ``-gpu_var`` (as the pan/zoom does).

    """

    def __init__(self, amount=None, gpu_var=None, lo_gpu_var=None):
        super().__init__(amount, gpu_var=gpu_var)
        self.lo_gpu_var = lo_gpu_var

    def _operate(self, arr, amount):
        return arr + amount

    def glsl(self, var):
        """Return a GLSL snippet that applies the translation to a given GLSL variable name."""
        if not (self.gpu_var and self.lo_gpu_var):
            return super().glsl(var)
        op = "-" if self._inverted else "+"
        return f"{var} = ({var} {op} {self.gpu_var}) {op} {self.lo_gpu_var};"

    def inverse(self):
        """Return the inverse translation (of a callable amount: calling it at each use)."""
        t = super().inverse()
        t.lo_gpu_var = self.lo_gpu_var
        return t

    def _inverse_amount(self, amount):
        return -amount


class Scale(_Amount):
    """Scale transform.

    Parameters
    ----------
    amount : 2-tuple, scalar, callable or str
        Coordinates of the scaling (nonzero); a callable returning them (called at each use);
        or the name of the GPU variable with the scaling vector.
    gpu_var : str
        The name of the GPU variable with the scaling vector.

    """

    _op, _inverse_op, _neutral = "*", "/", 1.0

    def _operate(self, arr, amount):
        return arr * amount

    def _inverse_amount(self, amount):
        if np.any(amount == 0):
            raise ValueError("A scaling by zero has no inverse.")
        return 1.0 / amount


class Range(BaseTransform):
    """Linear transform from a source rectangle to a target rectangle.

    Parameters
    ----------
    from_bounds : 4-tuple or str
        Bounds of the source rectangle, or the name of the GPU variable (a ``vec4``) with them.
    to_bounds : 4-tuple or str
        Bounds of the target rectangle, or the name of the GPU variable (a ``vec4``) with them.
    from_gpu_var : str
        Name of the GPU variable (a ``vec4``) with the from bounds.
    to_gpu_var : str
        Name of the GPU variable (a ``vec4``) with the to bounds.

    A source rectangle of zero width (or height) maps its single x (or y) value to the centre
    of the target.

    """

    def __init__(self, from_bounds=NDC, to_bounds=NDC, from_gpu_var=None, to_gpu_var=None):
        if isinstance(from_bounds, str):
            from_bounds, from_gpu_var = NDC, from_bounds
        if isinstance(to_bounds, str):
            to_bounds, to_gpu_var = NDC, to_bounds
        self.from_bounds = _bounds(from_bounds)
        self.to_bounds = _bounds(to_bounds)
        self.from_gpu_var = from_gpu_var
        self.to_gpu_var = to_gpu_var

    @_wrap_apply
    def apply(self, arr, from_bounds=None, to_bounds=None):
        """Apply the transform to a NumPy array.

        The bounds may also be ``(n, 4)`` arrays: one rectangle per position.
        """
        f = self.from_bounds if from_bounds is None else _bounds(from_bounds)
        t = self.to_bounds if to_bounds is None else _bounds(to_bounds)
        if f.ndim == t.ndim == 1 and np.array_equal(f, t):
            return arr.copy()
        f0, f1 = f[..., :2], f[..., 2:]
        t0, t1 = t[..., :2], t[..., 2:]
        width = f1 - f0
        flat = width == 0
        out = t0 + (arr - f0) * ((t1 - t0) / np.where(flat, 1.0, width))
        return np.where(flat, 0.5 * (t0 + t1), out)

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
    shape : 2-tuple or str
        Number of rows and columns in the grid layout, or the name of the GPU variable (a
        ``vec2``) with them.
    index : 2-tuple or str
        Index of the row and column of the subplot (row 0 at the top), or the name of the GPU
        variable (a ``vec2``) with it (e.g. ``'a_box_index'``).
    shape_gpu_var : str
        Name of the GPU variable (a ``vec2``) with the grid's shape.
    index_gpu_var : str
        Name of the GPU variable (a ``vec2``) with the grid's subplot index.

    """

    def __init__(self, shape=None, index=None, shape_gpu_var=None, index_gpu_var=None):
        if isinstance(shape, str):
            shape, shape_gpu_var = None, shape
        if isinstance(index, str):
            index, index_gpu_var = None, index
        self.shape = tuple(shape) if shape is not None else (1, 1)
        self.index = tuple(index) if index is not None else (0, 0)
        to_gpu_var = None
        if shape_gpu_var or index_gpu_var:
            to_gpu_var = _subplot_bounds_glsl(
                shape_gpu_var or _vec(self.shape), index_gpu_var or _vec(self.index))
        super().__init__(
            from_bounds=NDC, to_bounds=subplot_bounds(self.shape, self.index),
            to_gpu_var=to_gpu_var)


class Clip(BaseTransform):
    """Discard the fragments outside a rectangle (in the coordinates where it is applied).

    On the CPU, :meth:`apply` keeps the rows whose positions are all inside the rectangle.

    On the GPU, the clipping is done per fragment, in window coordinates: the shader inserter
    (:mod:`phy.plot.inserter`) maps the rectangle through the transforms that follow the Clip to
    window coordinates in the vertex shader, and the fragment shader discards every fragment
    outside it. Lines and triangles are cut at the edges of the rectangle, and so are markers
    (point sprites): a marker on the edge of its box is drawn only inside it. The transforms
    after a Clip must keep rectangles axis-aligned (translations, scalings, ranges, subplots).
    :meth:`glsl` adds no code at the Clip's place in the chain. The inverse is the identity.

    Parameters
    ----------
    bounds : 4-tuple
        The clipping rectangle.

    """

    def __init__(self, bounds=NDC):
        self.bounds = _bounds(bounds)

    def apply(self, arr):
        """Return the rows of an ``(n, k)`` array whose positions are inside the rectangle."""
        if arr is None or np.size(arr) == 0:
            return arr
        arr = np.asarray(arr, dtype=np.float64)
        arr = arr[np.newaxis] if arr.ndim == 1 else arr
        pos = arr.reshape(len(arr), -1, 2)
        x0, y0, x1, y1 = self.bounds
        inside = (pos[..., 0] >= x0) & (pos[..., 0] <= x1) & (pos[..., 1] >= y0) & (
            pos[..., 1] <= y1)
        return arr[inside.all(axis=1)]

    def glsl(self, var):
        """Return a GLSL comment: the clipping happens in the fragment shader (see above)."""
        x0, y0, x1, y1 = self.bounds
        return f"// Clip({x0:g}, {y0:g}, {x1:g}, {y1:g}): fragments outside discarded."

    def inverse(self):
        """Clipping has no inverse: return the identity (this transform)."""
        return self


class TransformChain:
    """A linear sequence of transforms, each one with an optional origin.

    The origin is the object (e.g. a layout or the pan/zoom interact) that added the
    transform; visuals can exclude the transforms of some origins. ``chain + t`` and
    ``chain + other_chain`` return a new chain with the transforms appended, and ``chain[i]``
    is the i-th transform.
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
        """Apply all transforms on an array (``None``, empty, 1-D or ``(n, k)``, see above)."""
        for t in self.transforms:
            arr = t.apply(arr)
        return arr

    def inverse(self):
        """Return the inverse chain of transforms."""
        chain = TransformChain()
        chain._items = [(t.inverse(), o) for t, o in reversed(self._items)]
        return chain

    def __add__(self, other):
        chain = TransformChain()
        chain._items = list(self._items)
        if isinstance(other, TransformChain):
            chain._items += other._items
        elif isinstance(other, BaseTransform):
            chain._items.append((other, None))
        else:
            return NotImplemented
        return chain

    def __getitem__(self, i):
        return self._items[i][0]

    def __len__(self):
        return len(self._items)

    def __repr__(self):
        return f"<TransformChain {self.transforms}>"


def extend_bounds(bounds_list):
    """Return a single data bounds 4-tuple containing all bounds in a list.

    An axis that is flat (its min equals its max) becomes -1..1.
    """
    bounds = np.array([_bounds(b) for b in bounds_list], dtype=np.float64)
    if not len(bounds):
        raise ValueError("extend_bounds() needs at least one bounds 4-tuple.")
    xmin, ymin = bounds[:, 0].min(), bounds[:, 1].min()
    xmax, ymax = bounds[:, 2].max(), bounds[:, 3].max()
    if xmin == xmax:
        xmin, xmax = -1.0, 1.0
    if ymin == ymax:
        ymin, ymax = -1.0, 1.0
    return (float(xmin), float(ymin), float(xmax), float(ymax))
