"""Utilities: plugins, events, configuration, caching, colors, arrays and file I/O."""

from .array import (  # noqa: F401
    chunk_bounds,
    excerpt_bounds,
    get_excerpts,
    index_of,
    random_subset,
    regular_indices,
    regular_subset,
    select_spikes,
    spikes_in_clusters,
    spikes_per_cluster,
    unique,
)
from .bunch import Bunch  # noqa: F401
from .color import (  # noqa: F401
    ClusterColorSelector,
    add_alpha,
    colormaps,
    selected_cluster_color,
    spike_colors,
)
from .config import (  # noqa: F401
    Config,
    load_config,
    load_master_config,
    phy_config_dir,
    reset_config_cache,
)
from .context import Context  # noqa: F401
from .event import EventBus, connect, emit, reset, silent, unconnect  # noqa: F401
from .io import (  # noqa: F401
    atomic_write,
    ensure_dir_exists,
    load_json,
    load_pickle,
    read_python,
    read_text,
    read_tsv,
    save_json,
    save_pickle,
    write_text,
    write_tsv,
)
from .plugin import IPlugin, attach_plugins, discover_plugins, get_plugin  # noqa: F401
