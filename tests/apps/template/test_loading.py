import numpy as np

from phy.apps.template import loading
from phy.io import ArrayCache


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
