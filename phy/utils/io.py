"""Reading and writing files: JSON, TSV/CSV, Python, pickle and text, with atomic writes.

Every writer goes through :func:`atomic_write`: the data is written to a temporary sibling
``.<name>.<hex>.tmp``, flushed to disk and renamed over the target, so a crash never leaves a
half-written file. With ``backup=True`` the previous version is kept as ``<name>.bak``.
"""

import base64
import csv
import io
import json
import logging
import os
import shutil
import stat
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

#: 1-D arrays with at most this many elements are written to JSON as plain lists.
MAX_JSON_LIST_SIZE = 10


# -------------------------------------------------------------------------------------------------
# Paths and atomic writes
# -------------------------------------------------------------------------------------------------

def ensure_dir_exists(path):
    """Ensure a directory exists, and create it otherwise.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    path : Path

    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"{path} exists and is not a directory.")
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_path(path):
    """Return the path of the backup of a file: ``<name>.bak`` beside it."""
    path = Path(path)
    return path.with_name(path.name + ".bak")


@contextmanager
def atomic_write(path, backup=False):
    """Context manager yielding a temporary path that replaces `path` when the block succeeds.

    Parameters
    ----------
    path : str or Path
        The file to write.
    backup : bool
        Whether to keep the current content of `path`, if any, as ``<name>.bak``.

    Yields
    ------
    tmp_path : Path
        Write the whole file there. It is flushed, given the permissions of the file it replaces
        and renamed over `path` on success; it is removed if the block raises.

    """
    path = Path(path)
    ensure_dir_exists(path.parent)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
            if backup:
                shutil.copy2(path, backup_path(path))
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def read_text(path):
    """Read a UTF-8 text file and return its contents as a string."""
    return Path(path).read_text(encoding="utf-8")


def write_text(path, contents):
    """Write a string to a UTF-8 text file, atomically."""
    with atomic_write(path) as tmp:
        tmp.write_text(contents, encoding="utf-8")


# -------------------------------------------------------------------------------------------------
# JSON
# -------------------------------------------------------------------------------------------------

def _encode_json(obj):
    """Turn `obj` into JSON-serializable Python objects (recursively)."""
    if isinstance(obj, dict):
        return {str(k): _encode_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_encode_json(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        if obj.ndim == 1 and obj.size <= MAX_JSON_LIST_SIZE and obj.dtype.kind in "biuf":
            return obj.tolist()
        data = np.array(obj, order="C", copy=True)
        return {
            "__ndarray__": base64.b64encode(data.tobytes()).decode("ascii"),
            "dtype": data.dtype.str,
            "shape": list(data.shape),
        }
    if type(obj).__name__ == "QByteArray":
        obj = bytes(obj.data())
    if isinstance(obj, (bytes, bytearray)):
        # Qt byte arrays (window geometry) as base64 of their base64 text, as phy does.
        return {"__qbytearray__": base64.b64encode(base64.b64encode(bytes(obj))).decode("ascii")}
    if isinstance(obj, Path):
        return str(obj)
    return obj


def _decode_json(obj):
    """Inverse of `_encode_json` on what `json.loads` returns."""
    if isinstance(obj, list):
        return [_decode_json(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__ndarray__" in obj:
        data = base64.b64decode(obj["__ndarray__"])
        return np.frombuffer(data, dtype=np.dtype(obj["dtype"])).reshape(obj["shape"]).copy()
    if "__qbytearray__" in obj:
        return base64.b64decode(base64.b64decode(obj["__qbytearray__"]))
    return {(int(k) if k.isdigit() else k): _decode_json(v) for k, v in obj.items()}


def dumps_json(data):
    """Serialize `data` to a JSON string with phy's encoding (see :func:`save_json`)."""
    return json.dumps(_encode_json(data), indent=2, sort_keys=True)


def save_json(path, data):
    """Save a dictionary to a JSON file, atomically.

    NumPy arrays are supported: 1-D arrays with at most 10 numbers are written as lists, the
    others as base64 of their bytes with their dtype and shape. Qt byte arrays and bytes are
    written as ``{"__qbytearray__": ...}`` and read back as bytes. Integer keys become strings
    (and come back as integers), tuples become lists, NumPy scalars plain numbers.

    Parameters
    ----------
    path : str or Path
    data : dict

    """
    write_text(path, dumps_json(data))


def load_json(path):
    """Load a JSON file saved by :func:`save_json`.

    A missing or empty file gives ``{}``; invalid JSON is logged as an error and gives ``{}``.
    """
    path = Path(path)
    if not path.exists():
        return {}
    text = read_text(path)
    if not text.strip():
        return {}
    try:
        return _decode_json(json.loads(text))
    except (ValueError, TypeError, KeyError) as e:
        logger.error("Invalid JSON file %s: %s.", path, e)
        return {}


# -------------------------------------------------------------------------------------------------
# Pickle
# -------------------------------------------------------------------------------------------------

def save_pickle(path, data):
    """Save any Python object to a file with joblib (atomically)."""
    import joblib

    with atomic_write(path) as tmp:
        with open(tmp, "wb") as f:
            joblib.dump(data, f)


def load_pickle(path):
    """Load a joblib pickle file."""
    import joblib

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"Pickle file {path} does not exist.")
    return joblib.load(path)


# -------------------------------------------------------------------------------------------------
# Python files
# -------------------------------------------------------------------------------------------------

def read_python(path):
    """Read a Python file and return the variables it defines.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    metadata : dict
        The global names the file assigns, except those starting with an underscore and
        modules.

    """
    path = Path(path)
    namespace = {}
    try:
        code = compile(read_text(path), str(path), "exec")
        exec(code, {}, namespace)
    except SyntaxError as e:
        raise SyntaxError(f"Syntax error in {path}, line {e.lineno}: {e.msg}") from e
    return {
        k: v for k, v in namespace.items()
        if not k.startswith("_") and type(v).__name__ != "module"}


# -------------------------------------------------------------------------------------------------
# TSV / CSV
# -------------------------------------------------------------------------------------------------

def _parse_cell(value):
    """Convert a cell to int if possible, else float, else keep the string."""
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            pass
    return value


def read_tsv(path):
    """Read a TSV or CSV file with a header line.

    The delimiter is a tab if the header line contains one, else a comma. LF and CRLF line
    endings and CSV quoting are accepted. Empty cells are skipped; every other cell is
    converted to int if possible, else float, else kept as a string. Cells beyond the
    header's columns are ignored with a warning naming the file and the line.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    data : list of dicts
        One dictionary per data row, mapping column names to values. An empty file gives ``[]``.

    """
    path = Path(path)
    text = read_text(path)
    if not text.strip():
        return []
    header = text.splitlines()[0]
    delimiter = "\t" if "\t" in header else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    fields = next(reader)
    out = []
    for row in reader:
        if not row:
            continue
        if len(row) > len(fields):
            logger.warning("%s, line %d: %d cells but %d columns in the header; the extra "
                           "cells are ignored.", path, reader.line_num, len(row), len(fields))
        out.append({f: _parse_cell(v) for f, v in zip(fields, row) if v != ""})
    return out


def _format_cell(value, n_significant_figures):
    """Format a TSV cell: floats with a number of significant figures, the rest with str()."""
    if value is None:
        return ""
    if isinstance(value, (float, np.floating)) and n_significant_figures is not None:
        return f"{value:.{n_significant_figures}g}"
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)


def write_tsv(path, data, first_field=None, exclude_fields=(), n_significant_figures=4):
    """Write a TSV file (tab-separated, LF line endings), atomically.

    Parameters
    ----------
    path : str or Path
    data : list of dicts
        The rows. The columns are the union of the keys, in order of first appearance.
    first_field : str
        The name of the field that should come first in the file.
    exclude_fields : list-like
        Fields present in the data that should not be saved in the file.
    n_significant_figures : int
        Number of significant figures used for floating-point numbers in the file (None to
        write them with ``str()``).

    """
    fields = []
    for row in data:
        fields.extend(k for k in row if k not in fields and k not in exclude_fields)
    if first_field in fields:
        fields.remove(first_field)
        fields.insert(0, first_field)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    if fields:
        writer.writerow(fields)
    for row in data:
        writer.writerow([_format_cell(row.get(f), n_significant_figures) for f in fields])
    with atomic_write(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            f.write(buffer.getvalue())
