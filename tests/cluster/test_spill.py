import numpy as np

from phy.cluster.spill import Spilled, SpillFile, array_bytes


def test_array_bytes():
    a = np.zeros(10, dtype=np.int64)
    b = np.zeros((3, 2), dtype=np.float32)
    assert array_bytes(a) == 80
    assert array_bytes({"a": a, "nested": [b, (a, "x", 3)]}) == 80 + 24 + 80
    assert array_bytes("not an array") == 0
    assert array_bytes({}) == 0


def test_spill_dump_load(tmp_path):
    path = tmp_path / "sub" / "history.spill"
    spill = SpillFile(path)
    assert path.exists()  # parent folder created
    assert spill.size == 0
    d1 = {"spike_ids": np.arange(100, dtype=np.int64), "added": [7], "label": "merge"}
    d2 = {"spike_ids": np.array([3, 1, 2]), "deleted": (4, 5)}
    r1 = spill.dump(d1)
    r2 = spill.dump(d2)
    assert isinstance(r1, Spilled)
    assert (r1.offset, r2.offset) == (0, r1.size)
    assert spill.size == r1.size + r2.size == path.stat().st_size
    # Read back out of order, twice.
    for _ in range(2):
        back2 = spill.load(r2)
        back1 = spill.load(r1)
        np.testing.assert_array_equal(back2["spike_ids"], [3, 1, 2])
        assert back2["deleted"] == (4, 5)
        np.testing.assert_array_equal(back1["spike_ids"], np.arange(100))
        assert back1["spike_ids"].dtype == np.int64
        assert back1["added"] == [7] and back1["label"] == "merge"
    spill.close()
    assert not path.exists()
    spill.close()  # idempotent


def test_spill_truncates_previous_session(tmp_path):
    path = tmp_path / "history.spill"
    path.write_bytes(b"old session contents" * 100)
    spill = SpillFile(path)
    assert spill.size == 0
    assert path.stat().st_size == 0
    ref = spill.dump([1, 2, 3])
    assert ref.offset == 0
    assert spill.load(ref) == [1, 2, 3]
    spill.close()
    assert not path.exists()
