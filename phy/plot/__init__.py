"""Plotting module based on OpenGL.

Visuals (scatter, plots, histograms, text...) are drawn in a :class:`PlotCanvas` (a
``QOpenGLWindow``), each kind in one batched draw call; layouts (:class:`Grid`, :class:`Boxed`,
:class:`Stacked`) and :class:`PanZoom` are GPU transforms. For advanced users!
"""

from .axes import Axes, AxisLocator  # noqa: F401
from .batch import BatchAccumulator  # noqa: F401
from .canvas import BaseCanvas  # noqa: F401
from .inserter import GLSLInserter  # noqa: F401
from .lasso import Lasso  # noqa: F401
from .layout import BaseLayout, Boxed, Grid, Stacked  # noqa: F401
from .panzoom import PanZoom  # noqa: F401
from .plot import PlotCanvas  # noqa: F401
from .transform import (  # noqa: F401
    NDC,
    Clip,
    Range,
    Scale,
    Subplot,
    TransformChain,
    Translate,
    extend_bounds,
)
from .visual import BaseVisual  # noqa: F401
from .visuals import (  # noqa: F401
    MARKERS,
    HistogramVisual,
    ImageVisual,
    LineVisual,
    PlotVisual,
    PolygonVisual,
    ScatterVisual,
    TextVisual,
    ThickLineVisual,
    UniformPlotVisual,
    UniformScatterVisual,
    get_linear_x,
)
