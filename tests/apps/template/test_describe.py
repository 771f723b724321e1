import numpy as np
import pytest
from click.testing import CliRunner

from phy.apps import phycli
from phy.apps.template import template_describe

REAL_OUTPUT = """\
Data files              {d}/sim_binary.dat
Directory               {d}
Duration                11.9s
Sample rate             25.0 kHz
Data type               int16
# of channels           32
# of channels (raw)     34
# of templates          64
# of spikes             314
Raw data                absent (sim_binary.dat not found)
Templates               64 × 82 samples (sparse, 32 columns)
Amplitudes              yes
PC features             3 PCs on 12 channels, 314 spikes (subset)
Template features       16 templates, 314 spikes (subset)
Similar templates       yes
Whitening matrix        yes
Waveform subset         absent
Spike attributes        none
Metadata fields         group
"""


def test_template_describe_real(real_dir, capsys):
    template_describe(real_dir / "params.py")
    assert capsys.readouterr().out == REAL_OUTPUT.format(d=real_dir)


@pytest.mark.parametrize("arg", ["params.py", "."], ids=["file", "folder"])
def test_cli_template_describe(real_dir, arg):
    before = sorted(p.name for p in real_dir.iterdir())
    result = CliRunner().invoke(phycli, ["template-describe", str(real_dir / arg)])
    assert result.exit_code == 0, result.output
    assert REAL_OUTPUT.format(d=real_dir) in result.output
    assert sorted(p.name for p in real_dir.iterdir()) == before  # no .phy/, nothing written


def test_template_describe_writes_nothing(synthetic):
    d, _ = synthetic
    (d / "spike_clusters.npy").unlink()
    before = sorted(p.name for p in d.iterdir())
    result = CliRunner().invoke(phycli, ["template-describe", str(d)])
    assert result.exit_code == 0, result.output
    assert "# of spikes             600\n" in result.output
    assert sorted(p.name for p in d.iterdir()) == before


def test_cli_template_describe_synthetic(synthetic):
    d, _ = synthetic
    np.save(d / "spike_positions.npy", np.zeros((600, 2)))
    result = CliRunner().invoke(phycli, ["template-describe", str(d / "params.py")])
    assert result.exit_code == 0
    assert "# of spikes             600\n" in result.output
    assert "Raw data                60,000 samples in 1 file(s)" in result.output
    assert "Spike attributes        positions" in result.output
    assert "Metadata fields         KSLabel, group" in result.output


def _error(args):
    result = CliRunner().invoke(phycli, ["template-describe"] + [str(a) for a in args])
    assert result.exit_code != 0
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    lines = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(lines) == 1
    return lines[0]


def test_cli_template_describe_errors(tmp_path, synthetic):
    assert "does not exist" in _error([tmp_path / "params.py"])
    assert _error([tmp_path]) == f"Error: The folder {tmp_path} has no params.py file."
    d, _ = synthetic
    (d / "params.py").write_text("dat_path = 'raw.dat'\nsample_rate = 1000.\n")
    assert _error([d / "params.py"]) == (
        f"Error: {d / 'params.py'}: the required key 'dtype' is missing.")
    (d / "params.py").write_text("import os\n")
    assert "only assignments" in _error([d / "params.py"])
    (d / "params.py").write_text("dat_path = ''\ndtype = 'int16'\nsample_rate = 1000.\n")
    (d / "spike_times.npy").write_bytes(b"garbage")
    assert "Cannot read" in _error([d / "params.py"])
