"""The progress of long steps: console messages and ``progress`` events."""

import logging

from phy.utils import bus_events as ev
from phy.utils import connect
from phy.utils.progress import progress


def test_progress_reports_tenths(caplog):
    events = []
    connect(lambda sender, text, fraction: events.append((sender, text, fraction)),
            event=ev.PROGRESS)
    with caplog.at_level(logging.INFO, logger="phy.utils.progress"):
        assert list(progress(range(20), "Grouping", sender="file")) == list(range(20))
    texts = [t for _, t, _ in events]
    assert texts == [f"Grouping: {p}%" for p in range(0, 100, 10)] + ["Grouping: done"]
    assert [f for _, _, f in events] == [i / 10 for i in range(10)] + [1.0]
    assert {s for s, _, _ in events} == {"file"}
    assert caplog.messages == texts


def test_progress_silent_on_short_steps(caplog):
    events = []
    connect(lambda *args: events.append(args), event=ev.PROGRESS)
    with caplog.at_level(logging.INFO, logger="phy.utils.progress"):
        assert list(progress([1, 2, 3], "Checking")) == [1, 2, 3]
    assert events == [] and caplog.messages == []
