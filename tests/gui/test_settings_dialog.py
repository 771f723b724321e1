"""Tests of the declared settings (phy.gui.settings) and of the settings dialog."""

import pytest

from phy.gui.qt import QCheckBox, QComboBox, QDialogButtonBox, QDoubleSpinBox, QSpinBox
from phy.gui.settings import Setting, apply_settings
from phy.gui.settings_dialog import SettingsDialog


class Histogram:
    """An object with settings of every kind: a bin size in seconds set through a method in ms,
    a window that must stay larger than the bin, a tuple, a choice, a toggle."""

    unit = "ms"
    settings = (
        Setting("bin_size", "Bin size ({unit})", float, 0.001, 1000, scale=1e3,
                setter="set_bin"),
        Setting("window", "Window ({unit})", float, 0.01, 1e4, scale=1e3, setter="set_window"),
        Setting("n_spikes", "Spikes shown", int, 1, 1000),
        Setting("box", "Box width", float, 0.1, 10, index=0, update="redraw"),
        Setting("box", "Box height", float, 0.1, 10, index=1, update="redraw"),
        Setting("kind", "Kind", str, choices=lambda obj: obj.kinds, update="plot"),
        Setting("labels", "Show labels", bool, setter="toggle_labels"),
    )

    def __init__(self):
        self.bin_size, self.window, self.n_spikes = 1e-3, 50e-3, 100
        self.box, self.kind, self.kinds, self.labels = (1.0, 1.0), "a", ["a", "b"], True
        self.calls = []

    def set_bin(self, ms):
        if not ms * 1e-3 < self.window:
            raise ValueError("the bin must be smaller than the window")
        self.bin_size = ms * 1e-3
        self.calls.append("set_bin")

    def set_window(self, ms):
        if not ms * 1e-3 > self.bin_size:
            raise ValueError("the window must be larger than the bin")
        self.window = ms * 1e-3
        self.calls.append("set_window")

    def toggle_labels(self, checked):
        self.labels = checked
        self.calls.append("toggle_labels")

    def plot(self):
        self.calls.append("plot")

    def redraw(self):
        self.calls.append("redraw")


def test_setting_get_set_in_shown_units():
    obj = Histogram()
    bin_size, window, n_spikes, width, height, kind, labels = Histogram.settings
    assert bin_size.get(obj) == pytest.approx(1.0) and bin_size.text(obj) == "Bin size (ms)"
    bin_size.set(obj, 2)
    assert obj.bin_size == pytest.approx(2e-3) and obj.calls == ["set_bin"]
    assert (width.key, height.key) == ("box[0]", "box[1]")
    height.set(obj, 3)
    assert obj.box == (1.0, 3.0) and height.get(obj) == 3.0
    assert n_spikes.get(obj) == 100 and isinstance(n_spikes.get(obj), int)
    assert kind.options(obj) == ["a", "b"]
    assert labels.persisted_by == ("labels",)


def test_setting_declaration_errors():
    with pytest.raises(ValueError, match="kind"):
        Setting("x", "X", list)
    with pytest.raises(ValueError, match="choices"):
        Setting("x", "X", str)
    with pytest.raises(ValueError, match="update"):
        Setting("x", "X", update="draw")


def test_apply_settings_order_updates_and_rollback():
    obj = Histogram()
    # A bin larger than the old window: refused first, accepted once the window is set.
    applied = apply_settings(obj, obj.settings, {"bin_size": 60, "window": 200, "box[1]": 2})
    assert [s.key for s in applied] == ["window", "box[1]", "bin_size"]
    assert (obj.bin_size, obj.window, *obj.box) == pytest.approx((0.06, 0.2, 1.0, 2.0))
    assert obj.calls == ["set_window", "set_bin", "redraw"]
    obj.calls.clear()
    apply_settings(obj, obj.settings, {"kind": "b", "box[0]": 2})
    assert obj.calls == ["plot"]  # once, and a plot covers the redraw
    # Still refused after the others: nothing changes and the message names the setting.
    with pytest.raises(ValueError, match=r"Bin size \(ms\): the bin must be smaller"):
        apply_settings(obj, obj.settings, {"n_spikes": 5, "bin_size": 500})
    assert obj.n_spikes == 100 and obj.bin_size == pytest.approx(0.06)
    with pytest.raises(ValueError, match="no setting 'nope'"):
        apply_settings(obj, obj.settings, {"nope": 1})


def _button(dialog, which):
    return dialog.buttons.button(which)


def test_dialog_fields_prefilled(qtbot):
    obj = Histogram()
    dialog = SettingsDialog(obj, obj.settings, title="Histogram settings")
    qtbot.addWidget(dialog)
    kinds = {key: type(dialog.widget(key)) for key in dialog.values()}
    assert kinds == {"bin_size": QDoubleSpinBox, "window": QDoubleSpinBox, "n_spikes": QSpinBox,
                     "box[0]": QDoubleSpinBox, "box[1]": QDoubleSpinBox, "kind": QComboBox,
                     "labels": QCheckBox}
    assert dialog.values() == pytest.approx(
        {"bin_size": 1.0, "window": 50.0, "n_spikes": 100, "box[0]": 1.0, "box[1]": 1.0,
         "kind": "a", "labels": True})
    assert dialog.widget("bin_size").minimum() == 0.001
    assert dialog.widget("n_spikes").maximum() == 1000
    assert dialog.windowTitle() == "Histogram settings" and not dialog.isModal()
    assert dialog.changes() == {}
    with pytest.raises(ValueError, match="not a choice"):
        dialog.set_value("kind", "c")
    with pytest.raises(ValueError, match="No setting 'x'"):
        dialog.widget("x")


def test_dialog_ok_applies_changed_fields_only(qtbot):
    obj = Histogram()
    dialog = SettingsDialog(obj, obj.settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_value("n_spikes", 20)
    dialog.set_value("labels", False)
    dialog.set_value("kind", "b")
    assert dialog.changes() == {"n_spikes": 20, "labels": False, "kind": "b"}
    with qtbot.waitSignal(dialog.accepted):
        _button(dialog, QDialogButtonBox.Ok).click()
    assert (obj.n_spikes, obj.labels, obj.kind) == (20, False, "b")
    assert obj.calls == ["toggle_labels", "plot"]  # the bin and window were not set again
    assert not dialog.isVisible()


def test_dialog_cancel_changes_nothing(qtbot):
    obj = Histogram()
    dialog = SettingsDialog(obj, obj.settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_value("bin_size", 5)
    dialog.set_value("labels", False)
    with qtbot.waitSignal(dialog.rejected):
        _button(dialog, QDialogButtonBox.Cancel).click()
    assert obj.bin_size == pytest.approx(1e-3) and obj.labels and obj.calls == []


def test_dialog_refused_value_shown_and_stays_open(qtbot):
    obj = Histogram()
    dialog = SettingsDialog(obj, obj.settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_value("bin_size", 80)
    dialog.set_value("n_spikes", 7)
    _button(dialog, QDialogButtonBox.Ok).click()
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "must be smaller" in dialog.error_label.text()
    assert obj.bin_size == pytest.approx(1e-3) and obj.n_spikes == 100
    # Fixed by the user: OK now applies both.
    dialog.set_value("window", 100)
    with qtbot.waitSignal(dialog.accepted):
        _button(dialog, QDialogButtonBox.Ok).click()
    assert (obj.bin_size, obj.window, obj.n_spikes) == pytest.approx((0.08, 0.1, 7))


def test_dialog_unexpected_error_logged_and_shown(qtbot, caplog):
    obj = Histogram()

    def broken(changes):
        raise KeyError("disk full")

    dialog = SettingsDialog(obj, obj.settings, apply=broken)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_value("n_spikes", 3)
    _button(dialog, QDialogButtonBox.Ok).click()
    assert dialog.isVisible() and "disk full" in dialog.error_label.text()
    assert "Could not apply the settings" in caplog.text
