import numpy as np
import pytest

from phy.apps.template import loading
from phy.io import ArrayCache, DataFormatError


class _Writer:
    def __init__(self):
        self.arrays = {}

    def empty(self, name, shape, dtype):
        self.arrays[name] = np.zeros(shape, dtype)
        return self.arrays[name]

    def save(self, name, arr):
        self.arrays[name] = np.asarray(arr)
        return arr


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(loading, "CHUNK_SIZE", 7)


@pytest.mark.parametrize("n_groups", [5, 70000])
def test_group_order_matches_stable_argsort(small_chunks, n_groups):
    keys = np.random.default_rng(0).integers(0, n_groups, 100)
    counts = np.bincount(keys, minlength=n_groups)
    w = _Writer()
    loading.group_order(w, "g", keys.size, lambda a, b: keys[a:b], counts)
    assert np.array_equal(w.arrays["g_order"], np.argsort(keys, kind="stable"))
    assert w.arrays["g_offsets"].tolist() == [0] + np.cumsum(counts).tolist()


def _spikes(tmp_path, times, templates, n_templates=None, kind="samples", sample_rate=10.0):
    np.save(tmp_path / "t.npy", np.asarray(times))
    np.save(tmp_path / "s.npy", np.asarray(templates))
    w = _Writer()
    values = loading.compute_spikes(w, tmp_path / "t.npy", kind, tmp_path / "s.npy",
                                    sample_rate, n_templates)
    return w.arrays, values


def test_compute_spikes(tmp_path, small_chunks):
    times = np.array([[1], [1], [5], [9], [20], [20], [21], [30], [31]], dtype=np.uint64)
    templates = np.array([2, 0, 2, 2, 0, 3, 3, 0, 2], dtype=np.uint32)
    arrays, values = _spikes(tmp_path, times, templates, n_templates=5)
    assert values == {"n_templates": 5}
    assert "spike_samples" not in arrays  # uint64 samples are used as they are
    assert arrays["spike_times"].tolist() == (times[:, 0] / 10.0).tolist()
    assert arrays["spike_templates"].dtype == np.int64
    assert arrays["template_counts"].tolist() == [3, 0, 4, 2, 0]
    order, offsets = arrays["template_order"], arrays["template_offsets"]
    assert order[offsets[2]:offsets[3]].tolist() == [0, 2, 3, 8]
    # Without templates.npy, n_templates is max + 1.
    assert _spikes(tmp_path, times, templates)[1] == {"n_templates": 4}


def test_compute_spikes_conversions(tmp_path):
    arrays, _ = _spikes(tmp_path, np.array([0.5, 1.0, 2.25]), np.array([0.0, 1.0, 1.0]),
                        kind="seconds", sample_rate=4.0)
    assert arrays["spike_samples"].tolist() == [2, 4, 9]
    assert arrays["spike_times"].tolist() == [0.5, 1.0, 2.25]
    big = np.array([2**60, 2**60 + 1], dtype=np.uint64)  # exact, no float rounding
    arrays, _ = _spikes(tmp_path, big.astype(">u8"), [0, 0])
    assert arrays["spike_samples"].tolist() == [2**60, 2**60 + 1]
    arrays, _ = _spikes(tmp_path, np.array([3, 4], dtype=np.int32), [0, 0])
    assert arrays["spike_samples"].dtype == np.int64


@pytest.mark.parametrize("times,templates,n_templates,match", [
    ([1, 5, 4, 6], [0, 0, 0, 0], None, "increasing: t.npy decreases at spike 2"),
    ([1, 2], [0, 3], 3, "refers to template 3"),
    ([1, 2], [0, -1], None, "negative"),
    ([1, 2, 3], [0, 0], None, "has 2 spikes"),
    ([1, 2], [0.5, 1], None, "integers"),
    ([1, 2], ["a", "b"], None, "integers"),
])
def test_compute_spikes_errors(tmp_path, times, templates, n_templates, match):
    with pytest.raises(DataFormatError, match=match):
        _spikes(tmp_path, times, templates, n_templates)


def test_decrease_across_chunks(tmp_path, small_chunks):
    times = np.arange(20)
    times[7] = 3
    with pytest.raises(DataFormatError, match="decreases at spike 7"):
        _spikes(tmp_path, times, np.zeros(20, int))


def test_compute_clusters(tmp_path, small_chunks):
    clusters = np.array([10, -1, 3, 10, 7, 3, 3, 1000, -1, 10], dtype=np.int32).reshape(-1, 1)
    np.save(tmp_path / "c.npy", clusters)
    w = _Writer()
    loading.compute_clusters(w, tmp_path / "c.npy", 10)
    assert w.arrays["cluster_ids"].tolist() == [-1, 3, 7, 10, 1000]
    assert w.arrays["spike_clusters"].tolist() == clusters[:, 0].tolist()
    o, off = w.arrays["cluster_order"], w.arrays["cluster_offsets"]
    assert o[off[3]:off[4]].tolist() == [0, 3, 9]
    with pytest.raises(DataFormatError, match="expected 11"):
        loading.compute_clusters(_Writer(), tmp_path / "c.npy", 11)


def test_compute_vector(tmp_path, caplog, small_chunks):
    np.save(tmp_path / "a.npy", np.array([[1.0], [np.nan], [np.inf]], dtype=">f4"))
    w = _Writer()
    assert loading.compute_vector(w, tmp_path / "a.npy", "float", 3) == {"n_nonfinite": 2}
    assert w.arrays["data"].tolist() == [1.0, 0.0, 0.0] and w.arrays["data"].dtype == "<f4"
    assert "2 NaN or infinite values in a.npy" in caplog.text
    np.save(tmp_path / "b.npy", np.arange(5.0))
    w = _Writer()
    loading.compute_vector(w, tmp_path / "b.npy", "float", 5)
    assert "data" not in w.arrays  # used as it is
    with pytest.raises(DataFormatError, match="one per spike"):
        loading.compute_vector(_Writer(), tmp_path / "b.npy", "float", 4)
    np.save(tmp_path / "ids.npy", np.array([0, 2, 2]))
    with pytest.raises(DataFormatError, match="sorted"):
        loading.compute_vector(_Writer(), tmp_path / "ids.npy", "int", check_sorted=True)
    np.save(tmp_path / "s.npy", np.array(["a"]))
    with pytest.raises(DataFormatError, match="numbers"):
        loading.compute_vector(_Writer(), tmp_path / "s.npy", "float")


def test_compute_c_order(tmp_path, monkeypatch):
    arr = np.asfortranarray(np.arange(2 * 3 * 4, dtype=">f4").reshape(4, 3, 2))
    np.save(tmp_path / "f.npy", arr)
    monkeypatch.setattr(loading, "FORTRAN_CONVERSION_BYTES", 10)
    assert loading.needs_c_order(np.load(tmp_path / "f.npy", mmap_mode="r"))
    out = ArrayCache(tmp_path / ".phy").get(
        "x", [tmp_path / "f.npy"], lambda w: loading.compute_c_order(w, tmp_path / "f.npy")).data
    assert out.flags.c_contiguous and out.dtype.isnative and np.array_equal(out, arr)
    assert not loading.needs_c_order(out)


def test_find_file_alf(tmp_path):
    for name in ("spikes.templates.probe00.npy", "templates.waveformsChannels.npy",
                 "templates.waveforms.npy", "channels.rawInd.npy", "channel_map.npy",
                 "spike_positions.npy", "spike_clusters.npy", "spike_times_reordered.npy"):
        np.save(tmp_path / name, np.zeros(1))
    assert loading.find_file(tmp_path, "spike_templates").name == "spikes.templates.probe00.npy"
    assert loading.find_file(tmp_path, "templates").name == "templates.waveforms.npy"
    assert loading.find_file(tmp_path, "template_ind").name == "templates.waveformsChannels.npy"
    assert loading.find_file(tmp_path, "channel_map").name == "channel_map.npy"  # phy name wins
    assert loading.find_file(tmp_path, "amplitudes") is None
    assert list(loading.spike_attribute_files(tmp_path)) == ["positions"]
