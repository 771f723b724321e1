"""The row store: the one truth of a table's rows, sort, filter and selection (no Qt)."""

from phy.utils.row_store import RowStore


def make_store():
    store = RowStore(sort=("n", "desc"))
    store.set_rows([dict(id=i, n=10 * (i % 4), group="noise" if i == 2 else None)
                    for i in range(6)])
    return store


def test_order_filter_and_changes():
    store = make_store()
    changes = []
    store.on_change = changes.append
    assert store.ids == [3, 2, 1, 5, 0, 4]  # ties by increasing id
    assert store.columns == ["id", "n", "group"]
    assert store.filter("n >= 20 && group != 'noise'")
    assert store.ids == [3]
    assert not store.filter("Math.abs(n) > 1")  # JavaScript only: rejected, previous kept
    assert store.ids == [3] and "Unexpected character" in store.filter_error
    store.filter("")
    store.change([{"id": 4, "n": 99}, {"id": 42, "n": 1}])
    assert store.ids[0] == 4 and 42 not in store
    assert changes[-1].rows == [4] and changes[-1].order
    store.remove([4])
    assert changes[-1].removed == [4] and 4 not in store.ids


def test_clicks_and_keys():
    store = make_store()  # shown: 3, 2, 1, 5, 0, 4
    assert store.click(1) == [1]
    assert store.click(0, shift=True) == [1, 5, 0]
    assert store.click(3, ctrl=True) == [1, 5, 0, 3]
    assert store.click(5, ctrl=True) == [1, 0, 3]
    assert store.key("ArrowDown") == [0]  # from the last clicked row, 5
    assert store.key("ArrowDown", shift=True) == [0, 4]
    assert store.key("Home") == [3]
    assert store.key("End") == [4]
    assert store.key("PageUp", page=3) == [1]
    assert store.key("Escape") is None


def test_navigation_skips_and_follows_the_order():
    store = make_store()
    assert store.first_id() == 3 and store.last_id() == 4
    store.select([3])
    assert store.next_id() == 1  # 2 is noise
    store.sort_by("id", "asc")
    assert store.next_id() == 4 and store.next_id(-1) == 1
    store.remove([3])
    assert store.selected == [] and store.next_id() == 0
