"""``read_kwd``: the recordings of a ``.raw.kwd`` file, concatenated."""

import h5py
import numpy as np
import pytest

from phy.io import DataFormatError, open_h5, read_kwd


def test_read_kwd(tmp_path):
    path = tmp_path / "exp.raw.kwd"
    a = np.arange(30, dtype=np.int16).reshape(10, 3)
    b = -np.arange(12, dtype=np.int16).reshape(4, 3)
    with h5py.File(path, "w") as f:
        f["recordings/0/data"] = a
        f.create_dataset("recordings/1/data", data=b, chunks=(2, 3), compression="gzip")
    with open_h5(path) as f:
        traces = read_kwd(f)
        assert traces.shape == (14, 3) and traces.dtype == np.int16
        assert np.array_equal(traces[:], np.concatenate([a, b]))
        assert np.array_equal(traces[8:12, 1], [25, 28, -1, -4])
    assert np.array_equal(read_kwd(path)[12:], b[2:])


def test_read_kwd_errors(tmp_path):
    with h5py.File(tmp_path / "empty.raw.kwd", "w") as f:
        f.create_group("recordings/0")
    with pytest.raises(DataFormatError, match="empty.raw.kwd: recording 0 has no `data`"):
        read_kwd(tmp_path / "empty.raw.kwd")
    with h5py.File(tmp_path / "none.raw.kwd", "w"):
        pass
    with pytest.raises(DataFormatError, match="none.raw.kwd holds no recording"):
        read_kwd(tmp_path / "none.raw.kwd")
    with pytest.raises(DataFormatError, match="does not exist"):
        read_kwd(tmp_path / "missing.raw.kwd")
