"""Fixtures for the template dataset tests: writable copies of the real and synthetic datasets."""

import os
import shutil
import stat

import pytest

from phy.io.synthetic import make_template_dataset


def writable_copy(src, dst):
    """Copy a dataset directory and make the copy writable (the shared data is read-only)."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".phy"))
    for root, dirs, files in os.walk(dst):
        for name in dirs + files:
            path = os.path.join(root, name)
            os.chmod(path, os.stat(path).st_mode | stat.S_IWUSR)
    os.chmod(dst, os.stat(dst).st_mode | stat.S_IWUSR)
    return dst


@pytest.fixture
def real_dir(phy_data, tmp_path):
    """A writable copy of the real sample template dataset."""
    return writable_copy(phy_data / "template", tmp_path / "template")


@pytest.fixture(scope="session")
def synthetic_source(tmp_path_factory):
    """A small synthetic dataset with raw data (generated once; copy it before writing)."""
    path = tmp_path_factory.mktemp("synthetic") / "dataset"
    info = make_template_dataset(path, n_spikes=600, n_templates=8, n_channels=32,
                                 duration=2.0, seed=7)
    return info


@pytest.fixture
def synthetic(synthetic_source, tmp_path):
    """A writable copy of the synthetic dataset: ``(dir_path, info)``."""
    return writable_copy(synthetic_source.dir_path, tmp_path / "synthetic"), synthetic_source


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
