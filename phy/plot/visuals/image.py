"""Images: an RGBA texture drawn on a rectangle."""

import numpy as np

from phy.utils import Bunch

from ..visual import BaseVisual
from .utils import check_no_kwargs

# Two triangles covering NDC, and the texture coordinates (first image row at the top).
_QUAD = np.array([[-1, -1], [1, -1], [-1, 1], [1, -1], [1, 1], [-1, 1]], dtype=np.float32)
_TEX_COORDS = np.array([[0, 1], [1, 1], [0, 0], [1, 1], [1, 0], [0, 0]], dtype=np.float32)


class ImageVisual(BaseVisual):
    """Display a 2D image, filling its box (NDC).

    Parameters
    ----------
    image : array-like (3D)
        ``(height, width, n_channels)`` with 3 (RGB) or 4 (RGBA) channels, or ``(height,
        width)`` gray levels; uint8 (0..255) or floats (0..1). The first row is at the top. An
        empty image draws nothing.

    """

    def __init__(self):
        super().__init__()
        self.set_shader("image")
        self.set_primitive_type("triangles")

    def validate(self, image=None, **kwargs):
        """Validate the requested data before passing it to set_data()."""
        check_no_kwargs(self, kwargs)
        if image is None:
            raise ValueError("ImageVisual: `image` is required.")
        image = np.asarray(image)
        if image.ndim == 2:
            image = np.repeat(image[..., np.newaxis], 3, axis=2)
        if image.ndim != 3 or image.shape[2] not in (3, 4):
            raise ValueError(
                f"ImageVisual: `image` must have shape (h, w), (h, w, 3) or (h, w, 4), got "
                f"{image.shape}.")
        if image.dtype != np.uint8:
            image = image.astype(np.float32)
        if image.shape[2] == 3:
            alpha = 255 if image.dtype == np.uint8 else 1.0
            image = np.concatenate(
                [image, np.full(image.shape[:2] + (1,), alpha, dtype=image.dtype)], axis=2)
        return Bunch(image=image)

    def vertex_count(self, image=None, **kwargs):
        """Number of vertices for the requested data: two triangles, none for an empty image."""
        return 6 if image is not None and np.size(image) else 0

    def _program_data(self, data):
        if not data.image.size:
            return {}  # Nothing to draw.
        return {
            "a_position": _QUAD, "a_tex_coords": _TEX_COORDS,
            "u_image": data.image}
