"""Template GUI data layer: the model of KiloSort / SpyKING CIRCUS / SpikeInterface datasets.

:class:`TemplateModel`, :func:`load_model` and ``phy template-describe``.

Headless: importing this package imports neither Qt nor OpenGL.
"""

from .features import from_sparse  # noqa: F401
from .model import (  # noqa: F401
    TemplateModel,
    get_template_params,
    load_model,
    template_describe,
)
