"""The cluster views: plots of the selected clusters, docked in the GUI (Qt and OpenGL).

Every view derives from :class:`ManualClusteringView`; :mod:`phy.cluster.views.base` states the
contract (prepare on a worker thread, draw on the GUI thread) with an example.
"""

from .base import LassoMixin, ManualClusteringView, MarkerSizeMixin, ScalingMixin  # noqa: F401
