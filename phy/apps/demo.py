"""The demo dataset of ``phy demo``: a synthetic template dataset generated once per user.

The dataset lives in ``demo/`` in the user configuration directory (``~/.phy/demo`` or
``$PHY_CONFIG_DIR/demo``). It is generated into a temporary folder renamed when complete, so
that an interrupted generation is never reused, and regenerated only when asked for another
size. Headless (no Qt).
"""

import json
import logging
import shutil
import tempfile
from pathlib import Path

from phy.utils import ensure_dir_exists, phy_config_dir

logger = logging.getLogger(__name__)

#: The demo's folder name in the configuration directory.
DEMO_DIR_NAME = "demo"
#: The file, written last, recording the generation parameters of a complete demo dataset.
DEMO_INFO_NAME = "demo.json"
#: Default number of spikes.
DEMO_N_SPIKES = 50_000
#: Spikes per second of recording, all units together: 8 Hz per unit, as in a real recording
#: (50 000 spikes in 125 s).
DEMO_SPIKE_RATE = 400.0
#: The longest raw recording generated, in seconds (about 1.2 GB with 64 channels).
DEMO_MAX_DURATION = 300.0


def demo_parameters(n_spikes=DEMO_N_SPIKES, n_channels=64, n_templates=50):
    """The arguments of :func:`phy.io.synthetic.make_template_dataset` for the demo.

    The recording lasts as long as the spikes need at :data:`DEMO_SPIKE_RATE` (125 s for the
    default 50 000 spikes), at most :data:`DEMO_MAX_DURATION`.
    """
    n_spikes = int(n_spikes)
    if n_spikes < n_templates:
        raise ValueError(f"The demo needs at least {n_templates} spikes, not {n_spikes}.")
    duration = min(DEMO_MAX_DURATION, max(1.0, round(n_spikes / DEMO_SPIKE_RATE, 3)))
    return dict(n_spikes=n_spikes, n_channels=int(n_channels), n_templates=int(n_templates),
                duration=duration, raw_data=True, seed=0)


def _read_info(dir_path):
    try:
        return json.loads((dir_path / DEMO_INFO_NAME).read_text())
    except (OSError, ValueError):
        return None


def demo_dataset_path(config_dir=None, **kwargs):
    """Return the demo's ``params.py``, generating the dataset first if needed.

    Parameters
    ----------
    config_dir : str or Path
        The user configuration directory, by default :func:`phy.utils.phy_config_dir`.
    **kwargs
        ``n_spikes``, ``n_channels``, ``n_templates``: see :func:`demo_parameters`. An existing
        demo dataset generated with other values is replaced.

    Returns
    -------
    params_path : Path

    """
    from phy.io.synthetic import make_template_dataset

    config_dir = ensure_dir_exists(Path(config_dir) if config_dir else phy_config_dir())
    dir_path = config_dir / DEMO_DIR_NAME
    params = demo_parameters(**kwargs)
    info = _read_info(dir_path)
    if info == params and (dir_path / "params.py").is_file():
        return dir_path / "params.py"
    logger.info("Generating the demo dataset (%d spikes, %d channels, %.0f s of raw data) in %s.",
                params["n_spikes"], params["n_channels"], params["duration"], dir_path)
    tmp = Path(tempfile.mkdtemp(prefix=f".{DEMO_DIR_NAME}-", dir=config_dir))
    try:
        make_template_dataset(tmp, **params)
        (tmp / DEMO_INFO_NAME).write_text(json.dumps(params, indent=2))
        if dir_path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{DEMO_DIR_NAME}-old-", dir=config_dir))
            dir_path.rename(old / DEMO_DIR_NAME)
            shutil.rmtree(old, ignore_errors=True)
        tmp.rename(dir_path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dir_path / "params.py"
