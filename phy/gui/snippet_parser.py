r"""Parse snippet commands such as ``:merge 3-6 8`` into an action name and its arguments.

Pure Python, no Qt: the grammar of the snippets typed in the GUI (see :class:`phy.gui.Snippets`)
and in action prompts. A command is a name followed by arguments separated by spaces:

* ``3`` and ``-2`` are integers, ``0.5`` and ``1e-3`` floats;
* ``3-6`` is the inclusive range ``(3, 4, 5, 6)``;
* ``3,5,8`` is the tuple ``(3, 5, 8)``, and may contain ranges: ``1-3,7`` is ``(1, 2, 3, 7)``;
* ``"two words"`` or ``'two words'`` is a string kept as is (``\"`` escapes a quote);
* anything else is a string.

Examples
--------
>>> parse_snippet(':my_action string 3-6')
('my_action', ('string', (3, 4, 5, 6)))
>>> parse_snippet(':label "my label" 1,2 0.5')
('label', ('my label', (1, 2), 0.5))

"""

import re

_TOKEN = re.compile(r""""((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+)""")
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")
_RANGE = re.compile(r"^([+-]?\d+)-([+-]?\d+)$")


class SnippetError(ValueError):
    """A snippet command that cannot be parsed."""


def tokenize(text):
    """Split a command line into tokens.

    Parameters
    ----------
    text : str

    Returns
    -------
    tokens : list of (str, bool)
        Each token and whether it was quoted (quotes removed, escapes resolved).

    """
    tokens = []
    for match in _TOKEN.finditer(text):
        double, single, plain = match.groups()
        if plain is not None:
            if plain[0] in "\"'":
                raise SnippetError(f"Unterminated quote in {text!r}.")
            tokens.append((plain, False))
        else:
            quoted = double if double is not None else single
            tokens.append((re.sub(r"\\(.)", r"\1", quoted), True))
    return tokens


def _parse_scalar(token):
    """An int, a float, or the string itself."""
    if _INT.match(token):
        return int(token)
    if _FLOAT.match(token):
        return float(token)
    return token


def _parse_range(token):
    """The inclusive range ``a-b`` as a tuple of ints, or None if `token` is not a range."""
    match = _RANGE.match(token)
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    if end < start:
        raise SnippetError(f"Invalid range {token!r}: it ends before it starts.")
    return tuple(range(start, end + 1))


def parse_value(token):
    """Parse one unquoted argument: a number, a range, a comma-separated list or a string.

    Parameters
    ----------
    token : str

    Returns
    -------
    value : int, float, str or tuple

    Examples
    --------
    >>> parse_value('3-6')
    (3, 4, 5, 6)
    >>> parse_value('1-3,7')
    (1, 2, 3, 7)

    """
    if "," in token:
        values = []
        for part in filter(None, token.split(",")):
            expanded = _parse_range(part)
            values.extend(expanded if expanded is not None else (_parse_scalar(part),))
        return tuple(values)
    expanded = _parse_range(token)
    return expanded if expanded is not None else _parse_scalar(token)


def parse_args(text):
    """Parse the arguments of a command, separated by spaces.

    Parameters
    ----------
    text : str

    Returns
    -------
    args : tuple

    """
    return tuple(value if quoted else parse_value(value) for value, quoted in tokenize(text))


def split_snippet(snippet):
    """Split a snippet command into its name and the text of its arguments.

    Parameters
    ----------
    snippet : str
        For example ``':f n_spikes > 100'`` (the leading colon is optional).

    Returns
    -------
    (name, text) : tuple
        ``('f', 'n_spikes > 100')``.

    """
    text = snippet.strip()
    text = text[1:].lstrip() if text.startswith(":") else text
    name, rest = (text.split(None, 1) + ["", ""])[:2]
    if not name:
        raise SnippetError(f"Invalid snippet {snippet!r}: type a command name after the colon.")
    if name[0] in "\"'":
        raise SnippetError(f"Invalid snippet {snippet!r}: the command name cannot be quoted.")
    return name, rest.strip()


def parse_snippet(snippet):
    """Parse a snippet command into the snippet name and its arguments.

    Parameters
    ----------
    snippet : str
        For example ``':my_action string 3-6'`` (the leading colon is optional).

    Returns
    -------
    (name, args) : tuple
        The snippet name (an action name or alias) and the tuple of parsed arguments.

    """
    name, text = split_snippet(snippet)
    return name, parse_args(text)
