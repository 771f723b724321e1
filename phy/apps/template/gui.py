"""The Template GUI: :class:`TemplateController` and :func:`template_gui`.

The controller of template datasets (KiloSort, SpyKING CIRCUS, SpikeInterface): a
:class:`~phy.apps.template.TemplateModel` opened from ``params.py``, and every view: waveforms,
features, templates, template features, amplitudes (template, raw, feature), traces, and the
views of :class:`~phy.apps.base.BaseController`.
"""

import logging
from pathlib import Path

from phy.io import DataFormatError, writable_dir

from ..base import BaseController
from ..curation_actions import CurationFileMixin
from ..mixins import FeatureMixin, TemplateMixin, TraceMixin, WaveformMixin
from .model import TemplateModel
from .params import get_template_params

logger = logging.getLogger(__name__)


class TemplateController(CurationFileMixin, TemplateMixin, WaveformMixin, FeatureMixin, TraceMixin,
                         BaseController):
    """Controller for the Template GUI.

    Parameters
    ----------
    dir_path : str or Path
        Path to the data directory (holding ``params.py``), or to ``params.py`` itself.
    config_dir : str or Path
        Path to the configuration directory.
    model : Model
        Model object, optional (it is automatically created otherwise).
    plugins : list
        List of plugins to manually activate, optional (the plugins are automatically loaded
        from the user configuration directory).
    clear_cache : boolean
        Whether to clear the cache on startup.
    clear_state : boolean
        Whether to clear the GUI state files on startup.
    enable_threading : boolean
        Whether to enable threading in the views when selecting clusters.

    """

    gui_name = "TemplateGUI"
    default_state_path = Path(__file__).parent / "static" / "state.json"

    def _create_model(self, dir_path=None, **kwargs):
        """The :class:`TemplateModel` of ``dir_path/params.py``.

        Raises
        ------
        DataFormatError
            If the dataset folder is read-only: the curation could not be saved there.

        """
        path = Path(dir_path)
        params = get_template_params(path if path.is_file() else path / "params.py")
        if not writable_dir(params["dir_path"]):
            raise DataFormatError(
                f"The dataset folder {params['dir_path']} is read-only: phy could not save the "
                "curation there. Make it writable or copy the dataset (`phy template-describe` "
                "reads it as it is).")
        return TemplateModel(**params, **kwargs)


def template_gui(params_path, **kwargs):
    """Launch the Template GUI.

    Create the Qt application, the controller of the dataset of ``params_path`` (keyword
    arguments: ``clear_cache``, ``clear_state``, ``enable_threading``, ``config_dir``,
    ``plugins``), its GUI, show it and run the event loop until it is closed. A dataset that
    cannot be opened (:class:`phy.io.DataFormatError`) is reported in a dialog, then raised.
    """
    from phy.gui.dialogs import message_box
    from phy.gui.qt import create_app, run_app

    create_app()
    try:
        controller = TemplateController(dir_path=Path(params_path), **kwargs)
    except DataFormatError as e:  # shown in a dialog too: the GUI may have no console
        message_box(str(e), title="Cannot open the dataset", level="critical")
        raise
    gui = controller.create_gui()
    gui.show()
    try:
        run_app()
    finally:
        gui.close()
        controller.close()
