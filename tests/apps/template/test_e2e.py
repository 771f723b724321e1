"""The Template GUI end to end, driven from the keyboard and the mouse as a user would.

On the real sample dataset and on a synthetic one: open every view (each draws), select with
the keyboard shortcuts and snippets, merge, split with a lasso in the amplitude view and in the
feature view, label, undo and redo, save (``ctrl+s``, then the close prompt), close, re-open and
find exactly the saved clustering and labels; ``cluster_info.tsv`` has one filled row per
cluster, consistent with ``cluster_group.tsv`` and with the table a new session computes. Every
sorter layout of :mod:`phy.io.synthetic` opens in the GUI, draws, merges and saves.
"""

import numpy as np
import pytest

from phy.apps.view_data import spike_template_amplitudes
from phy.gui.qt import Qt
from phy.io.synthetic import LAYOUTS, make_template_dataset
from phy.plot.lasso import points_in_polygon
from phy.utils import read_tsv

from ...cluster.views.conftest import pixels
from ...plot.conftest import EventSender
from .test_gui import VIEWS

#: The metric columns of the cluster view, filled for every cluster in ``cluster_info.tsv``.
METRICS = ("ch", "depth", "fr", "amp", "n_spikes")


@pytest.fixture(scope="module")
def synthetic_e2e(tmp_path_factory):
    """A synthetic dataset with raw data (generated once per module; copy it)."""
    path = tmp_path_factory.mktemp("e2e") / "synthetic"
    make_template_dataset(path, n_spikes=5000, n_templates=16, n_channels=32, duration=10.0,
                          seed=11)
    return path


@pytest.fixture(scope="module", params=sorted(set(LAYOUTS) - {"phy", "kilosort3"}))
def layout_source(request, tmp_path_factory):
    """A small dataset in the layout of a sorter (generated once per module; copy it)."""
    path = tmp_path_factory.mktemp(request.param) / "dataset"
    make_template_dataset(path, n_spikes=3000, n_templates=12, n_channels=32, duration=6.0,
                          layout=request.param, seed=5)
    return request.param, path


@pytest.fixture(params=["real", "synthetic"])
def dataset(request, phy_data, synthetic_e2e, dataset_copy):
    """A writable copy of the real sample dataset or of the synthetic one."""
    src = phy_data / "template" if request.param == "real" else synthetic_e2e
    return dataset_copy(src, request.param)


# -------------------------------------------------------------------------------------------------
# Driving the GUI
# -------------------------------------------------------------------------------------------------

class User:
    """Keyboard and mouse of a user in front of a controller's GUI."""

    def __init__(self, qtbot, controller):
        self.qtbot, self.c = qtbot, controller
        self.gui, self.s = controller.gui, controller.supervisor

    def show(self):
        """Show the GUI window and make it the active window (it gets the key presses)."""
        self.gui.resize(1400, 1000)
        with self.qtbot.waitExposed(self.gui):
            self.gui.show()
        self.gui.activateWindow()
        self.gui.raise_()
        self.qtbot.waitUntil(self.gui.isActiveWindow)
        self.wait()

    def wait(self):
        """Until the pending selection is emitted and every view has drawn it."""
        self.s.block()
        self.qtbot.waitUntil(lambda: not any(getattr(v, "is_busy", False) for v in self.gui.views))

    def key(self, key, modifiers=Qt.NoModifier):
        """Press a key (a Qt key or a character) in the GUI window."""
        self.qtbot.keyClick(self.gui, key, modifiers)
        self.wait()

    def snippet(self, text):
        """Type a snippet (``:`` then `text` then Enter)."""
        self.qtbot.keyClick(self.gui, ":")
        self.qtbot.keyClicks(self.gui, text)
        self.qtbot.keyClick(self.gui, Qt.Key_Return)
        self.wait()

    def lasso(self, view, clicks):
        """Control+click the points of a polygon in a view (pixels of its canvas)."""
        send = EventSender()
        for pos in clicks:
            send.click(view.canvas, pos, modifiers=("Control",))
        assert view.canvas.lasso.count == len(clicks)


def _every_view_drew(gui):
    """Every plot view of the GUI drew something else than its background."""
    for view in gui.views:
        if hasattr(view, "canvas"):
            assert pixels(view).drawn().sum() > 50, f"{type(view).__name__} drew nothing"


def _amplitude_lasso(user, cluster_id):
    """Lasso the middle of cluster `cluster_id` in the amplitude view: the expected spike ids.

    The polygon is a rectangle over the middle 40% of the recording, from about the cluster's
    median template amplitude to above its largest one; the expected spikes are computed from the
    model's spike times and template amplitudes of all the spikes of the cluster.
    """
    c = user.c
    view = c.gui.get_view("AmplitudeView")
    assert view.amplitudes_type == "template" and view.cluster_ids == [cluster_id]
    spike_ids = c.clustering.spikes_in_clusters([cluster_id])
    pos = np.column_stack([c.spike_times[spike_ids],
                           spike_template_amplitudes(c.model, spike_ids)])
    w, h = view.canvas.get_size()
    xmin, ymin, xmax, ymax = view.data_bounds

    def pixel(t, a):
        return ((t - xmin) / (xmax - xmin) * w, (1 - (a - ymin) / (ymax - ymin)) * h)

    t0, t1 = xmin + 0.3 * (xmax - xmin), xmin + 0.7 * (xmax - xmin)
    amps = np.sort(pos[:, 1])
    # Between two amplitudes (no spike on the edge) and above the largest one.
    a0, a1 = amps[len(amps) // 2 - 1:len(amps) // 2 + 1].mean(), amps[-1] + 0.01 * (ymax - ymin)
    clicks = [pixel(t0, a1), pixel(t1, a1), pixel(t1, a0), pixel(t0, a0)]
    user.lasso(view, clicks)
    polygon = [(xmin + x / w * (xmax - xmin), ymax - y / h * (ymax - ymin)) for x, y in clicks]
    expected = spike_ids[points_in_polygon(pos, np.array(polygon))]
    assert 0 < len(expected) < len(spike_ids)
    return expected


def _feature_lasso(user, cluster_id):
    """Lasso the right part of the cluster in the subplot "0A,1A" of the feature view (row 1,
    column 0 of the 4 x 4 grid), from about its median x: the expected spike ids, from the
    model's features of every spike of the cluster on the two first shown channels."""
    c = user.c
    view = c.gui.get_view("FeatureView")
    assert view.cluster_ids == [cluster_id] and view.grid_dim[1][0] == "0A,1A"
    spike_ids = c.clustering.spikes_in_clusters([cluster_id])
    features = c.model.get_features(spike_ids, view.channel_ids[:2])[:, :, 0]
    bound = view._data.pc_bound / view.scaling
    xs = np.sort(features[:, 0])
    x0 = xs[len(xs) // 2 - 1:len(xs) // 2 + 1].mean() / bound  # between two spikes
    ndc = np.array([(x0, 0.98), (0.98, 0.98), (0.98, -0.98), (x0, -0.98)])
    w, h = view.canvas.get_size()
    box_w, box_h = w / 4, h / 4
    clicks = [((x + 1) / 2 * box_w, box_h * (1 + (1 - y) / 2)) for x, y in ndc]
    user.lasso(view, clicks)
    assert tuple(view.canvas.lasso.box) == (1, 0)
    expected = spike_ids[points_in_polygon(features, ndc * bound)]
    assert 0 < len(expected) < len(spike_ids)
    return expected


def _split(user, cluster_id, expected):
    """Split (``k``) the lassoed cluster: one new cluster holds exactly the `expected` spikes,
    the other one the rest. Return ``(inside, rest)``: the two new cluster ids."""
    clustering = user.c.clustering
    spikes = clustering.spikes_in_clusters([cluster_id])
    before = set(clustering.cluster_ids.tolist())
    user.key(Qt.Key_K)
    new = sorted(set(clustering.cluster_ids.tolist()) - before)
    assert cluster_id not in clustering.cluster_ids and len(new) == 2
    content = {x: clustering.spikes_in_clusters([x]) for x in new}
    inside = [x for x in new if np.array_equal(content[x], expected)]
    assert len(inside) == 1, (expected, content)
    rest = [x for x in new if x != inside[0]][0]
    assert np.array_equal(content[rest], np.setdiff1d(spikes, expected))
    return inside[0], rest


def _check_saved(dir_path, s, labels):
    """The files of a save match the live clustering `s` and the `labels` set."""
    spike_clusters = np.load(dir_path / "spike_clusters.npy")
    assert np.array_equal(spike_clusters, s.clustering.spike_clusters)
    cluster_ids = set(s.cluster_ids.tolist())
    groups = {r["cluster_id"]: r["group"] for r in read_tsv(dir_path / "cluster_group.tsv")}
    assert set(groups) <= cluster_ids
    assert groups == {c: s.cluster_meta.get("group", c) for c in cluster_ids
                      if s.cluster_meta.get("group", c) is not None}
    for name, values in labels.items():
        saved = {r["cluster_id"]: r[name] for r in read_tsv(dir_path / f"cluster_{name}.tsv")}
        assert saved == values, name
    info = read_tsv(dir_path / "cluster_info.tsv")
    assert [r["cluster_id"] for r in info] == sorted(cluster_ids)
    n_spikes = np.bincount(spike_clusters)
    for row in info:
        c = row["cluster_id"]
        assert row.get("group") == groups.get(c), c
        assert all(m in row for m in METRICS), row  # read_tsv skips the empty cells
        assert row["n_spikes"] == n_spikes[c]
    return groups


def _check_info_fresh(dir_path, s):
    """The saved ``cluster_info.tsv`` is, cell for cell, the cluster table recomputed by a new
    session `s` (so that no value was stale when it was saved)."""
    from phy.apps.template.saving import cluster_info_cell

    lines = (dir_path / "cluster_info.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    saved = {int(cells[0]): dict(zip(header, cells))
             for cells in (line.split("\t") for line in lines[1:])}
    fresh = {int(r["id"]): r for r in s.cluster_info}
    assert sorted(saved) == sorted(fresh)
    columns = set(s.columns) - {"id", "is_masked"}
    assert columns <= set(header)
    for cluster_id, row in fresh.items():
        for column in columns:
            assert saved[cluster_id][column] == cluster_info_cell(row.get(column)), (
                cluster_id, column)


# -------------------------------------------------------------------------------------------------
# Tests
# -------------------------------------------------------------------------------------------------

def test_curation_session(qtbot, dataset, make_controller, dialogs):
    c = make_controller(dataset)
    gui = c.create_gui(default_views=VIEWS)
    s = c.supervisor
    user = User(qtbot, c)
    user.show()
    # The first cluster is selected on a first start, and every view shows it.
    rows, similar_rows = s.wizard.cluster_rows, s.wizard.similarity_rows
    first = rows.first_id()
    assert s.selected == [first]
    _every_view_drew(gui)

    # Keyboard selection: the next best cluster and back, then the next one again and its two
    # most similar clusters (space twice) and back to the first similar one (shift+space).
    user.key(Qt.Key_Down)
    best = s.selected[0]
    assert best != first
    user.key(Qt.Key_Up)
    assert s.selected == [first]
    user.key(Qt.Key_Down)
    assert s.selected == [best]
    user.key(Qt.Key_Space)
    similar = similar_rows.first_id()
    assert s.selected == [best, similar]
    assert similar == max((x for x in s.cluster_ids.tolist() if x != best),
                          key=lambda x: dict(c.similarity_functions[c.similarity](best)).get(x, -1))
    user.key(Qt.Key_Space)
    assert s.selected[0] == best and s.selected[1] != similar
    user.key(Qt.Key_Space, Qt.ShiftModifier)
    assert s.selected == [best, similar]

    # Merge (g): the two clusters become a new one, selected.
    before = set(s.cluster_ids.tolist())
    n_merged = s.n_spikes(best) + s.n_spikes(similar)
    user.key(Qt.Key_G)
    merged = max(s.cluster_ids)
    assert set(s.cluster_ids.tolist()) == before - {best, similar} | {merged}
    assert s.n_spikes(merged) == n_merged and s.selected[0] == merged
    # Undo (ctrl+z) and redo (ctrl+shift+z) the merge: the same clusters, the same new id.
    user.key(Qt.Key_Z, Qt.ControlModifier)
    assert set(s.cluster_ids.tolist()) == before and s.selected == [best, similar]
    user.key(Qt.Key_Z, Qt.ShiftModifier | Qt.ControlModifier)
    assert set(s.cluster_ids.tolist()) == before - {best, similar} | {merged}

    # Label it good (alt+g), give it a custom label with a snippet.
    user.snippet(f"c {merged}")
    assert s.selected == [merged]
    user.key(Qt.Key_G, Qt.AltModifier)
    assert s.cluster_meta.get("group", merged) == "good"
    user.snippet(f"c {merged}")
    user.snippet("l quality 4.5")
    assert s.cluster_meta.get("quality", merged) == 4.5

    # Undo the label (ctrl+z), redo it (ctrl+y and ctrl+shift+z).
    user.key(Qt.Key_Z, Qt.ControlModifier)
    assert s.cluster_meta.get("quality", merged) is None
    user.key(Qt.Key_Y, Qt.ControlModifier)
    assert s.cluster_meta.get("quality", merged) == 4.5
    user.key(Qt.Key_Z, Qt.ControlModifier)
    user.key(Qt.Key_Z, Qt.ShiftModifier | Qt.ControlModifier)
    assert s.cluster_meta.get("quality", merged) == 4.5

    # Save (ctrl+s): the files hold the live clustering.
    user.key(Qt.Key_S, Qt.ControlModifier)
    assert not s.is_dirty()
    _check_saved(dataset, s, {"quality": {merged: 4.5}})

    # A lasso split in the amplitude view (k): the new clusters hold exactly the spikes inside
    # the polygon and the rest.
    target = max((x for x in s.cluster_ids.tolist() if x != merged), key=s.n_spikes)
    user.snippet(f"c {target}")
    labels_before = {f: s.get_labels(f) for f in s.fields}
    spikes = c.clustering.spikes_in_clusters([target])
    before = set(s.cluster_ids.tolist())
    inside, rest = _split(user, target, _amplitude_lasso(user, target))
    new = [inside, rest]
    for field in s.fields:  # the new clusters inherit the labels of the split cluster
        parent = labels_before[field].get(target)
        assert [s.cluster_meta.get(field, x) for x in new] == [parent, parent], field
    _every_view_drew(gui)
    # Undo the split (ctrl+z): the cluster is back, selected, drawn; redo it (ctrl+y).
    split = s.clustering.spike_clusters.copy()
    user.key(Qt.Key_Z, Qt.ControlModifier)
    assert set(s.cluster_ids.tolist()) == before and s.selected == [target]
    assert np.array_equal(c.clustering.spikes_in_clusters([target]), spikes)
    _every_view_drew(gui)
    user.key(Qt.Key_Y, Qt.ControlModifier)
    assert np.array_equal(s.clustering.spike_clusters, split)
    user.snippet(f"c {rest}")
    user.key(Qt.Key_N, Qt.AltModifier)  # rest: noise
    assert s.cluster_meta.get("group", rest) == "noise"

    # A lasso split in the feature view: the spikes of the merged cluster in a subplot; both
    # parts stay good, with its quality.
    user.snippet(f"c {merged}")
    halves = _split(user, merged, _feature_lasso(user, merged))
    quality = {x: 4.5 for x in halves}

    # Close: the prompt saves the changes.
    live = s.clustering.spike_clusters.copy()
    dialogs.answers.append("save")
    gui.close()
    assert not gui.isVisible()
    groups = _check_saved(dataset, s, {"quality": quality})
    assert [groups[x] for x in halves] == ["good", "good"] and groups[rest] == "noise"
    cluster_ids = s.cluster_ids.copy()
    c.close()
    assert [call.kind for call in dialogs.calls] == ["prompt"]

    # Re-open: exactly the saved clustering and labels, in a GUI where every view draws.
    c2 = make_controller(dataset)
    gui2 = c2.create_gui(default_views=VIEWS)
    s2 = c2.supervisor
    User(qtbot, c2).show()
    _every_view_drew(gui2)
    assert np.array_equal(s2.clustering.spike_clusters, live)
    assert np.array_equal(s2.cluster_ids, cluster_ids)
    assert {x: s2.cluster_meta.get("group", x) for x in cluster_ids.tolist()
            if s2.cluster_meta.get("group", x)} == groups
    assert {x: v for x, v in s2.get_labels("quality").items() if v is not None} == quality
    _check_info_fresh(dataset, s2)
    up = s2.merge(list(cluster_ids[:2]))
    assert up.added[0] > max(new + list(halves))  # the ids are never reused


def test_sorter_layout_in_gui(qtbot, layout_source, dataset_copy, make_controller, dialogs):
    """Each sorter's output opens in the GUI, every view draws, a merge is saved and re-read
    with every label of the sorter kept (and inherited by the merged cluster)."""
    name, src = layout_source
    dir_path = dataset_copy(src, name)
    c = make_controller(dir_path)
    gui = c.create_gui(default_views=VIEWS)
    s = c.supervisor
    user = User(qtbot, c)
    user.show()
    # Every view, but the template features when the sorter writes none (KiloSort 4, SI).
    missing = set(VIEWS) - {type(v).__name__ for v in gui.views}
    assert missing == set() if (src / "template_features.npy").exists() else {
        "TemplateFeatureView"}
    user.key(Qt.Key_Space)  # the first cluster and its most similar one
    assert len(s.selected) == 2
    _every_view_drew(gui)
    a, b = s.selected
    spikes = np.union1d(c.get_spike_ids(a), c.get_spike_ids(b))
    labels = {f: s.get_labels(f) for f in s.fields}
    user.key(Qt.Key_G)
    merged = max(s.cluster_ids)
    assert np.array_equal(c.get_spike_ids(merged), spikes)
    user.key(Qt.Key_S, Qt.ControlModifier)
    _check_saved(dir_path, s, {})
    gui.close()
    c.close()

    c2 = make_controller(dir_path)
    s2 = c2.create_supervisor()
    assert merged in s2.cluster_ids and np.array_equal(c2.get_spike_ids(merged), spikes)
    assert set(labels) <= set(s2.fields)
    for field, values in labels.items():
        kept = {x: v for x, v in values.items() if x in s2.cluster_ids and x != merged}
        assert {x: s2.cluster_meta.get(field, x) for x in kept} == kept, field
        parents = {values.get(a), values.get(b)} - {None}
        if len(parents) == 1:  # one value among the parents: the merged cluster has it
            assert s2.cluster_meta.get(field, merged) == parents.pop(), field
    _check_info_fresh(dir_path, s2)
