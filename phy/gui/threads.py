"""Background work and debouncing in a Qt application.

* :class:`Worker` wraps a Python function into a task for the Qt thread pool; its ``signals``
  report the result (or the error) back to the GUI thread.
* :class:`Debouncer` executes bursts of function calls (for example one per row selected in a
  table) at most once per delay, keeping only the last call of each kind.
* :func:`call_reporting_errors` calls a function from Qt (a slot, a timer, an event filter):
  an exception is logged and shown, never propagated into Qt.
"""

import logging
import time
import traceback

from .qt import QObject, QRunnable, Qt, QThreadPool, QTimer, pyqtSignal

logger = logging.getLogger(__name__)


def call_reporting_errors(f, *args, what=None, log=None, show=None, **kwargs):
    """Call ``f(*args, **kwargs)``; an exception is logged and shown instead of raised.

    Used wherever Qt calls Python code (slots, timers, event filters): an exception escaping
    there would abort the process or be lost.

    Parameters
    ----------
    f : function
    *args, **kwargs : arguments of the call
    what : str
        What is called, for the message (``'the action Clustering.merge'``); the function's
        name by default.
    log : logging.Logger
        The logger receiving the error, with the traceback (this module's by default).
    show : function
        Called with the one-line error message (for example to show it in a status bar).

    Returns
    -------
    result : object
        What `f` returned, or None if it raised.

    """
    try:
        return f(*args, **kwargs)
    except Exception as e:
        message = f"Error in {what or getattr(f, '__name__', repr(f))}: {e}"
        (log or logger).error(message, exc_info=True)
        if show is not None:
            show(message)
        return None


class WorkerSignals(QObject):
    """Signals emitted by a :class:`Worker`, received in the thread owning this object.

    ``result(object)``: the return value of the function, on success.
    ``error(object)``: the exception raised by the function, on failure.
    ``finished()``: emitted last, in both cases.
    """

    result = pyqtSignal(object)
    error = pyqtSignal(object)
    finished = pyqtSignal()


class Worker(QRunnable):
    """A task (a Python function call) running in the thread pool.

    Parameters
    ----------
    fn : function
    *args : function positional arguments
    **kwargs : function keyword arguments

    Examples
    --------
    >>> w = Worker(print, "hello world")
    >>> w.signals.finished.connect(lambda: print("done"))  # doctest: +SKIP
    >>> thread_pool().start(w)  # doctest: +SKIP

    """

    def __init__(self, fn, *args, **kwargs):
        super().__init__()
        self.fn = fn
        self.args = args
        self.kwargs = kwargs
        self.signals = WorkerSignals()

    def run(self):
        """Run the task in a background thread.

        Should not be called directly unless you want to bypass the thread pool. An exception
        raised by the function is logged with its traceback and emitted by ``signals.error``.
        """
        try:
            result = self.fn(*self.args, **self.kwargs)
        except Exception as e:
            logger.error(
                "Error in the background task %s:\n%s",
                getattr(self.fn, "__name__", self.fn), traceback.format_exc())
            self.signals.error.emit(e)
        else:
            self.signals.result.emit(result)
        finally:
            self.signals.finished.emit()


#: Threads of the pool at least: the views' ``prepare`` calls often wait on disk reads (the
#: features of a cluster from a cold page cache), so that one view's read must not hold back
#: the other views as it would with one thread per core on a 2-core machine.
MIN_THREADS = 8


def thread_pool():
    """Return the ``QThreadPool`` instance that can ``start()`` :class:`Worker` instances.

    It runs :data:`MIN_THREADS` workers at once at least.

    Examples
    --------
    >>> w = Worker(print, "hello world")
    >>> thread_pool().start(w)  # doctest: +SKIP

    """
    pool = QThreadPool.globalInstance()
    if pool.maxThreadCount() < MIN_THREADS:
        pool.setMaxThreadCount(MIN_THREADS)
    return pool


class Debouncer:
    """Debouncer to work in a Qt application.

    Jobs are submitted at given times. They are executed immediately if the delay since the
    last submission is greater than some threshold. Otherwise, execution is delayed until the
    delay since the last submission is greater than the threshold. During the waiting time, a
    submitted job replaces the pending job with the same key, so only the last jobs are taken
    into account.

    A pending job runs only once strictly more than ``delay`` milliseconds have passed since
    the last submission: Qt timers may fire a little early, so the elapsed time is checked
    again when the timer fires. The first submission after a quiet period (no submission and
    no execution for more than ``delay``) runs at once, so two executions are always more than
    ``delay`` apart, and a burst of submissions (a key held down) runs its first job at once
    and its last job once, after the burst.

    This is used when multiple row selections are done in a table, and each row selection
    takes a perceptible time to finish.

    Parameters
    ----------
    delay : int
        The minimal delay between the execution of two successive actions, in milliseconds.

    Examples
    --------
    >>> d = Debouncer(delay=250)  # doctest: +SKIP
    >>> for i in range(10):  # doctest: +SKIP
    ...     d.submit(print, "hello world", i)
    >>> d.trigger()  # doctest: +SKIP

    This shows ``hello world 0`` at once and ``hello world 9`` when the pending jobs run.

    """

    def __init__(self, delay=None):
        self.delay = int(delay if delay is not None else 200)
        self._last_activity = None
        self._pending = {}
        self._forced = False
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.timeout.connect(self._on_timeout)

    @property
    def is_waiting(self):
        """Whether jobs are pending."""
        return bool(self._pending)

    def _elapsed_ms(self):
        """Milliseconds since the last submission or execution (infinite before any)."""
        if self._last_activity is None:
            return float("inf")
        return (time.monotonic_ns() - self._last_activity) / 1e6

    def submit(self, f, *args, key=None, **kwargs):
        """Submit a function call.

        Execute it immediately if the delay since the last submission is higher than the
        threshold, or wait until executing it otherwise.

        Parameters
        ----------
        f : function
        *args : positional arguments of the call
        key : hashable
            Pending jobs with the same key replace each other (by default, the function).
        **kwargs : keyword arguments of the call

        """
        quiet = self._elapsed_ms() > self.delay
        self._last_activity = time.monotonic_ns()
        key = f if key is None else key
        self._pending.pop(key, None)
        self._pending[key] = (f, args, kwargs)
        if quiet:
            self.trigger()
        elif not self._forced:
            self._timer.start(self.delay + 1)

    def _on_timeout(self):
        """Run the pending jobs if the delay has really passed, else wait for the rest."""
        elapsed = self._elapsed_ms()
        if not self._forced and elapsed <= self.delay:
            self._timer.start(int(self.delay - elapsed) + 1)
            return
        for e in self._run_pending():
            logger.error("Error in a debounced call: %s", e, exc_info=e)

    def _run_pending(self):
        """Run the pending jobs in the order of their last submission; return the errors."""
        self._timer.stop()
        self._forced = False
        pending, self._pending = list(self._pending.values()), {}
        if pending:
            self._last_activity = time.monotonic_ns()
        errors = []
        for f, args, kwargs in pending:
            try:
                f(*args, **kwargs)
            except Exception as e:
                errors.append(e)
        return errors

    def trigger(self):
        """Execute the pending actions, in the order of their last submission.

        If an action raises, the other pending actions still run; the first exception is
        raised afterwards (and the others are logged). When the timer runs them, every
        exception is logged instead.
        """
        errors = self._run_pending()
        for e in errors[1:]:
            logger.error("Error in a debounced call: %s", e, exc_info=e)
        if errors:
            raise errors[0]

    def stop_waiting(self, delay=0.1):
        """Stop waiting and force the pending actions to execute (almost) immediately.

        Parameters
        ----------
        delay : float
            Time in seconds after which the pending actions run.

        """
        if self._pending:
            self._forced = True
            self._timer.start(int(1000 * delay))

    def stop(self):
        """Stop the timer and drop the pending actions (for example when a view closes)."""
        self._timer.stop()
        self._forced = False
        self._pending = {}
