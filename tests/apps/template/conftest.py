"""Fixtures for the template dataset tests: writable copies of the real and synthetic datasets."""

import pytest

from phy.io.synthetic import make_template_dataset


@pytest.fixture
def real_dir(phy_data, dataset_copy):
    """A writable copy of the real sample template dataset."""
    return dataset_copy(phy_data / "template")


@pytest.fixture(scope="session")
def synthetic_source(tmp_path_factory):
    """A small synthetic dataset with raw data (generated once; copy it before writing)."""
    path = tmp_path_factory.mktemp("synthetic") / "dataset"
    info = make_template_dataset(path, n_spikes=600, n_templates=8, n_channels=32,
                                 duration=2.0, seed=7)
    return info


@pytest.fixture
def synthetic(synthetic_source, dataset_copy):
    """A writable copy of the synthetic dataset: ``(dir_path, info)``."""
    return dataset_copy(synthetic_source.dir_path, "synthetic"), synthetic_source


def _set_params(dataset_dir, **kwargs):
    """Rewrite ``params.py`` with some keys changed (None removes a key)."""
    from phy.apps.template.params import read_params

    path = dataset_dir / "params.py"
    params = read_params(path)
    params.update(kwargs)
    path.write_text("".join(
        f"{k} = {v!r}\n" for k, v in params.items() if v is not None or k == "dat_path"))
    return path


@pytest.fixture
def set_params():
    """``set_params(dir_path, **kwargs)`` rewrites keys of a dataset's ``params.py``."""
    return _set_params
