import numpy as np
import pytest

from phy.plot.batch import BatchAccumulator
from phy.utils import Bunch


def test_batch_accumulator():
    acc = BatchAccumulator()
    assert acc.is_empty
    acc.add(Bunch(pos=np.zeros((2, 2)), text=["a", "b"], bounds=(0, 0, 1, 1)),
            noconcat=("bounds",), n_items=2, n_vertices=12, box_index=np.zeros(12))
    acc.add(Bunch(pos=np.ones((1, 2)), text=["c"], bounds=(5, 5, 6, 6)),
            noconcat=("bounds",), n_items=1, n_vertices=6, box_index=np.ones(6))
    data = acc.data
    assert data.pos.shape == (3, 2) and data.pos[2, 0] == 1
    assert data.text == ["a", "b", "c"]
    assert data.bounds == (0, 0, 1, 1)
    assert data.box_index.shape == (18,)
    assert acc.n_items == 3 and acc.n_vertices == 18
    acc.reset()
    assert acc.is_empty and acc.data == {}


def test_batch_accumulator_inconsistent_keys():
    acc = BatchAccumulator()
    acc.add(Bunch(pos=np.zeros((1, 2)), color=None))
    with pytest.raises(ValueError, match="differ"):
        acc.add(Bunch(pos=np.zeros((1, 2)), color=np.ones((1, 4))))


def test_batch_accumulator_concatenation_error():
    acc = BatchAccumulator()
    acc.add(Bunch(size=1.0))
    acc.add(Bunch(size=2.0))
    with pytest.raises(ValueError, match="Cannot concatenate the batch data `size`"):
        _ = acc.data
