"""The row store: the one truth of a table's rows, sort, filter and selection (no Qt)."""

from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_cells_and_widths_follow_the_changes():
    store = RowStore(columns=["id", "q", "group"])
    store.set_rows([dict(id=0, q=0.5, group="good"), dict(id=1, q=12.345)])
    assert store.cells(1) == (["1", "12.35", ""], [True, True, False])
    assert store.text_widths() == [1, 5, 4]
    store.change([{"id": 1, "group": "a long group"}])
    assert store.cells(1)[0] == ["1", "12.35", "a long group"]
    assert store.text_widths() == [1, 5, 12]
    store.add([dict(id=10, q=-1234.5)])
    assert store.text_widths() == [2, 8, 12]
    store.remove([1, 10])
    assert store.text_widths() == [1, 5, 4]
    store.set_columns(["group", "id"])
    assert store.cells(0) == (["good", "0"], [False, True])
    assert store.text_widths() == [4, 1]


_field = st.one_of(st.none(), st.integers(0, 5), st.floats(-3, 3), st.sampled_from(["a", "B"]))
_op = st.one_of(
    st.tuples(st.just("add"), st.lists(st.tuples(st.integers(0, 15), _field, _field),
                                       max_size=4)),
    st.tuples(st.just("change"), st.lists(st.tuples(st.integers(0, 15), _field), max_size=4)),
    st.tuples(st.just("remove"), st.lists(st.integers(0, 15), max_size=3)),
    st.tuples(st.just("sort"), st.sampled_from(["id", "n", "x"]), st.sampled_from(["asc", "desc"])),
    st.tuples(st.just("filter"), st.sampled_from(["", "n > 2", "x === null || n < 3", "!x"])),
)


@given(ops=st.lists(_op, max_size=15))
@settings(max_examples=150, deadline=None)
def test_cached_state_equals_a_fresh_store(ops):
    """Whatever the changes, the cached order, filter, cells and widths are those of a new store."""
    store = RowStore(columns=["id", "n", "x"], sort=("n", "desc"))
    store.set_rows([dict(id=i, n=i % 4, x="a" if i % 3 else None) for i in range(8)])
    for op in ops:
        if op[0] == "add":
            store.add([dict(id=i, n=n, x=x) for i, n, x in op[1]])
        elif op[0] == "change":
            store.change([dict(id=i, n=n) for i, n in op[1]])
        elif op[0] == "remove":
            store.remove(op[1])
        elif op[0] == "sort":
            store.sort_by(op[1], op[2])
        else:
            store.filter(op[1])
        store.ids, store.text_widths(), [store.cells(i) for i in store.ids]  # fill the caches
        fresh = RowStore(columns=["id", "n", "x"], sort=store.sort)
        fresh.set_rows(store.rows)
        fresh.filter(store.filter_text)
        assert store.ids == fresh.ids and store.sorted_ids() == fresh.sorted_ids()
        assert store.text_widths() == fresh.text_widths()
        assert [store.cells(i) for i in store.ids] == [fresh.cells(i) for i in fresh.ids]
        assert store.skipped == fresh.skipped
