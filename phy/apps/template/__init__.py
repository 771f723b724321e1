"""Template GUI: the model of KiloSort / SpyKING CIRCUS / SpikeInterface datasets, and its GUI.

:class:`TemplateModel`, :func:`load_model` and ``phy template-describe`` (headless), and
:class:`TemplateController` and :func:`template_gui` (Qt, imported lazily on first access):
importing this package imports neither Qt nor OpenGL.
"""

from phy.utils.lazy import lazy_exports

from .features import from_sparse  # noqa: F401
from .model import (  # noqa: F401
    TemplateModel,
    get_template_params,
    load_model,
    template_describe,
)

#: Qt-dependent public names -> submodule defining them (imported on first access).
_LAZY = {"TemplateController": "gui", "template_gui": "gui"}

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
