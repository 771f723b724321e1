"""Fault injection for the save tests: an ``os`` function that fails at its k-th call."""

import errno
import os

from phy.apps.template.transaction import SaveError


class Crash(BaseException):
    """A simulated kill: nothing in the saving code handles it."""


def failing(name, k, exc):
    """A replacement of ``os.<name>`` that raises `exc` at its k-th call (from 0).

    Returns the replacement and a one-item list counting its calls.
    """
    real, calls = getattr(os, name), [0]

    def f(*args, **kwargs):
        calls[0] += 1
        if calls[0] - 1 == k:
            raise exc
        return real(*args, **kwargs)
    return f, calls


def save_failing_at(monkeypatch, name, k, crash, save):
    """Run ``save()`` with ``os.<name>`` failing at its k-th call.

    The failure is a :class:`Crash` (a kill) with `crash`, else an ``EIO`` error that the save
    reports as a ``SaveError``. Returns what ``save()`` returned, or None if it failed.
    """
    f, _ = failing(name, k, Crash() if crash else OSError(errno.EIO, "Input/output error"))
    with monkeypatch.context() as mp:
        mp.setattr(os, name, f)
        try:
            return save()
        except (Crash, SaveError) as e:
            assert isinstance(e, Crash) == crash
    return None
