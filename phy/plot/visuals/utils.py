"""Input checks shared by the visuals, with errors naming the visual and the parameter."""

import numpy as np

#: Default color of the visuals (opaque white).
DEFAULT_COLOR = (1.0, 1.0, 1.0, 1.0)

#: Maximum width of the 2D textures holding per-item data.
ITEM_TEXTURE_WIDTH = 4096


def check_no_kwargs(visual, kwargs):
    """Raise a TypeError naming the unexpected parameters of a visual's data."""
    if kwargs:
        raise TypeError(
            f"{type(visual).__name__}: unexpected parameter(s) {', '.join(sorted(kwargs))}.")


def as_positions(visual, pos=None, x=None, y=None):
    """Return ``(n, 2)`` float64 positions from `pos`, or from `x` and `y`."""
    name = type(visual).__name__
    if pos is None:
        if x is None or y is None:
            raise ValueError(f"{name}: give the positions as `pos`, or as `x` and `y`.")
        x = np.asarray(x, dtype=np.float64).ravel()
        y = np.asarray(y, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError(f"{name}: `x` and `y` differ in length ({len(x)} and {len(y)}).")
        return np.column_stack([x, y])
    pos = np.asarray(pos, dtype=np.float64)
    if pos.ndim == 1 and pos.shape == (2,):
        pos = pos[np.newaxis]
    if pos.ndim != 2 or pos.shape[1] != 2:
        raise ValueError(f"{name}: `pos` must have shape (n, 2), got {pos.shape}.")
    return pos


def as_colors(visual, color, n, default=DEFAULT_COLOR):
    """Return ``(n, 4)`` float32 RGBA colors from one color or one per item (RGB or RGBA)."""
    color = np.asarray(default if color is None else color, dtype=np.float32)
    if color.ndim == 1:
        color = color[np.newaxis]
    if color.ndim != 2 or color.shape[1] not in (3, 4) or len(color) not in (1, n):
        raise ValueError(
            f"{type(visual).__name__}: `color` must have shape (4,), (3,), ({n}, 4) or "
            f"({n}, 3), got {color.shape}.")
    if color.shape[1] == 3:
        color = np.column_stack([color, np.ones(len(color), dtype=np.float32)])
    return np.ascontiguousarray(np.broadcast_to(color, (n, 4)), dtype=np.float32)


def to_uint8(values):
    """Values in [0, 1] (colors, masks) as uint8 0..255, for normalized attributes and textures.

    A normalized uint8 attribute costs a fourth of its float32 version (4 bytes per RGBA color)
    and reads back as ``value / 255`` in GLSL.
    """
    return np.round(np.clip(np.asarray(values, dtype=np.float32), 0, 1) * 255).astype(np.uint8)


def split_high_low(values):
    """Split float64 values in their float32 rounding and the rest (float32 too).

    ``high + low`` is the float64 value to about 1e-15 relative: uploaded as two float32
    attributes or uniforms, a position or a pan keeps its float64 precision on the GPU (see
    ``glsl/precise.glsl`` and :mod:`phy.plot.panzoom`).
    """
    values = np.asarray(values, dtype=np.float64)
    high = values.astype(np.float32)
    low = np.empty(values.shape, dtype=np.float32)
    np.subtract(values, high, out=low, casting="unsafe")  # In float64, stored as float32.
    return high, low


def precise_positions(pos, name="a_position"):
    """The attributes ``name`` and ``name_lo`` of float64 positions precise at deep zoom.

    The float32 rounding of the positions and the rest (:func:`split_high_low`), for the
    vertex shaders using ``transform_precise()`` (``glsl/precise.glsl``): 16 bytes per
    position instead of 8.
    """
    high, low = split_high_low(pos)
    return {name: high, f"{name}_lo": low}


def as_values(visual, name, value, n, default):
    """Return ``(n,)`` float32 values from a scalar or one value per item."""
    value = np.asarray(default if value is None else value, dtype=np.float32)
    if value.ndim == 0:
        return np.full(n, value, dtype=np.float32)
    value = value.ravel()
    if len(value) != n:
        raise ValueError(
            f"{type(visual).__name__}: `{name}` must be a scalar or have {n} values, "
            f"got {len(value)}.")
    return value


def as_bounds(visual, data_bounds, n):
    """Return data bounds as None, 'auto', a (4,) array or an (n, 4) array."""
    if data_bounds is None or isinstance(data_bounds, str):
        return data_bounds
    bounds = np.asarray(data_bounds, dtype=np.float64)
    if bounds.shape == (1, 4):
        bounds = bounds[0]
    if bounds.shape != (4,) and bounds.shape != (n, 4):
        raise ValueError(
            f"{type(visual).__name__}: `data_bounds` must have shape (4,) or ({n}, 4), got "
            f"{bounds.shape}.")
    if np.any(bounds[..., 2:] < bounds[..., :2]):
        raise ValueError(
            f"{type(visual).__name__}: `data_bounds` must be (xmin, ymin, xmax, ymax) with "
            "xmin <= xmax and ymin <= ymax.")
    return bounds


def item_texture(rows):
    """Pack per-item ``(n, 4)`` rows into a 2D RGBA texture, row-major.

    The texture is normalized uint8 for uint8 rows, float32 otherwise. The GLSL function
    ``fetch_item(texture, i)`` (``glsl/utils.glsl``) reads row ``i``.
    """
    rows = np.asarray(rows)
    dtype = np.uint8 if rows.dtype == np.uint8 else np.float32
    rows = rows.astype(dtype, copy=False).reshape(-1, 4)
    n = max(len(rows), 1)
    width = min(n, ITEM_TEXTURE_WIDTH)
    height = -(-n // width)
    data = np.zeros((height * width, 4), dtype=dtype)
    data[:len(rows)] = rows
    return data.reshape(height, width, 4)


def get_linear_x(n_signals, n_samples):
    """Get a vertical stack of arrays ranging from -1 to 1.

    Return a ``(n_signals, n_samples)`` array.
    """
    return np.tile(np.linspace(-1.0, 1.0, n_samples), (n_signals, 1))
