import logging
import threading

import pytest

from phy.gui.threads import Debouncer, Worker, thread_pool

LONG_DELAY = 60_000  # ms: jobs submitted in a row always fall within it.


def test_worker_result_in_thread_pool(qtbot):
    worker = Worker(lambda a, b=0: (a + b, threading.get_ident()), 2, b=3)
    with qtbot.waitSignals([worker.signals.result, worker.signals.finished]) as blocker:
        thread_pool().start(worker)
    result, thread_id = blocker.all_signals_and_args[0].args[0]
    assert result == 5
    assert thread_id != threading.get_ident()


def test_worker_error(qtbot, caplog):
    def fail():
        raise ValueError("boom")

    worker = Worker(fail)
    errors = []
    worker.signals.error.connect(errors.append)
    with caplog.at_level(logging.ERROR, logger="phy.gui.threads"):
        with qtbot.waitSignal(worker.signals.finished):
            thread_pool().start(worker)
    assert isinstance(errors[0], ValueError)
    assert "boom" in caplog.text


def test_worker_run_directly(qapp):
    out = []
    Worker(out.append, 1).run()
    assert out == [1]


def test_debouncer_first_then_last(qtbot):
    calls = []
    d = Debouncer(delay=LONG_DELAY)
    for i in range(10):
        d.submit(calls.append, i)
    assert calls == [0]  # the first call runs at once
    assert d.is_waiting
    d.trigger()
    assert calls == [0, 9]  # then only the last one
    assert not d.is_waiting


def test_debouncer_keys(qtbot):
    calls = []
    d = Debouncer(delay=LONG_DELAY)
    d.submit(calls.append, "first")
    d.submit(calls.append, "a1", key="a")
    d.submit(calls.append, "b1", key="b")
    d.submit(calls.append, "a2", key="a")
    d.trigger()
    assert calls == ["first", "b1", "a2"]


def test_debouncer_stop_waiting(qtbot):
    calls = []
    d = Debouncer(delay=LONG_DELAY)
    d.submit(calls.append, 0)
    d.submit(calls.append, 1)
    d.stop_waiting(0)
    qtbot.waitUntil(lambda: calls == [0, 1])


def test_debouncer_timer_runs_pending(qtbot):
    calls = []
    d = Debouncer(delay=20)
    d.submit(calls.append, 0)
    d.submit(calls.append, 1)
    qtbot.waitUntil(lambda: calls == [0, 1])


def test_debouncer_stop(qtbot):
    calls = []
    d = Debouncer(delay=LONG_DELAY)
    d.submit(calls.append, 0)
    d.submit(calls.append, 1)
    d.stop()
    d.trigger()
    assert calls == [0]


def test_debouncer_errors(qtbot):
    calls = []

    def fail(x):
        raise RuntimeError(x)

    d = Debouncer(delay=LONG_DELAY)
    d.submit(calls.append, 0)
    d.submit(fail, "first error", key="f")
    d.submit(calls.append, 1)
    with pytest.raises(RuntimeError, match="first error"):
        d.trigger()
    assert calls == [0, 1]
