"""Fixtures of the Kwik GUI tests: copies of the real kwik dataset and synthetic ones."""

import shutil

import pytest

from phy.io.synthetic_kwik import make_kwik_dataset

from ..conftest import controller_factory


@pytest.fixture
def real_kwik(phy_data, tmp_path):
    """A writable copy of the real ``hybrid_10sec`` kwik dataset (no raw data)."""
    for name in ("hybrid_10sec.kwik", "hybrid_10sec.kwx", "hybrid_10sec.prm"):
        shutil.copy(phy_data / "kwik" / name, tmp_path / name)
    return tmp_path / "hybrid_10sec.kwik"


@pytest.fixture(scope="session")
def synthetic_kwik_source(tmp_path_factory):
    """A synthetic kwik dataset: 2 channel groups, 2 recordings, raw data (copy it)."""
    path = tmp_path_factory.mktemp("kwik") / "synthetic.kwik"
    return make_kwik_dataset(path, n_spikes=2000, n_clusters=6, n_channels=8,
                             n_channel_groups=2, n_recordings=2, duration=2.0, raw_data=True,
                             seed=1)


@pytest.fixture
def synthetic_kwik(synthetic_kwik_source, tmp_path):
    """A writable copy of the synthetic kwik dataset."""
    dst = tmp_path / "synthetic"
    shutil.copytree(synthetic_kwik_source.parent, dst)
    return dst / synthetic_kwik_source.name


@pytest.fixture
def make_kwik_controller(qapp, config_dir, monkeypatch):
    """Factory of kwik controllers; their GUIs and models are closed after the test."""
    from phy.apps.kwik import KwikController

    yield from controller_factory(qapp, monkeypatch, lambda path, **kwargs: KwikController(
        kwik_path=path, config_dir=config_dir, **kwargs))
