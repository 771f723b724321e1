"""Busy state and progress of the controller's GUI: status bar messages and busy cursor."""

import logging

import pytest

from phy.apps.template import spikes
from phy.apps.template.model import load_model
from phy.utils import bus_events as ev
from phy.utils import connect, emit


def _override_cursor():
    from phy.gui.qt import QApplication

    cursor = QApplication.overrideCursor()
    return cursor.shape() if cursor is not None else None


def _gui(qtbot, c):
    gui = c.create_gui(default_views=["ProbeView"])
    with qtbot.waitExposed(gui):
        gui.show()
    return gui


def test_save_shows_then_clears_status(qtbot, synthetic_dir, make_controller, monkeypatch):
    from phy.gui.qt import Qt

    c = make_controller(synthetic_dir)
    gui = _gui(qtbot, c)
    monkeypatch.setattr(c, "status_timeout", 100)
    messages, cursors = [], []
    gui.statusBar().messageChanged.connect(messages.append)
    save_curation = c.model.save_curation

    def save(*args, **kwargs):
        cursors.append(_override_cursor())
        messages.append(f"current: {gui.status_message}")
        save_curation(*args, **kwargs)

    monkeypatch.setattr(c.model, "save_curation", save)
    c.supervisor.merge([1, 2])
    gui.file_actions.get("save").trigger()
    folder = str(c.dir_path)
    n = len(c.supervisor.cluster_ids)
    assert cursors == [Qt.WaitCursor]  # busy while saving
    assert messages[:3] == [f"Saving the clustering to {folder}...",
                            f"current: Saving the clustering to {folder}...",
                            f"Saved {n} clusters to {folder}."]
    assert _override_cursor() is None
    qtbot.waitUntil(lambda: gui.status_message == "", timeout=2000)


def test_busy_restored_after_error(qtbot, synthetic_dir, make_controller, monkeypatch):
    from phy.gui.qt import Qt

    c = make_controller(synthetic_dir)
    gui = _gui(qtbot, c)
    with pytest.raises(RuntimeError, match="boom"):
        with c.busy("Working..."):
            assert _override_cursor() == Qt.WaitCursor
            assert gui.status_message == "Working..."
            raise RuntimeError("boom")
    assert _override_cursor() is None and gui.status_message == ""
    # A long clustering action (merge) that raises: the error is shown, the cursor restored.
    seen = []

    def merge(*args, **kwargs):
        seen.append(_override_cursor())
        raise RuntimeError("merge failed")

    monkeypatch.setattr(c.supervisor, "merge", merge)
    c.supervisor.actions.edit.get("merge").trigger()
    assert seen == [Qt.WaitCursor] and _override_cursor() is None
    assert "merge failed" in gui.status_message


def test_progress_in_status_bar(qtbot, synthetic_dir, make_controller, monkeypatch):
    c = make_controller(synthetic_dir)
    gui = _gui(qtbot, c)
    monkeypatch.setattr(c, "status_timeout", 100)
    emit(ev.PROGRESS, None, "Grouping the spikes by cluster: 40%", 0.4)
    assert gui.status_message == "Grouping the spikes by cluster: 40%"
    emit(ev.PROGRESS, None, "Grouping the spikes by cluster: done", 1.0)
    assert gui.status_message == "Grouping the spikes by cluster: done"
    qtbot.waitUntil(lambda: gui.status_message == "", timeout=2000)


def test_first_open_logs_progress(synthetic_dir, monkeypatch, caplog):
    monkeypatch.setattr(spikes, "CHUNK_SIZE", 100)  # 2000 spikes: 20 chunks, a "large" one
    events = []
    connect(lambda sender, text, fraction: events.append(text), event=ev.PROGRESS)
    with caplog.at_level(logging.INFO):
        model = load_model(synthetic_dir / "params.py")
        model.get_cluster_spikes(0)  # the grouping by cluster, on first use
    model.close()
    for step in ("Checking spike_times.npy", "Checking spike_clusters.npy",
                 "Grouping the spikes by template"):
        assert f"{step}: 0%" in caplog.messages and f"{step}: 50%" in caplog.messages, step
        assert f"{step}: done" in events, step
