"""Reading ``params.py``: a restricted evaluator that never executes the file.

:func:`get_template_params` then checks and normalises the keys of a template dataset.
Real ``params.py`` files only assign literals: strings (often raw strings), numbers, booleans,
``None`` and lists of strings. The evaluator accepts assignments whose right-hand side is a
literal, a list/tuple/dict of those, arithmetic or string concatenation, or a name assigned
earlier in the file; anything else is a clear error naming the file and the line. Variable
names are lower-cased (``DAT_PATH`` and ``dat_path`` are the same key).
"""

import ast
import math
import operator
from pathlib import Path

import numpy as np

from phy.io import DataFormatError, resolve_dat_paths

_BINARY = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}


def _evaluate(node, names, path):
    """Evaluate an expression node made of literals, containers, arithmetic and known names."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple)):
        values = [_evaluate(n, names, path) for n in node.elts]
        return values if isinstance(node, ast.List) else tuple(values)
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_evaluate(k, names, path): _evaluate(v, names, path)
                for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Name) and node.id.lower() in names:
        return names[node.id.lower()]
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand, names, path))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _evaluate(node.left, names, path), _evaluate(node.right, names, path)
        try:
            return _BINARY[type(node.op)](left, right)
        except (TypeError, ZeroDivisionError, OverflowError) as e:
            raise DataFormatError(f"{path}, line {node.lineno}: {e}.") from e
    raise DataFormatError(
        f"{path}, line {node.lineno}: only literal values are allowed in params.py, "
        f"not {ast.unparse(node)!r}.")


def read_params(path):
    """Read the variables of a ``params.py`` file with the restricted evaluator.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    params : dict
        Lower-cased variable names mapped to their values.

    Raises
    ------
    DataFormatError
        On syntax errors and statements other than assignments of literal expressions.

    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise DataFormatError(f"{path} is not a UTF-8 text file.") from e
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as e:
        raise DataFormatError(f"Syntax error in {path}, line {e.lineno}: {e.msg}.") from e
    names = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # docstring or bare literal
        if isinstance(stmt, ast.Assign) and all(isinstance(t, ast.Name) for t in stmt.targets):
            value = _evaluate(stmt.value, names, path)
            for target in stmt.targets:
                names[target.id.lower()] = value
            continue
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value:
            names[stmt.target.id.lower()] = _evaluate(stmt.value, names, path)
            continue
        raise DataFormatError(
            f"{path}, line {stmt.lineno}: only assignments of literal values are allowed "
            f"in params.py.")
    return names


#: Defaults of the parameters that ``params.py`` may override.
DEFAULT_PARAMS = dict(
    n_closest_channels=12, amplitude_threshold=0.0, template_scaling=1.0,
    show_mapped_channels=True, n_samples_waveforms=0)


def check_number(params, key, path, kind=float, positive=False, allow_none=False):
    """Return ``kind(params[key])``, with a clear error naming `path` if it is not valid."""
    value = params.get(key)
    if value is None and allow_none:
        return None
    what = "an integer" if kind is int else "a number"
    try:
        if isinstance(value, (bool, str)) or not math.isfinite(value):
            raise ValueError(value)
        number = kind(value)
        if number != value:  # 1.5 is not an int
            raise ValueError(value)
    except (TypeError, ValueError, OverflowError):
        raise DataFormatError(f"{path}: {key} should be {what}, not {value!r}.") from None
    if positive and number <= 0:
        raise DataFormatError(f"{path}: {key} should be positive, not {value!r}.")
    return number


def check_dtype(value, path):
    """The NumPy dtype of the raw samples (integer or float), with a clear error if invalid."""
    try:
        dtype = np.dtype(value)
    except (TypeError, ValueError, KeyError, SyntaxError):
        dtype = None
    if dtype is None or dtype.kind not in "iuf" or isinstance(value, bool):
        raise DataFormatError(
            f"{path}: dtype should be the type of the raw samples, such as 'int16' or "
            f"'float32', not {value!r}.")
    return dtype


def _check_paths(params, path):
    """Raise if ``dat_path`` is not a path or a list of paths, or ``dir_path`` not a path."""
    dat_path = params["dat_path"]
    items = dat_path if isinstance(dat_path, (list, tuple)) else [dat_path]
    if not all(item is None or isinstance(item, str) for item in items):
        raise DataFormatError(
            f"{path}: dat_path should be a file name or a list of file names, not {dat_path!r}.")
    dir_path = params.get("dir_path")
    if dir_path is not None and not isinstance(dir_path, str):
        raise DataFormatError(f"{path}: dir_path should be a folder name, not {dir_path!r}.")


def get_template_params(params_path):
    """Get a dictionary of parameters from a ``params.py`` file.

    Keys are lower-cased; ``dat_path`` becomes a list of paths relative to the dataset
    directory (``dir_path``, by default the folder of ``params.py``), ``dtype`` a NumPy dtype.

    Parameters
    ----------
    params_path : str or Path
        The ``params.py`` file, or the folder holding it.

    Raises
    ------
    DataFormatError
        If the file cannot be read, or ``dat_path``, ``dtype`` or ``sample_rate`` is missing
        or invalid.

    """
    path = Path(params_path).resolve()
    if path.is_dir():
        if not (path / "params.py").is_file():
            raise DataFormatError(f"The folder {path} has no params.py file.")
        path = path / "params.py"
    if not path.is_file():
        raise DataFormatError(f"The parameter file {path} does not exist.")
    params = read_params(path)
    for key in ("dat_path", "dtype", "sample_rate"):
        if key not in params:
            raise DataFormatError(f"{path}: the required key {key!r} is missing.")
    params["dtype"] = check_dtype(params["dtype"], path)
    params["sample_rate"] = check_number(params, "sample_rate", path, positive=True)
    params["n_channels_dat"] = check_number(
        params, "n_channels_dat", path, kind=int, positive=True, allow_none=True)
    params["offset"] = check_number(params, "offset", path, kind=int, allow_none=True) or 0
    if params["offset"] < 0:
        raise DataFormatError(f"{path}: offset should be 0 or positive, not {params['offset']}.")
    _check_paths(params, path)
    # A relative `dir_path` is relative to the folder of params.py (an absolute one stays).
    params["dir_path"] = path.parent / Path(params.get("dir_path") or ".")
    params["dat_path"] = resolve_dat_paths(params["dat_path"], params["dir_path"])
    return params
