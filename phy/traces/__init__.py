"""Signal processing of raw data: filtering, whitening, spike detection and features."""

from .detect import Thresholder, compute_threshold  # noqa: F401
from .filter import (  # noqa: F401
    Filter,
    apply_filter,
    butterworth,
    filter_waveforms,
    high_pass_filter,
    subtract_median,
)
from .floodfill import FloodFillDetector  # noqa: F401
from .loader import SpikeLoader, WaveformLoader  # noqa: F401
from .pca import PCA  # noqa: F401
from .spikedetekt import DEFAULT_PARAMS, SpikeDetekt  # noqa: F401
from .waveform import WaveformExtractor  # noqa: F401
from .whitening import Whitening  # noqa: F401
