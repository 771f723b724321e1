"""The bus event catalogue: every event declared once, and phy's code using only its names."""

import ast
from pathlib import Path

import phy
from phy.utils import bus_events, connect, emit

PHY_DIR = Path(phy.__file__).parent


def _catalogue():
    return {name: value for name, value in vars(bus_events).items() if name.isupper()}


def test_catalogue_names_are_distinct_event_names():
    events = _catalogue()
    assert {"SELECT", "CLUSTER", "CLOSE_VIEW", "LASSO_UPDATED", "PAN_ZOOM"} <= set(events)
    assert len(set(events.values())) == len(events)
    for name, value in events.items():
        assert value == name.lower(), name


def test_catalogue_documents_each_event():
    source = Path(bus_events.__file__).read_text()
    for name in _catalogue():
        assert f"#: ``{name.lower()}(" in source, f"{name} has no documentation line"


def _literal_event_uses(path):
    """(line, call) of the bus calls of a module that name their event with a string literal."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id == "emit" and node.args and isinstance(node.args[0], ast.Constant):
            found.append((node.lineno, "emit"))
        if node.func.id in ("connect", "unconnect"):
            for keyword in node.keywords:
                if keyword.arg == "event" and isinstance(keyword.value, ast.Constant):
                    found.append((node.lineno, node.func.id))
    return found


def test_phy_emits_and_connects_with_catalogue_names_only():
    offenders = {
        str(path.relative_to(PHY_DIR)): uses
        for path in PHY_DIR.rglob("*.py") if (uses := _literal_event_uses(path))}
    assert offenders == {}


def test_catalogue_names_reach_callbacks():
    received = []
    connect(lambda sender, ids: received.append((sender, ids)), event=bus_events.SELECT)
    emit(bus_events.SELECT, "table", [3, 1])
    emit(bus_events.CLUSTER, "table", None)
    assert received == [("table", [3, 1])]
