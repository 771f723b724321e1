"""phy: interactive visualization and manual spike sorting of large-scale ephys data.

The top-level package re-exports the names plugins and user scripts need most: the plugin base
class, the event bus and :class:`Bunch`.
"""

__version__ = "2.0.0a1"

from .utils import Bunch, IPlugin, connect, emit, silent, unconnect  # noqa: E402

__all__ = ["__version__", "Bunch", "IPlugin", "connect", "emit", "silent", "unconnect"]
