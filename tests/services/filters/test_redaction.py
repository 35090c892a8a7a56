"""Holding back an unfinished word, masking, and log excerpts."""

from __future__ import annotations

import pytest

from inkwell.bot.services.filters.redaction import excerpt, finished_length, merge, redact


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("", ""),
        ("Once", ""),
        ("Once upon", "Once "),
        ("Once upon ", "Once upon "),
        ("Once upon a ti", "Once upon a "),
        ("line one\nli", "line one\n"),
    ],
)
def test_the_unfinished_last_word_is_held_back(text: str, shown: str) -> None:
    assert text[: finished_length(text)] == shown


def test_overlapping_and_touching_spans_merge_into_one_mask() -> None:
    assert merge([(5, 8), (0, 2), (2, 3), (6, 10)]) == [(0, 3), (5, 10)]
    assert redact("abcdefghijk", [(5, 8), (0, 2), (2, 3), (6, 10)]) == "███de███k"


def test_an_excerpt_masks_every_match_and_defuses_mentions() -> None:
    text = "x" * 200 + " hey @everyone, the word is BAD and BAD " + "y" * 200
    first = text.index("BAD")
    second = text.index("BAD", first + 1)
    quoted = excerpt(text, [(first, first + 3), (second, second + 3)], context=40)
    assert "BAD" not in quoted
    assert quoted.count("███") == 2
    assert quoted.startswith("…")
    assert quoted.endswith("…")
    assert "@everyone" not in quoted
