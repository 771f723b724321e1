import numpy as np
import pytest

from phy.plot import TextVisual
from phy.plot.visuals.text import CHARACTERS, font_pixel_size, glyph_atlas, glyph_indices


@pytest.fixture
def text(canvas):
    visual = TextVisual(color=(1, 1, 1, 1), font_size=10)
    canvas.add_visual(visual)
    return visual


def _glyph_size(visual):
    return glyph_atlas(font_pixel_size(visual.font_size)).glyph_size


def test_glyph_atlas(qapp):
    atlas = glyph_atlas(20)
    (w, h), (cols, rows) = atlas.glyph_size, atlas.shape
    assert atlas.image.shape == (rows * h, cols * w) and atlas.image.dtype == np.uint8
    assert cols * rows >= len(CHARACTERS)
    index = CHARACTERS.index("A")
    row, col = divmod(index, cols)
    assert atlas.image[row * h:(row + 1) * h, col * w:(col + 1) * w].max() == 255
    space = CHARACTERS.index(" ")
    assert atlas.image[:h, space * w:(space + 1) * w].max() == 0
    # Out of the atlas: '?'.
    assert glyph_indices("A\u4e2d") .tolist() == [index, CHARACTERS.index("?")]


@pytest.mark.parametrize("anchor, side", [
    ((0, 0), "center"), ((1, 1), "upper right"), ((-1, -1), "lower left")])
def test_text_anchor(canvas, snapshot, text, anchor, side):
    text.set_data(pos=[[0, 0]], text=["Hello"], anchor=anchor)
    px = snapshot(canvas)
    row0, row1, col0, col1 = px.bbox(px.drawn())
    w, h = _glyph_size(text)
    assert col1 - col0 + 1 <= 5 * w and row1 - row0 + 1 <= h
    assert col1 - col0 + 1 >= 4 * w - 2  # five letters drawn
    if side == "center":
        assert abs((col0 + col1 + 1) / 2 - 50) <= w / 2 and abs((row0 + row1 + 1) / 2 - 50) <= h / 2
    elif side == "upper right":  # the position is at the lower left of the string
        assert col0 >= 50 and row1 < 50 and col1 <= 50 + 5 * w
    else:
        assert col1 < 50 and row0 >= 50 and row1 <= 50 + h


def test_text_changes_and_batches(canvas, snapshot, text):
    text.set_data(pos=[[0, 0]], text="Hello")
    hello = snapshot(canvas).drawn()
    text.set_data(pos=[[0, 0]], text="World")
    assert (snapshot(canvas).drawn() != hello).sum() > 10
    text.set_data(
        pos=[[0, 80], [0, -80]], text=["top", "bottom"], data_bounds=(-100, -100, 100, 100))
    px = snapshot(canvas)
    assert px.drawn()[:20].any() and px.drawn()[80:].any() and not px.drawn()[30:70].any()
    assert text.n_vertices == 6 * 9 and text.vertex_count(text=["ab", "c"]) == 18


def test_text_font_size_and_color(canvas, snapshot):
    small, large = TextVisual(font_size=6), TextVisual(font_size=14, color=(1, 0, 0, 1))
    canvas.add_visual(small)
    small.set_data(pos=[[0, 0.5]], text="Hi")
    canvas.add_visual(large)
    large.set_data(pos=[[0, -0.5]], text="Hi")
    px = snapshot(canvas)
    top, bottom = px.drawn()[:50], px.drawn()[50:]
    assert bottom.sum() > 2 * top.sum()
    assert px.matching((255, 0, 0))[50:].sum() > 10


def test_text_validation(text):
    with pytest.raises(ValueError, match="2 strings but 1 positions"):
        text.set_data(pos=[[0, 0]], text=["a", "b"])
    with pytest.raises(ValueError, match="anchor"):
        text.set_data(pos=[[0, 0]], text=["a"], anchor=[(0, 0), (1, 1)])
    with pytest.raises(ValueError, match="list of strings"):
        text.set_data(pos=[[0, 0]], text=[1])


def test_text_default_pos_and_colors(canvas, snapshot, text):
    # Without pos, every string is at (0, 0).
    text.set_data(text=["I"], color=(0, 1, 0, 1))
    px = snapshot(canvas)
    col, row = px.centroid(px.matching((0, 255, 0)))
    assert abs(col - 50) <= 3 and abs(row - 50) <= 6
    # One color per string.
    text.set_data(pos=[[0, 0.5], [0, -0.5]], text=["WW", "WW"], color=[(1, 0, 0, 1), (0, 0, 1, 1)])
    px = snapshot(canvas)
    assert px.matching((255, 0, 0))[:50].sum() > 10 and not px.matching((255, 0, 0))[50:].any()
    assert px.matching((0, 0, 255))[50:].sum() > 10 and not px.matching((0, 0, 255))[:50].any()
    # In batches.
    text.add_batch_data(text="WW", pos=[[0, 0.5]], color=(0, 1, 0, 1))
    text.add_batch_data(text=["WW"], pos=[[0, -0.5]])  # The constructor's color (white).
    canvas.update_visual(text)
    px = snapshot(canvas)
    assert px.matching((0, 255, 0))[:50].sum() > 10
    assert px.matching((255, 255, 255), tolerance=10)[50:].sum() > 10
    assert text.validate(text=["a", "b"]).pos.tolist() == [[0, 0], [0, 0]]
    with pytest.raises(ValueError, match="color"):
        text.validate(text=["a", "b"], color=np.ones((3, 4)))
