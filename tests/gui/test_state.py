import json
import logging

import numpy as np

from phy.gui.state import GUIState
from phy.utils import Bunch, load_json, save_json


class WaveformView:
    pass


class NamedView:
    name = "WaveformView (1)"


def test_default_state_copied_on_first_run(tmp_path):
    default = tmp_path / "default.json"
    save_json(default, {"WaveformView": {"overlap": False}, "GUI_VERSION": 2})
    path = tmp_path / "config" / "MyGUI" / "state.json"
    state = GUIState(path, default_state_path=default)
    assert path.exists()
    assert state.WaveformView.overlap is False
    assert state["GUI_VERSION"] == 2
    # An existing global file is not replaced by the default.
    save_json(path, {"GUI_VERSION": 3})
    assert GUIState(path, default_state_path=default)["GUI_VERSION"] == 3


def test_local_state_merged_over_global(tmp_path):
    path, local_path = tmp_path / "state.json", tmp_path / "local" / "state.json"
    save_json(path, {"TraceView": {"scaling": 1.0, "origin": "top"}, "a": 1})
    save_json(local_path, {"TraceView": {"scaling": 2.5}})
    state = GUIState(path, local_path=local_path, local_keys=["TraceView.scaling"], a=0, b=5)
    assert state.TraceView == {"scaling": 2.5, "origin": "top"}
    assert state.a == 1  # the file overrides the initial values
    assert state.b == 5


def test_save_global_and_local(tmp_path):
    path, local_path = tmp_path / "g" / "state.json", tmp_path / "l" / "state.json"
    state = GUIState(path, local_path=local_path, local_keys=["TraceView.interval"])
    state.add_local_keys(["ClusterView.selected", "FiringRateView.x_max"])
    assert state.local_keys == [
        "TraceView.interval", "ClusterView.selected", "FiringRateView.x_max"]
    state.TraceView = Bunch(interval=[0.0, 1.5], origin="top", _private=1)
    state.ClusterView = {"selected": [0]}
    state.FiringRateView = {"x_max": None}
    state._hidden = 3
    state.geometry_state = {"geometry": b"\x00\x01geom", "state": b"state"}
    state.save()
    saved = load_json(path)
    assert saved["TraceView"] == {"origin": "top"}
    assert "ClusterView" not in saved  # emptied by the local keys
    assert "_hidden" not in saved
    assert saved["geometry_state"]["geometry"] == b"\x00\x01geom"
    assert "__qbytearray__" in json.loads(path.read_text())["geometry_state"]["geometry"]
    assert load_json(local_path) == {"TraceView": {"interval": [0.0, 1.5]},
                                     "ClusterView": {"selected": [0]}}
    # A new state sees both.
    state2 = GUIState(path, local_path=local_path, local_keys=state.local_keys)
    assert state2.TraceView == {"origin": "top", "interval": [0.0, 1.5]}
    assert state2.geometry_state.state == b"state"


def test_no_local_file_without_local_keys(tmp_path):
    state = GUIState(tmp_path / "state.json", local_path=tmp_path / "local.json")
    state.x = 1
    state.save()
    assert (tmp_path / "state.json").exists()
    assert not (tmp_path / "local.json").exists()


def test_arrays_roundtrip(tmp_path):
    state = GUIState(tmp_path / "state.json")
    state.View = {"small": np.arange(3), "large": np.linspace(0, 1, 50).reshape(5, 10)}
    state.save()
    loaded = GUIState(tmp_path / "state.json")
    assert loaded.View.small == [0, 1, 2]
    np.testing.assert_array_equal(loaded.View.large, state.View["large"])


def test_view_state(tmp_path):
    state = GUIState(tmp_path / "state.json")
    assert state.get_view_state(WaveformView()) == {}
    state.update_view_state(WaveformView(), {"overlap": True})
    state.update_view_state(WaveformView(), Bunch(do_show_labels=False))
    state.update_view_state(NamedView(), {"overlap": False})
    assert state.get_view_state(WaveformView()) == {"overlap": True, "do_show_labels": False}
    assert state.get_view_state(NamedView()).overlap is False
    assert set(state) == {"WaveformView", "WaveformView (1)"}


def test_in_memory_state():
    state = GUIState(a=1)
    state.save()
    assert state.path is None and state.a == 1
    assert isinstance(state.copy(), Bunch) and state.copy() == {"a": 1}


def test_corrupt_global_state(tmp_path, caplog):
    default = tmp_path / "default.json"
    save_json(default, {"GUI_VERSION": 2})
    path = tmp_path / "state.json"
    path.write_text('{"WaveformView": {"overlap": tru')
    with caplog.at_level(logging.WARNING, logger="phy.gui.state"):
        state = GUIState(path, default_state_path=default)
    assert state == {"GUI_VERSION": 2}
    backups = list(tmp_path.glob("state.json.corrupt-*"))
    assert len(backups) == 1
    assert backups[0].read_text() == '{"WaveformView": {"overlap": tru'
    assert "corrupt" in caplog.text
    assert load_json(path) == {"GUI_VERSION": 2}  # replaced by the default


def test_corrupt_local_state(tmp_path):
    local_path = tmp_path / "local.json"
    local_path.write_bytes(b"\xff\xfe[1, 2]")
    state = GUIState(tmp_path / "state.json", local_path=local_path, local_keys=["A.b"])
    assert state == {}
    assert list(tmp_path.glob("local.json.corrupt-*"))
    state.A = {"b": 1}
    state.save()
    assert load_json(local_path) == {"A": {"b": 1}}


def test_non_dict_state_is_corrupt(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("[1, 2, 3]")
    assert GUIState(path) == {}
    assert list(tmp_path.glob("state.json.corrupt-*"))


def test_empty_state_file(tmp_path):
    path = tmp_path / "state.json"
    path.write_text("")
    assert GUIState(path) == {}
    assert not list(tmp_path.glob("state.json.corrupt-*"))


def test_unwritable_state_is_logged(tmp_path, caplog):
    (tmp_path / "file").write_text("")
    state = GUIState(tmp_path / "file" / "state.json")
    state.a = 1
    with caplog.at_level(logging.ERROR, logger="phy.gui.state"):
        state.save()
    assert "Could not save the GUI state" in caplog.text
