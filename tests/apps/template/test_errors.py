"""Broken copies of the real dataset: each error names the file at fault and what was expected."""

import logging

import numpy as np
import pytest

from phy.apps.template import load_model
from phy.io import DataFormatError


@pytest.fixture
def broken(phy_data, dataset_copy):
    """A writable copy of the real template dataset, to break."""
    return dataset_copy(phy_data / "template")


def _error(d):
    with pytest.raises(DataFormatError) as info:
        load_model(d / "params.py")
    return str(info.value)


def _cut_bytes(path, n):
    data = path.read_bytes()
    path.write_bytes(data[:-n])


def test_channel_map_with_missing_entries(broken):
    np.save(broken / "channel_map.npy", np.load(broken / "channel_map.npy")[:-1])
    assert _error(broken) == (
        "channel_map.npy lists 31 channels but channel_positions.npy, channel_shanks.npy, "
        "whitening_mat.npy, whitening_mat_inv.npy have 32: channel_map.npy should have 32 "
        "entries (is it truncated?).")


def test_channel_map_cut_file(broken):
    _cut_bytes(broken / "channel_map.npy", 8)
    assert _error(broken) == (
        f"{broken / 'channel_map.npy'} is truncated: its header announces an array of shape "
        "(32, 1) (int32, 128 bytes of data) but the file holds 120 bytes.")


def test_pc_features_with_cut_columns(broken):
    np.save(broken / "pc_features.npy", np.load(broken / "pc_features.npy")[:, :, :8])
    assert _error(broken) == (
        "pc_features.npy has 8 columns of channels but pc_feature_ind.npy lists 12 channels "
        "per template (shape (64, 12)): pc_features.npy should have 12 (is it cut?).")


def test_pc_features_cut_file(broken):
    _cut_bytes(broken / "pc_features.npy", 1000)
    message = _error(broken)
    assert message.startswith(f"{broken / 'pc_features.npy'} is truncated: its header announces")
    assert "(314, 3, 12) (float32, 45,216 bytes of data) but the file holds 44,216" in message


def test_two_dimensional_templates(broken):
    np.save(broken / "templates.npy", np.load(broken / "templates.npy")[0])
    assert _error(broken) == (
        "templates.npy should be a 3-D array (n_templates, n_samples, n_channels), not an "
        "array of shape (82, 32).")


@pytest.mark.parametrize("name", ["amplitudes.npy", "channel_map.npy"])  # mapped / read
def test_pickled_file(broken, name):
    np.save(broken / name, np.array([{"a": 1}] * 314, dtype=object), allow_pickle=True)
    message = _error(broken)
    assert message == (f"{broken / name} holds Python objects (a pickled object array): phy "
                       "never loads pickled data. Save it as a numeric array.")
    assert "allow_pickle" not in message


def _empty(d):
    for name in ("spike_times", "spike_templates", "spike_clusters", "amplitudes"):
        np.save(d / f"{name}.npy", np.load(d / f"{name}.npy")[:0])


def test_empty_dataset_with_one_dimensional_features(broken, caplog):
    _empty(broken)
    for name in ("pc_features", "template_features"):
        np.save(broken / f"{name}.npy", np.zeros(0, np.float32))
        (broken / f"{name[:-len('features')]}feature_spike_ids.npy").unlink()
    with caplog.at_level(logging.WARNING):
        m = load_model(broken / "params.py")
    assert m.n_spikes == 0 and m.features is None and m.template_features is None
    assert ("pc_features.npy has shape (0,): expected a 3-D array (n_spikes, n_pcs, "
            "n_channels), or 2-D with a single PC. Ignored.") in caplog.text
    assert ("template_features.npy has shape (0,): expected a 2-D array (n_spikes, "
            "n_templates). Ignored.") in caplog.text
    assert "inconsistent with 0 spikes" not in caplog.text


def test_empty_dataset_with_leftover_features(broken, caplog):
    _empty(broken)
    (broken / "pc_feature_spike_ids.npy").unlink()
    (broken / "template_feature_spike_ids.npy").unlink()
    with caplog.at_level(logging.WARNING):
        m = load_model(broken / "params.py")
    assert m.features is None
    assert "pc_features.npy has 314 rows but the dataset has 0 spikes: ignored." in caplog.text


def test_feature_spike_ids_beyond_the_spikes(broken):
    _empty(broken)
    assert _error(broken) == (
        "pc_feature_spike_ids.npy refers to spike 0 but the dataset has 0 spikes.")
