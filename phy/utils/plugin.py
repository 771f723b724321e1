"""Plugins: user classes discovered in plugin directories and attached to a controller.

To write a plugin, derive from :class:`IPlugin` and implement ``attach_to_controller``::

    from phy import IPlugin, connect

    class MyPlugin(IPlugin):
        def attach_to_controller(self, controller):
            @connect(sender=controller)
            def on_gui_ready(sender, gui):
                ...

Put the file in ``~/.phy/plugins/`` (or a directory listed in ``c.Plugins.dirs``) and activate
it with ``c.TemplateGUI.plugins = ['MyPlugin']`` in ``~/.phy/phy_config.py``.
"""

import hashlib
import importlib.util
import logging
import os
import re
import sys
from pathlib import Path

from .config import load_master_config, phy_config_dir

logger = logging.getLogger(__name__)

#: All plugin classes, by fully-qualified name, in registration order.
_PLUGINS = {}

_IGNORED_FILES = ("phy_config.py", "phycontrib_loader.py")


class IPluginRegistry(type):
    """Metaclass registering every subclass of :class:`IPlugin` when it is defined."""

    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        if bases:
            _PLUGINS.setdefault(f"{cls.__module__}.{cls.__name__}", cls)


class IPlugin(metaclass=IPluginRegistry):
    """All plugin classes should derive from this class.

    Plugin classes should just implement a method ``attach_to_controller(self, controller)``.
    """

    def attach_to_controller(self, controller):
        """Called when the controller is being built, before the supervisor exists."""


def get_plugins():
    """Return the list of registered plugin classes, in registration order."""
    return list(_PLUGINS.values())


def get_plugin(name):
    """Return the registered plugin class of a name.

    The last registered class with exactly this class name; else, as phy 2 does, the first
    registered class whose name contains `name` (``'Metrics'`` finds ``MyMetricsPlugin``).

    Raises
    ------
    ValueError
        If no plugin name contains `name`; the message lists the known ones.

    """
    plugins = get_plugins()
    for cls in reversed(plugins):
        if cls.__name__ == name:
            return cls
    for cls in plugins:
        if name and name in cls.__name__:
            return cls
    known = ", ".join(sorted(cls.__name__ for cls in get_plugins())) or "none"
    raise ValueError(f"Plugin `{name}` not found (known plugins: {known}).")


def _plugin_files(directory):
    """Yield the plugin files below a directory (recursively, following links)."""
    for root, dirs, files in os.walk(directory, followlinks=True):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(("test", "__pycache__", ".git")))
        for name in sorted(files):
            if name.endswith(".py") and not name.startswith("__") and name not in _IGNORED_FILES:
                yield Path(root) / name


def plugin_module_name(path):
    """The private module name a plugin file is imported under.

    ``phy_plugin_<hash of the file's path>_<file stem>``: a plugin file named like a standard
    or installed module (``json.py``, ``utils.py``) shadows nothing in ``sys.modules``, and two
    files with the same name in different folders are two modules.
    """
    path = Path(path).resolve()
    digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:10]
    stem = re.sub(r"\W", "_", path.stem)
    return f"phy_plugin_{digest}_{stem}"


def _import_file(path):
    """Import a Python file as a private module (once per session); log and skip errors."""
    name = plugin_module_name(path)
    if name in sys.modules:
        return sys.modules[name]
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except Exception as e:
        sys.modules.pop(name, None)
        logger.error("Error while loading plugin file %s: %s", path, e)
        return None
    return module


def discover_plugins(dirs):
    """Import every plugin file found in the given directories.

    Directories whose name starts with ``test``, ``__pycache__`` and ``.git`` are skipped, as
    are ``phy_config.py`` and files starting with ``__``. Errors are logged, not raised. Each
    file is imported once per session, under a private module name
    (:func:`plugin_module_name`): a plugin file cannot ``import`` another plugin file by its
    name (put shared code in an installed package).

    Parameters
    ----------
    dirs : list of str or Path

    Returns
    -------
    plugins : list of classes
        All registered plugin classes.

    """
    seen = set()
    for directory in dirs:
        directory = Path(directory).expanduser()
        if not directory.is_dir():
            continue
        for path in _plugin_files(directory):
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            logger.debug("Loading plugin file %s.", path)
            _import_file(path)
    return get_plugins()


def attach_plugins(controller, plugins=None, config_dir=None, dirs=None):
    """Attach plugins to a controller object.

    Attached plugins are those found in the user configuration file for the given gui_name or
    class name of the Controller instance, plus those specified in the plugins keyword argument.

    Parameters
    ----------
    controller : object
        The controller object that will be passed to the ``attach_to_controller()`` plugin
        methods.
    plugins : list of str
        List of plugin names to attach in addition to those found in the user configuration
        file.
    config_dir : str
        Path to the user configuration directory. By default, the directory is ``~/.phy/``.
    dirs : list of str
        Extra directories where to look for plugin files.

    Returns
    -------
    attached : list
        The plugin instances that were attached. A plugin that cannot be found or that raises
        in ``attach_to_controller()`` is logged as an error and skipped.

    """
    config_dir = Path(config_dir) if config_dir else phy_config_dir()
    config = load_master_config(config_dir=config_dir)
    gui_name = getattr(controller, "gui_name", None) or type(controller).__name__
    names = list(config.get(gui_name, {}).get("plugins", [])) + list(plugins or [])
    plugin_dirs = [config_dir / "plugins"] + list(config.Plugins.get("dirs", [])) + list(dirs or [])
    discover_plugins(plugin_dirs)
    attached = []
    for name in names:
        try:
            cls = get_plugin(name)
        except ValueError as e:
            logger.error("%s", e)
            continue
        try:
            instance = cls()
            instance.attach_to_controller(controller)
        except Exception as e:
            logger.error("Error while attaching plugin %s: %s", name, e, exc_info=True)
            continue
        logger.debug("Attached plugin %s.", name)
        attached.append(instance)
    return attached
