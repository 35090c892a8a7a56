"""Lengths are counted the way each platform counts."""

from __future__ import annotations

import pytest

from inkwell.bot.text.platforms import Platform
from inkwell.bot.text.post_length import post_length
from tests.services.text_samples import (
    FAMILY,
    FLAG_DE,
    FLAG_FR,
    KEYCAP_ONE,
    LONG_URL,
    THUMBS_UP_MEDIUM,
    WOMAN_TECHNOLOGIST,
)


@pytest.mark.parametrize(
    ("text", "platform", "length"),
    [
        pytest.param("hello", "x", 5, id="x-latin-weighs-1"),
        pytest.param("caf\u00e9", "x", 4, id="x-accented-latin-weighs-1"),
        pytest.param("cafe\u0301", "x", 4, id="x-normalizes-to-nfc-first"),
        pytest.param("\u65e5\u672c\u8a9e", "x", 6, id="x-cjk-weighs-2"),
        pytest.param("\u201cquoted\u201d", "x", 8, id="x-curly-quotes-weigh-1"),
        pytest.param("\u2026", "x", 2, id="x-ellipsis-weighs-2"),
        pytest.param("\U0001f44d", "x", 2, id="x-emoji-weighs-2"),
        pytest.param(THUMBS_UP_MEDIUM, "x", 2, id="x-skin-tone-sequence-weighs-2"),
        pytest.param(WOMAN_TECHNOLOGIST, "x", 2, id="x-zwj-sequence-weighs-2"),
        pytest.param(FAMILY, "x", 2, id="x-family-weighs-2"),
        pytest.param(FLAG_FR + FLAG_DE, "x", 4, id="x-two-flags-weigh-4"),
        pytest.param(KEYCAP_ONE, "x", 2, id="x-keycap-weighs-2"),
        pytest.param(LONG_URL, "x", 23, id="x-url-weighs-23"),
        pytest.param("https://t.co", "x", 23, id="x-short-url-weighs-23-too"),
        pytest.param(f"Read {LONG_URL}.", "x", 5 + 23 + 1, id="x-url-excludes-final-period"),
        pytest.param("see example.com now", "x", 4 + 23 + 4, id="x-bare-domain-is-a-url"),
        pytest.param("t.co/abc", "x", 23, id="x-short-domain-with-path-is-a-url"),
        pytest.param("one sentence.No space", "x", 21, id="x-typo-is-not-a-url"),
        pytest.param("me@example.com", "x", 14, id="x-email-is-not-a-url"),
        pytest.param("a\nb", "x", 3, id="x-newline-weighs-1"),
        pytest.param("hello", "bluesky", 5, id="bluesky-latin"),
        pytest.param("cafe\u0301", "bluesky", 4, id="bluesky-combining-accent-joins"),
        pytest.param(WOMAN_TECHNOLOGIST, "bluesky", 1, id="bluesky-zwj-sequence-is-one"),
        pytest.param(FAMILY, "bluesky", 1, id="bluesky-family-is-one"),
        pytest.param(THUMBS_UP_MEDIUM, "bluesky", 1, id="bluesky-skin-tone-is-one"),
        pytest.param(FLAG_FR + FLAG_DE, "bluesky", 2, id="bluesky-flags-pair-up"),
        pytest.param(KEYCAP_ONE, "bluesky", 1, id="bluesky-keycap-is-one"),
        pytest.param("\u1100\u1161\u11a8", "bluesky", 1, id="bluesky-hangul-jamo-make-one"),
        pytest.param(LONG_URL, "bluesky", len(LONG_URL), id="bluesky-url-counts-in-full"),
        pytest.param(LONG_URL, "mastodon", 23, id="mastodon-url-weighs-23"),
        pytest.param("see example.com", "mastodon", 15, id="mastodon-needs-a-scheme"),
        pytest.param(WOMAN_TECHNOLOGIST, "mastodon", 3, id="mastodon-code-points"),
        pytest.param(WOMAN_TECHNOLOGIST, "threads", 3, id="threads-code-points"),
        pytest.param(LONG_URL, "instagram", len(LONG_URL), id="instagram-code-points"),
        pytest.param("\u65e5\u672c\u8a9e", "linkedin", 3, id="linkedin-code-points"),
    ],
)
def test_post_length_counts_like_the_platform(text: str, platform: Platform, length: int) -> None:
    assert post_length(text, platform) == length
