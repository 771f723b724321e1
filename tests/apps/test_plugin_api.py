"""What the controller gives phy 2 plugins while they are attached, and ``controller_ready``."""

import sys

import pytest

PLUGIN = '''
from phy import IPlugin, connect

SEEN = []
LIVE = []


class ProbePlugin(IPlugin):
    def attach_to_controller(self, controller):
        SEEN.append(dict(
            context=controller.context, supervisor=controller.supervisor,
            metrics=sorted(controller.cluster_metrics),
            similarities=list(controller.similarity_functions),
            similarity=controller.similarity, views=set(controller.view_creator)))
        def twice_fr(cluster_id):
            LIVE.append(controller.clustering is not None)  # the rows read the live clustering
            return 2 * controller.get_mean_firing_rate(cluster_id)

        controller.cluster_metrics['twice_fr'] = twice_fr

        @connect
        def on_controller_ready(sender):
            SEEN.append(('ready', sender, sorted(sender.cluster_metrics), sender.supervisor))
'''


def test_plugin_sees_the_controller_api(synthetic_dir, make_controller, config_dir):
    (config_dir / "plugins").mkdir()
    (config_dir / "plugins" / "probe_plugin.py").write_text(PLUGIN)
    (config_dir / "phy_config.py").write_text(
        "c = get_config()\nc.TemplateGUI.plugins = ['ProbePlugin']\n")
    c = make_controller(synthetic_dir)
    module = next(m for name, m in sys.modules.items() if name.endswith("_probe_plugin"))
    attached, ready = module.SEEN
    assert attached["context"] is c.context and c.context.cache_dir == synthetic_dir / ".phy"
    assert attached["supervisor"] is None
    assert attached["metrics"] == ["amp", "ch", "depth", "fr", "sh"]
    assert attached["similarities"] == ["peak_channel", "template"]
    assert attached["similarity"] == "template"
    assert {"WaveformView", "TemplateView", "ProbeView"} <= attached["views"]
    # The supervisor exists when the controller is ready (as in phy 2), with the plugin's column.
    s = c.supervisor
    assert ready == ("ready", c, ["amp", "ch", "depth", "fr", "sh", "twice_fr"], s)
    assert s is not None and c.create_supervisor() is s
    assert module.LIVE and all(module.LIVE)  # even for the first rows, made with the supervisor
    assert "twice_fr" in s.columns
    row = {r["id"]: r for r in s.cluster_info}[0]
    assert row["twice_fr"] == pytest.approx(2 * row["fr"])


def test_similarity_name(synthetic_dir, make_controller):
    c = make_controller(synthetic_dir)
    with pytest.raises(ValueError, match="Unknown similarity 'nope'"):
        c.similarity = "nope"
    s = c.create_supervisor()
    s.select(0)
    assert s.wizard.similarity_rows.sorted_ids()[0] == c.template_similarity(0)[0][0]
    c.similarity = "peak_channel"  # the similarity view is made again
    shown = s.wizard.similarity_rows.sorted_ids()
    values = [s.wizard.similarity_rows.get(i)["similarity"] for i in shown]
    assert values == sorted(values, reverse=True)
    assert sorted(values) == sorted(v for _, v in c.peak_channel_similarity(0))
