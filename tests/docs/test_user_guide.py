"""The user guide (docs/*.md and README.md): every page reachable from the index, every link
and anchor resolved, every ``phy`` command it shows a command of the command line."""

import re
from pathlib import Path

from phy.apps.cli import phycli

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_LINK = re.compile(r"\]\(([^)\s]+)\)")
_ANCHOR = re.compile(r'<a id="([^"]+)"></a>')
_HEADING = re.compile(r"^#{1,6} (.+)$", re.MULTILINE)
_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
#: A command line: ``[$ ][VAR=value ...][path/]phy [--debug] command``.
_COMMAND = re.compile(r"^(?:\$ )?(?:\w+=\S+ )*(?:\S*/)?phy (?:--debug )?([a-z]+(?:-[a-z]+)*)\b",
                      re.MULTILINE)


def _pages():
    return sorted(DOCS.glob("*.md")) + [ROOT / "README.md"]


def _slug(heading):
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path):
    """The anchors of a Markdown page: its ``<a id>`` tags and its headings."""
    text = path.read_text(encoding="utf-8")
    return set(_ANCHOR.findall(text)) | {_slug(h) for h in _HEADING.findall(text)}


def broken_links(path):
    """The relative links of a page whose file or anchor does not exist."""
    out = []
    for target in _LINK.findall(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        if not dest.exists():
            out.append(target)
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            out.append(target)
    return out


def test_slug():
    assert _slug("Saving: one transaction") == "saving-one-transaction"
    assert _slug("The `original` clustering") == "the-original-clustering"


def test_every_page_is_linked_from_the_index():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = {target.partition("#")[0] for target in _LINK.findall(index)}
    missing = [p.name for p in DOCS.glob("*.md") if p.name != "index.md" and p.name not in linked]
    assert not missing, f"Pages not linked from docs/index.md: {missing}"


def test_links_and_anchors_resolve(tmp_path):
    broken = {p.relative_to(ROOT).as_posix(): links for p in _pages()
              if (links := broken_links(p))}
    assert not broken, f"Broken links: {broken}"
    # The check finds a missing page and a missing anchor.
    page = tmp_path / "page.md"
    page.write_text("# Title\n\n[a](page.md#title) [b](nope.md) [c](#nothing) "
                    "[d](https://example.org)\n")
    assert broken_links(page) == ["nope.md", "#nothing"]


def test_commands_shown_exist():
    commands = set(phycli.commands)
    assert {"journal-export", "curation-export", "curation-import", "kwik-gui"} <= commands
    unknown = {}
    for page in _pages():
        code = "\n".join(c.strip("`").strip() for c in _CODE.findall(page.read_text("utf-8")))
        names = set(_COMMAND.findall(code)) - commands
        if names:
            unknown[page.name] = sorted(names)
    assert not unknown, f"Commands shown in the docs that `phy` does not have: {unknown}"
    assert _COMMAND.findall("$ PHY_CONFIG_DIR=/tmp/phy .venv/bin/phy --debug kwik-gui x") == [
        "kwik-gui"]
    assert not _COMMAND.findall("from phy import IPlugin")
