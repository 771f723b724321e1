import numpy as np
import pytest

from phy.utils import ClusterColorSelector, add_alpha, colormaps, selected_cluster_color
from phy.utils.color import lab_to_rgb, spike_colors


def test_add_alpha():
    assert add_alpha((1, 0, 0)) == (1, 0, 0, 1.0)
    assert add_alpha((1, 0, 0), .5) == (1, 0, 0, .5)
    out = add_alpha(np.zeros((3, 3)), .25)
    assert out.shape == (3, 4) and np.all(out[:, 3] == .25)
    assert add_alpha(np.ones(3)).tolist() == [1, 1, 1, 1]


def test_lab_to_rgb_reference_points():
    np.testing.assert_allclose(lab_to_rgb([[100, 0, 0]]), [[1, 1, 1]], atol=1e-3)
    np.testing.assert_allclose(lab_to_rgb([[0, 0, 0]]), [[0, 0, 0]], atol=1e-6)
    # Pure sRGB red is L*=53.24, a*=80.09, b*=67.20.
    np.testing.assert_allclose(lab_to_rgb([[53.24, 80.09, 67.20]]), [[1, 0, 0]], atol=5e-3)


def test_categorical_palette_distinguishable():
    cmap = colormaps.categorical
    assert cmap.shape[0] >= 30 and cmap.shape[1] == 3
    assert np.all((cmap >= 0) & (cmap <= 1))
    d = np.linalg.norm(cmap[:, None, :] - cmap[None, :, :], axis=2)
    d[np.diag_indices(len(cmap))] = np.inf
    assert d.min() > 0.15
    # Consecutive selected clusters are very different.
    assert np.linalg.norm(np.diff(cmap, axis=0), axis=1).min() > 0.2


def _luminance(rgb):
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ [0.2126, 0.7152, 0.0722]


def test_continuous_colormaps():
    lin = colormaps.linear
    lum = _luminance(lin)
    assert np.all(np.diff(lum) > 0), "linear colormap must have increasing luminance"
    div = colormaps.diverging
    lum = _luminance(div)
    mid = len(div) // 2
    assert lum[mid] > lum[0] and lum[mid] > lum[-1]
    assert div[0, 2] > div[0, 0] and div[-1, 0] > div[-1, 2]  # blue to red


def test_selected_cluster_color():
    c = selected_cluster_color(0, alpha=.5)
    assert len(c) == 4 and c[3] == .5
    assert selected_cluster_color(len(colormaps.categorical)) == selected_cluster_color(0)
    assert selected_cluster_color(0) != selected_cluster_color(1)


def test_spike_colors():
    colors = spike_colors(np.array([5, 3, 5]), [3, 5])
    assert colors.shape == (3, 4)
    np.testing.assert_array_equal(colors[0], colors[2])
    np.testing.assert_allclose(colors[1], selected_cluster_color(0))


@pytest.fixture
def selector():
    groups = {1: "good", 2: "noise", 3: None, 4: "mua"}
    fr = {1: 1., 2: 10., 3: 100., 4: 0.}
    return ClusterColorSelector(
        fields={"group": groups.get, "fr": fr.get}, cluster_ids=[1, 2, 3, 4])


def test_color_selector_default_categorical_by_cluster(selector):
    colors = selector.get_colors([1, 2, 1])
    assert colors.shape == (3, 4)
    np.testing.assert_array_equal(colors[0], colors[2])
    assert not np.array_equal(colors[0], colors[1])
    assert selector.get(1) == tuple(colors[0])


def test_color_selector_group_field(selector):
    selector.set_color_mapping(color_field="group", colormap="categorical", categorical=True)
    cmap = colormaps.categorical
    colors = selector.get_colors([2, 4, 1, 3], alpha=.5)
    np.testing.assert_allclose(colors[:, :3], cmap[[0, 1, 2, 3]])
    assert np.all(colors[:, 3] == .5)


def test_color_selector_continuous_and_log(selector):
    selector.set_color_mapping(color_field="fr", colormap="linear", categorical=False)
    np.testing.assert_allclose(selector.map([0.]), colormaps.linear[[0]])
    np.testing.assert_allclose(selector.map([100.]), colormaps.linear[[-1]])
    mid_linear = selector.map([10.])
    selector.set_color_mapping(logarithmic=True)
    # In log space, fr=10 is halfway between 1 and 100 (0 is out of the log domain).
    np.testing.assert_allclose(selector.map([10.]), colormaps.linear[[128]], atol=.02)
    assert not np.allclose(mid_linear, selector.map([10.]))
    # Missing values map to the start of the colormap instead of crashing.
    np.testing.assert_allclose(selector.map([None]), colormaps.linear[[0]])


def test_color_selector_state_roundtrip(selector):
    selector.set_color_mapping(color_field="fr", colormap="diverging", categorical=False,
                               logarithmic=True)
    state = selector.state
    assert state == {"color_field": "fr", "colormap": "diverging", "categorical": False,
                     "logarithmic": True}
    other = ClusterColorSelector(fields={"fr": {1: 1., 2: 2.}.get}, cluster_ids=[1, 2])
    other.set_state(state)
    assert other.state == state
    np.testing.assert_allclose(other.map([2.]), colormaps.diverging[[-1]])


def test_color_selector_errors(selector):
    with pytest.raises(ValueError, match="Unknown color field 'nope'"):
        selector.set_color_mapping(color_field="nope")
    selector.set_color_mapping(colormap="nope")
    with pytest.raises(ValueError, match="Unknown colormap 'nope'"):
        selector.get_colors([1])


def test_color_selector_custom_colormap_array(selector):
    cmap = np.array([[1., 0, 0], [0, 0, 1.]])
    selector.set_color_mapping(color_field="cluster", colormap=cmap, categorical=True)
    np.testing.assert_allclose(selector.get_colors([1, 2])[:, :3], cmap[[1, 0]])
