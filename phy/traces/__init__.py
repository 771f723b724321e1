"""Signal processing of raw data: filtering."""

from .filter import (  # noqa: F401
    Filter,
    apply_filter,
    butterworth,
    filter_waveforms,
    high_pass_filter,
    subtract_median,
)
