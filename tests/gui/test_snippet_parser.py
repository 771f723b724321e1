import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from phy.gui.snippet_parser import (
    SnippetError,
    parse_args,
    parse_snippet,
    parse_value,
    split_snippet,
    tokenize,
)


def test_doc_example():
    assert parse_snippet(":my_action string 3-6") == ("my_action", ("string", (3, 4, 5, 6)))


@pytest.mark.parametrize("token, expected", [
    ("3", 3),
    ("-2", -2),
    ("+7", 7),
    ("0.5", 0.5),
    (".5", 0.5),
    ("1e-3", 1e-3),
    ("2.", 2.0),
    ("good", "good"),
    ("inf", "inf"),
    ("nan", "nan"),
    ("n_spikes>100", "n_spikes>100"),
    ("3-6", (3, 4, 5, 6)),
    ("5-5", (5,)),
    ("-2-1", (-2, -1, 0, 1)),
    ("3,5,8", (3, 5, 8)),
    ("1-3,7", (1, 2, 3, 7)),
    ("3,", (3,)),
    ("a,b,2.5", ("a", "b", 2.5)),
    ("good-ish", "good-ish"),
])
def test_parse_value(token, expected):
    value = parse_value(token)
    assert value == expected
    assert type(value) is type(expected)


def test_parse_args_quotes():
    assert parse_args('"my label" \'3-6\' 3-6') == ("my label", "3-6", (3, 4, 5, 6))
    assert parse_args(r'"say \"hi\"" x') == ('say "hi"', "x")
    assert parse_args('  ') == ()


def test_tokenize():
    assert tokenize('a "b c" d') == [("a", False), ("b c", True), ("d", False)]


@pytest.mark.parametrize("text", ['"unterminated', "'also", "6-3"])
def test_parse_errors(text):
    with pytest.raises(SnippetError):
        parse_args(text)


def test_snippet_errors():
    for snippet in (":", "  ", ': "quoted" 1'):
        with pytest.raises(SnippetError):
            parse_snippet(snippet)


def test_split_snippet():
    assert split_snippet(":f n_spikes > 100 && group != 'noise'") == (
        "f", "n_spikes > 100 && group != 'noise'")
    assert split_snippet("merge") == ("merge", "")
    assert split_snippet(":  g\t3 5 ") == ("g", "3 5")
    assert parse_snippet(":g 3 5 7") == ("g", (3, 5, 7))


@given(st.lists(st.integers(-1000, 1000), min_size=2, max_size=20))
def test_comma_lists_roundtrip(values):
    assert parse_value(",".join(map(str, values))) == tuple(values)


@given(st.integers(-100, 100), st.integers(0, 50))
def test_ranges(start, length):
    assert parse_value(f"{start}-{start + length}") == tuple(range(start, start + length + 1))


def test_headless_modules_do_not_import_qt():
    code = (
        "import sys, phy.gui, phy.gui.snippet_parser, phy.gui.state; "
        "assert 'PyQt5' not in sys.modules, 'Qt imported'")
    subprocess.run([sys.executable, "-c", code], check=True)
