"""The phy applications, their command line (``phy``) and their error handling.

Headless: importing this package imports no Qt.
"""

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
