"""Headless data layer: NumPy, raw data and kwik files, derived-array cache, synthetic data."""

from .cache import ArrayCache, writable_dir  # noqa: F401
from .dat import RawDataReader, open_raw_data, read_dat, resolve_dat_paths  # noqa: F401
from .h5 import open_h5, read_kwd  # noqa: F401
from .kwik_writer import create_kwik  # noqa: F401
from .npy import (  # noqa: F401
    DataFormatError,
    as_2d,
    as_index_array,
    as_vector,
    check_numeric,
    fix_nonfinite,
    native,
    open_npy,
)
from .synthetic import make_template_dataset  # noqa: F401
from .vector import LazyVector  # noqa: F401
