"""Generate the shortcut tables of the user guide from the code (one truth, no hand copy).

Run by ``make docs`` (``python docs/tools/build_shortcuts.py``). It writes:

* ``docs/shortcuts.md``: the default keyboard shortcuts and snippets of the GUI
  (``phy.gui.gui.DEFAULT_SHORTCUTS``, the snippet mode), of the clustering actions of the
  supervisor (``phy.cluster.actions.DEFAULT_SHORTCUTS`` / ``DEFAULT_SNIPPETS``) and of every
  view (``default_shortcuts`` / ``default_snippets`` of each class of ``phy.cluster.views``);
* in ``docs/views.md``, the block between ``<!-- generated: ViewName -->`` and
  ``<!-- /generated -->`` of each view: its shortcuts and snippets, and its mouse bindings
  (the first paragraph of the docstrings of its ``on_mouse_click``, ``on_mouse_wheel`` and
  ``on_key_press`` handlers, the view's own and its mixins').

The descriptions are the first line of the docstring of the method that each action calls.
``check()`` tells whether the committed pages are up to date (used by the tests).
"""

import inspect
import re
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]

_BLOCK = re.compile(r"(<!-- generated: (\w+) -->\n).*?(<!-- /generated -->)", re.S)
_HANDLERS = ("on_mouse_click", "on_mouse_wheel", "on_key_press")
#: The clusters a ``move_<which>_to_<group>`` action labels (``Curation.move``).
_MOVED = {"best": "the clusters selected in the cluster view",
          "similar": "the clusters selected in the similarity view",
          "all": "all the selected clusters"}

INTRO = """\
# Keyboard shortcuts and snippets

Generated from the code by `make docs` (`docs/tools/build_shortcuts.py`); do not edit.

`h` prints every active shortcut and snippet in the console. A *snippet* is a command typed in
the status bar: `:` starts it, `Enter` runs it, `Escape` leaves; arguments follow the snippet
name, separated by spaces (`:g 3 5 7` merges clusters 3, 5 and 7). Every action also runs as a
snippet under its own name (`:merge 3 5`); the column *snippet* lists the short ones.
Every binding can be changed in `phy_config.py` (see [configuration](configuration.md)).
"""


def _keys(shortcut):
    """Markdown text of a shortcut (a string or a tuple of alternatives)."""
    if not shortcut:
        return ""
    shortcuts = (shortcut,) if isinstance(shortcut, str) else shortcut
    return ", ".join(f"`{s}`" for s in shortcuts)


def _description(owner, name):
    """First line of the docstring of ``owner.name``, or the name in words."""
    doc = inspect.getdoc(getattr(owner, name, None)) if hasattr(owner, name) else None
    if not doc:
        return name.replace("_", " ").capitalize() + "."
    return doc.strip().splitlines()[0]


def action_table(shortcuts, snippets, describe):
    """Markdown table of actions with their shortcut, snippet and description.

    Parameters
    ----------
    shortcuts : dict
        ``{action: shortcut or tuple of shortcuts}``.
    snippets : dict
        ``{action: snippet}``.
    describe : function
        ``describe(action) -> str``.

    Returns
    -------
    lines : list of str
    """
    if not shortcuts and not snippets:
        return ["No keyboard shortcut or snippet of its own.", ""]
    lines = ["| action | shortcut | snippet | description |", "| --- | --- | --- | --- |"]
    for name in sorted(set(shortcuts) | set(snippets)):
        snippet = f"`:{snippets[name]}`" if name in snippets else ""
        lines.append(f"| `{name}` | {_keys(shortcuts.get(name))} | {snippet} | "
                     f"{describe(name)} |")
    return lines + [""]


def _supervisor_description(name):
    """Description of a clustering action (the ``move_<which>_to_<group>`` ones by name)."""
    from phy.cluster import Supervisor

    match = re.fullmatch(r"move_(\w+)_to_(\w+)", name)
    if match:
        return f"Label {_MOVED[match.group(1)]} as {match.group(2)}."
    return _description(Supervisor, name)


def view_classes():
    """Return the view classes of ``phy.cluster.views``, sorted by name."""
    import phy.cluster.views as views

    return [getattr(views, name) for name in sorted(dir(views))
            if name.endswith("View") and name != "ManualClusteringView"
            and inspect.isclass(getattr(views, name))]


def mouse_lines(cls):
    """The mouse and key bindings of a view, from its event handlers' docstrings."""
    seen, lines = set(), []
    for klass in cls.__mro__:
        if klass.__name__ == "ManualClusteringView" or not klass.__module__.startswith("phy."):
            continue
        for handler in _HANDLERS:
            function = vars(klass).get(handler)
            doc = inspect.getdoc(function) if function else None
            if doc:
                paragraph = " ".join(doc.split("\n\n")[0].split())
                if paragraph not in seen:
                    seen.add(paragraph)
                    lines.append(f"- {paragraph.replace('``', '`')}")
    return lines


def view_block(cls):
    """The generated block of a view in ``views.md``: shortcuts table and mouse bindings."""
    lines = action_table(cls.default_shortcuts, cls.default_snippets,
                         lambda name: _description(cls, name))
    mouse = mouse_lines(cls)
    if mouse:
        lines += ["Mouse and keys in the view:", "", *mouse, ""]
    return "\n".join(lines)


def shortcuts_page():
    """The text of ``docs/shortcuts.md``."""
    from phy.cluster import actions
    from phy.gui import gui

    out = [INTRO, "## GUI", ""]
    out += action_table(gui.DEFAULT_SHORTCUTS, {}, lambda name: _description(gui.GUI, name))
    out += ["## Snippet mode", ""]
    out += action_table({"enable_snippet_mode": ":"}, {},
                        lambda name: "Type a command (snippet) in the status bar.")
    out += ["## Clustering (supervisor)", "",
            "Menus *Clustering* and *Select*; they act on the cluster and similarity tables.", ""]
    out += action_table(actions.DEFAULT_SHORTCUTS, actions.DEFAULT_SNIPPETS,
                        _supervisor_description)
    out += ["Also: `:s<XY>` sorts by the column whose name starts with XY, `:cf<XY>` colours "
            "the clusters by that field, `:cm<XY>` picks a colormap (`:cmra` for rainbow).", "",
            "## Views", "",
            "Active when the view has the focus (click in it). See [the views](views.md) for "
            "the mouse bindings.", ""]
    for cls in view_classes():
        out += [f"### {cls.__name__}", ""]
        out += action_table(cls.default_shortcuts, cls.default_snippets,
                            lambda name, cls=cls: _description(cls, name))
    return "\n".join(out).rstrip() + "\n"


def fill_views_page(text):
    """Replace the generated blocks of ``views.md`` (text) with the current ones."""
    blocks = {cls.__name__: view_block(cls) for cls in view_classes()}

    def replace(match):
        if match.group(2) not in blocks:
            raise ValueError(f"docs/views.md: unknown view {match.group(2)!r} in a block")
        return f"{match.group(1)}{blocks[match.group(2)]}\n{match.group(3)}"

    return _BLOCK.sub(replace, text)


def expected_pages(docs=DOCS):
    """Return ``{path: text}`` of the generated pages as the code makes them now."""
    views = docs / "views.md"
    return {docs / "shortcuts.md": shortcuts_page(),
            views: fill_views_page(views.read_text(encoding="utf-8"))}


def check(docs=DOCS):
    """Return the generated pages that differ from the code (empty when up to date)."""
    return sorted(str(path) for path, text in expected_pages(docs).items()
                  if not path.exists() or path.read_text(encoding="utf-8") != text)


if __name__ == "__main__":
    for path, text in expected_pages().items():
        path.write_text(text, encoding="utf-8")
        print(f"written {path}")
    sys.exit(0)
