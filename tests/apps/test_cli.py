import pytest
from click.testing import CliRunner

from phy import __version__
from phy.apps import phycli


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
