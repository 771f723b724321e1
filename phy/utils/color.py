"""Colors and colormaps: the palette of selected clusters and the cluster color mapping.

The colormaps are computed here from their definitions in the CIELAB space, where equal
distances are roughly equally visible:

* ``categorical``: 32 colors far apart in CIELAB, for selected clusters (`selected_cluster_color`);
* ``linear``: perceptually uniform, lightness increasing linearly from dark blue to yellow;
* ``diverging``: blue to light grey to red, symmetric in lightness;
* ``rainbow``: a bright hue wheel, for categorical fields with many values.
"""

import logging

import numpy as np

from .bunch import Bunch

logger = logging.getLogger(__name__)

_D65_WHITE = np.array([0.95047, 1.0, 1.08883])
_XYZ_TO_LINEAR_RGB = np.array([
    [3.2404542, -1.5371385, -0.4985314],
    [-0.9692660, 1.8760108, 0.0415560],
    [0.0556434, -0.2040259, 1.0572252],
])


def _lab_to_linear_rgb(lab):
    """Convert CIELAB colors (D65 white) to linear RGB, without clipping."""
    lab = np.atleast_2d(np.asarray(lab, dtype=np.float64))
    fy = (lab[:, 0] + 16.) / 116.
    f = np.c_[fy + lab[:, 1] / 500., fy, fy - lab[:, 2] / 200.]
    delta = 6. / 29.
    xyz = np.where(f > delta, f ** 3, 3 * delta ** 2 * (f - 4. / 29.)) * _D65_WHITE
    return xyz @ _XYZ_TO_LINEAR_RGB.T


def lab_to_rgb(lab):
    """Convert CIELAB colors (D65 white) to sRGB in [0, 1], clipping out-of-gamut values.

    Parameters
    ----------
    lab : array-like (2D, shape[1] == 3)

    Returns
    -------
    rgb : ndarray (2D, shape[1] == 3)

    """
    linear = np.clip(_lab_to_linear_rgb(lab), 0, 1)
    rgb = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.clip(rgb, 0, 1)


def _lch_ramp(lightness, chroma, hue_degrees):
    """Return the sRGB colors along a path of lightness, chroma and hue (degrees) arrays.

    Out-of-gamut colors get the largest in-gamut chroma of the same lightness and hue, so
    lightness (and thus perceived brightness) is exactly what was asked for.
    """
    lightness, h = np.asarray(lightness, dtype=np.float64), np.radians(hue_degrees)
    chroma = np.broadcast_to(np.asarray(chroma, dtype=np.float64), lightness.shape)

    def lab(c):
        return np.c_[lightness, c * np.cos(h), c * np.sin(h)]

    def in_gamut(c):
        linear = _lab_to_linear_rgb(lab(c))
        return np.all((linear >= -1e-9) & (linear <= 1 + 1e-9), axis=1)

    lo, hi = np.zeros_like(chroma), chroma.copy()
    ok = in_gamut(hi)
    lo[ok] = hi[ok]
    for _ in range(30):  # bisection on the chroma of out-of-gamut colors
        mid = (lo + hi) / 2
        good = in_gamut(mid)
        lo, hi = np.where(good, mid, lo), np.where(good, hi, mid)
    return lab_to_rgb(lab(lo))


def _linear_colormap(n=256):
    """Perceptually uniform sequential colormap: lightness 20 to 95, hue blue to yellow."""
    t = np.linspace(0, 1, n)
    return _lch_ramp(20 + 75 * t, 40 + 40 * t, 295 - 200 * t)


def _diverging_colormap(n=256):
    """Diverging colormap: blue to light grey to red, symmetric in lightness."""
    t = np.linspace(-1, 1, n)
    lightness = 88 - 45 * np.abs(t)
    chroma = 60 * np.abs(t)
    hue = np.where(t < 0, 255., 30.)
    return _lch_ramp(lightness, chroma, hue)


def _categorical_colormap(n=32):
    """`n` colors as far from each other as possible in CIELAB (greedy farthest points).

    Candidates are the in-gamut colors of a Lab grid, neither too dark nor too light (views
    have a black background) nor too grey (grey is for masked clusters). The first two colors
    are a blue and a red, as in phy 2 (users know "first in blue, second in red"); each next
    one is the candidate farthest from all the colors chosen before it.
    """
    grid = np.stack(np.meshgrid(
        np.arange(45, 91, 5.), np.arange(-80, 81, 8.), np.arange(-80, 81, 8.),
        indexing="ij"), axis=-1).reshape(-1, 3)
    linear = _lab_to_linear_rgb(grid)
    chroma = np.hypot(grid[:, 1], grid[:, 2])
    candidates = grid[np.all((linear >= 0) & (linear <= 1), axis=1) & (chroma >= 35)]
    chosen = [int(np.argmin(np.linalg.norm(candidates - lab, axis=1)))
              for lab in ([55., 10., -60.], [50., 75., 60.])]
    distance = np.min([np.linalg.norm(candidates - candidates[c], axis=1) for c in chosen], axis=0)
    for _ in range(n - len(chosen)):
        chosen.append(int(np.argmax(distance)))
        distance = np.minimum(distance, np.linalg.norm(candidates - candidates[chosen[-1]], axis=1))
    return lab_to_rgb(candidates[chosen])


def _rainbow_colormap(n=256):
    """A bright hue wheel at constant lightness."""
    return _lch_ramp(np.full(n, 70.), np.full(n, 60.), np.linspace(0, 330, n))


#: All colormaps, as (N, 3) float arrays in [0, 1].
colormaps = Bunch(
    categorical=_categorical_colormap(),
    linear=_linear_colormap(),
    diverging=_diverging_colormap(),
    rainbow=_rainbow_colormap(),
)


def add_alpha(c, alpha=1.0):
    """Add an alpha channel to an RGB color.

    Parameters
    ----------
    c : array-like (2D, shape[1] == 3) or 3-tuple
    alpha : float

    Returns
    -------
    rgba : ndarray (2D, shape[1] == 4) or 4-tuple, of the same kind as `c`.

    """
    if isinstance(c, (tuple, list)):
        return tuple(c[:3]) + (alpha,)
    c = np.asarray(c, dtype=np.float64)
    if c.ndim == 1:
        return np.r_[c[:3], alpha]
    return np.c_[c[:, :3], np.full(len(c), alpha)]


def selected_cluster_color(i, alpha=1.0):
    """Return the color, as an RGBA tuple, of the i-th selected cluster."""
    r, g, b = colormaps.categorical[int(i) % len(colormaps.categorical)]
    return (float(r), float(g), float(b), float(alpha))


def spike_colors(spike_clusters, cluster_ids):
    """RGBA color of every spike: its cluster's color among the selected `cluster_ids`."""
    from .array import index_of

    idx = index_of(spike_clusters, np.asarray(cluster_ids))
    return add_alpha(colormaps.categorical[idx % len(colormaps.categorical)])


#: Index of each standard cluster group in the ``cluster_group`` color scheme.
GROUP_INDICES = {"noise": 0, "mua": 1, "good": 2, "unsorted": 3, None: 3}


def _categorical_index(values):
    """Integer index of categorical values: numbers as they are, strings by sorted order."""
    values = np.asarray(values, dtype=object)
    is_number = np.array([isinstance(v, (int, float, np.number)) for v in values], dtype=bool)
    out = np.zeros(len(values), dtype=np.int64)
    out[is_number] = np.array(values[is_number], dtype=np.float64).astype(np.int64)
    names = sorted({str(v) for v in values[~is_number]})
    out[~is_number] = [names.index(str(v)) for v in values[~is_number]]
    return out


class ClusterColorSelector:
    """Assign a color to clusters depending on cluster labels or metrics.

    Parameters
    ----------
    fields : dict
        ``{field_name: function(cluster_id) -> value}``: the cluster labels and metrics that can
        drive the colors. The field ``cluster`` (the cluster id itself) always exists.
    cluster_ids : array-like
        All cluster ids, to compute the range of continuous fields.
    color_field : str
    colormap : str or array-like
    categorical : bool
    logarithmic : bool

    """

    _state_keys = ("color_field", "colormap", "categorical", "logarithmic")

    def __init__(self, fields=None, cluster_ids=None, color_field="cluster",
                 colormap="categorical", categorical=True, logarithmic=False):
        self._fields = {"cluster": lambda cluster_id: cluster_id}
        self._fields.update(fields or {})
        self._cluster_ids = np.zeros(0, dtype=np.int64)
        self._vrange = (0., 1.)
        self.color_field, self.colormap = color_field, colormap
        self.categorical, self.logarithmic = categorical, logarithmic
        self.set_cluster_ids(cluster_ids if cluster_ids is not None else [])

    def add_field(self, name, function):
        """Add a field that can drive the colors."""
        self._fields[name] = function

    @property
    def fields(self):
        """The names of the available fields."""
        return sorted(self._fields)

    @property
    def _colormap_array(self):
        if isinstance(self.colormap, str):
            if self.colormap not in colormaps:
                raise ValueError(
                    f"Unknown colormap {self.colormap!r} (known: {', '.join(colormaps)}).")
            return colormaps[self.colormap]
        return np.asarray(self.colormap, dtype=np.float64)

    def set_color_mapping(self, color_field=None, colormap=None, categorical=None,
                          logarithmic=None):
        """Set the field used to choose the cluster colors, and the associated colormap.

        Parameters
        ----------
        color_field : str
            Name of the cluster metrics or label to use for the color.
        colormap : str or array-like
            A colormap name of `colormaps`, or a (N, 3) array with the colormap's colors.
        categorical : boolean
            Whether the colormap is categorical (one value = one color) or continuous (values
            are continuously mapped from their initial interval to the colors).
        logarithmic : boolean
            Whether to use a logarithmic transform for the mapping.

        """
        if color_field is not None:
            if color_field not in self._fields:
                raise ValueError(
                    f"Unknown color field {color_field!r} (known: {', '.join(self.fields)}).")
            self.color_field = color_field
        if colormap is not None:
            self.colormap = colormap
        if categorical is not None:
            self.categorical = bool(categorical)
        if logarithmic is not None:
            self.logarithmic = bool(logarithmic)
        self._compute_range()

    @property
    def state(self):
        """Colormap state: a Bunch with color_field, colormap, categorical, logarithmic."""
        colormap = self.colormap
        if not isinstance(colormap, str):
            colormap = np.asarray(colormap)
        return Bunch(color_field=self.color_field, colormap=colormap,
                     categorical=self.categorical, logarithmic=self.logarithmic)

    def set_state(self, state):
        """Set the colormap state (as given by :attr:`state`); unknown fields are ignored."""
        state = {k: state.get(k) for k in self._state_keys}
        if state["color_field"] not in self._fields:
            logger.debug("Ignoring unknown color field %s.", state["color_field"])
            state["color_field"] = None
        self.set_color_mapping(**state)

    def set_cluster_ids(self, cluster_ids):
        """Precompute the value range for all clusters."""
        self._cluster_ids = np.asarray(cluster_ids, dtype=np.int64)
        self._compute_range()

    def get_values(self, cluster_ids):
        """Get the values of clusters for the selected color field."""
        f = self._fields[self.color_field]
        return np.array([f(int(c)) for c in cluster_ids], dtype=object)

    def _numeric(self, values):
        """Values as floats (None and non-numbers as NaN), log-transformed if needed."""
        out = np.array([
            float(v) if isinstance(v, (int, float, np.number)) else np.nan for v in values])
        if self.logarithmic:
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.log(np.where(out > 0, out, np.nan))
        return out

    def _compute_range(self):
        if self.categorical or self._cluster_ids.size == 0:
            self._vrange = (0., 1.)
            return
        values = self._numeric(self.get_values(self._cluster_ids))
        values = values[np.isfinite(values)]
        self._vrange = (float(values.min()), float(values.max())) if values.size else (0., 1.)

    def map(self, values):
        """Convert values to colors using the selected colormap.

        Parameters
        ----------
        values : array-like (1D)

        Returns
        -------
        colors : array-like (2D, shape[1] == 3)

        """
        cmap = self._colormap_array
        values = np.asarray(values, dtype=object)
        if self.categorical:
            if self.color_field == "group":
                idx = np.array([
                    GROUP_INDICES.get(v, 0) if isinstance(v, str) or v is None else int(v)
                    for v in values], dtype=np.int64)
            else:
                idx = _categorical_index(values)
            return cmap[idx % len(cmap)]
        x = self._numeric(values)
        vmin, vmax = self._vrange
        x = (x - vmin) / (vmax - vmin) if vmax > vmin else np.zeros_like(x)
        x = np.nan_to_num(np.clip(x, 0, 1), nan=0.)
        return cmap[np.round(x * (len(cmap) - 1)).astype(np.int64)]

    def get_colors(self, cluster_ids, alpha=1.0):
        """Return the RGBA colors of some clusters."""
        return add_alpha(self.map(self.get_values(cluster_ids)), alpha=alpha)

    def get(self, cluster_id, alpha=None):
        """Return the RGBA color of a single cluster."""
        color = self.get_colors([cluster_id], alpha=1.0 if alpha is None else alpha)[0]
        return tuple(float(x) for x in color)
