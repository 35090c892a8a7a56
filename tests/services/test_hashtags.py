"""Hashtags are found, taken out of a body, and suggested the way the platforms see them."""

from __future__ import annotations

import pytest

from inkwell.bot.text.hashtags import (
    as_hashtag,
    dedupe_tags,
    extract_hashtags,
    hashtag_spans,
    suggest_hashtags,
)
from inkwell.bot.text.platforms import Platform


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        pytest.param("Hello #world", ["#world"], id="after-a-space"),
        pytest.param("#caf\u00e9_2024!", ["#caf\u00e9_2024"], id="unicode-and-underscore"),
        pytest.param("C# and &#39; and page/#anchor", [], id="glued-to-what-comes-before"),
        pytest.param("#1 and # Heading", [], id="needs-a-letter"),
        pytest.param("#a#b", ["#a"], id="a-hash-after-a-hash-starts-no-tag"),
    ],
)
def test_hashtag_spans(text: str, tags: list[str]) -> None:
    assert [text[start:end] for start, end in hashtag_spans(text)] == tags


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        pytest.param("amwriting", "#amwriting", id="adds-the-hash"),
        pytest.param("#amwriting", "#amwriting", id="keeps-the-hash"),
        pytest.param("  lake ", "#lake", id="trims"),
        pytest.param("two words", None, id="two-words"),
        pytest.param("2024", None, id="no-letter"),
        pytest.param("", None, id="empty"),
    ],
)
def test_as_hashtag(value: str, tag: str | None) -> None:
    assert as_hashtag(value) == tag


def test_dedupe_tags_keeps_the_first_spelling_in_order() -> None:
    assert dedupe_tags(["#Poetry", "#haiku", "#POETRY", "#poetry"]) == ("#Poetry", "#haiku")


@pytest.mark.parametrize(
    ("text", "body", "tags"),
    [
        pytest.param("No tags here.", "No tags here.", (), id="none"),
        pytest.param("Done. #a #b", "Done.", ("#a", "#b"), id="trailing-run-goes"),
        pytest.param("Tags: #a #b\nBody.", "Body.", ("#a", "#b"), id="labelled-tag-line-goes"),
        pytest.param("I love #poetry.", "I love poetry.", ("#poetry",), id="inline-keeps-word"),
    ],
)
def test_extract_hashtags(text: str, body: str, tags: tuple[str, ...]) -> None:
    assert extract_hashtags(text) == (body, tags)


@pytest.mark.parametrize(
    ("topic", "platform", "expected"),
    [
        pytest.param("our bakery opens saturday", "x", ("#bakery",), id="one-for-x"),
        pytest.param(
            "the new poetry zine", "mastodon", ("#poetry", "#zine"), id="two-for-mastodon"
        ),
        pytest.param("a an the", "x", (), id="nothing-distinctive"),
    ],
)
def test_hashtags_are_suggested_from_the_topic(
    topic: str, platform: Platform, expected: tuple[str, ...]
) -> None:
    assert suggest_hashtags(topic, platform) == expected
