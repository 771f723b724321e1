"""Tests of the pure-Python table rules (formatting, sorting, filtering, navigation)."""

import math
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from phy.utils.table_rows import (
    FilterError,
    compile_filter,
    first_id,
    format_value,
    is_skipped,
    js_to_python,
    next_id,
    order_from_ranks,
    sanitize_objects,
    sanitize_value,
    sort_key,
    sort_ranks,
    sort_rows,
    text_width,
)


def _ids(rows):
    return [r["id"] for r in rows]


def test_format_value():
    assert format_value(None) == ""
    assert format_value(math.nan) == ""
    assert format_value(math.inf) == ""
    assert format_value(12) == "12"
    assert format_value(12.0) == "12"
    assert format_value(3.14159) == "3.14"
    assert format_value(0.0123456) == "0.0123"
    assert format_value(0.5) == "0.500"
    assert format_value(True) == "true"
    assert format_value("good") == "good"


def test_sanitize_objects():
    (obj,) = sanitize_objects([{"id": np.int64(3), "x": np.float32(0.5), "y": np.nan}])
    assert obj == {"id": 3, "x": 0.5, "y": None}
    assert type(obj["id"]) is int
    with pytest.raises(ValueError, match="'id'"):
        sanitize_objects([{"n_spikes": 3}])


def test_sort_numbers_numerically():
    rows = [{"id": i, "n": n} for i, n in enumerate([10, 2, 300, 2])]
    assert _ids(sort_rows(rows, "n")) == [1, 3, 0, 2]
    # Ties keep increasing ids in both directions.
    assert _ids(sort_rows(rows, "n", "desc")) == [2, 0, 1, 3]


def test_sort_missing_last():
    rows = [{"id": 0, "q": 0.5}, {"id": 1, "q": None}, {"id": 2, "q": 0.1}, {"id": 3}]
    assert _ids(sort_rows(rows, "q")) == [2, 0, 1, 3]
    assert _ids(sort_rows(rows, "q", "desc")) == [0, 2, 1, 3]


def test_sort_strings_naturally():
    names = ["a2", "a10", "A1", "b", "a2", "c3", "b1", "a1"]
    rows = [{"id": i, "name": n} for i, n in enumerate(names)]
    assert _ids(sort_rows(rows, "name")) == [2, 7, 0, 4, 1, 3, 6, 5]
    assert _ids(sort_rows(rows, "name", "desc")) == [5, 6, 3, 1, 0, 4, 2, 7]
    # Numbers come before strings.
    mixed = [{"id": 0, "v": "x"}, {"id": 1, "v": 5}]
    assert _ids(sort_rows(mixed, "v")) == [1, 0]
    with pytest.raises(ValueError, match="direction"):
        sort_rows(rows, "name", "up")


@pytest.mark.parametrize("js, python", [
    ("a && b || c", "a  and  b  or  c"),
    ("a === 'x' && b !== \"y\"", "a == 'x'  and  b != \"y\""),
    ("x == true || y != null", "x == True  or  y != None"),
    ("'a && b' == s", "'a && b' == s"),
])
def test_js_to_python(js, python):
    assert js_to_python(js) == python


def test_not_binds_tighter_than_comparisons():
    # In JavaScript, !a == b is (!a) == b.
    matches = compile_filter("!a == b", ["a", "b"])
    assert matches({"a": 0, "b": True})
    assert not matches({"a": 1, "b": True})
    assert compile_filter("!(a > 1) && !!b", ["a", "b"])({"a": 0, "b": 2})


ROWS = [
    {"id": 0, "n_spikes": 10, "group": "good", "is_masked": False},
    {"id": 1, "n_spikes": 200, "group": "noise", "is_masked": False},
    {"id": 2, "n_spikes": 300, "group": None, "is_masked": True},
    {"id": 3, "n_spikes": 50, "group": "mua"},
]
NAMES = {"id", "n_spikes", "group", "is_masked"}


@pytest.mark.parametrize("expression, expected", [
    ("n_spikes > 100 && group != 'noise'", [2]),
    ("!is_masked", [0, 1, 3]),
    ("group === null || n_spikes % 20 == 10", [0, 2, 3]),
    ("id >= 2", [2, 3]),
    ("n_spikes / 0 > 1", []),  # ZeroDivisionError: no match
    ("group > 3", []),  # TypeError: no match
])
def test_compile_filter(expression, expected):
    matches = compile_filter(expression, NAMES)
    assert [r["id"] for r in ROWS if matches(r)] == expected


@pytest.mark.parametrize("expression, message", [
    ("n_spikes >", "Invalid"),
    ("foo > 3", "Unknown name"),
    ("__import__('os')", "Unsupported"),
    ("group.__class__", "Unexpected character"),
    ("(1).__class__", "Unexpected character"),
    ("n_spikes ? 1 : 0", "Unexpected character"),
    ("[1, 2]", "Unexpected character"),
    ("not n_spikes", "Unsupported name"),
])
def test_compile_filter_rejects(expression, message):
    with pytest.raises(FilterError, match=message):
        compile_filter(expression, NAMES)


def test_skipped_and_navigation():
    assert [is_skipped(r) for r in ROWS] == [False, True, True, True]
    assert not is_skipped(ROWS[3], skip_groups=("noise",))
    ids = [0, 1, 2, 3, 4]
    skipped = {1, 2}
    assert next_id(ids, [0], skipped) == 3
    assert next_id(ids, [3, 0], skipped) == 4  # after the last shown selected row
    assert next_id(ids, [4], skipped) is None
    assert next_id(ids, [3], skipped, -1) == 0
    assert next_id(ids, [], skipped) == 0
    assert next_id(ids, [], skipped, -1) == 4
    assert next_id(ids, [99], skipped, -1) == 4  # a hidden selected row counts as none
    assert first_id([1, 2, 3], skipped) == 3
    assert first_id([1, 2], skipped) is None


# -------------------------------------------------------------------------------------------------
# Sorting by ranks agrees with the sort keys; column widths agree with the formatted texts
# -------------------------------------------------------------------------------------------------

def _reference_sort(rows, name, sort_dir):
    """The rules written plainly: sort by sort_key, ties by id, missing values last."""
    by_id = sorted(rows, key=lambda r: r["id"])
    present = [r for r in by_id if sort_key(r.get(name)) is not None]
    missing = [r for r in by_id if sort_key(r.get(name)) is None]
    present.sort(key=lambda r: sort_key(r.get(name)), reverse=sort_dir == "desc")
    return present + missing


_numbers = st.one_of(
    st.integers(-1000, 1000), st.integers(-2 ** 60, 2 ** 60), st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.5, 2, 2.0, 1e-5, -0.25]))
_values = st.one_of(
    st.none(), _numbers, st.sampled_from(["a2", "a10", "A1", "a1", "b", "", "x 3", "X 03"]),
    st.text(max_size=4))


@given(values=st.lists(_values, max_size=30), sort_dir=st.sampled_from(["asc", "desc"]),
       numbers_only=st.booleans())
@settings(max_examples=300, deadline=None)
def test_sort_rows_follows_the_sort_keys(values, sort_dir, numbers_only):
    if numbers_only:  # the NumPy path
        values = [v if v is None or isinstance(v, (int, float)) else len(v) for v in values]
    ids = list(range(len(values)))
    random.Random(len(values)).shuffle(ids)
    rows = [{"id": i, "v": v} for i, v in zip(ids, values)]
    assert _ids(sort_rows(rows, "v", sort_dir)) == _ids(_reference_sort(rows, "v", sort_dir))


def test_sort_ranks():
    ranks = sort_ranks(["b", 2, None, "a1", "A1", 2.0, 1, math.nan, [1]])
    assert ranks.tolist() == [4, 1, -1, 3, 3, 1, 0, -1, 2]  # numbers, then texts ("[1]" < "a1")
    assert sort_ranks([3, None, 2 ** 60 + 1, 2 ** 60]).tolist() == [0, -1, 2, 1]  # exact ints
    assert order_from_ranks(np.array([1, -1, 0, 1]), "desc").tolist() == [0, 3, 2, 1]


@given(values=st.lists(st.one_of(
    st.none(), st.integers(-10 ** 6, 10 ** 6),
    st.floats(-1e6, 1e6), st.floats(-1, 1), st.floats(-1e-3, 1e-3),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(["good", "a long name"]),
    st.booleans()), max_size=30))
@settings(max_examples=300, deadline=None)
def test_text_width_is_the_longest_text(values):
    values = [sanitize_value(v) for v in values]
    assert text_width(values) == max((len(format_value(v)) for v in values), default=0)
