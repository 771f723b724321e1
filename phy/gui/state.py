"""The persistent GUI state: view parameters, window geometry and open views (no Qt here).

The state is a nested dictionary saved in two JSON files (see FORMATS.md, section 5.4):

* the *global* state ``<config dir>/<GUIName>/state.json``, shared by all datasets, created on
  first run as a copy of the default state packaged with the GUI;
* the *local* state ``<dataset>/.phy/state.json``, holding only the *local keys*: parameters
  that depend on the dataset, given as ``'ViewName.attribute'`` paths.

At load, the local values are merged over the global ones. A corrupt state file never stops the
GUI: it is moved aside as ``state.json.corrupt-<date>``, logged, and replaced on the next save.
"""

import json
import logging
import shutil
from datetime import datetime
from pathlib import Path

from phy.utils.bunch import Bunch
from phy.utils.io import atomic_write, load_json, read_text, save_json

logger = logging.getLogger(__name__)


def _to_bunch(obj):
    """Recursively turn the dictionaries of `obj` into Bunch instances."""
    if isinstance(obj, dict):
        return Bunch({k: _to_bunch(v) for k, v in obj.items()})
    return obj


def _split_key(key):
    """Split a local key ``'View.attr'`` into ``('View', 'attr')`` (``'key'`` gives (key, None))."""
    first, _, second = key.partition(".")
    return first, second or None


def _move_aside(path, reason):
    """Move a corrupt file to ``<name>.corrupt-<date>`` and log a warning."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        path.replace(target)
    except OSError as e:
        logger.error("Could not move the corrupt state file %s aside: %s", path, e)
        return
    logger.warning(
        "The GUI state file %s is corrupt (%s): it was moved to %s and a new state is used.",
        path, reason, target)


def _read_state_file(path):
    """Load a state file as a dictionary; a corrupt file is moved aside and gives ``{}``."""
    if path is None or not path.exists():
        return {}
    try:
        text = read_text(path)
        if text.strip() and not isinstance(json.loads(text), dict):
            raise ValueError("the JSON content is not an object")
    except ValueError as e:  # Includes UnicodeDecodeError and JSONDecodeError.
        _move_aside(path, e)
        return {}
    except OSError as e:
        logger.error("Could not read the GUI state file %s: %s", path, e)
        return {}
    return load_json(path)


class GUIState(Bunch):
    """The state of a GUI: positions of the views and all parameters of the GUI and its views.

    Derives from Bunch, which itself derives from dict: the state is a nested dictionary with
    one entry per view name (``'WaveformView'``, ``'WaveformView (1)'``...) and GUI-level
    entries such as ``geometry_state`` and ``view_count``.

    The global GUI state is common to all instances of the GUI. The local GUI state is specific
    to an instance of the GUI, for example a given dataset.

    Parameters
    ----------
    path : str or Path
        The path to the JSON file containing the global GUI state (typically
        ``~/.phy/<GUIName>/state.json``). None for a state that is not saved.
    local_path : str or Path
        The path to the JSON file containing the local GUI state (typically
        ``<dataset>/.phy/state.json``).
    default_state_path : str or Path
        The path to the default JSON file provided in the library, copied to `path` when that
        file does not exist.
    local_keys : list
        A list of strings ``key1.key2`` of the elements of the GUI state that should only be
        saved in the local state, and not the global state.
    **kwargs
        Initial values, overridden by the files.

    """

    def __init__(self, path=None, local_path=None, default_state_path=None, local_keys=None,
                 **kwargs):
        super().__init__(_to_bunch(kwargs))
        object.__setattr__(self, "_path", Path(path) if path else None)
        object.__setattr__(self, "_local_path", Path(local_path) if local_path else None)
        object.__setattr__(
            self, "_default_state_path", Path(default_state_path) if default_state_path else None)
        object.__setattr__(self, "_local_keys", [])
        self.add_local_keys(local_keys or ())
        self.load()

    @property
    def path(self):
        """Path of the global state file (or None)."""
        return self._path

    @property
    def local_path(self):
        """Path of the local state file (or None)."""
        return self._local_path

    @property
    def local_keys(self):
        """The list of ``key1.key2`` paths saved only in the local state."""
        return list(self._local_keys)

    def add_local_keys(self, keys):
        """Add local keys (strings ``key1.key2``)."""
        for key in keys:
            if key not in self._local_keys:
                self._local_keys.append(key)

    def _copy_default_state(self):
        """Create the global state file from the packaged default state, if needed."""
        default = self._default_state_path
        if self._path is None or self._path.exists() or default is None:
            return
        if not default.exists():
            logger.warning("The default GUI state file %s does not exist.", default)
            return
        logger.debug("Copying the default GUI state %s to %s.", default, self._path)
        with atomic_write(self._path) as tmp:
            shutil.copyfile(default, tmp)

    def load(self):
        """Load the state from the JSON files: the global file, then the local one over it."""
        global_state = _read_state_file(self._path)
        if self._path is not None and not self._path.exists():
            self._copy_default_state()
            global_state = _read_state_file(self._path)
        local_state = _read_state_file(self._local_path)
        for source in (global_state, local_state):
            for key, value in source.items():
                if isinstance(value, dict) and isinstance(self.get(key), dict):
                    self[key].update(_to_bunch(value))
                else:
                    self[key] = _to_bunch(value)

    def _is_local(self, key, subkey=None):
        """Whether ``key`` (or ``key.subkey``) is a local key."""
        return (key if subkey is None else f"{key}.{subkey}") in self._local_keys

    def _global_data(self):
        """What the global file receives: no local keys, no private keys, no empty sections."""
        out = {}
        for key, value in self.items():
            if str(key).startswith("_") or self._is_local(key):
                continue
            if isinstance(value, dict):
                value = {
                    k: v for k, v in value.items()
                    if not str(k).startswith("_") and not self._is_local(key, k)}
                if not value:
                    continue
            out[key] = value
        return out

    def _local_data(self):
        """What the local file receives: the local keys whose value is not None."""
        out = {}
        for local_key in self._local_keys:
            key, subkey = _split_key(local_key)
            if subkey is None:
                if self.get(key) is not None:
                    out[key] = self[key]
                continue
            section = self.get(key)
            value = section.get(subkey) if isinstance(section, dict) else None
            if value is not None:
                out.setdefault(key, {})[subkey] = value
        return out

    def save(self):
        """Save the state to the JSON files: global (config dir) and local (if any).

        A file that cannot be written is logged as an error.
        """
        targets = [(self._path, self._global_data())]
        if self._local_path is not None and self._local_keys:
            targets.append((self._local_path, self._local_data()))
        for path, data in targets:
            if path is None:
                continue
            try:
                save_json(path, data)
            except (OSError, TypeError, ValueError) as e:
                logger.error("Could not save the GUI state to %s: %s", path, e)
            else:
                logger.debug("Saved the GUI state to %s.", path)

    def get_view_state(self, view):
        """Return the state of a view instance (a Bunch, empty if the view has none).

        The view is identified by its ``name`` attribute, or its class name.
        """
        return self.get(_view_name(view), Bunch())

    def update_view_state(self, view, state):
        """Update the state of a view instance.

        Parameters
        ----------
        view : View instance
        state : Bunch instance

        """
        name = _view_name(view)
        if not isinstance(self.get(name), dict):
            self[name] = Bunch()
        self[name].update(_to_bunch(dict(state)))


def _view_name(view):
    """The name of a view in the state: its ``name`` attribute, or its class name."""
    return getattr(view, "name", None) or type(view).__name__
