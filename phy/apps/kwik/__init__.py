"""Kwik GUI: the model of klusta datasets (``.kwik`` + ``.kwx``), and its GUI.

:class:`KwikModel` and ``phy kwik-describe`` (headless), and :class:`KwikController` and
:func:`kwik_gui` (Qt, imported lazily on first access): importing this package imports
neither Qt nor OpenGL.
"""

from phy.utils.lazy import lazy_exports

from .model import KwikModel, kwik_describe  # noqa: F401

#: Qt-dependent public names -> submodule defining them (imported on first access).
_LAZY = {"KwikController": "gui", "kwik_gui": "gui"}

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
