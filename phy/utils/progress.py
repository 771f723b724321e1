"""Progress of long steps: logged in the console and announced on the bus (``progress``).

A GUI shows the ``progress`` events in its status bar (see :mod:`phy.apps.controller_gui`),
so that the first open of a large dataset never looks frozen.
"""

import logging

from . import bus_events as ev
from .event import emit

logger = logging.getLogger(__name__)

#: The smallest number of items of a step worth reporting (fewer: a short step, silent).
MIN_ITEMS = 4


def progress(items, message, sender=None, min_items=MIN_ITEMS):
    """Iterate over `items` (a sequence), reporting the progress of a long step.

    With at least `min_items` items, ``"<message>: 40%"`` is logged (INFO) and the
    ``progress(sender, text, fraction)`` event emitted at every tenth of the items, then
    ``"<message>: done"`` with fraction 1 after the last one.

    Parameters
    ----------
    items : sequence
        The items (chunk bounds, say): ``len(items)`` must work.
    message : str
        What the step does, e.g. ``"Grouping the spikes by cluster"``.
    sender : object
        The file or object being processed (the event's sender).
    min_items : int
        Fewer items are iterated silently.

    Yields
    ------
    item : object

    """
    n = len(items)
    report = n >= min_items
    last_tenth = -1
    for i, item in enumerate(items):
        tenth = 10 * i // n
        if report and tenth > last_tenth:
            last_tenth = tenth
            _report(f"{message}: {100 * i // n}%", i / n, sender)
        yield item
    if report:
        _report(f"{message}: done", 1.0, sender)


def _report(text, fraction, sender):
    logger.info(text)
    emit(ev.PROGRESS, sender, text, fraction)
