"""Tests of what the views showing every cluster share: order, colours, clustering changes."""

import numpy as np

from phy.cluster.update import UpdateInfo
from phy.cluster.views.all_clusters import AllClustersMixin, replace_clusters
from phy.utils import selected_cluster_color


def test_new_clusters_take_the_place_of_the_first_deleted_one():
    assert replace_clusters([5, 3, 8, 1], deleted=[8, 3], added=[9]).tolist() == [5, 9, 1]
    assert replace_clusters([5, 3], deleted=[], added=[7]).tolist() == [5, 3, 7]
    assert replace_clusters([5, 3], deleted=[4], added=[7, 5]).tolist() == [5, 3, 7]


class Shown(AllClustersMixin):
    """The mixin alone, recording the changes a view would draw."""

    def __init__(self, cluster_ids):
        self.cluster_ids = []
        self.changes = []
        self.init_all_clusters(cluster_ids)

    def on_clusters_changed(self, up):
        self.changes.append(up)

    def selected_color(self, i, alpha=1.0):
        return selected_cluster_color(i, alpha=alpha)

    def update_color(self):
        self.changes.append("color")


def test_order_follows_the_cluster_view():
    view = Shown([0, 1, 2, 3])
    view.update_cluster_sort([3, 1])
    assert view.all_cluster_ids.tolist() == [3, 1, 0, 2]
    view.set_cluster_ids([2, 0])
    assert view.all_cluster_ids.tolist() == [2, 0] and view.changes == [None, None]


def test_merge_in_place_and_label_recolours():
    view = Shown([0, 1, 2, 3])
    merge = UpdateInfo(description="merge", added=[4], deleted=[1, 2])
    view.on_cluster(merge)
    assert view.all_cluster_ids.tolist() == [0, 4, 3] and view.changes == [merge]
    view.on_cluster(UpdateInfo(description="metadata_group", metadata_changed=[4]))
    assert view.changes[-1] == "color"


def test_selected_clusters_in_selection_colours_others_dimmed():
    view = Shown([0, 1, 2])
    view.cluster_ids = [2, 0]
    colors = view.cluster_colors()
    np.testing.assert_allclose(colors[2], selected_cluster_color(0), atol=1e-6)
    np.testing.assert_allclose(colors[0], selected_cluster_color(1), atol=1e-6)
    base = np.asarray(view.cluster_color_selector.get_colors([1]), dtype=np.float32)[0]
    np.testing.assert_allclose(colors[1, :3], view.unselected_brightness * base[:3], atol=1e-6)
