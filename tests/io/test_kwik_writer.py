"""The kwik writer: the layout of the real klusta file, from a PRM and from arrays."""

import shutil

import h5py
import numpy as np
import pytest

from phy.electrode import read_probe
from phy.io import DataFormatError
from phy.io.kwik_writer import KwikCreator, create_kwik


def _layout(path):
    """``{name: (kind, shape, dtype, attribute names)}`` of every node of an HDF5 file."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            kind = "dataset" if isinstance(obj, h5py.Dataset) else "group"
            out[name] = (kind, getattr(obj, "shape", None)[1:] if kind == "dataset" else None,
                         str(obj.dtype) if kind == "dataset" else None, sorted(obj.attrs))
        f.visititems(visit)
    return out


def test_create_kwik_like_klusta(phy_data, tmp_path):
    real = phy_data / "kwik" / "hybrid_10sec.kwik"
    prm = tmp_path / "hybrid_10sec.prm"
    shutil.copy(phy_data / "kwik" / "hybrid_10sec.prm", prm)
    with pytest.raises(DataFormatError, match="read_probe"):
        create_kwik(prm)
    path = create_kwik(prm, probe=read_probe("1x32_buzsaki"))
    assert path == tmp_path / "hybrid_10sec.kwik"
    with pytest.raises(DataFormatError, match="already exists"):
        create_kwik(prm, probe=read_probe("1x32_buzsaki"))
    with h5py.File(real, "r") as f:
        g = f["channel_groups/0"]
        n = len(g["spikes/time_samples"])
        samples, clusters = g["spikes/time_samples"][...], g["spikes/clusters/main"][...]
        real_sd = {k: v for k, v in f["application_data/spikedetekt"].attrs.items()}
    with h5py.File(phy_data / "kwik" / "hybrid_10sec.kwx", "r") as f:
        fm = f["channel_groups/0/features_masks"][...]
    creator = KwikCreator(path)
    creator.add_spikes(group=0, spike_samples=samples, features=fm[..., 0],
                       masks=[fm[:1000, ::3, 1], fm[1000:, ::3, 1]], n_features=3)
    for name in ("main", "original"):
        creator.add_clustering(group=0, name=name, spike_clusters=clusters)
    # Same nodes, dtypes and attribute names as the real file, but the cluster nodes, the
    # klustakwik2 attributes of a clustering and the colors of KlustaViewa.
    def strip(layout):
        return {k: v[:3] if k.endswith(("clusters/main", "clusters/original")) else v
                for k, v in layout.items() if "/clusters/main/" not in k
                and "/clusters/original/" not in k and "/application_data" not in k}

    assert strip(_layout(path)) == strip(_layout(real))
    assert _layout(path.with_suffix(".kwx")) == _layout(phy_data / "kwik" / "hybrid_10sec.kwx")
    with h5py.File(path, "r") as f:
        sd = dict(f["application_data/spikedetekt"].attrs)
        for key, value in real_sd.items():
            if key != "experiment_name":
                assert np.array_equal(sd[key], value), key
        assert np.array_equal(f["channel_groups/0"].attrs["adjacency_graph"],
                              h5py.File(real, "r")["channel_groups/0"].attrs["adjacency_graph"])
        assert f["recordings/0/raw"].attrs["dat_path"][0] == b"hybrid_10sec.dat"
        assert len(f["channel_groups/0/spikes/time_samples"]) == n
    with h5py.File(path.with_suffix(".kwx"), "r") as f:
        assert np.array_equal(f["channel_groups/0/features_masks"][...], fm)
        assert f["channel_groups/0/features_masks"].chunks is None
