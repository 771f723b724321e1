"""Pure-Python rules of the tables: cell formatting, sorting, filtering, navigation.

The row store (:class:`phy.utils.row_store.RowStore`) applies these rules; the HTML and the
native tables of :mod:`phy.gui` only render what the store gives (the cell texts formatted
here, the rows in the store's order). No Qt: the rules are unit-tested headless.

* **Rows** are dictionaries with an ``id`` key (an int) and any other fields.
* **Formatting**: integers as they are, floats with two decimals (three significant digits
  under 1), missing values (None, NaN, infinities) as an empty cell.
* **Sorting**: numbers numerically, strings in natural order (``"a2"`` before ``"a10"``, case
  ignored), numbers before strings, missing values always last; ties by increasing id. The
  sort key of each distinct value is computed once (:func:`sort_ranks`) and the rows are
  ordered by NumPy from these ranks, so that sorting thousands of rows stays fast.
* **Filtering**: a JavaScript expression on the field names (``n_spikes > 100 && group !=
  'noise'``), translated here into a restricted Python expression: names, literals, arithmetic,
  comparisons and logic only (no calls, attributes or subscripts), evaluated with the row's
  fields as the only names in scope and no builtins.
* **Skipped rows**: rows whose ``is_masked`` field is true or whose ``group`` is one of the
  ignored groups are skipped by next/previous (they stay visible, greyed out).
"""

import ast
import math
import re
from numbers import Integral, Real

import numpy as np

#: Groups whose rows are skipped by next/previous (ignored clusters in phy).
DEFAULT_SKIP_GROUPS = ("noise", "mua")

_JS_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<op>===|!==|==|!=|<=|>=|&&|\|\||\*\*|[-+*/%<>!()^&|~])
""", re.VERBOSE)

_ROW = "_phy_row"
_PLAIN_TYPES = (int, str, bool, type(None))  # values kept as they are (no NumPy, not a float)
_PLAIN_OR_FLOAT = frozenset(_PLAIN_TYPES + (float,))
_STR = {str}
_EXACT_INTEGERS = 2 ** 53  # the floats hold every integer of smaller magnitude
_JS_WORDS = {"true": "True", "false": "False", "null": "None", "undefined": "None"}
_JS_OPS = {"===": "==", "!==": "!=", "&&": " and ", "||": " or "}

_ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.Invert, ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Mod, ast.Pow, ast.BitXor,
    ast.BitAnd, ast.BitOr, ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
    ast.Name, ast.Load, ast.Constant,
)


class FilterError(ValueError):
    """Raised when a filter expression cannot be understood."""


# -------------------------------------------------------------------------------------------------
# Values
# -------------------------------------------------------------------------------------------------

def is_missing(value):
    """Whether a cell value counts as missing: None, NaN or an infinity."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def sanitize_value(value):
    """Turn NumPy scalars into Python numbers and non-finite floats into None."""
    kind = type(value)
    if kind is float:
        return value if math.isfinite(value) else None
    if kind in _PLAIN_TYPES:
        return value
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def sanitize_objects(objects):
    """Return copies of the row dictionaries with plain Python values, checking their ids.

    Parameters
    ----------
    objects : list of dict
        Each dictionary must have an ``id`` key.

    Returns
    -------
    objects : list of dict

    """
    out = []
    for obj in objects:
        if not isinstance(obj, dict) or "id" not in obj:
            raise ValueError(f"Table rows must be dictionaries with an 'id' key, got {obj!r}.")
        kinds = set(map(type, obj.values()))
        if kinds <= _PLAIN_OR_FLOAT and set(map(type, obj)) == _STR:  # the usual rows: fast
            copy = dict(obj)
            if float in kinds:
                for k, v in obj.items():
                    if type(v) is float and not math.isfinite(v):
                        copy[k] = None
        else:
            copy = {str(k): sanitize_value(v) for k, v in obj.items()}
        out.append(copy)
    return out


def format_value(value):
    """Text shown in a table cell for a value."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int:
        return str(value)
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Integral):
        return str(value)
    if isinstance(value, Real):
        if value == int(value):
            return str(int(value))
        return f"{value:.2f}" if abs(value) >= 1 else f"{value:#.3g}"
    return str(value)


def is_number(value):
    """Whether a value is shown as a number (right-aligned)."""
    kind = type(value)
    if kind in _PLAIN_TYPES:
        return kind is int
    return isinstance(value, Real) and not isinstance(value, bool) and not is_missing(value)


# -------------------------------------------------------------------------------------------------
# Sorting
# -------------------------------------------------------------------------------------------------

def _natural_chunks(text):
    """Case-insensitive natural-order key of a string: digit runs compare as numbers."""
    return tuple(
        (0, int(c)) if c[0] in "0123456789" else (1, c)
        for c in re.split(r"([0-9]+)", text.lower()) if c)


def sort_key(value):
    """Sort key of a value: ``(0, number)``, ``(1, natural chunks)``, or None if missing."""
    if is_missing(value):
        return None
    if isinstance(value, Real):
        return (0, value)
    return (1, _natural_chunks(str(value)))


def _hashable(value):
    """The value itself if it can be hashed, else its text (which it sorts as)."""
    try:
        hash(value)
    except TypeError:
        return str(value)
    return value


def sort_ranks(values):
    """Dense ranks of values in the increasing order of :func:`sort_key`.

    Values with equal sort keys (``"A1"`` and ``"a1"``, ``2`` and ``2.0``) get the same rank;
    missing values get -1. Numbers alone (ints, floats, None) are ranked by NumPy; otherwise the
    key of each distinct value is computed once.

    Parameters
    ----------
    values : list

    Returns
    -------
    ranks : ndarray
        One int64 rank per value.

    """
    ranks = _number_ranks(values)
    if ranks is not None:
        return ranks
    try:
        distinct = set(values)
    except TypeError:  # unhashable values (lists, ...) sort as their text
        values = [_hashable(v) for v in values]
        distinct = set(values)
    keyed = [(key, v) for v in distinct if (key := sort_key(v)) is not None]
    keyed.sort(key=_first)
    ranks, rank, previous = {}, -1, None
    for key, v in keyed:
        if rank < 0 or key != previous:
            rank, previous = rank + 1, key
        ranks[v] = rank
    get = ranks.get
    return np.fromiter((get(v, -1) for v in values), dtype=np.int64, count=len(values))


def _first(pair):
    return pair[0]


def _number_ranks(values):
    """The ranks of :func:`sort_ranks` computed by NumPy, or None if not only numbers."""
    if not set(map(type, values)) <= {int, float, type(None)}:
        return None
    try:
        x = np.array(values, dtype=np.float64)  # None -> NaN
    except OverflowError:  # an integer beyond the floats
        return None
    present = ~np.isnan(x)
    if np.any(np.abs(x[present]) >= _EXACT_INTEGERS):  # integers may not be exact as floats
        return None
    ranks = np.full(len(x), -1, dtype=np.int64)
    ranks[present] = np.unique(x[present], return_inverse=True)[1].ravel()
    return ranks


def order_from_ranks(ranks, sort_dir="asc"):
    """Positions sorting the ranks of :func:`sort_ranks`, increasing or decreasing.

    Missing values (rank -1) come last; equal ranks keep their order (a stable sort).

    Parameters
    ----------
    ranks : ndarray
    sort_dir : str
        ``'asc'`` or ``'desc'``.

    Returns
    -------
    order : ndarray
        The positions, in the sort order.

    """
    if sort_dir not in ("asc", "desc"):
        raise ValueError(f"The sort direction must be 'asc' or 'desc', not {sort_dir!r}.")
    key = ranks if sort_dir == "asc" else -ranks
    key = np.where(ranks < 0, np.iinfo(np.int64).max, key)
    return np.argsort(key, kind="stable")


def sort_rows(rows, name, sort_dir="asc"):
    """Sort row dictionaries by one field (see the module docstring for the order).

    Parameters
    ----------
    rows : list of dict
    name : str
        The field to sort by.
    sort_dir : str
        ``'asc'`` or ``'desc'``.

    Returns
    -------
    rows : list of dict
        A new, sorted list.

    """
    by_id = sorted(rows, key=lambda r: r["id"])
    order = order_from_ranks(sort_ranks([r.get(name) for r in by_id]), sort_dir)
    return [by_id[k] for k in order.tolist()]


# -------------------------------------------------------------------------------------------------
# Column widths
# -------------------------------------------------------------------------------------------------

def _float_candidates(x):
    """The floats of an array whose texts are the longest (see :func:`text_width`)."""
    x = x[np.isfinite(x)]
    integral = x == np.trunc(x)
    small = ~integral & (np.abs(x) < 1)
    large = ~integral & ~small
    out = []
    for subset in (x[integral], x[large]):  # the text grows with the magnitude
        if subset.size:
            out += [subset.min(), subset.max()]
    positive, negative = x[small & (x > 0)], x[small & (x < 0)]
    if positive.size:  # under 1, the text grows as the magnitude shrinks (leading zeros)
        out.append(positive.min())
    if negative.size:
        out.append(negative.max())
    return [float(v) for v in out]


def text_width(values):
    """Length of the longest text of :func:`format_value` over values, without formatting all.

    The text of a number grows with its magnitude (above 1) or with its smallness (under 1),
    so only the extreme numbers of a column are formatted; strings are measured once each.

    Parameters
    ----------
    values : list

    Returns
    -------
    width : int
        The number of characters (0 for no value).

    """
    kinds = set(map(type, values))
    candidates = values  # anything else: format every value
    if kinds <= {int, type(None)}:
        numbers = [v for v in values if v is not None]
        candidates = [min(numbers), max(numbers)] if numbers else []
    elif kinds <= {int, float, type(None)}:
        try:
            candidates = _float_candidates(np.array(values, dtype=np.float64))
        except OverflowError:  # an integer beyond the floats
            pass
    elif kinds <= {str, type(None)}:
        candidates = {v for v in values if v is not None}
    return max(map(len, map(format_value, candidates)), default=0)


# -------------------------------------------------------------------------------------------------
# Filtering
# -------------------------------------------------------------------------------------------------

def _tokenize(text):
    """Split a JavaScript expression into (kind, text) tokens, without spaces."""
    tokens, pos = [], 0
    while pos < len(text):
        m = _JS_TOKEN.match(text, pos)
        if m is None:
            raise FilterError(f"Unexpected character {text[pos]!r} at position {pos}.")
        if m.lastgroup != "space":
            tokens.append((m.lastgroup, m.group()))
        pos = m.end()
    return tokens


def _operand_end(tokens, i):
    """Index just after the unary operand starting at token `i` (for JavaScript's ``!``)."""
    while i < len(tokens) and tokens[i][1] in ("!", "-", "+", "~"):
        i += 1
    if i >= len(tokens):
        raise FilterError("Missing operand after a unary operator.")
    if tokens[i][1] != "(":
        return i + 1
    depth = 0
    for j in range(i, len(tokens)):
        depth += {"(": 1, ")": -1}.get(tokens[j][1], 0)
        if depth == 0:
            return j + 1
    raise FilterError("Unbalanced parentheses.")


def _translate(tokens):
    """Python source of a list of JavaScript tokens."""
    out, i = [], 0
    while i < len(tokens):
        kind, tok = tokens[i]
        if tok == "!":  # JavaScript's ! binds tighter than comparisons, Python's `not` does not.
            end = _operand_end(tokens, i + 1)
            out.append(f"(not {_translate(tokens[i + 1:end])})")
            i = end
            continue
        if kind == "name":
            if tok in ("and", "or", "not", "in", "is", "lambda", "if", "else", "None", "True",
                       "False") or "$" in tok:
                raise FilterError(f"Unsupported name {tok!r}.")
            tok = _JS_WORDS.get(tok, tok)
        elif kind == "op":
            tok = _JS_OPS.get(tok, tok)
        out.append(tok)
        i += 1
    return " ".join(out)


def js_to_python(expression):
    """Translate a JavaScript filter expression into an equivalent Python expression.

    ``&&``, ``||``, ``!``, ``===``, ``!==``, ``true``, ``false``, ``null`` and ``undefined``
    are translated; strings are kept as they are. Only names, literals, arithmetic, comparisons
    and logic are allowed.

    Raises
    ------
    FilterError
        If the expression is invalid or uses anything else (calls, attributes, ...).

    """
    source = _translate(_tokenize(expression))
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as e:
        raise FilterError(f"Invalid filter expression {expression!r}: {e.msg}.") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise FilterError(
                f"Unsupported syntax in the filter expression {expression!r}: "
                f"{type(node).__name__}.")
    return source


def compile_filter(expression, names):
    """Compile a JavaScript filter expression into a function of a row.

    Parameters
    ----------
    expression : str
        A JavaScript expression on the field names, e.g. ``n_spikes > 100 && group != 'noise'``.
    names : iterable of str
        All the field names: the names in scope (None in rows that lack them).

    Returns
    -------
    matches : function
        ``matches(row)`` returns whether the row dictionary passes the filter. A row on which
        the expression raises a TypeError (``null > 3``) or ZeroDivisionError does not pass.

    Raises
    ------
    FilterError
        If the expression is invalid or uses a name that is not a field.

    """
    tree = ast.parse(js_to_python(expression), mode="eval")
    names = {n for n in names if n.isidentifier()}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    unknown = sorted(used - names)
    if unknown:
        raise FilterError(f"Unknown name(s) in the filter expression: {', '.join(unknown)}.")
    # After validation, turn every name into a lookup in the row: lambda _row: ..._row.get(name)
    body = _RowLookup().visit(tree.body)
    function = ast.Expression(ast.Lambda(
        args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=_ROW)], kwonlyargs=[],
                           kw_defaults=[], defaults=[]),
        body=body))
    ast.fix_missing_locations(function)
    evaluate = eval(compile(function, "<filter>", "eval"), {"__builtins__": {}})  # noqa: S307

    def matches(row):
        try:
            return bool(evaluate(row))
        except (TypeError, ZeroDivisionError, OverflowError):
            return False

    return matches


class _RowLookup(ast.NodeTransformer):
    """Replace each name by ``_row.get('name')``."""

    def visit_Name(self, node):  # noqa: N802, D102
        return ast.Call(
            func=ast.Attribute(value=ast.Name(id=_ROW, ctx=ast.Load()), attr="get",
                               ctx=ast.Load()),
            args=[ast.Constant(node.id)], keywords=[])


# -------------------------------------------------------------------------------------------------
# Navigation
# -------------------------------------------------------------------------------------------------

def is_skipped(row, skip_groups=DEFAULT_SKIP_GROUPS):
    """Whether next/previous skip a row: ``is_masked`` is true or the group is ignored."""
    return bool(row.get("is_masked")) or row.get("group") in skip_groups


def next_id(ids, selected, skipped, direction=+1):
    """The id that next (``direction=+1``) or previous (``-1``) selects.

    Parameters
    ----------
    ids : list
        The shown ids, in order.
    selected : list
        The selected ids.
    skipped : set
        The ids of the skipped rows.
    direction : int
        +1 for next, -1 for previous.

    Returns
    -------
    id : the first non-skipped id after the last shown selected row (next), or before the first
        one (previous); without a shown selected row, the first (next) or last (previous)
        non-skipped id. None if there is none.

    """
    positions = {id_: i for i, id_ in enumerate(ids)}
    shown = [positions[s] for s in selected if s in positions]
    if shown:
        start = max(shown) + 1 if direction > 0 else min(shown) - 1
    else:
        start = 0 if direction > 0 else len(ids) - 1
    i = start
    while 0 <= i < len(ids):
        if ids[i] not in skipped:
            return ids[i]
        i += direction
    return None


def first_id(ids, skipped):
    """The first non-skipped id, or None."""
    return next((i for i in ids if i not in skipped), None)
