"""Background work and debouncing in a Qt application.

* :class:`Worker` wraps a Python function into a task for the Qt thread pool; its ``signals``
  report the result (or the error) back to the GUI thread.
* :class:`Debouncer` executes bursts of function calls (for example one per row selected in a
  table) at most once per delay, keeping only the last call of each kind.
"""

import logging
import time
import traceback

from .qt import QObject, QRunnable, QThreadPool, QTimer, pyqtSignal

logger = logging.getLogger(__name__)


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


def thread_pool():
    """Return the ``QThreadPool`` instance that can ``start()`` :class:`Worker` instances.

    Examples
    --------
    >>> w = Worker(print, "hello world")
    >>> thread_pool().start(w)  # doctest: +SKIP

    """
    return QThreadPool.globalInstance()


class Debouncer:
    """Debouncer to work in a Qt application.

    Jobs are submitted at given times. They are executed immediately if the delay since the
    last submission is greater than some threshold. Otherwise, execution is delayed until the
    delay since the last submission is greater than the threshold. During the waiting time, a
    submitted job replaces the pending job with the same key, so only the last jobs are taken
    into account.

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
        self._last_submission = None
        self._pending = {}
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.trigger)

    @property
    def is_waiting(self):
        """Whether jobs are pending."""
        return bool(self._pending)

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
        now = time.monotonic()
        elapsed_ms = (
            float("inf") if self._last_submission is None
            else 1000 * (now - self._last_submission))
        self._last_submission = now
        key = f if key is None else key
        self._pending.pop(key, None)
        self._pending[key] = (f, args, kwargs)
        if elapsed_ms > self.delay and not self._timer.isActive():
            self.trigger()
        else:
            self._timer.start(self.delay)

    def trigger(self):
        """Execute the pending actions, in the order of their last submission.

        If an action raises, the other pending actions still run; the first exception is
        raised afterwards.
        """
        self._timer.stop()
        pending, self._pending = list(self._pending.values()), {}
        errors = []
        for f, args, kwargs in pending:
            try:
                f(*args, **kwargs)
            except Exception as e:
                errors.append(e)
        for e in errors[1:]:
            logger.error("Error in a debounced call: %r", e, exc_info=e)
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
            self._timer.start(int(1000 * delay))

    def stop(self):
        """Stop the timer and drop the pending actions (for example when a view closes)."""
        self._timer.stop()
        self._pending = {}
