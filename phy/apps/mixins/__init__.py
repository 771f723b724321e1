"""The controller mixins: what a dataset has (waveforms, features, templates, raw data).

Each mixin adds its views to ``view_creator`` (``_set_view_creator``), its columns to the
cluster view (``_cluster_metrics``) and its amplitude types (``_amplitude_functions``), each
calling ``super()``; put them before :class:`~phy.apps.base.BaseController` in the bases.
"""

from .feature import FeatureMixin  # noqa: F401
from .template import TemplateMixin  # noqa: F401
from .trace import TraceMixin  # noqa: F401
from .waveform import WaveformMixin  # noqa: F401
