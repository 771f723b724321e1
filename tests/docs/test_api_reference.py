"""The generated documentation: the API reference covers phy 2's public API, and the shortcut
tables of the user guide are those of the code.

``tests/data/api_names.txt`` lists the public names of phy 2's API documentation (extracted once
by ``docs/tools/extract_api_names.py``): modules, module-level classes and functions, and the
members of classes. Each must be an anchor of the reference built by ``docs/tools/build_api.py``
(a method defined in the code, or an attribute listed in the ``Attributes`` section of its
class docstring).
"""

import importlib
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
API_NAMES = ROOT / "tests" / "data" / "api_names.txt"

#: Modules of phy 2's API not built yet, with the issue that builds them: their names are
#: expected to be missing (and the test fails once the module exists, to shorten this list).
NOT_BUILT_YET = {}


def _tool(name):
    """Import a script of docs/tools/ (not a package) as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def build_api():
    return _tool("build_api")


def _not_built(name):
    return any(name == m or name.startswith(m + ".") for m in NOT_BUILT_YET)


def test_not_built_yet_modules_are_absent():
    for module in NOT_BUILT_YET:
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(module)


def test_api_reference_documents_every_phy2_name(build_api, tmp_path):
    build_api.build(tmp_path)
    documented = build_api.documented_names(tmp_path)
    names = API_NAMES.read_text(encoding="utf-8").split()
    assert len(names) > 1000
    missing = [n for n in names if n not in documented and not _not_built(n)]
    assert not missing, (f"{len(missing)} public names of phy 2's API are missing from the API "
                         "reference:\n" + "\n".join(missing))


def test_api_reference_is_deterministic(build_api, tmp_path):
    first = [p.read_bytes() for p in build_api.build(tmp_path / "a")]
    second = build_api.build(tmp_path / "b")
    names = [p.name for p in second]
    assert names[0] == "index.md" and {"phy.apps.md", "phy.apps.kwik.md"} <= set(names)
    assert first == [p.read_bytes() for p in second]
    index = (tmp_path / "b" / "index.md").read_text()
    assert "[`phy.cluster`](phy.cluster.md)" in index


def test_api_reference_page_of_a_view(build_api, tmp_path):
    build_api.build(tmp_path)
    cluster = (tmp_path / "phy.cluster.md").read_text()
    views = (tmp_path / "phy.cluster.views.md").read_text()
    # Documented once, in phy.cluster; phy.cluster.views links to it.
    assert "class WaveformView(" in cluster and "class WaveformView(" not in views
    assert "[`phy.cluster.WaveformView`](phy.cluster.md#phy.cluster.WaveformView)" in views
    # An inherited method names the class that defines it.
    close = cluster.split('<a id="phy.cluster.WaveformView.close"></a>')[1].split("<a id=")[0]
    assert "Inherited from [`ManualClusteringView`]" in close


def test_render_docstring(build_api):
    doc = '''Summary with :class:`~phy.plot.Boxed` and ``code``.

    Parameters
    ----------
    x, y : float
        The position,
        in pixels.

    Attributes
    ----------
    size : int
        A size.

    Example
    -------
    Usage::

        a = f(1)
        b = 2
    '''
    lines = build_api.render_docstring(doc, anchor_prefix="phy.M.C")
    text = "\n".join(lines)
    assert lines[0] == "Summary with `Boxed` and `code`."
    assert "- **x, y** (float): The position, in pixels." in lines
    assert '- <a id="phy.M.C.size"></a>**size** (int): A size.' in lines
    assert "Usage:\n\n```python\na = f(1)\nb = 2\n```" in text


def test_shortcut_pages_follow_the_code():
    build_shortcuts = _tool("build_shortcuts")
    stale = build_shortcuts.check()
    assert not stale, f"Out of date (run `make docs`): {stale}"
    views = (ROOT / "docs" / "views.md").read_text()
    # Each view of phy.cluster.views has its generated block, filled.
    for cls in build_shortcuts.view_classes():
        block = views.split(f"<!-- generated: {cls.__name__} -->")[1].split("<!-- /gen")[0]
        assert "| action |" in block or "No keyboard shortcut" in block
    assert "| `next_waveforms_type` | `w` |" in views
    shortcuts = (ROOT / "docs" / "shortcuts.md").read_text()
    assert "| `merge` | `g` | `:g` |" in shortcuts
    assert "| `redo` | `ctrl+shift+z`, `ctrl+y` |" in shortcuts
