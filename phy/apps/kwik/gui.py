"""The Kwik GUI: :class:`KwikController`, :func:`kwik_gui`.

The controller of klusta datasets: a :class:`~phy.apps.kwik.KwikModel` on one channel group
and one clustering, and the feature-based views: waveforms (filtered from the raw data),
features, amplitudes (raw, feature), traces, and the views of
:class:`~phy.apps.base.BaseController`. A cluster's best channels are those of its largest
mean masks (FORMATS §4.2); the similarity is the peak-channel similarity.
"""

import logging
import shutil
from pathlib import Path

import numpy as np

from ..base import BaseController, cluster_cached
from ..mixins import FeatureMixin, TraceMixin, WaveformMixin
from .model import KwikModel

logger = logging.getLogger(__name__)

#: Spikes of a cluster whose masks give its best channels, and the mean mask kept.
N_SPIKES_MASKS = 100
MASK_THRESHOLD = 0.1
#: Best channels when no channel has a mean mask above the threshold.
N_FALLBACK_CHANNELS = 4


def backup_kwik(kwik_path):
    """Copy ``<name>.kwik`` to ``<name>.kwik.bak`` unless the backup exists (the first state)."""
    kwik_path = Path(kwik_path)
    backup = kwik_path.with_name(kwik_path.name + ".bak")
    if kwik_path.is_file() and not backup.exists():
        shutil.copyfile(kwik_path, backup)
    return backup


class KwikController(WaveformMixin, FeatureMixin, TraceMixin, BaseController):
    """Controller for the Kwik GUI.

    Parameters
    ----------
    kwik_path : str or Path
        Path to the kwik file.
    channel_group : int
        The default channel group to load.
    clustering : str
        The default clustering to load.
    config_dir : str or Path
        Path to the configuration directory.
    model : Model
        Model object, optional (it is automatically created otherwise).
    plugins : list
        List of plugins to manually activate, optional (the plugins are automatically loaded
        from the user configuration directory).
    clear_cache : boolean
        Whether to clear the cache on startup.
    enable_threading : boolean
        Whether to enable threading in the views when selecting clusters.

    Notes
    -----
    Opening keeps a copy of the ``.kwik`` as ``.kwik.bak`` (once: the very first state). The
    cache is ``.phy/`` next to the ``.kwik``, ``.phy/<channel group>/`` for files with several
    channel groups (cluster ids are per group).

    """

    gui_name = "KwikGUI"

    def __init__(self, kwik_path=None, channel_group=None, clustering=None, model=None,
                 **kwargs):
        path = kwik_path if kwik_path is not None else getattr(model, "kwik_path", None)
        super().__init__(dir_path=path, model=model, channel_group=channel_group,
                         clustering=clustering, **kwargs)

    def _create_model(self, dir_path=None, channel_group=None, clustering=None, **kwargs):
        """The :class:`KwikModel` of the ``.kwik`` (after its backup)."""
        backup_kwik(dir_path)
        return KwikModel(dir_path, channel_group=channel_group, clustering=clustering)

    def _cache_dir(self):
        """``.phy/``, or ``.phy/<channel group>/`` when the file has several groups."""
        if len(self.model.channel_groups) > 1:
            return self.dir_path / ".phy" / str(self.model.channel_group)
        return self.dir_path / ".phy"

    def _waveform_filter(self):
        """None: the model's waveforms are already filtered as klusta extracted them."""
        return None

    @cluster_cached
    def get_best_channels(self, cluster_id):
        """Return the best channels of a given cluster: by decreasing mean mask.

        The masks of up to :data:`N_SPIKES_MASKS` spikes (regularly spaced) are averaged; the
        channels with a mean mask above :data:`MASK_THRESHOLD` are kept, or the
        :data:`N_FALLBACK_CHANNELS` best ones if none is.
        """
        spike_ids = self.get_spike_ids(cluster_id, N_SPIKES_MASKS)
        masks = self.model.get_masks(spike_ids)
        mean = masks.mean(axis=0) if len(spike_ids) else np.zeros(self.model.n_channels)
        order = np.argsort(-mean, kind="stable")
        kept = order[mean[order] > MASK_THRESHOLD]
        return (kept if len(kept) else order[:N_FALLBACK_CHANNELS]).astype(np.int64)


def kwik_gui(path, channel_group=None, clustering=None, **kwargs):
    """Launch the Kwik GUI.

    Create the Qt application, the controller of the ``.kwik`` at `path` (keyword arguments:
    ``clear_cache``, ``clear_state``, ``enable_threading``, ``config_dir``, ``plugins``), its
    GUI, show it and run the event loop until it is closed.
    """
    from phy.gui.qt import create_app, run_app

    create_app()
    controller = KwikController(kwik_path=path, channel_group=channel_group,
                                clustering=clustering, **kwargs)
    gui = controller.create_gui()
    gui.show()
    try:
        run_app()
    finally:
        gui.close()
        controller.close()
