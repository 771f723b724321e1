"""The cluster views: plots of the selected clusters, docked in the GUI (Qt and OpenGL).

Every view derives from :class:`ManualClusteringView`; :mod:`phy.cluster.views.base` states the
contract (prepare on a worker thread, draw on the GUI thread) with an example, and
:mod:`phy.cluster.views.mixins` has the shared behaviours (marker size, scaling, lasso).
"""

from .amplitude import AmplitudeView  # noqa: F401
from .base import ManualClusteringView  # noqa: F401
from .cluster_scatter import ClusterScatterView  # noqa: F401
from .correlogram import CorrelogramView  # noqa: F401
from .feature import FeatureView  # noqa: F401
from .histogram import FiringRateView, HistogramView, ISIView  # noqa: F401
from .mixins import LassoMixin, MarkerSizeMixin, ScalingMixin  # noqa: F401
from .probe import ProbeView  # noqa: F401
from .raster import RasterView  # noqa: F401
from .scatter import ScatterView  # noqa: F401
from .template import TemplateView  # noqa: F401
from .template_feature import TemplateFeatureView  # noqa: F401
from .trace import TraceView, select_traces  # noqa: F401
from .waveform import WaveformView  # noqa: F401
