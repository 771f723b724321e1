"""Synthetic clustering for the phy.cluster tests (imported by conftest and test modules)."""

import numpy as np

#: Cluster c has 3 * (10 - c) spikes: the n_spikes order is the id order.
N_CLUSTERS = 10


def make_spike_clusters(seed=0):
    """Shuffled spike clusters of the 10 synthetic clusters."""
    rng = np.random.default_rng(seed)
    sc = np.repeat(np.arange(N_CLUSTERS), 3 * np.arange(N_CLUSTERS, 0, -1))
    rng.shuffle(sc)
    return sc


class Similarity:
    """Similarity of two clusters: 1 / (1 + |a - b|), over the current clusters of `owner`."""

    def __init__(self):
        self.owner = None

    def __call__(self, cluster_id):
        ids = self.owner.cluster_ids.tolist()
        pairs = [(c, 1. / (1 + abs(c - cluster_id))) for c in ids]
        return sorted(pairs, key=lambda p: (-p[1], p[0]))


def wizard_kwargs(**kwargs):
    """Arguments of a Wizard/Supervisor: groups 3 noise, 7 mua, 1 good; a depth metric."""
    similarity = Similarity()
    out = dict(
        spike_clusters=make_spike_clusters(),
        cluster_groups={3: "noise", 7: "mua", 1: "good"},
        cluster_metrics={"depth": lambda c: 10. * c},
        cluster_labels={"quality": {0: 1.5}},
        similarity=similarity,
    )
    out.update(kwargs)
    return out, similarity


def build(cls, **kwargs):
    """A Wizard (or Supervisor) on the synthetic clustering."""
    kw, similarity = wizard_kwargs(**kwargs)
    obj = cls(**kw)
    similarity.owner = obj
    return obj


def press(qtbot, supervisor, key, modifiers=None):
    """Press a key in the supervisor's GUI, then process the pending events."""
    from phy.gui.qt import Qt

    qtbot.keyClick(supervisor.gui, key, Qt.NoModifier if modifiers is None else modifiers)
    supervisor.block()


def snippet(qtbot, supervisor, text):
    """Type a snippet (``:text``, then Enter) in the supervisor's GUI."""
    from phy.gui.qt import Qt

    qtbot.keyClick(supervisor.gui, ":")
    qtbot.keyClicks(supervisor.gui, text)
    qtbot.keyClick(supervisor.gui, Qt.Key_Return)
    supervisor.block()
