import numpy as np
import pytest

from phy.plot.gloo import IndexBuffer, VertexBuffer


def test_vertex_buffer_shapes():
    buffer = VertexBuffer(np.arange(3))
    assert buffer.shape == (3, 1) and buffer.n_components == 1 and buffer.size == 3
    buffer.set_data(np.zeros((5, 2)))
    assert buffer.shape == (5, 2) and buffer.row_nbytes == 8
    with pytest.raises(ValueError, match="n_vertices"):
        buffer.set_data(np.zeros((5, 5)))


def test_vertex_buffer_partial_updates():
    buffer = VertexBuffer(np.zeros((4, 2)))
    buffer.set_data(np.ones((2, 2)), offset=2)
    assert buffer.shape == (4, 2) and buffer.has_pending_upload
    with pytest.raises(ValueError, match="Cannot update rows 3:5"):
        buffer.set_data(np.ones((2, 2)), offset=3)
    with pytest.raises(ValueError):
        buffer.set_data(np.ones((1, 3)), offset=1)


def test_index_buffer():
    buffer = IndexBuffer([0, 2, 1])
    assert buffer.max_index == 2 and buffer.size == 3
    with pytest.raises(ValueError, match="non-negative"):
        IndexBuffer([-1, 0])
    with pytest.raises(ValueError, match="1D"):
        IndexBuffer(np.zeros((2, 2)))
