"""Qt events as canvas events, without OpenGL (phy/plot/canvas_events.py)."""

import logging

from phy.gui.qt import QEvent, QKeyEvent, QPoint, QPointF, Qt, QWheelEvent
from phy.plot.canvas_events import CanvasEventsMixin, key_name, qt_guarded


class Recorder(CanvasEventsMixin):
    """The mixin on a plain object: records what it emits."""

    def __init__(self):
        self._press_pos = self._last_pos = None
        self.emitted, self.updates, self.error_message = [], 0, None

    def emit(self, name, **kwargs):
        self.emitted.append((name, kwargs))

    def update(self):
        self.updates += 1

    @qt_guarded
    def failing(self):
        raise RuntimeError("boom")


def test_key_names():
    assert key_name(Qt.Key_F5) == "F5" and key_name(Qt.Key_Plus) == "+"
    assert key_name(Qt.Key_A) == "A" and key_name(Qt.Key_Exclam, "!") == "!"
    assert key_name(Qt.Key_Exclam) is None


def test_key_and_wheel_events_emitted(qapp):
    r = Recorder()
    r.keyPressEvent(QKeyEvent(QEvent.KeyPress, Qt.Key_R, Qt.ShiftModifier, "R"))
    assert r.emitted[-1] == ("key_press", {"key": "R", "modifiers": ("Shift",), "text": "R"})
    r.wheelEvent(QWheelEvent(QPointF(10, 20), QPointF(10, 20), QPoint(0, 0), QPoint(0, 240),
                             Qt.NoButton, Qt.AltModifier, Qt.NoScrollPhase, False))
    name, kwargs = r.emitted[-1]
    assert name == "mouse_wheel" and kwargs["delta"] == (0.0, 2.0)
    assert kwargs["pos"] == (10.0, 20.0) and kwargs["modifiers"] == ("Alt",)


def test_guarded_override_reports_instead_of_raising(qapp, monkeypatch, caplog):
    import phy.plot.canvas_events as ce

    reported = []
    monkeypatch.setattr(ce, "report_exception",
                        lambda e, message, logger=None: reported.append((e, message)))
    r = Recorder()
    with caplog.at_level(logging.ERROR):
        assert r.failing() is None  # no exception into Qt
    assert "boom" in r.error_message and r.updates == 1  # shown over the canvas
    assert isinstance(reported[0][0], RuntimeError) and "Recorder.failing" in reported[0][1]
