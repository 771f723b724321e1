"""Fixtures of the controller tests: controllers on copies of the real and synthetic datasets.

``make_controller(dir_path, **kwargs)`` returns a :class:`TemplateController` on a dataset
folder (the test's configuration directory, no threading), closed with its GUI after the test.
"""

import pytest

from phy.io.synthetic import make_template_dataset


@pytest.fixture(scope="session")
def synthetic_raw_source(tmp_path_factory):
    """A small synthetic dataset with raw data and features (generated once; copy it)."""
    path = tmp_path_factory.mktemp("controller") / "dataset"
    make_template_dataset(path, n_spikes=2000, n_templates=10, n_channels=16, duration=4.0,
                          seed=3)
    return path


@pytest.fixture
def synthetic_dir(synthetic_raw_source, dataset_copy):
    """A writable copy of the synthetic dataset."""
    return dataset_copy(synthetic_raw_source, "synthetic")


@pytest.fixture
def real_dir(phy_data, dataset_copy):
    """A writable copy of the real sample template dataset."""
    return dataset_copy(phy_data / "template")


def controller_factory(qapp, monkeypatch, create):
    """Yield ``make(path, **kwargs)`` (``create(path, **kwargs)``, no threading by default).

    The controllers made are closed after the test, with their GUIs: the body of the
    controller fixtures of every GUI (Template, Kwik).
    """
    from phy.cluster.tables import ClusterView
    from phy.gui.threads import thread_pool

    from ..conftest import flush_deletions

    monkeypatch.setattr(ClusterView, "implementation", "native")
    made = []

    def make(path, **kwargs):
        kwargs.setdefault("enable_threading", False)
        made.append(create(path, **kwargs))
        return made[-1]

    yield make
    thread_pool().waitForDone()
    for controller in made:
        if controller.gui is not None:
            controller.gui.close()
            controller.gui.deleteLater()
        controller.close()
    flush_deletions(qapp)


@pytest.fixture
def make_controller(qapp, config_dir, monkeypatch):
    """Factory of template controllers; their GUIs and models are closed after the test."""
    from phy.apps.template import TemplateController

    yield from controller_factory(qapp, monkeypatch, lambda path, **kwargs: TemplateController(
        dir_path=path, config_dir=config_dir, **kwargs))
