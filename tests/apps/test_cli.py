import logging
import sys

import pytest
from click.testing import CliRunner

import phy.apps.template
from phy import __version__
from phy.apps import exceptionHandler, phycli
from phy.apps.template import load_model
from phy.io.synthetic import make_template_dataset


def test_version():
    result = CliRunner().invoke(phycli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"phy, version {__version__}"


@pytest.mark.parametrize("option", ["--help", "-h"])
def test_help_lists_usage(option):
    result = CliRunner().invoke(phycli, [option], prog_name="phy")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: phy [OPTIONS] COMMAND")
    assert "--version" in result.output and "--debug" in result.output
    assert "-h, --help" in result.output and "template-describe" in result.output


def test_subcommand_short_help():
    result = CliRunner().invoke(phycli, ["template-describe", "-h"], prog_name="phy")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: phy template-describe [OPTIONS] PARAMS_PATH")
    assert "folder holding it" in result.output


# --- phy template-gui and phy demo (the GUI itself replaced by a recording function) --------

@pytest.fixture
def fake_gui(monkeypatch):
    """Replace ``template_gui`` by a function recording its calls and loading the model."""
    calls = []

    def template_gui(params_path, **kwargs):
        calls.append((params_path, kwargs, sys.excepthook))
        logging.getLogger("phy.apps.test").debug("Opening %s.", params_path)
        load_model(params_path).close()

    monkeypatch.setattr(phy.apps.template, "template_gui", template_gui, raising=False)
    return calls


@pytest.fixture
def small_dataset(tmp_path):
    return make_template_dataset(
        tmp_path / "dataset", n_spikes=300, n_templates=4, n_channels=8, seed=1).params_path


def _invoke(*args):
    return CliRunner().invoke(phycli, [str(a) for a in args], prog_name="phy")


def _error_lines(result):
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def test_template_gui_opens_with_log_file_and_exception_hook(fake_gui, small_dataset):
    hook = sys.excepthook
    result = _invoke("template-gui", small_dataset.parent, "--clear-cache")
    assert result.exit_code == 0, result.output
    ((path, kwargs, hook_inside),) = fake_gui
    assert path == small_dataset and kwargs == {"clear_cache": True, "clear_state": False}
    assert hook_inside is exceptionHandler and sys.excepthook is hook
    log = (small_dataset.parent / "phy.log").read_text()
    assert f"Opening {small_dataset}." in log
    assert not [h for h in logging.getLogger("phy").handlers
                if isinstance(h, logging.FileHandler)]  # removed after the GUI closed


def test_template_gui_missing_dataset(tmp_path, fake_gui):
    line = _error_lines(_invoke("template-gui", tmp_path / "nothing" / "params.py"))
    assert line == f"Error: The parameter file {tmp_path / 'nothing' / 'params.py'} does not exist."
    assert _error_lines(_invoke("template-gui", tmp_path)) == (
        f"Error: The folder {tmp_path} has no params.py file.")
    assert not fake_gui and not (tmp_path / "phy.log").exists()


def test_template_gui_bad_dataset(fake_gui, small_dataset):
    (small_dataset.parent / "spike_times.npy").unlink()
    result = _invoke("template-gui", small_dataset, "--clear-state")
    line = _error_lines(result)
    assert line.startswith("Error: ") and "spike_times.npy" in line
    assert "Traceback" not in result.output
    assert len(fake_gui) == 1 and fake_gui[0][1]["clear_state"] is True


def test_debug_shows_the_traceback(fake_gui, small_dataset):
    (small_dataset.parent / "spike_times.npy").unlink()
    result = _invoke("--debug", "template-gui", small_dataset)
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.output
    assert "in template_gui" in result.output  # the fake GUI's frame
    assert result.output.rstrip().splitlines()[-1].startswith("Error: ")


def test_unexpected_error_names_its_type(monkeypatch, small_dataset):
    def template_gui(params_path, **kwargs):
        raise KeyError("cluster_id")

    monkeypatch.setattr(phy.apps.template, "template_gui", template_gui, raising=False)
    assert _error_lines(_invoke("template-gui", small_dataset)) == (
        "Error: KeyError: 'cluster_id' (run `phy --debug ...` to see the traceback)")


def test_demo_generates_once_and_opens(config_dir, fake_gui, monkeypatch):
    result = _invoke("demo", "--n-spikes", 2000)
    assert result.exit_code == 0, result.output
    params_path = config_dir / "demo" / "params.py"
    assert [c[0] for c in fake_gui] == [params_path]
    assert "Generating the demo dataset (2000 spikes, 64 channels, 5 s of raw data)" in (
        result.output)

    def no_generation(*args, **kwargs):
        raise AssertionError("regenerated")

    monkeypatch.setattr("phy.io.synthetic.make_template_dataset", no_generation)
    result = _invoke("demo", "--n-spikes", 2000)
    assert result.exit_code == 0, result.output
    assert [c[0] for c in fake_gui] == [params_path] * 2
    assert "Generating" not in result.output
    assert (config_dir / "demo" / "phy.log").exists()


def test_demo_option_checked():
    result = _invoke("demo", "--n-spikes", 10)
    assert result.exit_code == 2 and "10 is not in the range x>=100" in result.output


def test_help_lists_the_commands():
    output = _invoke("--help").output
    assert "demo               Open the Template GUI on the built-in synthetic dataset." in output
    assert "template-gui       Open the Template GUI on a dataset." in output
    assert "template-describe  Describe a template dataset." in output
    assert "--clear-cache" in _invoke("template-gui", "--help").output


def test_logger_level_restored_after_a_command(fake_gui, small_dataset):
    phy_logger = logging.getLogger("phy")
    level, handlers = phy_logger.level, list(phy_logger.handlers)
    assert _invoke("--debug", "template-gui", small_dataset).exit_code == 0
    assert phy_logger.level == level and phy_logger.handlers == handlers


# --- the real launch: `phy template-gui` in a process of its own ------------------------------

_CLOSING_PLUGIN = '''
from phy import IPlugin, connect
from phy.gui.qt import QTimer


class CloseWhenShown(IPlugin):
    def attach_to_controller(self, controller):
        @connect
        def on_gui_ready(sender, gui):
            def close():
                print("views:", " ".join(sorted(type(v).__name__ for v in gui.views)))
                print("selected:", controller.supervisor.selected, flush=True)
                gui.close()
            QTimer.singleShot(3000, close)
'''


def test_template_gui_command_runs_the_gui(tmp_path, small_dataset):
    """``phy template-gui`` starts the Qt application, shows the GUI with its views and the
    first cluster selected, writes phy.log, and exits 0 when the window is closed."""
    import os
    import subprocess

    config_dir = tmp_path / "config"
    (config_dir / "plugins").mkdir(parents=True)
    (config_dir / "plugins" / "closing.py").write_text(_CLOSING_PLUGIN)
    (config_dir / "phy_config.py").write_text(
        "c = get_config()\nc.TemplateGUI.plugins = ['CloseWhenShown']\n")
    env = {**os.environ, "PHY_CONFIG_DIR": str(config_dir)}
    out = subprocess.run(
        [sys.executable, "-c", "from phy.apps import phycli; phycli()", "template-gui",
         str(small_dataset)],
        capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "WaveformView" in out.stdout and "TraceView" in out.stdout, out.stdout
    assert "selected: [" in out.stdout and "selected: []" not in out.stdout
    assert "OpenGL" in (small_dataset.parent / "phy.log").read_text()  # the canvases' log


@pytest.mark.parametrize("command", ["template-gui", "demo"])
def test_no_display_is_a_one_line_error(command, fake_gui, small_dataset, config_dir,
                                        monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    args = [command, small_dataset] if command == "template-gui" else [command]
    assert "No display" in _error_lines(_invoke(*args))
    assert not fake_gui and not (config_dir / "demo").exists()  # nothing opened or generated
