"""Generate the API reference of phy, ``docs/api/*.md``, from the docstrings.

Run by ``make docs`` (``python docs/tools/build_api.py [OUT_DIR]``, ``docs/api`` by default).
No dependency beyond phy: each public module is imported (the Qt and OpenGL modules import
without a display, nothing is shown), its public names are walked and their signatures
(:func:`inspect.signature`) and numpydoc docstrings are written as Markdown, one page per
module plus ``index.md``. The output is deterministic (sorted names, no memory addresses, no
home directory), so that the committed pages change only when the code does.

Public names of a module: its ``__all__``, or else the classes and functions of phy that a
package defines or imports (a plain module: that it defines) under a name not starting with
``_``. The packages come first; the modules listed after them document what their package does
not export (the journal, the save transaction, the curation files, the HDF5 and PRM readers...).
An object exported by several modules is documented once, in the first module of ``MODULES``
that exports it (``phy.cluster`` before ``phy.cluster.views``, as in phy 2's API documentation;
the top-level ``phy`` package, which re-exports a few names of ``phy.utils``, comes last); the
other modules link to it.

Every documented object has an HTML anchor named by its qualified name, e.g.
``<a id="phy.cluster.WaveformView.on_select"></a>``; the attributes listed in the
``Attributes`` section of a class docstring get one too. ``documented_names()`` reads them back
(the test of the reference checks them against phy 2's API).
"""

import importlib
import inspect
import re
import sys
from pathlib import Path

#: The documented modules, in the order that decides where a re-exported object is documented.
MODULES = (
    "phy.utils", "phy.io", "phy.io.h5", "phy.io.prm", "phy.io.kwik_writer",
    "phy.io.synthetic_kwik", "phy.electrode", "phy.traces", "phy.gui", "phy.plot",
    "phy.plot.visuals", "phy.plot.gloo", "phy.cluster", "phy.cluster.views",
    "phy.cluster.journal", "phy.cluster.spill", "phy.apps", "phy.apps.journal",
    "phy.apps.curation_json", "phy.apps.curation_actions", "phy.apps.detect", "phy.apps.template",
    "phy.apps.template.transaction", "phy.apps.kwik", "phy.apps.kwik.clusterings",
    "phy.apps.kwik.raw", "phy",
)

#: Numpydoc sections made of ``name : type`` entries with an indented description.
ENTRY_SECTIONS = {"Parameters", "Other Parameters", "Returns", "Yields", "Receives", "Raises",
                  "Warns", "Attributes", "Constructor"}

#: The checkout (paths below it are written relative to it).
ROOT = Path(__file__).resolve().parents[2]

_ANCHOR = re.compile(r'<a id="([\w.]+)"></a>')
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_ROLE = re.compile(r":(?:\w+:)*\w+:`(~?)([^`]+)`")


# Importing and walking
# -------------------------------------------------------------------------------------------------

def import_modules(names=MODULES):
    """Import the documented modules that exist, in order.

    Parameters
    ----------
    names : tuple of str
        Module names; a module that does not exist (not built in this version) is skipped, any
        other import error is raised.

    Returns
    -------
    modules : list of module
    """
    modules = []
    for name in names:
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as e:
            if e.name is None or not name.startswith(e.name):
                raise
    return modules


def _is_phy_object(obj, module=None):
    """Whether the object is a class or function defined in phy (in `module` if given)."""
    where = getattr(obj, "__module__", "") or ""
    return ((inspect.isclass(obj) or inspect.isfunction(obj))
            and (where == module if module else where.split(".")[0] == "phy"))


def public_names(module):
    """Return the sorted public names of a module (``__all__``, or its phy classes/functions).

    Parameters
    ----------
    module : module

    Returns
    -------
    names : list of str
    """
    names = getattr(module, "__all__", None)
    if names is None:
        own = None if hasattr(module, "__path__") else module.__name__  # a plain module
        names = [name for name in dir(module) if not name.startswith("_")
                 and _is_phy_object(getattr(module, name), own)]
    return sorted(name for name in names if name != "__version__")


def canonical_locations(modules):
    """Map the id of each exported object to the module that documents it.

    Parameters
    ----------
    modules : list of module
        In the order of ``MODULES``.

    Returns
    -------
    locations : dict
        ``{id(obj): module name}``, the first module exporting the object.
    """
    locations = {}
    for module in modules:
        for name in public_names(module):
            locations.setdefault(id(getattr(module, name)), module.__name__)
    return locations


def class_members(cls):
    """Return the public members of a class defined in phy classes of its MRO.

    Parameters
    ----------
    cls : type

    Returns
    -------
    members : list of tuple
        ``(name, raw attribute, owner class)`` sorted by name; members of Qt or ``object``
        are left out.
    """
    members = {}
    for owner in reversed(cls.__mro__):
        if not (owner.__module__ or "").startswith("phy"):
            continue
        for name, value in vars(owner).items():
            if not name.startswith("_"):
                members[name] = (name, value, owner)
    return [members[name] for name in sorted(members)]


# Rendering
# -------------------------------------------------------------------------------------------------

def _clean(text):
    """Remove memory addresses, the checkout's and the user's directories (determinism)."""
    text = _ADDRESS.sub("", text).replace(str(ROOT) + "/", "")
    return text.replace(str(Path.home()), "~")


def signature(obj, name):
    """Return ``name(arguments)``, or ``name`` when the object has no signature."""
    try:
        return _clean(f"{name}{inspect.signature(obj)}")
    except (TypeError, ValueError):
        return name


def inline(text):
    """Convert the reST inline markup of a docstring line to Markdown."""
    text = _ROLE.sub(lambda m: f"`{m.group(2).split('.')[-1] if m.group(1) else m.group(2)}`",
                     text)
    return text.replace("``", "`")


def _indent(line):
    return len(line) - len(line.lstrip())


def render_text(lines):
    """Render free docstring text: inline markup, ``::`` literal blocks as fenced code.

    Parameters
    ----------
    lines : list of str

    Returns
    -------
    lines : list of str
        Markdown lines.
    """
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip().endswith("::") or line.lstrip().startswith(">>>"):
            if line.lstrip().startswith(">>>"):
                block, base = [], _indent(line) - 1
            else:
                text = line.rstrip()[:-2].rstrip()
                out.append(inline(text + ":" if text and not text.endswith(":") else text))
                block, base, i = [], _indent(line), i + 1
            while i < len(lines) and (not lines[i].strip() or _indent(lines[i]) > base):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            code = inspect.cleandoc("\n".join(block)).splitlines() if block else []
            out += ["", "```python", *code, "```", ""]
            continue
        out.append(inline(line.strip() if _indent(line) >= 4 else line))
        i += 1
    return out


def _entries(lines):
    """Split an entry section into ``(head, description lines)`` pairs."""
    entries = []
    for line in lines:
        if line.strip() and _indent(line) == 0:
            entries.append((line.strip(), []))
        elif entries:
            entries[-1][1].append(line.strip())
    return entries


def render_entries(lines, anchor_prefix=None):
    """Render the ``name : type`` entries of a numpydoc section as a Markdown list.

    Parameters
    ----------
    lines : list of str
        The section's lines, entries at indent 0 and their descriptions indented.
    anchor_prefix : str or None
        If given, each entry name ``x`` (or each of ``x, y : type``) gets an anchor
        ``<anchor_prefix>.x``.

    Returns
    -------
    lines : list of str
    """
    out = []
    for head, description in _entries(lines):
        name, _, kind = head.partition(" : ")
        names = [n.strip() for n in name.split(",")]
        anchors = "".join(f'<a id="{anchor_prefix}.{n}"></a>' for n in names
                          if anchor_prefix and n.isidentifier())
        item = f"- {anchors}**{inline(name.strip())}**"
        if kind:
            item += f" ({inline(kind.strip())})"
        text = " ".join(d for d in description if d)
        out.append(item + (f": {inline(text)}" if text else ""))
    return out


def split_sections(doc):
    """Split a numpydoc docstring into ``[(title, lines)]``, the first title being ``''``."""
    lines = inspect.cleandoc(doc).splitlines()
    sections, i = [("", [])], 0
    while i < len(lines):
        if (i + 1 < len(lines) and lines[i].strip()
                and re.fullmatch(r"-{3,}", lines[i + 1].strip())):
            sections.append((lines[i].strip(), []))
            i += 2
            continue
        sections[-1][1].append(lines[i])
        i += 1
    return [(title, body) for title, body in sections if title or any(s.strip() for s in body)]


def render_docstring(doc, anchor_prefix=None):
    """Render a numpydoc docstring as Markdown lines (sections as bold titles and lists).

    Parameters
    ----------
    doc : str or None
    anchor_prefix : str or None
        The qualified name of a class, whose ``Attributes`` entries get anchors.

    Returns
    -------
    lines : list of str
    """
    out = []
    for title, body in split_sections(doc or ""):
        if title:
            out += [f"**{title}**", ""]
        if title in ENTRY_SECTIONS:
            out += render_entries(body, anchor_prefix if title == "Attributes" else None)
        else:
            out += render_text(body)
        out.append("")
    return out


def summary(doc):
    """Return the first paragraph of a docstring, on one line."""
    paragraph = []
    for line in inspect.cleandoc(doc or "").splitlines():
        if not line.strip():
            break
        paragraph.append(line.strip())
    return inline(" ".join(paragraph))


def _kind(obj):
    if inspect.isclass(obj):
        return "class"
    return "function" if callable(obj) else "data"


def _link(qualname, locations, obj):
    """Markdown link to the canonical entry of an object, or its plain name."""
    module = locations.get(id(obj))
    if module is None:
        return f"`{qualname}`"
    return f"[`{qualname}`]({module}.md#{module}.{obj.__name__})"


def render_member(cls_qual, cls, name, value, owner, locations):
    """Render one member of a class: its anchor, heading, signature and docstring."""
    qual = f"{cls_qual}.{name}"
    out = [f'<a id="{qual}"></a>']
    raw = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
    if isinstance(value, property):
        out += [f"### `{cls.__name__}.{name}` (property)", ""]
        doc = value.__doc__
    elif inspect.isfunction(raw):
        out += [f"### `{signature(raw, f'{cls.__name__}.{name}')}`", ""]
        doc = inspect.getdoc(raw)
    else:
        text = _clean(repr(value))
        shown = text if len(text) <= 100 else type(value).__name__
        out += [f"### `{cls.__name__}.{name}` (attribute)", "", f"`{shown}`", ""]
        doc = None
    if owner is not cls:
        out += [summary(doc), "",
                f"Inherited from {_link(owner.__name__, locations, owner)}.", ""]
    else:
        out += render_docstring(doc)
    return out


def render_object(module_name, name, obj, locations):
    """Render a module-level entry: the full documentation, or a link where documented."""
    qual = f"{module_name}.{name}"
    home = locations.get(id(obj))
    out = [f'<a id="{qual}"></a>', f"## `{name}`", ""]
    if home != module_name:
        return out + [f"{_kind(obj).capitalize()} documented in "
                      f"[`{home}.{name}`]({home}.md#{home}.{name}).", ""]
    if inspect.isclass(obj):
        bases = [b for b in obj.__bases__ if b is not object]
        out += ["```python", f"class {signature(obj, name)}", "```", ""]
        if bases:
            out += ["Bases: " + ", ".join(_link(b.__name__, locations, b) for b in bases), ""]
        out += render_docstring(inspect.getdoc(obj), anchor_prefix=qual)
        for member in class_members(obj):
            out += render_member(qual, obj, *member, locations)
    elif callable(obj):
        out += ["```python", signature(obj, name), "```", ""]
        out += render_docstring(inspect.getdoc(obj))
    else:
        out += [f"`{_clean(repr(obj))[:200]}`", ""]
    return out


def render_module(module, locations):
    """Render the Markdown page of a module.

    Parameters
    ----------
    module : module
    locations : dict
        From :func:`canonical_locations`.

    Returns
    -------
    text : str
    """
    name = module.__name__
    out = [f"# `{name}`", "", "[API reference](index.md)", ""]
    out += render_docstring(inspect.getdoc(module))
    names = public_names(module)
    out += ["## Contents", ""]
    for n in names:
        obj = getattr(module, n)
        out.append(f"- [`{n}`](#{name}.{n}) — {summary(inspect.getdoc(obj))}".rstrip(" —")
                   if callable(obj) else f"- [`{n}`](#{name}.{n})")
    out += ["", "---", ""]
    for n in names:
        out += render_object(name, n, getattr(module, n), locations)
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_index(modules):
    """Render ``index.md``: the documented modules with their summaries."""
    out = ["# phy API reference", "",
           "Generated from the docstrings by `make docs` (`docs/tools/build_api.py`); do not "
           "edit. The user guide is in [../index.md](../index.md).", ""]
    for module in modules:
        out.append(f"- [`{module.__name__}`]({module.__name__}.md) — "
                   f"{summary(inspect.getdoc(module))}")
    return "\n".join(out) + "\n"


def build(out_dir):
    """Write the API reference pages into a directory (its old ``*.md`` pages are removed).

    Parameters
    ----------
    out_dir : str or Path

    Returns
    -------
    paths : list of Path
        The pages written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.md"):
        old.unlink()
    modules = import_modules()
    locations = canonical_locations(modules)
    pages = {f"{m.__name__}.md": render_module(m, locations) for m in modules}
    pages["index.md"] = render_index(modules)
    paths = []
    for filename, text in sorted(pages.items()):
        path = out_dir / filename
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def documented_names(out_dir):
    """Return the set of qualified names anchored in the pages of a directory.

    Parameters
    ----------
    out_dir : str or Path

    Returns
    -------
    names : set of str
        Every ``<a id="..."></a>`` anchor, plus the name of each module page.
    """
    names = set()
    for path in Path(out_dir).glob("*.md"):
        if path.stem != "index":
            names.add(path.stem)
        names.update(_ANCHOR.findall(path.read_text(encoding="utf-8")))
    return names


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parents[1] / "api"
    written = build(target)
    print(f"{len(written)} pages written to {target}")
