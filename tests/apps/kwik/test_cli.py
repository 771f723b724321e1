"""``phy kwik-describe`` and ``phy kwik-gui``."""

from click.testing import CliRunner

import phy.apps.kwik
from phy.apps import phycli


def test_kwik_describe(real_kwik):
    result = CliRunner().invoke(phycli, ["kwik-describe", str(real_kwik)])
    assert result.exit_code == 0, result.output
    assert "Spikes                  1653" in result.output
    assert "Clusterings             main*, original" in result.output
    result = CliRunner().invoke(phycli, ["kwik-describe", str(real_kwik), "--clustering", "x"])
    assert result.exit_code == 1 and "No clustering 'x'" in result.output


def test_kwik_gui(synthetic_kwik, monkeypatch):
    calls = []
    monkeypatch.setattr(phy.apps.kwik, "kwik_gui", lambda *a, **k: calls.append((a, k)))
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    args = ["kwik-gui", str(synthetic_kwik), "--channel-group", "1", "--clustering", "original"]
    result = CliRunner().invoke(phycli, args)
    assert result.exit_code == 0, result.output
    assert calls == [((str(synthetic_kwik),), dict(
        channel_group=1, clustering="original", clear_cache=False))]
    result = CliRunner().invoke(phycli, ["kwik-gui", str(synthetic_kwik), "--channel-group", "7"])
    assert result.exit_code == 1 and "No channel group 7" in result.output and not calls[1:]
