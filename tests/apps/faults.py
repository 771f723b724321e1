"""Fault injection for the save tests: an ``os`` function that fails at its k-th call."""

import os


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
