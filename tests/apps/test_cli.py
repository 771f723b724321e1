from click.testing import CliRunner

from phy import __version__
from phy.apps import phycli


def test_version():
    result = CliRunner().invoke(phycli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"phy, version {__version__}"


def test_help_lists_usage():
    result = CliRunner().invoke(phycli, ["--help"])
    assert result.exit_code == 0
    assert "Usage: phycli" in result.output or "Usage: phy" in result.output
    assert "--version" in result.output and "--debug" in result.output
