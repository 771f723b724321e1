"""Tests of the readers of the small and optional parts of a template dataset (FORMATS §1.6–1.13).

Each test writes tiny ``.npy`` files in a temporary directory and calls the reader directly.
"""

import logging
import re

import numpy as np
import pytest

from phy.apps.template import readers
from phy.apps.template.features import SparseFeatures
from phy.io import DataFormatError
from phy.utils import Bunch


def save(dir_path, name, arr):
    """Write an array as ``dir_path/name`` and return the path."""
    path = dir_path / name
    np.save(path, np.asarray(arr))
    return path


# -------------------------------------------------------------------------------------------------
# Channels
# -------------------------------------------------------------------------------------------------

def test_vertical_positions():
    pos = readers.vertical_positions(3)
    assert pos.shape == (3, 2) and pos.dtype == np.float64
    assert pos.tolist() == [[0, 0], [0, 0.5], [0, 1]]
    assert readers.vertical_positions(1).shape == (1, 2)
    assert readers.vertical_positions(0).shape == (0, 2)


def test_read_channels(tmp_path):
    files = {
        "channel_map": save(tmp_path, "channel_map.npy", np.array([[4.0], [2.0], [7.0]])),
        "channel_positions": save(tmp_path, "channel_positions.npy",
                                  np.array([[0, 10], [5, 20], [0, 30]], dtype=np.int32)),
        "channel_shanks": save(tmp_path, "channel_shanks.npy", [[0, 1, 1]]),
        "channel_probe": save(tmp_path, "channel_probe.npy", np.array([0, 0, 1.0])),
    }
    c = readers.read_channels(files, tmp_path, n_channels_dat=8)
    assert c.channel_mapping.tolist() == [4, 2, 7]  # (n, 1) float file: int64 vector
    assert c.channel_mapping.dtype == np.int64
    assert c.channel_positions.dtype == np.float64
    assert c.channel_positions.tolist() == [[0, 10], [5, 20], [0, 30]]
    assert c.channel_shanks.tolist() == [0, 1, 1]  # (1, n) file: vector
    assert c.channel_probes.tolist() == [0, 0, 1]
    assert c.channel_shanks.dtype == c.channel_probes.dtype == np.int64


def test_read_channels_defaults(tmp_path, caplog):
    files = {"channel_map": save(tmp_path, "channel_map.npy", np.arange(4))}
    with caplog.at_level(logging.WARNING):
        c = readers.read_channels(files, tmp_path)
    assert "channel_positions.npy not found" in caplog.text
    assert c.channel_positions.tolist() == readers.vertical_positions(4).tolist()
    assert c.channel_shanks.tolist() == c.channel_probes.tolist() == [0, 0, 0, 0]
    assert c.channel_shanks.dtype == np.int64


def test_read_channels_single_channel(tmp_path):
    files = {
        "channel_map": save(tmp_path, "channel_map.npy", np.array(3)),  # a 0-d array
        "channel_positions": save(tmp_path, "channel_positions.npy", [[1.5, 2.5]]),
        "channel_shanks": save(tmp_path, "channel_shanks.npy", [[2]]),
    }
    c = readers.read_channels(files, tmp_path, n_channels_dat=4)
    assert c.channel_mapping.tolist() == [3]
    assert c.channel_positions.shape == (1, 2)
    assert c.channel_positions.tolist() == [[1.5, 2.5]]
    assert c.channel_shanks.tolist() == [2]
    assert c.channel_probes.tolist() == [0]


def test_read_channels_duplicate_positions(tmp_path, caplog):
    files = {
        "channel_map": save(tmp_path, "channel_map.npy", np.arange(3)),
        "channel_positions": save(tmp_path, "channel_positions.npy", [[0, 1], [0, 2], [0, 1]]),
    }
    with caplog.at_level(logging.WARNING):
        c = readers.read_channels(files, tmp_path)
    assert "Duplicate channel positions in channel_positions.npy" in caplog.text
    assert c.channel_positions.tolist() == readers.vertical_positions(3).tolist()


def test_read_channels_errors(tmp_path):
    with pytest.raises(DataFormatError, match="channel_map.npy not found"):
        readers.read_channels({}, tmp_path)
    files = {"channel_map": save(tmp_path, "channel_map.npy", [0, 1, 5])}
    with pytest.raises(DataFormatError, match=r"channel_map.npy refers to raw column 5.*= 4"):
        readers.read_channels(files, tmp_path, n_channels_dat=4)
    assert readers.read_channels(files, tmp_path, n_channels_dat=6).channel_mapping.size == 3
    bad = dict(files, channel_positions=save(tmp_path, "channel_positions.npy", np.zeros((3, 3))))
    with pytest.raises(DataFormatError, match="channel_positions.npy"):
        readers.read_channels(bad, tmp_path)
    bad = dict(files, channel_shanks=save(tmp_path, "channel_shanks.npy", [0, 1]))
    with pytest.raises(DataFormatError, match=r"channel_shanks.npy is sized for 2 channels, "
                                              r"expected 3 \(the length of channel_map.npy\)"):
        readers.read_channels(bad, tmp_path)
    bad = dict(files, channel_probe=save(tmp_path, "channel_probe.npy", np.zeros((3, 2))))
    with pytest.raises(DataFormatError, match="channel_probe.npy should be a vector"):
        readers.read_channels(bad, tmp_path)
    bad = dict(files, channel_map=save(tmp_path, "channel_map.npy", [0.0, 1.5]))
    with pytest.raises(DataFormatError, match="channel_map.npy"):
        readers.read_channels(bad, tmp_path)


# -------------------------------------------------------------------------------------------------
# Whitening and square matrices
# -------------------------------------------------------------------------------------------------

def test_read_square(tmp_path):
    default = np.zeros((2, 2))
    assert readers.read_square(None, default, 2) is default
    m = np.arange(4.0).reshape(2, 2)
    assert readers.read_square(save(tmp_path, "sim.npy", m), None, 2).tolist() == m.tolist()
    one = readers.read_square(save(tmp_path, "one.npy", np.array([[3.0]])), None, 1)
    assert one.shape == (1, 1) and one[0, 0] == 3
    with pytest.raises(DataFormatError, match="wrong.npy"):
        readers.read_square(save(tmp_path, "wrong.npy", np.zeros((2, 3))), None, 2)


def test_read_square_replaces_nan(tmp_path, caplog):
    path = save(tmp_path, "similar_templates.npy", [[1.0, np.nan], [np.inf, 1.0]])
    with caplog.at_level(logging.WARNING):
        m = readers.read_square(path, None, 2)
    assert m.tolist() == [[1, 0], [0, 1]]
    assert "similar_templates.npy" in caplog.text


def test_read_whitening(tmp_path, caplog):
    wm, wmi = readers.read_whitening({}, 3)
    assert wm.tolist() == wmi.tolist() == np.eye(3).tolist()

    m = np.array([[2.0, 1.0], [0.0, 4.0]])
    files = {"whitening_mat": save(tmp_path, "whitening_mat.npy", m)}
    wm, wmi = readers.read_whitening(files, 2)  # the inverse is computed
    assert np.allclose(wm @ wmi, np.eye(2))

    given = np.array([[9.0, 0.0], [0.0, 9.0]])  # the stored inverse wins, even if inconsistent
    files["whitening_mat_inv"] = save(tmp_path, "whitening_mat_inv.npy", given)
    assert readers.read_whitening(files, 2)[1].tolist() == given.tolist()

    files = {"whitening_mat": save(tmp_path, "singular.npy", np.ones((2, 2)))}
    with caplog.at_level(logging.WARNING):
        wm, wmi = readers.read_whitening(files, 2)
    assert "singular" in caplog.text
    assert np.allclose(wmi, np.linalg.pinv(np.ones((2, 2))))

    wm, wmi = readers.read_whitening({"whitening_mat": save(tmp_path, "w1.npy", [[4.0]])}, 1)
    assert wm.shape == wmi.shape == (1, 1) and wmi[0, 0] == 0.25

    with pytest.raises(DataFormatError, match="whitening_mat_inv.npy"):
        readers.read_whitening(
            {"whitening_mat_inv": save(tmp_path, "whitening_mat_inv.npy", np.eye(3))}, 2)


# -------------------------------------------------------------------------------------------------
# Templates
# -------------------------------------------------------------------------------------------------

def test_templates_shape(tmp_path):
    assert readers.templates_shape(save(tmp_path, "t.npy", np.zeros((3, 5, 2)))) == (3, 5, 2)
    assert readers.templates_shape(save(tmp_path, "tc.npy", np.zeros((1, 5, 1)))) == (1, 5, 1)
    for shape in ((5,), (5, 2)):
        with pytest.raises(DataFormatError, match=re.escape(
                "templates.npy should be a 3-D array (n_templates, n_samples, n_channels), "
                f"not an array of shape {shape}.")):
            readers.templates_shape(save(tmp_path, "templates.npy", np.zeros(shape)))


def test_read_templates_dense(tmp_path):
    data = np.arange(2 * 4 * 3, dtype=np.float32).reshape(2, 4, 3)
    path = save(tmp_path, "templates.npy", data)
    out, cols = readers.read_templates(path, None, 3)
    assert cols is None
    assert isinstance(out, np.memmap)  # memory-mapped, not loaded
    assert out.shape == (2, 4, 3) and np.array_equal(out, data)
    with pytest.raises(DataFormatError, match=r"templates.npy has 3 channels.*template_ind"):
        readers.read_templates(path, None, 5)


def test_read_templates_single(tmp_path):
    # A single template on a single channel: never squeezed away.
    path = save(tmp_path, "templates.npy", np.arange(4.0).reshape(1, 4, 1))
    out, cols = readers.read_templates(path, None, 1)
    assert out.shape == (1, 4, 1)
    assert out[0, :, 0].tolist() == [0, 1, 2, 3]
    ind = save(tmp_path, "template_ind.npy", [[2]])
    out, cols = readers.read_templates(path, ind, 3)
    assert cols.shape == (1, 1) and cols.tolist() == [[2]]


def test_read_templates_sparse(tmp_path):
    path = save(tmp_path, "templates.npy", np.ones((3, 4, 2), dtype=np.float32))
    ind = save(tmp_path, "template_ind.npy", np.array([[0, 4], [3, -1], [1, 2]], dtype=np.float64))
    out, cols = readers.read_templates(path, ind, 5)
    assert out.shape == (3, 4, 2)
    assert cols.dtype == np.int64
    assert cols.tolist() == [[0, 4], [3, -1], [1, 2]]  # -1 padding kept
    with pytest.raises(DataFormatError, match="template_ind.npy refers to channel 4 but there "
                                              "are 4 channels"):
        readers.read_templates(path, ind, 4)
    bad = save(tmp_path, "template_ind.npy", np.zeros((2, 2)))
    with pytest.raises(DataFormatError, match="template_ind.npy has shape"):
        readers.read_templates(path, bad, 5)


def test_read_templates_sparse_single_column(tmp_path):
    path = save(tmp_path, "templates.npy", np.ones((3, 4, 1)))
    ind = save(tmp_path, "template_ind.npy", [5, 0, 2])  # 1-D: a single column
    out, cols = readers.read_templates(path, ind, 6)
    assert cols.shape == (3, 1) and cols[:, 0].tolist() == [5, 0, 2]


# -------------------------------------------------------------------------------------------------
# Sparse features
# -------------------------------------------------------------------------------------------------

def test_sparse_features_pcs(tmp_path):
    # 3 spikes, 2 PCs, 2 channels per spike; template 0 on channels [3, 1], template 1 [0, -1].
    data = np.arange(3 * 2 * 2, dtype=np.float32).reshape(3, 2, 2)
    path = save(tmp_path, "pc_features.npy", data)
    ind = save(tmp_path, "pc_feature_ind.npy", [[3, 1], [0, -1]])
    spike_templates = np.array([0, 1, 0])
    f = readers.sparse_features(data, path, ind, None, 3, 2, 4, spike_templates, pcs=True)
    assert isinstance(f, SparseFeatures)
    assert f.data.shape == (3, 2, 2)  # (n_rows, n_loc, n_pcs)
    assert f.data[0, 0].tolist() == data[0, :, 0].tolist()  # PCs of the first channel
    assert f.cols.tolist() == [[3, 1], [0, -1]]
    out = f.get([0, 1], [0, 1, 3])
    assert out.shape == (2, 3, 2)
    assert out[0, 2].tolist() == data[0, :, 0].tolist()  # spike 0 on channel 3
    assert out[0, 1].tolist() == data[0, :, 1].tolist()
    assert out[0, 0].tolist() == [0, 0]  # not among its channels
    assert out[1, 0].tolist() == data[1, :, 0].tolist()
    with pytest.raises(DataFormatError, match="pc_feature_ind.npy refers to 3 but there are "
                                              "only 3"):
        readers.sparse_features(data, path, ind, None, 3, 2, 3, spike_templates, pcs=True)
    bad = save(tmp_path, "pc_feature_ind.npy", [[3, 1, 2], [0, 1, 2]])
    with pytest.raises(DataFormatError, match=re.escape(
            "pc_features.npy has 2 columns of channels but pc_feature_ind.npy lists 3 channels "
            "per template (shape (2, 3)): pc_features.npy should have 3 (is it cut?).")):
        readers.sparse_features(data, path, bad, None, 3, 2, 4, spike_templates, pcs=True)
    bad = save(tmp_path, "pc_feature_ind.npy", [[3, 1]])
    with pytest.raises(DataFormatError, match="pc_feature_ind.npy has shape"):
        readers.sparse_features(data, path, bad, None, 3, 2, 4, spike_templates, pcs=True)


def test_sparse_features_single_pc_dense(tmp_path):
    # A 2-D pc_features file: a single PC; no pc_feature_ind: column k is channel k.
    data = np.arange(6, dtype=np.float32).reshape(3, 2)
    path = save(tmp_path, "pc_features.npy", data)
    f = readers.sparse_features(data, path, None, None, 3, 1, 2, np.zeros(3, np.int64), pcs=True)
    assert f.cols is None
    assert f.data.shape == (3, 2, 1)
    assert f.get([2], [1, 0])[0, :, 0].tolist() == [5, 4]


def test_sparse_features_subset_and_template_features(tmp_path, caplog):
    data = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    path = save(tmp_path, "template_features.npy", data)
    ind = save(tmp_path, "template_feature_ind.npy", [[0, 2], [1, 0], [2, -1]])
    rows = np.array([1, 3])
    spike_templates = np.array([0, 1, 0, 2])
    f = readers.sparse_features(data, path, ind, rows, 4, 3, 3, spike_templates, pcs=False)
    assert f.data.shape == (2, 2)
    out = f.get([0, 1, 3], [0, 1, 2])
    assert np.all(np.isnan(out[0]))  # spike 0 has no row
    assert out[1].tolist() == [2, 1, 0]  # template 1: columns [1, 0]
    assert out[2].tolist() == [0, 0, 3]  # template 2: column [2], then padding
    bad = np.zeros((2, 2, 2), dtype=np.float32)
    assert readers.sparse_features(bad, path, ind, rows, 4, 3, 3, spike_templates,
                                   pcs=False) is None
    assert ("template_features.npy has shape (2, 2, 2): expected a 2-D array (n_spikes, "
            "n_templates). Ignored.") in caplog.text


def test_sparse_features_inconsistent_rows(tmp_path, caplog):
    data = np.zeros((3, 2, 2), dtype=np.float32)
    path = save(tmp_path, "pc_features.npy", data)
    with caplog.at_level(logging.WARNING):
        assert readers.sparse_features(
            data, path, None, None, 4, 1, 2, np.zeros(4, np.int64), pcs=True) is None
    assert "pc_features.npy has 3 rows but the dataset has 4 spikes: ignored." in caplog.text
    # The rows are those of pc_feature_spike_ids when given.
    assert readers.sparse_features(
        data, path, None, np.array([0, 2, 5]), 6, 1, 2, np.zeros(6, np.int64), pcs=True)
    ids = tmp_path / "pc_feature_spike_ids.npy"
    with caplog.at_level(logging.WARNING):
        assert readers.sparse_features(data, path, None, np.array([0, 2]), 6, 1, 2,
                                       np.zeros(6, np.int64), pcs=True, rows_path=ids) is None
    assert ("pc_features.npy has 3 rows but pc_feature_spike_ids.npy lists 2 spikes: "
            "ignored.") in caplog.text
    # An empty dataset with an empty 1-D feature file: the shape is at fault, not the count.
    vec = np.zeros(0, dtype=np.float32)
    with caplog.at_level(logging.WARNING):
        assert readers.sparse_features(
            vec, path, None, None, 0, 1, 2, np.zeros(0, np.int64), pcs=True) is None
    assert ("pc_features.npy has shape (0,): expected a 3-D array (n_spikes, n_pcs, "
            "n_channels), or 2-D with a single PC. Ignored.") in caplog.text


# -------------------------------------------------------------------------------------------------
# Spike attributes
# -------------------------------------------------------------------------------------------------

def test_read_spike_attributes(tmp_path, caplog):
    save(tmp_path, "spike_positions.npy", np.arange(8.0).reshape(4, 2))
    save(tmp_path, "spike_depth.npy", np.arange(4.0).reshape(4, 1))
    save(tmp_path, "spike_detection_templates.npy", [0, 1, 1, 0])
    save(tmp_path, "spike_short.npy", [1, 2, 3])
    save(tmp_path, "spike_scalar.npy", np.array(1.0))
    for name in ("clusters", "templates", "times", "samples", "times_reordered", "amplitudes"):
        save(tmp_path, f"spike_{name}.npy", np.zeros(4))
    save(tmp_path, "amplitudes.npy", np.zeros(4))
    with caplog.at_level(logging.WARNING):
        attrs = readers.read_spike_attributes(tmp_path, 4)
    assert isinstance(attrs, Bunch)
    assert sorted(attrs) == ["depth", "detection_templates", "positions"]
    assert attrs.positions.shape == (4, 2) and attrs.positions[3].tolist() == [6, 7]
    assert attrs.depth.shape == (4,)  # an (n, 1) column becomes a vector
    assert attrs.depth.tolist() == [0, 1, 2, 3]
    assert isinstance(attrs.positions, np.memmap)
    assert "spike_short.npy: 3 rows instead of 4" in caplog.text
    assert "spike_scalar.npy: 1 rows instead of 4" in caplog.text
    assert readers.read_spike_attributes(tmp_path / "nothing", 4) == {}


def test_read_spike_attributes_single_spike(tmp_path):
    save(tmp_path, "spike_positions.npy", [[1.0, 2.0]])
    save(tmp_path, "spike_depth.npy", [5.0])
    attrs = readers.read_spike_attributes(tmp_path, 1)
    assert attrs.positions.shape == (1, 2)
    assert attrs.depth.shape == (1,) and attrs.depth[0] == 5


# -------------------------------------------------------------------------------------------------
# Waveform subset
# -------------------------------------------------------------------------------------------------

def write_subset(dir_path, spikes, channels, waveforms):
    names = {"subset_spikes": ("spikes", spikes), "subset_channels": ("channels", channels),
             "subset_waveforms": ("waveforms", waveforms)}
    return {key: save(dir_path, f"_phy_spikes_subset.{name}.npy", arr)
            for key, (name, arr) in names.items()}


@pytest.fixture
def subset_files(tmp_path):
    """3 spikes (2, 5, 9), 4 samples, 2 stored channels each (-1 = padding)."""
    waveforms = np.arange(3 * 4 * 2, dtype=np.float64).reshape(3, 4, 2) + 1
    return write_subset(tmp_path, np.array([2, 5, 9]), np.array([[0, 3], [3, 1], [2, -1]],
                                                                dtype=np.int32), waveforms)


def test_read_waveform_subset(subset_files):
    subset = readers.read_waveform_subset(subset_files)
    assert subset.spike_ids.tolist() == [2, 5, 9]
    assert subset.spike_ids.dtype == subset.spike_channels.dtype == np.int64
    assert subset.spike_channels.tolist() == [[0, 3], [3, 1], [2, -1]]
    assert subset.waveforms.shape == (3, 4, 2)
    assert isinstance(subset.waveforms, np.memmap)


def test_read_waveform_subset_incomplete(subset_files):
    for key in subset_files:
        assert readers.read_waveform_subset(dict(subset_files, **{key: None})) is None
    assert readers.read_waveform_subset({}) is None


@pytest.mark.parametrize("spikes, channels, shape, message", [
    ([2, 9, 5], [[0]] * 3, (3, 4, 1), "spikes.npy must be sorted"),
    ([2, 2, 5], [[0]] * 3, (3, 4, 1), "spikes.npy must be sorted"),
    ([2, 5, 9], [[0]] * 3, (2, 4, 1), "waveforms.npy has an inconsistent shape"),
    ([2, 5, 9], [[0, 1]] * 3, (3, 4, 1), "waveforms.npy has an inconsistent shape"),
    ([2, 5, 9], [[0]] * 3, (3, 4), "waveforms.npy has an inconsistent shape"),
    ([2, 5, 9], [[0]] * 2, (3, 4, 1), "channels.npy has shape"),
    ([[2, 5], [9, 1]], [[0]] * 3, (3, 4, 1), "spikes.npy should be a vector"),
])
def test_read_waveform_subset_invalid(tmp_path, caplog, spikes, channels, shape, message):
    files = write_subset(tmp_path, np.array(spikes), np.array(channels), np.zeros(shape))
    with caplog.at_level(logging.WARNING):
        assert readers.read_waveform_subset(files) is None
    assert "Ignoring the waveform subset" in caplog.text
    assert message in caplog.text


def test_subset_waveforms(subset_files):
    subset = readers.read_waveform_subset(subset_files)
    w = subset.waveforms
    out = readers.subset_waveforms(subset, np.array([9, 2]), np.array([3, 2, 0]))
    assert out.shape == (2, 4, 3) and out.dtype == np.float32
    assert out[0, :, 1].tolist() == w[2, :, 0].tolist()  # spike 9, channel 2
    assert np.all(out[0, :, [0, 2]] == 0)  # channels not stored; the -1 padding is ignored
    assert out[1, :, 0].tolist() == w[0, :, 1].tolist()  # spike 2, channel 3
    assert out[1, :, 2].tolist() == w[0, :, 0].tolist()  # spike 2, channel 0
    assert np.all(out[1, :, 1] == 0)
    one = readers.subset_waveforms(subset, np.array([5]), np.array([1]))
    assert one.shape == (1, 4, 1) and one[0, :, 0].tolist() == w[1, :, 1].tolist()
    assert readers.subset_waveforms(subset, np.array([], dtype=np.int64), [0]).shape == (0, 4, 1)


def test_subset_waveforms_missing_spike(subset_files):
    subset = readers.read_waveform_subset(subset_files)
    for spike_ids in ([2, 3], [10], [0], [9, 11]):
        assert readers.subset_waveforms(subset, np.array(spike_ids), np.array([0])) is None
    empty = Bunch(spike_ids=np.zeros(0, np.int64), spike_channels=np.zeros((0, 1), np.int64),
                  waveforms=np.zeros((0, 4, 1)))
    assert readers.subset_waveforms(empty, np.array([0]), np.array([0])) is None


# -------------------------------------------------------------------------------------------------
# Mean waveforms
# -------------------------------------------------------------------------------------------------

def test_mean_waveforms_array():
    a = np.ones((3, 4))
    sparse = Bunch(data=np.array([[1.0, 2.0]] * 3), channel_ids=[3, 0])
    out = readers.mean_waveforms_array({7: a, 2: sparse}, 3, 4)
    assert out.shape == (2, 3, 4) and out.dtype == np.float32
    assert out[0].tolist() == [[2, 0, 0, 1]] * 3  # cluster 2 first: sorted by cluster id
    assert out[1].tolist() == a.tolist()
    # Sparse data with a leading singleton axis.
    out = readers.mean_waveforms_array(
        {0: Bunch(data=np.full((1, 3, 1), 5.0), channel_ids=[1])}, 3, 2)
    assert out.shape == (1, 3, 2) and out[0].tolist() == [[0, 5]] * 3
    arr = np.zeros((2, 3, 4), dtype=np.float64)
    out = readers.mean_waveforms_array(arr, 3, 4)
    assert out.dtype == np.float32 and out.shape == (2, 3, 4)
    assert readers.mean_waveforms_array({}, 3, 4).shape == (0, 3, 4)
