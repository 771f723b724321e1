"""The example plugins of ``docs/plugins/``, loaded by the real plugin machinery, each tested.

Each test writes a ``phy_config.py`` activating one example (``c.TemplateGUI.plugins``) and
pointing ``c.Plugins.dirs`` at ``docs/plugins/``, opens a Template GUI on a copy of the real
sample dataset, and checks what the plugin does in the GUI.
"""

import re
from pathlib import Path

import numpy as np
import pytest

from ..cluster.views.conftest import pixels

#: The example plugins of the documentation.
DOCS_PLUGINS = Path(__file__).resolve().parents[2] / "docs" / "plugins"


@pytest.fixture
def open_gui(qtbot, qapp, config_dir, phy_data, dataset_copy, monkeypatch):
    """``open_gui(plugin)``: a shown Template GUI with one example plugin activated."""
    from phy.apps.template import TemplateController
    from phy.cluster.tables import ClusterView
    from phy.gui.threads import thread_pool

    from ..conftest import flush_deletions

    monkeypatch.setattr(ClusterView, "implementation", "native")
    made = []

    def open_(plugin):
        (config_dir / "phy_config.py").write_text(
            f"c = get_config()\nc.TemplateGUI.plugins = [{plugin!r}]\n"
            f"c.Plugins.dirs = [{str(DOCS_PLUGINS)!r}]\n")
        controller = TemplateController(
            dir_path=dataset_copy(phy_data / "template"), config_dir=config_dir,
            enable_threading=False)
        made.append(controller)
        assert [type(p).__name__ for p in controller.plugins] == [plugin]
        gui = controller.create_gui(default_views=["ProbeView"])
        gui.resize(1200, 800)
        with qtbot.waitExposed(gui):
            gui.show()
        return controller, gui

    yield open_
    thread_pool().waitForDone()
    for controller in made:
        controller.gui.close()
        controller.gui.deleteLater()
        controller.close()
    flush_deletions(qapp)


def _model_spike_times(controller, cluster_id):
    m = controller.model
    return np.asarray(m.spike_times)[np.asarray(m.spike_clusters) == cluster_id]


def _select(qtbot, controller, cluster_ids):
    s = controller.supervisor
    s.select(list(cluster_ids))
    s.block()
    qtbot.waitUntil(lambda: not any(getattr(v, "is_busy", False) for v in controller.gui.views))


def test_cluster_metric(open_gui):
    c, gui = open_gui("ExampleClusterMetricsPlugin")
    s = c.supervisor
    assert "meanisi" in s.columns

    def expected(cluster_id, times):
        return np.diff(times).mean() if len(times) >= 2 else 0

    rows = {r["id"]: r for r in s.cluster_info}
    assert set(rows) == set(np.unique(c.model.spike_clusters).tolist())
    for cluster_id, row in rows.items():
        assert row["meanisi"] == pytest.approx(
            expected(cluster_id, _model_spike_times(c, cluster_id))), cluster_id
    # The column follows the live clusters: a merged cluster gets its own value.
    a, b = sorted(rows)[:2]
    new = s.merge([a, b]).added[0]
    times = np.sort(np.r_[_model_spike_times(c, a), _model_spike_times(c, b)])
    merged = {r["id"]: r for r in s.cluster_info}[new]
    assert merged["meanisi"] == pytest.approx(expected(new, times))


def test_custom_view(qtbot, open_gui):
    c, gui = open_gui("ExampleSpikeCountViewPlugin")
    view = gui.get_view("SpikeCountView")
    assert view in gui.views
    assert "add_SpikeCountView" in gui.view_actions  # View > new SpikeCountView
    ids = sorted(c.supervisor.cluster_ids.tolist())[:2]
    _select(qtbot, c, ids)
    assert view.cluster_ids == ids and view.canvas.stacked.n_boxes == 2
    drawn = pixels(view).drawn()
    assert drawn.sum() > 50
    # One row per cluster: something drawn in the top half and in the bottom half.
    h = drawn.shape[0]
    assert drawn[:h // 2].sum() > 10 and drawn[h // 2:].sum() > 10


def test_custom_action(open_gui, dialogs):
    c, gui = open_gui("ExampleSelectBigClustersPlugin")
    s = c.supervisor
    counts = np.bincount(np.asarray(c.model.spike_clusters))

    def big(n):
        return set(np.flatnonzero(counts >= n).tolist())

    action = s.actions.edit.get("select_big_clusters")
    assert action.shortcut().toString() == "Ctrl+Alt+N"
    dialogs.answers.append("10")  # the prompt of the shortcut
    action.trigger()
    s.block()
    assert set(s.selected) == big(10) and len(big(10)) > 1
    assert gui.status_message == f"{len(big(10))} clusters with >= 10 spikes."
    gui.snippets.run(":nb 12")  # the snippet
    s.block()
    assert set(s.selected) == big(12)
    assert big(12) != big(10)


def test_custom_similarity(qtbot, open_gui):
    c, gui = open_gui("ExampleFiringRateSimilarityPlugin")
    s = c.supervisor
    assert c.similarity == "firing_rate"
    assert list(c.similarity_functions) == ["peak_channel", "template", "firing_rate"]
    select = s.actions.select
    assert select.get("similarity_firing_rate").isChecked()
    assert not select.get("similarity_template").isChecked()
    counts = np.bincount(np.asarray(c.model.spike_clusters))
    cluster_id = int(np.argmax(counts))
    _select(qtbot, c, [cluster_id])

    def shown():
        return [i for i in s.wizard.similarity_rows.sorted_ids()]

    distance = [abs(int(counts[i]) - int(counts[cluster_id])) for i in shown()]
    assert len(distance) == len(s.cluster_ids) - 1 and distance == sorted(distance)
    # Select > Similarity > template: the similarity view shows the template similarity.
    select.get("similarity_template").trigger()
    assert c.similarity == "template" and select.get("similarity_template").isChecked()
    assert not select.get("similarity_firing_rate").isChecked()
    values = [s.wizard.similarity_rows.get(i)["similarity"] for i in shown()]
    assert shown()[0] == c.template_similarity(cluster_id)[0][0]
    assert values == sorted(values, reverse=True)


def test_plugins_md_excerpts_are_the_examples_code():
    """Every example file is linked from docs/plugins.md, and every Python block of its
    Examples section is a verbatim excerpt of the example it follows."""
    text = (DOCS_PLUGINS.parent / "plugins.md").read_text()
    examples = text[text.index("## Examples"):]
    files = sorted(p.name for p in DOCS_PLUGINS.glob("*.py"))
    assert len(files) == 4
    for section in examples.split("\n### ")[1:]:
        linked = re.findall(r"\(plugins/(\w+\.py)\)", section)
        assert len(linked) == 1 and linked[0] in files, section[:80]
        files.remove(linked[0])
        code = (DOCS_PLUGINS / linked[0]).read_text()
        blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
        assert blocks, linked[0]
        for block in blocks:
            assert block in code, f"{linked[0]}: the excerpt is not the file's code:\n{block}"
    assert files == []
