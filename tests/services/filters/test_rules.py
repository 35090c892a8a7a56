"""Patterns are checked when a moderator adds them, with a sentence saying what is wrong."""

from __future__ import annotations

import pytest

from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.filters.rules import (
    MAX_KEYWORD_CHARS,
    MAX_REGEX_CHARS,
    Kind,
    check_allowed,
    check_category,
    check_pattern,
    compile_regex,
    keyword_of,
)


@pytest.mark.parametrize(
    ("kind", "pattern", "message"),
    [
        pytest.param("word", "   ", "empty", id="empty"),
        pytest.param("word", "x" * (MAX_KEYWORD_CHARS + 1), "at most 60", id="too-long"),
        pytest.param("word", "two words", "kind phrase", id="word-with-spaces"),
        pytest.param("word", "b*d", "wildcard kind", id="star-in-a-word"),
        pytest.param("word", "a", "two letters", id="one-letter"),
        pytest.param("phrase", "?!", "two letters", id="only-punctuation"),
        pytest.param("wildcard", "c*t", "only at its start or end", id="inner-star"),
        pytest.param("regex", "(unclosed", "doesn't compile", id="regex-syntax"),
        pytest.param("regex", r"(a)\1", "doesn't compile", id="backreference-not-in-re2"),
        pytest.param("regex", r"(?<=a)b", "doesn't compile", id="lookbehind-not-in-re2"),
        pytest.param("regex", "x*", "matches empty text", id="matches-everything"),
        pytest.param("regex", "a" * (MAX_REGEX_CHARS + 1), "at most 260", id="regex-too-long"),
    ],
)
def test_bad_patterns_are_refused_with_a_reason(kind: Kind, pattern: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        check_pattern(kind, pattern)


@pytest.mark.parametrize(
    ("kind", "pattern", "core", "open_start", "open_end"),
    [
        ("word", "  Bad  ", "bad", False, False),
        ("phrase", "Kill   Yourself", "kill yourself", False, False),
        ("wildcard", "cat*", "cat", False, True),
        ("wildcard", "*cat", "cat", True, False),
        ("wildcard", "*cat*", "cat", True, True),
        ("wildcard", "cat", "cat", True, True),
    ],
)
def test_keywords_know_which_ends_may_sit_inside_words(
    kind: Kind, pattern: str, core: str, open_start: bool, open_end: bool
) -> None:
    keyword = keyword_of(kind, pattern)
    assert (keyword.core, keyword.open_start, keyword.open_end) == (core, open_start, open_end)


def test_a_regex_that_would_backtrack_forever_elsewhere_runs_in_linear_time() -> None:
    regex = compile_regex(r"(a+)+$")
    # Python's re takes exponential time on this input; RE2 answers at once.
    assert regex.spans("a" * 50_000 + "b") == []


def test_regexes_are_case_insensitive_and_report_spans() -> None:
    assert compile_regex(r"spoiler\d").spans("SPOILER1 and spoiler2") == [(0, 8), (13, 21)]


def test_categories_and_allowed_terms_are_tidied() -> None:
    assert check_category(None) == "server rules"
    assert check_category("  spoilers  ") == "spoilers"
    with pytest.raises(InvalidInput, match="at most 40"):
        check_category("x" * 41)
    assert check_allowed("  Hell   Creek ") == "Hell Creek"
