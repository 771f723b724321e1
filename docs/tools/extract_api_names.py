"""Extract the public names of the phy 2 API documentation into ``tests/data/api_names.txt``.

The phy 2 API documentation (a plain-text rendering, one entry per public name) is not part of
the repository; this script was run once on it and its output is committed. Run it again only if
the reference document changes::

    python docs/tools/extract_api_names.py path/to/phy2_api_doc.txt > tests/data/api_names.txt

Granularity: every documented module (``phy.apps.kwik``), every module-level class and function
(``phy.cluster.WaveformView``), and every documented member of a class — method, property or
attribute — qualified by the module of its class (``phy.cluster.WaveformView.on_select``).

An entry is a line holding only a dotted name, after a blank line: ``phy.<...>.<name>`` for
modules and module-level names, ``<Class>.<member>`` for class members. Names the document lists
only because a module imported them from the standard library (``phy.apps.Path``) are not phy's
API and are left out (``NOT_PHY``).
"""

import re
import sys

#: Module-level names of the reference that are standard-library imports, not phy's API.
NOT_PHY = {"phy.apps.Path", "phy.apps.contextmanager"}

_MODULE_LEVEL = re.compile(r"^phy(\.[A-Za-z_]\w*)+$")
_MEMBER = re.compile(r"^([A-Z]\w*)\.([A-Za-z_]\w*)$")


def extract(lines):
    """Return the sorted qualified names documented in the lines of the reference.

    Parameters
    ----------
    lines : list of str
        The lines of the plain-text API documentation.

    Returns
    -------
    names : list of str
        Modules, module-level names and ``module.Class.member`` names, sorted, without
        duplicates and without the names of ``NOT_PHY`` (nor their members).
    """
    module_level, members = set(), set()
    previous = ""
    for line in (line.strip() for line in lines):
        if not previous:
            if _MODULE_LEVEL.match(line):
                module_level.add(line)
            elif (match := _MEMBER.match(line)):
                members.add(match.groups())
        previous = line
    module_level -= NOT_PHY
    # The module of each class, from its module-level entry.
    class_module = {name.rsplit(".", 1)[1]: name.rsplit(".", 1)[0] for name in module_level}
    qualified = {f"{class_module[cls]}.{cls}.{member}" for cls, member in members
                 if cls in class_module}
    return sorted(module_level | qualified)


def main(argv):
    """Print the names extracted from the file given as the only argument."""
    if len(argv) != 1:
        sys.exit("usage: extract_api_names.py PHY2_API_DOC.txt")
    with open(argv[0], encoding="utf-8") as f:
        names = extract(f.read().splitlines())
    sys.stdout.write("".join(name + "\n" for name in names))


if __name__ == "__main__":
    main(sys.argv[1:])
