import pickle

import pytest

from phy.utils import Bunch


def test_bunch_attribute_and_item_access():
    b = Bunch(a=1)
    b.b = 2
    assert b == {"a": 1, "b": 2}
    assert b["b"] == 2 and b.a == 1
    del b.a
    assert "a" not in b
    with pytest.raises(AttributeError):
        _ = b.missing


def test_bunch_copy_is_independent():
    b = Bunch(a=[1])
    c = b.copy()
    assert isinstance(c, Bunch) and c == b
    c.a = 2
    assert b.a == [1]


def test_bunch_pickles():
    b = Bunch(x=1, y=Bunch(z=2))
    c = pickle.loads(pickle.dumps(b))
    assert c.y.z == 2 and isinstance(c, Bunch)
