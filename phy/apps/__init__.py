"""The phy applications and their command line (``phy``).

The controllers (:class:`BaseController`, the mixins) need Qt: they are imported lazily, on
first access, so that ``import phy.apps`` works on a machine without a display.
"""

from phy.utils.lazy import lazy_exports

from .cli import phycli  # noqa: F401

#: Qt-dependent public names -> submodule defining them (imported on first access).
_LAZY = {
    "BaseController": "base",
    "FeatureMixin": "mixins",
    "TemplateMixin": "mixins",
    "TraceMixin": "mixins",
    "WaveformMixin": "mixins",
}

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
