import numpy as np
import pytest

from phy.apps.template import spikes
from phy.io import DataFormatError, LazyVector

from .array_writer import ArrayWriter


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(spikes, "CHUNK_SIZE", 7)


def test_index_dtype():
    assert spikes.index_dtype(10) == np.uint32 and spikes.index_dtype(2**32) == np.uint32
    assert spikes.index_dtype(2**32 + 1) == np.int64


@pytest.mark.parametrize("n_groups", [5, 70000])
def test_group_order_matches_stable_argsort(small_chunks, n_groups):
    keys = np.random.default_rng(0).integers(0, n_groups, 100)
    counts = np.bincount(keys, minlength=n_groups)
    w = ArrayWriter()
    spikes.group_order(w, "g", keys.size, lambda a, b: keys[a:b], counts)
    assert w.arrays["g_order"].dtype == np.uint32  # 4 bytes per spike
    assert np.array_equal(w.arrays["g_order"], np.argsort(keys, kind="stable"))
    assert w.arrays["g_offsets"].tolist() == [0] + np.cumsum(counts).tolist()


def _check(tmp_path, times, templates, n_templates=None, kind="samples"):
    np.save(tmp_path / "t.npy", np.asarray(times))
    np.save(tmp_path / "s.npy", np.asarray(templates))
    w = ArrayWriter()
    values = spikes.check_spikes(w, tmp_path / "t.npy", kind, tmp_path / "s.npy", n_templates)
    return w.arrays, values


def test_check_spikes_writes_no_per_spike_array(tmp_path, small_chunks):
    times = np.array([[1], [1], [5], [9], [20], [20], [21], [30], [31]], dtype=np.uint64)
    templates = np.array([2, 0, 2, 2, 0, 3, 3, 0, 2], dtype=np.uint32)
    arrays, values = _check(tmp_path, times, templates, n_templates=5)
    assert values == {"n_templates": 5, "first_decrease": -1}
    assert list(arrays) == ["template_counts"]
    assert arrays["template_counts"].tolist() == [3, 0, 4, 2, 0]
    # Without templates.npy, n_templates is max + 1.
    assert _check(tmp_path, times, templates)[1]["n_templates"] == 4
    # The grouping by template, computed apart (on first use).
    w = ArrayWriter()
    spikes.template_order(w, tmp_path / "s.npy", arrays["template_counts"])
    order, offsets = w.arrays["template_order"], w.arrays["template_offsets"]
    assert order[offsets[2]:offsets[3]].tolist() == [0, 2, 3, 8]


@pytest.mark.parametrize("times,templates,n_templates,match", [
    ([1, 2], [0, 2**24], None, "template 16777216: template ids must be below 16,777,216"),
    ([1, 2], [0, 3], 3, "refers to template 3"),
    ([1, 2], [0, -1], None, "negative"),
    ([1, 2, 3], [0, 0], None, "has 2 spikes"),
    ([1, 2], [0.5, 1], None, "integers"),
    ([1, 2], ["a", "b"], None, "integers"),
    ([1.0, np.nan], [0, 0], None, "NaN or infinite spike times"),
])
def test_check_spikes_errors(tmp_path, times, templates, n_templates, match):
    with pytest.raises(DataFormatError, match=match):
        _check(tmp_path, times, templates, n_templates)


@pytest.mark.parametrize("times,first", [([1, 5, 4, 6], 2), ([1, 1, 2], -1), ([3], -1)])
def test_unsorted_times_found(tmp_path, times, first):
    assert _check(tmp_path, times, np.zeros(len(times), int))[1]["first_decrease"] == first


def test_decrease_across_chunks(tmp_path, small_chunks):
    times = np.arange(20)
    times[7] = 3
    assert _check(tmp_path, times, np.zeros(20, int))[1]["first_decrease"] == 7
    times = np.arange(20)
    times[12] = 3
    assert _check(tmp_path, times, np.zeros(20, int))[1]["first_decrease"] == 12


def test_spike_vectors_converted_on_the_fly():
    samples = np.array([[3], [8], [2**40]], dtype=">u8")[:, 0]
    s = spikes.spike_samples(samples, "samples", 4.0)
    t = spikes.spike_times(samples, "samples", 4.0)
    assert isinstance(s, LazyVector) and s.dtype == np.int64 and s.tolist() == [3, 8, 2**40]
    assert t.dtype == np.float64 and t[1] == 2.0 and t[[0, 2]].tolist() == [0.75, 2**38]
    native = np.array([3, 8], dtype=np.uint64)
    assert spikes.spike_samples(native, "samples", 1.0).base is native  # a view, no copy
    big = np.array([2**60, 2**60 + 1], dtype=np.uint64)  # exact, no float rounding
    assert spikes.spike_samples(big, "samples", 1.0).tolist() == [2**60, 2**60 + 1]
    matlab = np.array([3.0, 4.0])
    assert spikes.spike_samples(matlab, "samples", 1.0)[1] == 4
    seconds = np.array([0.5, 1.0, 2.25])
    assert spikes.spike_samples(seconds, "seconds", 4.0).tolist() == [2, 4, 9]
    assert spikes.spike_times(seconds, "seconds", 4.0) is seconds
    ids = np.array([1, 2], dtype=np.uint32)
    assert spikes.int_vector(ids)[0].dtype == np.int64
    i64 = np.array([1, 2])
    assert spikes.int_vector(i64) is i64


def test_float_vector():
    a = np.array([1.0, np.nan, np.inf], dtype=">f4")
    v = spikes.float_vector(a, n_nonfinite=2)
    assert v.dtype == "<f4" and v.tolist() == [1.0, 0.0, 0.0]
    b = np.arange(3.0)
    assert spikes.float_vector(b, 0) is b
    assert spikes.float_vector(np.arange(3), 0).dtype == np.float64


def test_check_clusters(tmp_path, small_chunks):
    clusters = np.array([10, -1, 3, 10, 7, 3, 3, 1000, -1, 10], dtype=np.int32).reshape(-1, 1)
    np.save(tmp_path / "c.npy", clusters)
    w = ArrayWriter()
    values = spikes.check_clusters(w, tmp_path / "c.npy", 10, spike_templates=np.zeros(10))
    assert values == {"same_as_templates": False}
    assert w.arrays["cluster_ids"].tolist() == [-1, 3, 7, 10, 1000]
    assert w.arrays["cluster_counts"].tolist() == [2, 3, 1, 3, 1]
    w2 = ArrayWriter()
    spikes.cluster_order(w2, tmp_path / "c.npy", w.arrays["cluster_ids"],
                         w.arrays["cluster_counts"])
    o, off = w2.arrays["cluster_order"], w2.arrays["cluster_offsets"]
    assert o[off[3]:off[4]].tolist() == [0, 3, 9]
    same = spikes.check_clusters(ArrayWriter(), tmp_path / "c.npy", 10, clusters[:, 0])
    assert same == {"same_as_templates": True}
    with pytest.raises(DataFormatError, match="expected 11"):
        spikes.check_clusters(ArrayWriter(), tmp_path / "c.npy", 11)
    np.save(tmp_path / "c.npy", np.array([0, 2**31 - 1, 5]))  # a wide range: np.unique
    w = ArrayWriter()
    spikes.check_clusters(w, tmp_path / "c.npy", 3)
    assert w.arrays["cluster_ids"].tolist() == [0, 5, 2**31 - 1]
    np.save(tmp_path / "c.npy", np.array([0, 5, 2**40]))
    with pytest.raises(DataFormatError, match=r"c.npy gives spike 2 the cluster id 1099511627776: "
                       "cluster ids must fit in 32 bits"):
        spikes.check_clusters(ArrayWriter(), tmp_path / "c.npy", 3)


def test_check_vector(tmp_path, caplog, small_chunks):
    np.save(tmp_path / "a.npy", np.array([[1.0], [np.nan], [np.inf]], dtype=">f4"))
    w = ArrayWriter()
    assert spikes.check_vector(w, tmp_path / "a.npy", "float", 3) == {"n_nonfinite": 2}
    assert w.arrays == {}  # nothing written: converted on the fly
    assert "2 NaN or infinite values in a.npy" in caplog.text
    np.save(tmp_path / "b.npy", np.arange(5.0))
    with pytest.raises(DataFormatError, match="one per spike"):
        spikes.check_vector(ArrayWriter(), tmp_path / "b.npy", "float", 4)
    np.save(tmp_path / "ids.npy", np.array([0, 2, 2]))
    with pytest.raises(DataFormatError, match="sorted"):
        spikes.check_vector(ArrayWriter(), tmp_path / "ids.npy", "int", spike_ids_below=10)
    np.save(tmp_path / "ids.npy", np.arange(12.0))
    with pytest.raises(DataFormatError, match="ids.npy refers to spike 10 but the dataset "
                                              r"has 10 spikes \(ids 0 to 9\)"):
        spikes.check_vector(ArrayWriter(), tmp_path / "ids.npy", "int", spike_ids_below=10)
    np.save(tmp_path / "ids.npy", np.array([-1, 2]))
    with pytest.raises(DataFormatError, match="refers to spike -1"):
        spikes.check_vector(ArrayWriter(), tmp_path / "ids.npy", "int", spike_ids_below=10)
    assert spikes.check_vector(ArrayWriter(), tmp_path / "ids.npy", "int") == {"n_nonfinite": 0}
    np.save(tmp_path / "s.npy", np.array(["a"]))
    with pytest.raises(DataFormatError, match="numbers"):
        spikes.check_vector(ArrayWriter(), tmp_path / "s.npy", "float")
