"""Views shared by the tests of the view base and of its mixins."""

import textwrap
import threading

import numpy as np

from phy.cluster.views import ManualClusteringView
from phy.cluster.views import base as views_base
from phy.utils import Bunch

BOUNDS = (-5.0, -5.0, 5.0, 5.0)


def example_view_class():
    """The example view of the module docstring of phy.cluster.views.base, executed."""
    doc = views_base.__doc__
    block = doc[doc.index("::\n") + 3:doc.index("\nUsed as")]
    namespace = {}
    exec(textwrap.dedent(block), namespace)
    return namespace["FeatureScatterView"]


def make_features(spike_clusters, seed=0):
    """``features(cluster_id)``: spikes of cluster c normal around (c - 1.5, 0), and all pos."""
    rng = np.random.default_rng(seed)
    pos = rng.normal(scale=0.6, size=(len(spike_clusters), 2))
    pos[:, 0] += spike_clusters - 1.5

    def features(cluster_id):
        spike_ids = np.nonzero(spike_clusters == cluster_id)[0]
        return Bunch(pos=pos[spike_ids], spike_ids=spike_ids)

    return features, pos


class RecordingView(ManualClusteringView):
    """Records the threads and selections of prepare and draw; fills the canvas in a colour."""

    state_attrs = ("global_param",)
    local_state_attrs = ("local_param",)

    def __init__(self, fail_on=None, block_on=None):
        super().__init__()
        self.global_param, self.local_param = 1, "a"
        self.prepared, self.drawn = [], []
        self.fail_on, self.block_on = fail_on, block_on
        self.release = threading.Event()

    def prepare(self, cluster_ids):
        self.prepared.append((list(cluster_ids), threading.current_thread()))
        if cluster_ids == self.block_on:
            assert self.release.wait(10)
        if cluster_ids == self.fail_on:
            raise OSError("features.npy is missing")
        return Bunch(cluster_ids=list(cluster_ids))

    def draw(self, data):
        self.drawn.append((data.cluster_ids, threading.current_thread()))
