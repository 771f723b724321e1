"""PRM and PRB files (klusta parameters and probes): read safely, without running code.

Both are small Python files (FORMATS §3.10). They are parsed with :mod:`ast` and evaluated by
a restricted evaluator that knows only what the format needs: number, string, boolean and
``None`` literals; lists, tuples, dicts and sets; arithmetic (``0.95 * .5``); string
concatenation with names defined earlier in the file (``experiment_name + '.dat'``);
``dict(...)``, ``list(...)``, ``tuple(...)``, ``range(...)``, ``len``, ``int``, ``float``,
``str``, ``min``, ``max``, ``abs`` and ``zip``; subscripts; and list, dict and set
comprehensions over these. Anything else (imports, attribute access, other calls, loops,
functions) is refused with a :class:`~phy.io.DataFormatError` naming the file and the line.

Top-level names are lower-cased, as klusta did.
"""

import ast
import operator
from pathlib import Path

from .npy import DataFormatError

#: The callables a PRM/PRB file may use.
_FUNCTIONS = {
    "dict": dict, "list": list, "tuple": tuple, "set": set, "range": range, "len": len,
    "int": int, "float": float, "str": str, "bool": bool, "min": min, "max": max, "abs": abs,
    "zip": zip, "sorted": sorted, "round": round,
}
_CONSTANTS = {"True": True, "False": False, "None": None}
_BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
#: Largest sequence a ``range`` or a repetition may make, and largest exponent.
_MAX_ITEMS = 10_000_000
_MAX_EXPONENT = 1000


class _Refused(Exception):
    """A construct outside the PRM/PRB language, at a node."""

    def __init__(self, node, message):
        super().__init__(message)
        self.lineno = getattr(node, "lineno", None)


class _Evaluator:
    """Evaluate the expressions of a PRM/PRB file in a namespace of earlier definitions."""

    def __init__(self, namespace):
        self.namespace = namespace

    def eval(self, node, scope=None):
        scope = self.namespace if scope is None else scope
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise _Refused(node, f"`{ast.unparse(node)}` is not allowed in this file")
        return method(node, scope)

    def _Constant(self, node, scope):
        return node.value

    def _Name(self, node, scope):
        if node.id in scope:
            return scope[node.id]
        if node.id.lower() in scope:
            return scope[node.id.lower()]
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        raise _Refused(node, f"the name `{node.id}` is not defined")

    def _List(self, node, scope):
        return [self.eval(e, scope) for e in node.elts]

    def _Tuple(self, node, scope):
        return tuple(self.eval(e, scope) for e in node.elts)

    def _Set(self, node, scope):
        return {self.eval(e, scope) for e in node.elts}

    def _Dict(self, node, scope):
        if any(k is None for k in node.keys):
            raise _Refused(node, "`**` in a dict is not allowed in this file")
        return {self.eval(k, scope): self.eval(v, scope) for k, v in zip(node.keys, node.values)}

    def _BinOp(self, node, scope):
        op = _BINARY.get(type(node.op))
        if op is None:
            raise _Refused(node, f"the operator of `{ast.unparse(node)}` is not allowed")
        left, right = self.eval(node.left, scope), self.eval(node.right, scope)
        if op is operator.pow and isinstance(right, (int, float)) and abs(right) > _MAX_EXPONENT:
            raise _Refused(node, f"the exponent of `{ast.unparse(node)}` is too large")
        if op is operator.mul:
            seq, n = (left, right) if isinstance(left, (str, list, tuple)) else (right, left)
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and (
                    len(seq) * n > _MAX_ITEMS):
                raise _Refused(node, f"`{ast.unparse(node)}` makes too large a sequence")
        try:
            return op(left, right)
        except Exception as e:
            raise _Refused(node, f"`{ast.unparse(node)}` failed: {e}") from None

    def _UnaryOp(self, node, scope):
        return _UNARY[type(node.op)](self.eval(node.operand, scope))

    def _Compare(self, node, scope):
        left = self.eval(node.left, scope)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.eval(comparator, scope)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def _BoolOp(self, node, scope):
        values = (self.eval(v, scope) for v in node.values)
        return all(values) if isinstance(node.op, ast.And) else any(values)

    def _IfExp(self, node, scope):
        return self.eval(node.body if self.eval(node.test, scope) else node.orelse, scope)

    def _Subscript(self, node, scope):
        value = self.eval(node.value, scope)
        try:
            return value[self.eval(node.slice, scope)]
        except Exception as e:
            raise _Refused(node, f"`{ast.unparse(node)}` failed: {e!r}") from None

    def _Slice(self, node, scope):
        return slice(*(self.eval(x, scope) if x is not None else None
                       for x in (node.lower, node.upper, node.step)))

    def _Call(self, node, scope):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in _FUNCTIONS or name in scope:
            raise _Refused(node, f"the call `{ast.unparse(node.func)}(...)` is not allowed")
        args = [self.eval(a, scope) for a in node.args]
        if any(k.arg is None for k in node.keywords):
            raise _Refused(node, "`**` in a call is not allowed in this file")
        kwargs = {k.arg: self.eval(k.value, scope) for k in node.keywords}
        if name == "range" and len(range(*args)) > _MAX_ITEMS:
            raise _Refused(node, f"`{ast.unparse(node)}` is too large")
        try:
            return _FUNCTIONS[name](*args, **kwargs)
        except Exception as e:
            raise _Refused(node, f"`{ast.unparse(node)}` failed: {e}") from None

    def _iterate(self, generators, scope):
        """The scopes of a comprehension's iterations (``for`` and ``if`` clauses)."""
        if not generators:
            yield scope
            return
        gen, rest = generators[0], generators[1:]
        if gen.is_async:
            raise _Refused(gen, "async comprehensions are not allowed")
        for item in self.eval(gen.iter, scope):
            inner = dict(scope)
            self._bind(gen.target, item, inner)
            if all(self.eval(cond, inner) for cond in gen.ifs):
                yield from self._iterate(rest, inner)

    def _bind(self, target, value, scope):
        if isinstance(target, ast.Name):
            scope[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = list(value)
            if len(values) != len(target.elts):
                raise _Refused(target, "cannot unpack the values of a comprehension")
            for t, v in zip(target.elts, values):
                self._bind(t, v, scope)
        else:
            raise _Refused(target, f"`{ast.unparse(target)}` is not allowed as a target")

    def _ListComp(self, node, scope):
        return [self.eval(node.elt, s) for s in self._iterate(node.generators, scope)]

    def _SetComp(self, node, scope):
        return {self.eval(node.elt, s) for s in self._iterate(node.generators, scope)}

    def _GeneratorExp(self, node, scope):
        return self._ListComp(node, scope)

    def _DictComp(self, node, scope):
        return {self.eval(node.key, s): self.eval(node.value, s)
                for s in self._iterate(node.generators, scope)}


def read_python_literals(path):
    """Evaluate a PRM or PRB file safely and return its top-level names (lower-cased).

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    namespace : dict
        ``{name: value}`` of every top-level assignment.

    Raises
    ------
    DataFormatError
        If the file is missing or is not valid Python, or uses anything beyond the PRM/PRB
        language (the message names the file and the line).

    """
    path = Path(path)
    try:
        source = path.read_text()
    except OSError as e:
        raise DataFormatError(f"Cannot read {path}: {e.strerror or e}.") from None
    return evaluate_python_literals(source, path)


def evaluate_python_literals(source, path="<string>"):
    """Evaluate the source of a PRM or PRB file (see :func:`read_python_literals`)."""
    try:
        tree = ast.parse(source, filename=str(path))
    except SyntaxError as e:
        raise DataFormatError(
            f"{path} is not a valid Python file: {e.msg} (line {e.lineno}).") from None
    namespace = {}
    evaluator = _Evaluator(namespace)
    try:
        for stmt in tree.body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue  # a docstring
            if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or (
                    isinstance(stmt, ast.AnnAssign) and stmt.value is None):
                raise _Refused(stmt, f"`{ast.unparse(stmt).splitlines()[0]}`: only assignments "
                               "are allowed")
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            value = evaluator.eval(stmt.value)
            for target in targets:
                if not isinstance(target, ast.Name):
                    raise _Refused(stmt, f"`{ast.unparse(target)}` cannot be assigned")
                namespace[target.id.lower()] = value
    except _Refused as e:
        line = f" (line {e.lineno})" if e.lineno else ""
        raise DataFormatError(f"{path}{line}: {e}.") from None
    except RecursionError:
        raise DataFormatError(f"{path}: an expression is nested too deeply.") from None
    return namespace


def _pairs(value, what, path, group):
    try:
        return [(int(a), int(b)) for a, b in value]
    except (TypeError, ValueError):
        raise DataFormatError(
            f"{path}: the {what} of channel group {group} must be a list of channel pairs."
        ) from None


def parse_channel_groups(channel_groups, path="<probe>"):
    """Check and normalise the ``channel_groups`` dict of a PRB file.

    Returns
    -------
    channel_groups : dict
        ``{group_id: {'channels': [int], 'graph': [(int, int)], 'geometry': {int: (x, y)}}}``
        sorted by group id; ``graph`` and ``geometry`` may be empty.

    """
    if not isinstance(channel_groups, dict) or not channel_groups:
        raise DataFormatError(f"{path}: `channel_groups` must be a non-empty dict.")
    out = {}
    for group in sorted(channel_groups, key=lambda g: int(g)):
        spec = channel_groups[group]
        if not isinstance(spec, dict) or "channels" not in spec:
            raise DataFormatError(f"{path}: channel group {group} has no `channels`.")
        try:
            channels = [int(c) for c in spec["channels"]]
            geometry = {int(c): (float(xy[0]), float(xy[1]))
                        for c, xy in dict(spec.get("geometry") or {}).items()}
        except (TypeError, ValueError, IndexError, KeyError):
            raise DataFormatError(
                f"{path}: channel group {group} must have a list of channel numbers and a "
                "geometry {channel: (x, y)}.") from None
        if len(set(channels)) != len(channels):
            raise DataFormatError(f"{path}: channel group {group} lists a channel twice.")
        graph = _pairs(spec.get("graph") or [], "graph", path, group)
        out[int(group)] = {"channels": channels, "graph": graph, "geometry": geometry}
    return out


def read_prb(path):
    """Read a PRB (probe) file: its normalised channel groups (:func:`parse_channel_groups`)."""
    namespace = read_python_literals(path)
    if "channel_groups" not in namespace:
        raise DataFormatError(f"{path} defines no `channel_groups`.")
    return parse_channel_groups(namespace["channel_groups"], path)


def read_prm(path):
    """Read a PRM (klusta parameters) file: ``{name: value}`` of its top-level names.

    ``traces``, ``spikedetekt`` and ``klustakwik2`` are dicts (empty if absent).
    """
    namespace = read_python_literals(path)
    for key in ("traces", "spikedetekt", "klustakwik2"):
        value = namespace.setdefault(key, {})
        if not isinstance(value, dict):
            raise DataFormatError(f"{path}: `{key}` must be a dict.")
    return namespace
