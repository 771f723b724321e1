"""The user configuration: the `~/.phy/` directory and the `phy_config.py` master file.

``phy_config.py`` is a Python file executed with a function ``get_config()`` in scope returning
the configuration object ``c``; assignments such as ``c.TemplateGUI.plugins = ['MyPlugin']``
create nested sections on the fly.
"""

import logging
import os
from pathlib import Path
from textwrap import dedent

from .io import ensure_dir_exists, read_text, write_text

logger = logging.getLogger(__name__)

#: Environment variable overriding the user configuration directory (default ``~/.phy``).
CONFIG_DIR_ENV = "PHY_CONFIG_DIR"
MASTER_CONFIG_NAME = "phy_config.py"


class Config(dict):
    """A nested configuration object: dictionary with attribute access.

    Reading a missing attribute whose name starts with an upper-case letter creates an empty
    section (``c.TemplateGUI``), as in traitlets; reading any other missing attribute raises
    AttributeError.
    """

    def __getattr__(self, name):
        if name in self:
            return self[name]
        if name[:1].isupper():
            return self.setdefault(name, Config())
        raise AttributeError(name)

    def __setattr__(self, name, value):
        self[name] = Config(value) if isinstance(value, dict) else value

    def merge(self, other):
        """Recursively merge another configuration (or dictionary) into this one."""
        for k, v in other.items():
            if isinstance(v, dict) and isinstance(self.get(k), dict):
                self[k] = Config(self[k])
                self[k].merge(v)
            else:
                self[k] = Config(v) if isinstance(v, dict) else v
        return self


def phy_config_dir():
    """Return the user configuration directory: ``$PHY_CONFIG_DIR`` or ``~/.phy``."""
    env = os.environ.get(CONFIG_DIR_ENV)
    return Path(env).expanduser() if env else Path.home() / ".phy"


def _default_config(config_dir):
    """The content of a new ``phy_config.py``."""
    plugins_dir = Path(config_dir).resolve() / "plugins"
    return dedent(f'''\
        # You can also put your plugins in ~/.phy/plugins/.

        from phy import IPlugin

        # Plugin example:
        #
        # class MyPlugin(IPlugin):
        #     def attach_to_controller(self, controller):
        #         # Do something here
        #         pass


        c = get_config()
        c.Plugins.dirs = [r'{plugins_dir}']
        ''')


def load_config(path):
    """Load a Python configuration file and return its :class:`Config` object.

    A file that fails to execute is logged as an error and gives an empty configuration.
    """
    path = Path(path)
    config = Config()
    if not path.exists():
        return config
    namespace = {"get_config": lambda: config, "__file__": str(path), "__name__": "phy_config"}
    try:
        exec(compile(read_text(path), str(path), "exec"), namespace)
    except Exception as e:
        logger.error("Error while loading the configuration file %s: %s", path, e)
        return Config()
    return config


def load_master_config(config_dir=None):
    """Load the master configuration file ``phy_config.py``, creating a default one if needed.

    Parameters
    ----------
    config_dir : str or Path
        The configuration directory, by default :func:`phy_config_dir`.

    Returns
    -------
    config : Config

    """
    config_dir = Path(config_dir) if config_dir else phy_config_dir()
    path = config_dir / MASTER_CONFIG_NAME
    if not path.exists():
        ensure_dir_exists(config_dir)
        logger.debug("Creating default configuration file %s.", path)
        write_text(path, _default_config(config_dir))
    return load_config(path)
