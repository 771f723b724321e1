"""The visuals: scatter plots, line plots, thick lines, histograms, text, lines, images."""

from .histogram import HistogramVisual  # noqa: F401
from .image import ImageVisual  # noqa: F401
from .line import LineVisual, PolygonVisual  # noqa: F401
from .plot import PlotVisual, UniformPlotVisual  # noqa: F401
from .scatter import MARKERS, ScatterVisual, UniformScatterVisual  # noqa: F401
from .text import TextVisual  # noqa: F401
from .thick_line import ThickLineVisual  # noqa: F401
from .utils import get_linear_x  # noqa: F401
