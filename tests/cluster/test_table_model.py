from phy.cluster.table_model import TableModel


def test_table_model_order_and_skipped():
    model = TableModel(sort=("n", "desc"))
    calls = []
    model.listeners.append(lambda method, *args: calls.append(method))
    model.set_rows([{"id": 1, "n": 5}, {"id": 2, "n": 9, "group": "noise"}, {"id": 3, "n": 7}])
    assert model.ids == [2, 3, 1]
    assert model.skipped == {2}
    model.add([{"id": 4, "n": 8, "is_masked": True}])
    assert model.ids == [2, 4, 3, 1] and model.skipped == {2, 4}
    model.change([{"id": 1, "n": 10}, {"id": 99, "n": 0}])
    assert model.ids[0] == 1 and 99 not in model
    model.remove([2, 99])
    assert model.ids == [1, 4, 3]
    model.filter("n < 9")
    assert model.ids == [4, 3]
    model.filter("n <")  # invalid: all rows
    assert model.ids == [1, 4, 3]
    model.sort_by("id", "asc")
    assert model.ids == [1, 3, 4]
    assert calls == ["remove_all_and_add", "add", "change", "remove", "filter", "filter",
                     "sort_by"]


def test_table_model_set_order():
    model = TableModel()
    model.set_rows([{"id": i} for i in range(4)])
    version = model.version
    model.set_order([3, 1, 7])
    assert model.ids == [3, 1]
    model.add([{"id": 5}])
    model.set_order([5, 0], version=version)  # an old answer: ignored
    assert model.ids == [0, 1, 2, 3, 5]
    model.set_order([5, 0], version=model.version)
    assert model.ids == [5, 0]
