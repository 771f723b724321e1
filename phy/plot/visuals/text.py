"""Text: strings drawn from a glyph atlas rendered at run time with Qt.

The atlas holds the printable Latin-1 characters of a monospace font (DejaVu Sans Mono when
installed), painted with ``QPainter`` on a ``QImage`` at the exact pixel size needed (font size
and device pixel ratio), and uploaded as a texture. Each character is a quad of six vertices;
the vertex shader places it in pixels around the string position, snapped to the pixel grid so
that the glyphs are drawn texel for pixel. Characters outside Latin-1 are drawn as ``?``.
"""

import functools

import numpy as np

from phy.gui.qt import QColor, QFont, QFontDatabase, QFontMetrics, QGuiApplication, QImage, QPainter
from phy.utils import Bunch

from ..transform import NDC
from ..visual import BaseVisual
from .utils import as_bounds, as_colors, as_positions, check_no_kwargs, to_uint8

#: Characters of the glyph atlas, in order.
CHARACTERS = "".join(chr(i) for i in (*range(32, 127), *range(160, 256)))
#: Preferred font family.
FONT_FAMILY = "DejaVu Sans Mono"
#: Default font size, in points.
DEFAULT_FONT_SIZE = 8.0
_ATLAS_COLUMNS = 16

# Code point (< 256) to glyph index, '?' for the characters not in the atlas.
_GLYPH_INDEX = np.full(256, CHARACTERS.index("?"), dtype=np.float32)
_GLYPH_INDEX[[ord(c) for c in CHARACTERS]] = np.arange(len(CHARACTERS))


def _font(pixel_size):
    family = FONT_FAMILY if FONT_FAMILY in QFontDatabase().families() else None
    font = QFont(family) if family else QFontDatabase.systemFont(QFontDatabase.FixedFont)
    font.setPixelSize(pixel_size)
    font.setStyleHint(QFont.Monospace)
    return font


@functools.lru_cache(maxsize=16)
def glyph_atlas(pixel_size):
    """Render the glyph atlas of the monospace font at a pixel size.

    Returns
    -------
    atlas : Bunch
        ``image``: ``(height, width)`` uint8 coverage array; ``glyph_size``: (width, height) of a
        glyph cell in pixels; ``shape``: (n_columns, n_rows) of cells.

    """
    font = _font(int(pixel_size))
    metrics = QFontMetrics(font)
    cell_w, cell_h = max(metrics.horizontalAdvance("M"), 1), max(metrics.height(), 1)
    n_rows = -(-len(CHARACTERS) // _ATLAS_COLUMNS)
    width, height = _ATLAS_COLUMNS * cell_w, n_rows * cell_h
    image = QImage(width, height, QImage.Format_Grayscale8)
    image.fill(0)
    painter = QPainter(image)
    try:
        painter.setFont(font)
        painter.setPen(QColor(255, 255, 255))
        for i, char in enumerate(CHARACTERS):
            row, col = divmod(i, _ATLAS_COLUMNS)
            painter.drawText(col * cell_w, row * cell_h + metrics.ascent(), char)
    finally:
        painter.end()
    buffer = image.constBits()
    buffer.setsize(image.bytesPerLine() * height)
    array = np.frombuffer(buffer, dtype=np.uint8).reshape(height, image.bytesPerLine())
    return Bunch(
        image=array[:, :width].copy(), glyph_size=(cell_w, cell_h), shape=(_ATLAS_COLUMNS, n_rows))


def font_pixel_size(font_size, pixel_ratio=1.0):
    """Pixel size of a font size in points, on the primary screen, in physical pixels."""
    screen = QGuiApplication.primaryScreen()
    dpi = screen.logicalDotsPerInch() if screen is not None else 96.0
    return max(1, round(font_size * dpi / 72.0 * pixel_ratio))


def glyph_indices(text):
    """Atlas glyph index of each character of a string (float32 array)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    return _GLYPH_INDEX[np.where(codes < 256, codes, ord("?"))]


class TextVisual(BaseVisual):
    """Display strings at multiple locations.

    Constructor
    -----------
    color : 4-tuple
        The default color of the strings.
    font_size : float
        The font size, in points (8 by default).

    Parameters
    ----------
    pos : array-like (2D)
        Position of each string (of variable length); (0, 0) for all by default.
    text : str or list of strings
    color : array-like (2D, shape[1] == 4)
        One color for all strings, or one per string (the constructor's color by default).
    anchor : array-like (2D)
        For each string (or one for all), the anchor of the string with respect to its position,
        in units of half the string size: (0, 0) centers the string on the position, (1, 1)
        puts the position at the lower left of the string, (1, -1) at the upper left, (-1, 1)
        at the lower right, (-1, -1) at the upper right. Values beyond ±1 add margins.
    data_bounds : array-like (2D, shape[1] == 4)

    """

    def __init__(self, color=None, font_size=None):
        super().__init__()
        self.color = tuple(as_colors(self, color, 1)[0])
        self.font_size = float(font_size or DEFAULT_FONT_SIZE)
        self._atlas_pixel_size = None
        self.set_shader("text")
        self.set_primitive_type("triangles")

    def validate(
            self, pos=None, text=None, anchor=None, color=None, data_bounds=None, **kwargs):
        """Validate the requested data before passing it to set_data()."""
        check_no_kwargs(self, kwargs)
        text = [text] if isinstance(text, str) else list(text or [])
        if not all(isinstance(t, str) for t in text):
            raise ValueError("TextVisual: `text` must be a string or a list of strings.")
        pos = as_positions(self, pos=pos if pos is not None else np.zeros((len(text), 2)))
        if len(pos) != len(text):
            raise ValueError(
                f"TextVisual: {len(text)} strings but {len(pos)} positions.")
        anchor = np.asarray((0.0, 0.0) if anchor is None else anchor, dtype=np.float32)
        anchor = np.atleast_2d(anchor)
        if anchor.shape[1:] != (2,) or len(anchor) not in (1, len(text)):
            raise ValueError(
                f"TextVisual: `anchor` must have shape (2,) or ({len(text)}, 2), got "
                f"{anchor.shape}.")
        anchor = np.ascontiguousarray(np.broadcast_to(anchor, (len(text), 2)))
        pos = self.transform_positions(pos, as_bounds(self, data_bounds, len(pos)))
        color = as_colors(self, self.color if color is None else color, len(text))
        return Bunch(pos=pos, text=text, anchor=anchor, color=color, data_bounds=NDC)

    def vertex_count(self, **kwargs):
        """Number of vertices for the requested data (six per character)."""
        text = kwargs.get("text") or []
        return 6 * sum(len(t) for t in ([text] if isinstance(text, str) else text))

    def vertex_counts(self, data):
        """Six vertices per character of each string."""
        return 6 * np.array([len(t) for t in data.text], dtype=np.int64)

    def _atlas_data(self):
        """The program's atlas texture and sizes, if the pixel size changed."""
        pixel_ratio = self.canvas.pixel_ratio if self.canvas is not None else 1.0
        pixel_size = font_pixel_size(self.font_size, pixel_ratio)
        if pixel_size == self._atlas_pixel_size:
            return {}
        self._atlas_pixel_size = pixel_size
        atlas = glyph_atlas(pixel_size)
        return {
            "u_atlas": atlas.image,
            "u_glyph_size": atlas.glyph_size, "u_atlas_shape": atlas.shape}

    def _program_data(self, data):
        lengths = np.array([len(t) for t in data.text], dtype=np.int64)
        n_chars = int(lengths.sum())
        string = np.repeat(np.arange(len(lengths)), lengths)
        char = np.arange(n_chars) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        glyph = np.column_stack([
            glyph_indices("".join(data.text)), char, lengths[string], np.zeros(n_chars)])
        glyph = np.repeat(glyph, 6, axis=0)
        glyph[:, 3] = np.tile(np.arange(6), n_chars)
        self._atlas_pixel_size = None
        return {
            "a_position": np.repeat(data.pos[string], 6, axis=0),
            "a_glyph": glyph.astype(np.float32),
            "a_anchor": np.repeat(data.anchor[string], 6, axis=0),
            "a_color": np.repeat(to_uint8(data.color)[string], 6, axis=0),
            **self._atlas_data()}

    def on_resize(self, width, height):
        """Update the window size, and the atlas if the device pixel ratio changed."""
        super().on_resize(width, height)
        if self.program is not None and self._atlas_pixel_size is not None:
            for name, value in self._atlas_data().items():
                self.program[name] = value
