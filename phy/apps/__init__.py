"""The phy applications, their command line (``phy``) and their error handling.

The controllers (:class:`BaseController`, the mixins) need Qt: they are imported lazily, on
first access, so that ``import phy.apps`` imports no Qt and works on a machine without a
display.
"""

from phy.utils.lazy import lazy_exports

from .cli import open_template_gui, phycli  # noqa: F401
from .demo import demo_dataset_path  # noqa: F401
from .errors import (  # noqa: F401
    QtDialogLogger,
    add_default_handler,
    add_file_handler,
    capture_exceptions,
    exceptionHandler,
    format_exception,
    remove_handler,
)

#: Qt-dependent public names -> submodule defining them (imported on first access).
_LAZY = {
    "BaseController": "base",
    "FeatureMixin": "mixins",
    "TemplateMixin": "mixins",
    "TraceMixin": "mixins",
    "WaveformMixin": "mixins",
}

__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
