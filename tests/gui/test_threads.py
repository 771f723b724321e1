import logging
import threading

import pytest

from phy.gui.threads import Debouncer, Worker, call_reporting_errors, thread_pool

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


class FakeClock:
    """A monotonic clock (in nanoseconds) that only moves when told to."""

    def __init__(self):
        self.now = 10**12

    def __call__(self):
        return self.now

    def advance_ms(self, ms):
        self.now += round(ms * 10**6)


@pytest.fixture
def clock(monkeypatch):
    import phy.gui.threads as threads

    clock = FakeClock()
    monkeypatch.setattr(threads.time, "monotonic_ns", clock)
    return clock


def test_debouncer_runs_only_strictly_after_delay(qtbot, clock):
    """The timer fires (in real time) but the delay has not passed (on the clock): no run."""
    calls = []
    d = Debouncer(delay=20)
    d.submit(calls.append, 0)  # first submission: at once
    clock.advance_ms(1)
    d.submit(calls.append, 1)
    clock.advance_ms(20)  # exactly the delay since the last submission: not more
    qtbot.wait(100)  # the Qt timer fired, maybe several times
    assert calls == [0] and d.is_waiting
    clock.advance_ms(0.5)
    qtbot.waitUntil(lambda: calls == [0, 1])
    assert not d.is_waiting


def test_debouncer_first_submit_after_quiet_period_runs_at_once(qtbot, clock):
    calls = []
    d = Debouncer(delay=200)
    d.submit(calls.append, 0)
    clock.advance_ms(200)  # not quiet yet (exactly the delay)
    d.submit(calls.append, 1)
    assert calls == [0]
    clock.advance_ms(200.1)
    d.submit(calls.append, 2)  # quiet period: runs at once (replacing the pending job 1)
    assert calls == [0, 2] and not d.is_waiting
    clock.advance_ms(200.1)
    d.submit(calls.append, 3)
    assert calls == [0, 2, 3]


def test_debouncer_held_key_runs_first_and_last_once(qtbot, clock):
    """A key held down (a repeat every 30 ms) runs its first and last job, each once."""
    calls = []
    d = Debouncer(delay=200)
    for i in range(30):
        d.submit(calls.append, i)
        clock.advance_ms(30)
        qtbot.wait(5)  # let the Qt timer fire early if it wants to
    assert calls == [0]
    clock.advance_ms(200)
    qtbot.waitUntil(lambda: not d.is_waiting)
    qtbot.wait(50)
    assert calls == [0, 29]


def test_debouncer_timer_errors_are_logged(qtbot, clock, caplog):
    def fail():
        raise RuntimeError("debounced failure")

    d = Debouncer(delay=20)
    d.submit(lambda: None)
    d.submit(fail)
    clock.advance_ms(21)
    with caplog.at_level(logging.ERROR, logger="phy.gui.threads"):
        qtbot.waitUntil(lambda: not d.is_waiting)  # raised in a timer slot: logged, not raised
    assert "debounced failure" in caplog.text


def test_stop_waiting_ignores_the_delay(qtbot, clock):
    calls = []
    d = Debouncer(delay=20)
    d.submit(calls.append, 0)
    d.submit(calls.append, 1)
    d.stop_waiting(0)  # the clock does not move: runs anyway
    qtbot.waitUntil(lambda: calls == [0, 1])


def test_call_reporting_errors(caplog):
    shown = []
    with caplog.at_level(logging.ERROR, logger="phy.gui.threads"):
        assert call_reporting_errors(lambda x: x + 1, 1) == 2
        assert call_reporting_errors(lambda: 1 / 0, what="the division", show=shown.append) is None
    assert shown == ["Error in the division: division by zero"]
    assert caplog.records[-1].exc_info is not None


def test_debouncer_executions_are_more_than_delay_apart(qtbot, clock):
    """phy 2's debouncer scenario: a burst shortly after an execution waits for the delay."""
    calls = []
    d = Debouncer(delay=250)
    d.submit(calls.append, 0)
    d.submit(calls.append, 1)
    clock.advance_ms(251)
    qtbot.waitUntil(lambda: calls == [0, 1])
    clock.advance_ms(149)  # 400 ms after the first submission, 149 ms after an execution
    for i in range(2, 2000):
        d.submit(calls.append, i)
    assert calls == [0, 1]
    clock.advance_ms(251)
    qtbot.waitUntil(lambda: calls == [0, 1, 1999])


def test_thread_pool_runs_more_workers_than_cores(qtbot):
    """A view waiting on a disk read does not hold back the others (2-core machines)."""
    from phy.gui.threads import MIN_THREADS

    assert MIN_THREADS >= 4 and thread_pool().maxThreadCount() >= MIN_THREADS
    release, started = threading.Event(), []

    def blocked(i):
        started.append(i)
        release.wait(10)

    for i in range(4):
        thread_pool().start(Worker(blocked, i))
    qtbot.waitUntil(lambda: len(started) == 4, timeout=5000)  # all four run at once
    release.set()
    assert thread_pool().waitForDone(5000)
