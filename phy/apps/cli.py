"""The ``phy`` command line: a click group the applications add their commands to.

Every command turns an error into one line on the console and exit code 1; ``phy --debug``
also prints the traceback (and the debug messages).
"""

import logging
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
import numpy as np

from phy import __version__

from .demo import DEMO_N_SPIKES
from .errors import add_default_handler, add_file_handler, capture_exceptions, remove_handler

logger = logging.getLogger("phy")

#: The log file written in the dataset folder while the GUI runs.
LOG_FILE_NAME = "phy.log"


def _one_line(error, debug):
    """An exception as one line.

    A dataset or file error (:class:`phy.io.DataFormatError`, ``OSError``) gives its message;
    any other exception (a bug) its type and message, and a hint about ``--debug``.
    """
    from phy.io import DataFormatError

    message = " ".join(str(error).split())
    if isinstance(error, (DataFormatError, OSError)) and message:
        return message
    message = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return message if debug else f"{message} (run `phy --debug ...` to see the traceback)"


@contextmanager
def _user_errors(ctx):
    """Turn any exception into a one-line ``click`` error (exit code 1).

    With ``phy --debug``, the traceback is printed first.
    """
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as e:
        debug = (ctx.find_root().obj or {}).get("debug", False)
        if debug:
            logger.error("Error in `phy %s`:", ctx.info_name, exc_info=True)
        raise click.ClickException(_one_line(e, debug)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="phy")
@click.option("--debug", is_flag=True, help="Show debug messages and tracebacks in the console.")
@click.pass_context
def phycli(ctx, debug):
    """Interactive visualization and manual spike sorting of large-scale ephys data."""
    ctx.obj = {"debug": debug}
    handler = add_default_handler("DEBUG" if debug else "INFO")
    ctx.call_on_close(lambda: remove_handler(handler))


def check_display():
    """Raise a ``click`` error if the GUI has no screen to open on (Linux without X or Wayland).

    Without this check, Qt aborts the process with a message about its platform plugin.
    """
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise click.ClickException(
            "No display: the GUI needs a desktop session (or run it under `xvfb-run`).")


def _params_file(params_path):
    """The ``params.py`` path of a dataset given by the file or its folder, checked first."""
    from phy.apps.template import get_template_params

    get_template_params(params_path)  # a clear error for a missing or invalid params.py
    path = Path(params_path).resolve()
    return path / "params.py" if path.is_dir() else path


def open_template_gui(params_path, **kwargs):
    """Open the Template GUI on a dataset, as ``phy template-gui`` does.

    The logs also go to ``phy.log`` in the dataset folder, and the errors raised while the GUI
    runs are shown in a dialog (:func:`phy.apps.capture_exceptions`).

    Parameters
    ----------
    params_path : str or Path
        The dataset's ``params.py`` (or its folder).
    **kwargs
        Passed to :func:`phy.apps.template.template_gui` (``clear_cache``, ``clear_state``...).

    """
    params_path = _params_file(params_path)
    check_display()
    from phy.apps.template import template_gui

    log_handler = add_file_handler(params_path.parent / LOG_FILE_NAME)
    try:
        with capture_exceptions():
            return template_gui(params_path, **kwargs)
    finally:
        remove_handler(log_handler)


@phycli.command("template-gui", short_help="Open the Template GUI on a dataset.")
@click.argument("params_path", type=click.Path())
@click.option("--clear-cache", is_flag=True, help="Clear the dataset's cache (.phy/) first.")
@click.option("--clear-state", is_flag=True, help="Forget the saved GUI layout and view settings.")
@click.pass_context
def template_gui_command(ctx, params_path, clear_cache, clear_state):
    """Open the Template GUI on a KiloSort, SpyKING CIRCUS or SpikeInterface dataset.

    PARAMS_PATH is the dataset's params.py file or the folder holding it.
    """
    with _user_errors(ctx):
        open_template_gui(params_path, clear_cache=clear_cache, clear_state=clear_state)


@phycli.command("template-describe", short_help="Describe a template dataset.")
@click.argument("params_path", type=click.Path())
@click.pass_context
def template_describe_command(ctx, params_path):
    """Describe a template dataset (KiloSort, SpyKING CIRCUS, SpikeInterface).

    PARAMS_PATH is the dataset's params.py file or the folder holding it. Nothing is written.
    """
    from phy.apps.template import template_describe

    with _user_errors(ctx):
        template_describe(params_path)


@phycli.command(
    "demo", short_help="Open the Template GUI on the built-in synthetic dataset.")
@click.option("--n-spikes", type=click.IntRange(min=100), default=DEMO_N_SPIKES, show_default=True,
              help="Spikes of the synthetic dataset (64 channels, 50 units, a recording of "
              "a second per 400 spikes, 5 min at most).")
@click.pass_context
def demo_command(ctx, n_spikes):
    """Open the Template GUI on a synthetic dataset with raw data.

    The dataset is generated once, in demo/ of the user configuration directory (~/.phy or
    $PHY_CONFIG_DIR), and reused afterwards (regenerated for another --n-spikes).
    """
    from .demo import demo_dataset_path

    with _user_errors(ctx):
        check_display()  # before generating the dataset
        open_template_gui(demo_dataset_path(n_spikes=n_spikes))


@phycli.command("curation-export", short_help="Export the curation as SpikeInterface JSON.")
@click.argument("params_path", type=click.Path())
@click.option("-o", "--output", type=click.Path(), default=None,
              help="The JSON file (default: curation.json in the dataset folder).")
@click.pass_context
def curation_export_command(ctx, params_path, output):
    """Export the saved curation of a dataset in SpikeInterface's curation format (JSON).

    The curation is derived from the sorter's clustering and the saved one (merges, splits,
    labels, noise units as removed). The dataset is opened read-only: only the JSON file is
    written (by default curation.json in the dataset folder).
    """
    from .curation_actions import curation_labels
    from .curation_json import export_curation, save_curation_json
    from .template import load_model

    with _user_errors(ctx):
        model = load_model(_params_file(params_path), read_only=True)
        try:
            original, _ = model.sorter_output()
            output = Path(output or model.dir_path / "curation.json")
            save_curation_json(output, export_curation(
                original, np.asarray(model.spike_clusters), curation_labels(model.metadata)))
        finally:
            model.close()
        click.echo(f"Curation exported to {output}.")


@phycli.command("curation-import", short_help="Apply a SpikeInterface curation and save.")
@click.argument("params_path", type=click.Path())
@click.argument("curation_path", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
def curation_import_command(ctx, params_path, curation_path):
    """Apply a SpikeInterface curation file (JSON) to a dataset and save the result.

    The splits, merges and labels are applied as in the GUI (new clusters get new ids), then
    saved as one transaction (the previous files are kept in .phy/backups/).
    """
    with _user_errors(ctx):
        params = _params_file(params_path)
        if sys.platform.startswith("linux") and not (
                os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no window is shown
        from .template import TemplateController

        controller = TemplateController(dir_path=params, enable_threading=False)
        try:
            controller.import_curation(curation_path)
            if not controller.supervisor.curation.save():  # no dialog on failure
                raise click.ClickException(
                    f"Not saved: {controller.supervisor.curation.save_error}")
        finally:
            controller.close()
        click.echo(f"Curation {curation_path} applied and saved to {params.parent}.")


@phycli.command("journal-export", short_help="Export the curation history of a dataset.")
@click.argument("params_path", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="The JSON file to write (default: print the records, one per line).")
@click.option("--no-spikes", is_flag=True, help="Leave out the spike ids of the splits.")
@click.option("--channel-group", type=int, default=None,
              help="For a .kwik with several channel groups: the group whose journal to export.")
@click.pass_context
def journal_export_command(ctx, params_path, output, no_spikes, channel_group):
    """Export the curation journal of a dataset: who did what, when.

    PARAMS_PATH is the dataset's params.py file, its .kwik file or the folder holding it.
    Every record (open, merge, split, label, undo, redo, saved, close) with its user and time,
    as a JSON list. A kwik file with several channel groups has one journal per group.
    """
    import json

    from .journal import journal_export

    with _user_errors(ctx):
        records = journal_export(params_path, path=output, spikes=not no_spikes,
                                 channel_group=channel_group)
        if output is None:
            for rec in records:
                click.echo(json.dumps(rec, separators=(",", ":")))
        else:
            click.echo(f"Exported {len(records)} records to {output}.")


@phycli.command("kwik-gui", short_help="Open the Kwik GUI on a .kwik file.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--channel-group", type=int, help="The channel group (shank) to open.")
@click.option("--clustering", help="The clustering to open (default: main).")
@click.option("--clear-cache", is_flag=True, help="Clear the dataset's cache (.phy/) first.")
@click.pass_context
def kwik_gui_command(ctx, path, channel_group, clustering, clear_cache):
    """Open the Kwik GUI on a klusta dataset (PATH is the .kwik file)."""
    from phy.apps.kwik import KwikModel

    with _user_errors(ctx):
        KwikModel(path, channel_group=channel_group, clustering=clustering).close()  # checked
        check_display()
        from phy.apps.kwik import kwik_gui

        log_handler = add_file_handler(Path(path).absolute().parent / LOG_FILE_NAME)
        try:
            with capture_exceptions():
                kwik_gui(path, channel_group=channel_group, clustering=clustering,
                         clear_cache=clear_cache)
        finally:
            remove_handler(log_handler)


@phycli.command("kwik-describe", short_help="Describe a .kwik file.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--channel-group", type=int, help="The channel group (shank) to describe.")
@click.option("--clustering", help="The clustering to describe (default: main).")
@click.pass_context
def kwik_describe_command(ctx, path, channel_group, clustering):
    """Describe a klusta dataset (PATH is the .kwik file). Nothing is written."""
    from phy.apps.kwik import kwik_describe

    with _user_errors(ctx):
        kwik_describe(path, channel_group=channel_group, clustering=clustering)


@phycli.command("detect", short_help="Detect spikes and write a kwik dataset.")
@click.argument("prm_path", type=click.Path(dir_okay=False))
@click.option("--overwrite", is_flag=True, help="Replace the .kwik and .kwx if they exist.")
@click.pass_context
def detect_command(ctx, prm_path, overwrite):
    """Detect the spikes of a raw recording and write a kwik dataset for the Kwik GUI.

    PRM_PATH is a klusta parameter file: experiment_name, prb_file (a .prb file or a built-in
    probe), traces (raw_data_files, sample_rate, n_channels, dtype) and spikedetekt
    parameters. <experiment_name>.kwik and .kwx are written next to it.
    """
    from .detect import detect

    with _user_errors(ctx):
        out = detect(prm_path, overwrite=overwrite, progress=True)
        counts = ", ".join(f"{n:,} in group {g}" for g, n in out.n_spikes.items())
        click.echo(f"{sum(out.n_spikes.values()):,} spikes ({counts}) written to "
                   f"{out.kwik_path}; open it with `phy kwik-gui {out.kwik_path}`.")
