import numpy as np
import pytest

from phy.plot import ScatterVisual
from phy.plot.visuals.utils import (
    as_bounds,
    as_colors,
    as_positions,
    as_values,
    get_linear_x,
    item_texture,
)


def test_get_linear_x():
    x = get_linear_x(2, 5)
    assert x.shape == (2, 5) and x[1, 0] == -1 and x[1, -1] == 1 and x[0, 2] == 0


def test_item_texture():
    rows = np.arange(4 * 5000).reshape(5000, 4)
    texture = item_texture(rows)
    assert texture.shape == (2, 4096, 4)
    assert np.array_equal(texture[1, 0], rows[4096])
    assert item_texture(np.zeros((0, 4))).shape == (1, 1, 4)


def test_input_checks():
    v = ScatterVisual()
    assert as_positions(v, x=[1, 2], y=[3, 4]).tolist() == [[1, 3], [2, 4]]
    assert as_positions(v, pos=(1, 2)).shape == (1, 2)
    with pytest.raises(ValueError, match="differ in length"):
        as_positions(v, x=[1, 2], y=[3])
    with pytest.raises(ValueError, match="give the positions"):
        as_positions(v)
    assert as_colors(v, (1, 0, 0), 2).tolist() == [[1, 0, 0, 1]] * 2
    assert as_values(v, "size", 3, 2, 0).tolist() == [3, 3]
    assert as_bounds(v, [[0, 0, 1, 1]], 5).shape == (4,)
    with pytest.raises(ValueError, match=r"shape \(4,\) or \(5, 4\)"):
        as_bounds(v, np.zeros((2, 4)), 5)
