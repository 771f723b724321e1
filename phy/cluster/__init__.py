"""Manual clustering facilities: the clustering model, cluster statistics and the supervisor.

The headless part (``Clustering``, ``ClusterMeta``, ``UpdateInfo``, ``History``, the
statistics) imports neither Qt nor OpenGL. The Qt-dependent names (``Supervisor``,
``ClusterView``, ``SimilarityView``, the views and their base ``ManualClusteringView``) are
imported lazily, on first access, so that
``import phy.cluster`` works on a machine without a display.
"""

from phy.utils.lazy import lazy_exports

from .clustering import Clustering  # noqa: F401
from .history import History  # noqa: F401
from .metadata import ClusterMeta  # noqa: F401
from .stats import (  # noqa: F401
    correlograms,
    firing_rate,
    firing_rate_histogram,
    histogram_density,
    isi_histogram,
    mean_firing_rate,
)
from .update import UpdateInfo  # noqa: F401

#: Qt-dependent public names -> submodule defining them (imported on first access).
_LAZY = {
    "Supervisor": "supervisor",
    "ClusterView": "tables",
    "SimilarityView": "tables",
    "ManualClusteringView": "views",
    "TraceView": "views",
    "select_traces": "views",
    "WaveformView": "views",
    "FiringRateView": "views",
    "ISIView": "views",
    "HistogramView": "views",
    "CorrelogramView": "views",
    "TemplateFeatureView": "views",
    "ScatterView": "views",
    "FeatureView": "views",
    "ClusterScatterView": "views",
    "TemplateView": "views",
    "RasterView": "views",
    "ProbeView": "views",
    "AmplitudeView": "views",
}

__all__ = sorted([
    "Clustering", "ClusterMeta", "History", "UpdateInfo", "correlograms", "firing_rate",
    "firing_rate_histogram", "histogram_density", "isi_histogram", "mean_firing_rate",
    *_LAZY])


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
