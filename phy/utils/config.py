"""The user configuration: the `~/.phy/` directory and the `phy_config.py` master file.

``phy_config.py`` is a Python file executed with a function ``get_config()`` in scope returning
the configuration object ``c``; assignments such as ``c.TemplateGUI.plugins = ['MyPlugin']``
create nested sections on the fly.
"""

import logging
import os
import traceback
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


def _error_line(error, path):
    """The line of `path` where an exception was raised (None when unknown)."""
    if isinstance(error, SyntaxError) and error.filename == str(path):
        return error.lineno
    lines = [frame.lineno for frame in traceback.extract_tb(error.__traceback__)
             if frame.filename == str(path)]
    return lines[-1] if lines else None


def load_config(path):
    """Load a Python configuration file and return its :class:`Config` object.

    A file that fails to execute is logged as an error naming the file, the line and the
    error, and gives an empty configuration (the defaults).
    """
    path = Path(path)
    config = Config()
    if not path.exists():
        return config
    namespace = {"get_config": lambda: config, "__file__": str(path), "__name__": "phy_config"}
    try:
        exec(compile(read_text(path), str(path), "exec"), namespace)
    except Exception as e:
        line = _error_line(e, path)
        where = f"{path}, line {line}" if line else str(path)
        logger.error("Error in the configuration file %s: %s: %s. The default configuration "
                     "is used.", where, type(e).__name__, e)
        return Config()
    return config


def _copy(value):
    """A copy of a configuration: its sections (dictionaries) and lists copied, recursively."""
    if isinstance(value, dict):
        return Config({k: _copy(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


#: The master configurations read in this session, by configuration file path.
_MASTER_CONFIGS = {}


def load_master_config(config_dir=None):
    """Load the master configuration file ``phy_config.py``, creating a default one if needed.

    The file is read once per session (per configuration directory): later calls return a
    copy of the configuration read the first time (see :func:`reset_config_cache`).

    Parameters
    ----------
    config_dir : str or Path
        The configuration directory, by default :func:`phy_config_dir`.

    Returns
    -------
    config : Config
        A copy that the caller may modify.

    """
    config_dir = Path(config_dir) if config_dir else phy_config_dir()
    path = (config_dir / MASTER_CONFIG_NAME).resolve()
    if path not in _MASTER_CONFIGS:
        if not path.exists():
            ensure_dir_exists(config_dir)
            logger.debug("Creating default configuration file %s.", path)
            write_text(path, _default_config(config_dir))
        _MASTER_CONFIGS[path] = load_config(path)
    return _copy(_MASTER_CONFIGS[path])


def reset_config_cache():
    """Forget the master configurations read: the next :func:`load_master_config` reads again."""
    _MASTER_CONFIGS.clear()
