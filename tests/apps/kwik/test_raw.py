"""Raw data lookup of kwik datasets (FORMATS §3.7-3.8), offsets and waveforms."""

import logging

import h5py
import numpy as np

from phy.apps.kwik.raw import (
    WaveformLoader,
    open_kwik_raw_data,
    read_recordings,
    recording_offsets,
)

N_CH = 3


def _data(value, n=10):
    return np.full((n, N_CH), value, dtype=np.int16) + np.arange(N_CH, dtype=np.int16)


def _dat(path, value, n=10):
    path.parent.mkdir(parents=True, exist_ok=True)
    _data(value, n).tofile(path)
    return path


def _kwd(path, recordings):
    with h5py.File(path, "w") as f:
        for r, value in recordings.items():
            f[f"recordings/{r}/data"] = _data(value)
    return path


def _open(kwik, recordings, channel_order=(0, 1, 2)):
    return open_kwik_raw_data(kwik, recordings, np.int16, N_CH, np.array(channel_order))


def _first(traces):
    return int(traces[0, 0])


def test_hdf5_path_first(tmp_path):
    kwik = tmp_path / "exp.kwik"
    _kwd(tmp_path / "exp.raw.kwd", {0: 100})
    _dat(tmp_path / "exp.dat", 5)
    # hdf5_path wins over dat_path; anything after ``.raw.kwd`` is ignored.
    traces, handles = _open(kwik, {0: {"hdf5_path": "exp.raw.kwd/recordings/0",
                                       "dat_path": "exp.dat"}})
    assert _first(traces) == 100 and len(handles) == 1
    assert traces.paths == [tmp_path / "exp.raw.kwd"]
    for f in handles:
        f.close()


def test_dat_path_lookups(tmp_path, monkeypatch):
    kwik = tmp_path / "data" / "exp.kwik"
    # 1. Relative to the .kwik's folder.
    _dat(tmp_path / "data" / "rel" / "a.dat", 1)
    traces, handles = _open(kwik, {0: {"dat_path": "rel/a.dat"}})
    assert _first(traces) == 1 and handles == []
    # 2. As given (relative to the working directory).
    _dat(tmp_path / "cwd" / "sub" / "b.dat", 2)
    monkeypatch.chdir(tmp_path / "cwd")
    traces, _ = _open(kwik, {0: {"dat_path": "sub/b.dat"}})
    assert _first(traces) == 2
    # 3. The same file name in the .kwik's folder.
    _dat(tmp_path / "data" / "c.dat", 3)
    traces, _ = _open(kwik, {0: {"dat_path": str(tmp_path / "moved" / "c.dat")}})
    assert _first(traces) == 3
    assert traces.paths == [tmp_path / "data" / "c.dat"]


def test_base_name_kwd_fallback(tmp_path):
    kwik = tmp_path / "exp.kwik"
    _kwd(tmp_path / "exp.raw.kwd", {0: 7, 1: 8})
    # The hdf5_path file is missing: <kwik base name>.raw.kwd, one dataset per recording.
    traces, handles = _open(kwik, {0: {"hdf5_path": "gone.raw.kwd"}, 1: {}})
    assert traces.shape == (20, N_CH)
    assert int(traces[0, 0]) == 7 and int(traces[10, 0]) == 8
    assert len(handles) == 2
    for f in handles:
        f.close()


def test_no_recordings_uses_kwik_named_dat(tmp_path):
    kwik = tmp_path / "exp.kwik"
    _dat(tmp_path / "exp.dat", 4, n=6)
    traces, handles = _open(kwik, {}, channel_order=[2, 0])
    assert traces.shape == (6, 2)
    np.testing.assert_array_equal(traces[0], [6, 4])  # channel order applied
    assert handles == []


def test_missing_raw_data_warns(tmp_path, caplog):
    kwik = tmp_path / "exp.kwik"
    _dat(tmp_path / "r0.dat", 1)
    _kwd(tmp_path / "other.raw.kwd", {0: 9})  # recording 1 not in it
    with caplog.at_level(logging.WARNING):
        traces, handles = _open(kwik, {0: {"dat_path": "r0.dat"},
                                       1: {"hdf5_path": "other.raw.kwd"}})
    assert traces is None and handles == []
    assert "No raw data found for recording 1" in caplog.text
    assert "exp.kwik" in caplog.text


def test_read_recordings(tmp_path):
    with h5py.File(tmp_path / "exp.kwik", "w") as f:
        f.create_group("recordings/1/raw").attrs["dat_path"] = np.array([b"b.dat"])
        f["recordings/1"].attrs["start_sample"] = 500
        f.create_group("recordings/0").attrs["start_sample"] = 0
        raws, starts = read_recordings(f)
    assert list(raws) == [0, 1]
    assert raws == {0: {}, 1: {"dat_path": "b.dat"}}
    assert starts == {0: 0, 1: 500}
    with h5py.File(tmp_path / "empty.kwik", "w") as f:
        assert read_recordings(f) == ({}, {})


def test_recording_offsets():
    samples = np.array([5, 20, 3, 9, 40])
    recs = np.array([0, 0, 1, 1, 3])
    # With raw data: recordings concatenated.
    assert recording_offsets(samples, recs, [0, 1, 3], n_samples=[100, 50, 10]) == {
        0: 0, 1: 100, 3: 150}
    # Without: one sample after the last spike of the previous (none in recording 2).
    assert recording_offsets(samples, recs, [0, 1, 2, 3]) == {0: 0, 1: 21, 2: 31, 3: 31}


def test_waveform_loader(tmp_path):
    kwik = tmp_path / "exp.kwik"
    data = np.arange(60, dtype=np.int16).reshape(20, N_CH)
    data.tofile(tmp_path / "exp.dat")
    traces, _ = _open(kwik, {})
    meta = {"extract_s_before": 2, "extract_s_after": 3, "waveform_filter": False,
            "waveform_dc_offset": 1.0, "waveform_scale_factor": 2.0}
    loader = WaveformLoader(traces, np.array([5, 1, 18]), 20000.0, meta)
    w = loader.get([0, 2], channel_ids=[1])
    assert w.shape == (2, 5, 1) and w.dtype == np.float32
    np.testing.assert_array_equal(w[0, :, 0], (data[3:8, 1] - 1.0) * 2.0)
    # Zero-padded past the end of the data.
    np.testing.assert_array_equal(w[1, :, 0], (np.r_[data[16:20, 1], 0] - 1.0) * 2.0)
    # With the filter (zero-phase): an impulse stays centred, its DC removed.
    impulse = np.zeros((200, N_CH), dtype=np.int16)
    impulse[100] = -1000
    impulse.tofile(tmp_path / "exp.dat")
    traces, _ = _open(kwik, {})
    meta = {"extract_s_before": 10, "extract_s_after": 10, "filter_low": 500.0,
            "filter_high_factor": 0.475, "filter_butter_order": 3}
    w = WaveformLoader(traces, np.array([100]), 20000.0, meta).get([0])
    assert w.shape == (1, 20, N_CH)
    assert np.all(np.argmin(w[0], axis=0) == 10)
    assert w[0, 10, 0] < -300
    assert not np.array_equal(w[0, :, 0], impulse[90:110, 0])
