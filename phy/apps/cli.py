"""The ``phy`` command line: a click group the applications add their commands to."""

import logging
import sys

import click

from phy import __version__

logger = logging.getLogger("phy")

_LOG_FORMAT = "%(asctime)s.%(msecs)03d [%(levelname).1s] %(module)s:%(lineno)d %(message)s"


def add_default_handler(level=logging.INFO, stream=None):
    """Install a console handler on the ``phy`` logger (the CLI does; the library never does)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(_LOG_FORMAT, datefmt="%H:%M:%S"))
    handler.setLevel(level)
    logger.addHandler(handler)
    logger.setLevel(min(level, logger.level or level))
    return handler


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="phy")
@click.option("--debug", is_flag=True, help="Show debug messages in the console.")
@click.pass_context
def phycli(ctx, debug):
    """Interactive visualization and manual spike sorting of large-scale ephys data."""
    add_default_handler(logging.DEBUG if debug else logging.INFO)


@phycli.command("template-describe")
@click.argument("params_path", type=click.Path())
def template_describe_command(params_path):
    """Describe a template dataset (KiloSort, SpyKING CIRCUS, SpikeInterface).

    PARAMS_PATH is the dataset's params.py file or the folder holding it. Nothing is written.
    """
    from phy.apps.template import template_describe
    from phy.io import DataFormatError

    try:
        template_describe(params_path)
    except (DataFormatError, OSError) as e:
        raise click.ClickException(" ".join(str(e).split())) from None
