import json

import numpy as np
import pytest

from phy.apps import demo_dataset_path
from phy.apps.demo import demo_parameters
from phy.apps.template import load_model


def test_demo_parameters():
    assert demo_parameters() == dict(n_spikes=50_000, n_channels=64, n_templates=50,
                                     duration=125.0, raw_data=True, seed=0)
    assert demo_parameters(n_spikes=10_000_000)["duration"] == 300.0  # at most 5 min
    with pytest.raises(ValueError, match="at least 50 spikes"):
        demo_parameters(n_spikes=10)


def test_demo_dataset_loadable_and_generated_once(config_dir, monkeypatch):
    params_path = demo_dataset_path(n_spikes=3000)
    assert params_path == config_dir / "demo" / "params.py"
    model = load_model(params_path)
    try:
        assert model.n_spikes == 3000 and model.n_channels == 64
        assert model.n_templates == 50
        assert model.traces is not None and model.duration == pytest.approx(3000 / 400, abs=0.1)
        assert np.ptp(np.asarray(model.traces[:1000])) > 0
    finally:
        model.close()
    info = json.loads((config_dir / "demo" / "demo.json").read_text())
    assert info["n_spikes"] == 3000
    raw_mtime = (config_dir / "demo" / "raw.dat").stat().st_mtime_ns

    def no_generation(*args, **kwargs):
        raise AssertionError("regenerated")

    monkeypatch.setattr("phy.io.synthetic.make_template_dataset", no_generation)
    assert demo_dataset_path(config_dir=config_dir, n_spikes=3000) == params_path
    assert (config_dir / "demo" / "raw.dat").stat().st_mtime_ns == raw_mtime


def test_demo_regenerated_for_another_size(tmp_path):
    demo_dataset_path(tmp_path / "cfg", n_spikes=1000)
    params_path = demo_dataset_path(tmp_path / "cfg", n_spikes=2000)
    model = load_model(params_path)
    assert model.n_spikes == 2000
    model.close()
    assert [p.name for p in (tmp_path / "cfg").iterdir()] == ["demo"]  # no temporary folder


def test_interrupted_generation_not_reused(tmp_path, monkeypatch):
    from phy.io import synthetic

    real = synthetic.make_template_dataset

    def interrupted(dir_path, **kwargs):
        real(dir_path, **kwargs)  # every file written, then the user presses ctrl+c
        raise KeyboardInterrupt

    monkeypatch.setattr(synthetic, "make_template_dataset", interrupted)
    with pytest.raises(KeyboardInterrupt):
        demo_dataset_path(tmp_path / "cfg", n_spikes=1000)
    assert list((tmp_path / "cfg").iterdir()) == []
    monkeypatch.setattr(synthetic, "make_template_dataset", real)
    assert load_model(demo_dataset_path(tmp_path / "cfg", n_spikes=1000)).n_spikes == 1000
