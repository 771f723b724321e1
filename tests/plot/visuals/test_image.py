import numpy as np
import pytest

from phy.plot import ImageVisual


def test_image(canvas, snapshot):
    visual = ImageVisual()
    canvas.add_visual(visual)
    image = np.zeros((2, 2, 3))
    image[0, 0] = (1, 0, 0)  # top left
    image[1, 1] = (0, 0, 1)  # bottom right
    visual.set_data(image=image)
    px = snapshot(canvas)
    assert px.at(10, 10) == (255, 0, 0, 255)
    assert px.at(90, 90) == (0, 0, 255, 255)
    assert px.at(90, 10) == (0, 0, 0, 255)
    # Gray levels (uint8).
    visual.set_data(image=np.full((4, 4), 128, dtype=np.uint8))
    assert snapshot(canvas).at(50, 50) == (128, 128, 128, 255)
    with pytest.raises(ValueError, match="ImageVisual: `image` must have shape"):
        visual.set_data(image=np.zeros((2, 2, 2)))


def test_empty_image(canvas, snapshot):
    visual = ImageVisual()
    canvas.add_visual(visual)
    visual.set_data(image=np.ones((2, 2, 3)))
    assert snapshot(canvas).at(50, 50) == (255, 255, 255, 255)
    visual.set_data(image=np.zeros((0, 0, 4)))
    assert visual.n_vertices == 0 and not snapshot(canvas).drawn().any()
