"""Grapheme clusters: what a reader sees as one character."""

from __future__ import annotations

import pytest

from inkwell.bot.text.graphemes import graphemes
from tests.services.text_samples import FLAG_DE, FLAG_FR


@pytest.mark.parametrize(
    ("text", "clusters"),
    [
        pytest.param("abc", ["a", "b", "c"], id="plain"),
        pytest.param("e\u0301x", ["e\u0301", "x"], id="combining-mark"),
        pytest.param("\u2764\ufe0f!", ["\u2764\ufe0f", "!"], id="variation-selector"),
        pytest.param(FLAG_FR + FLAG_DE, [FLAG_FR, FLAG_DE], id="flags"),
        pytest.param("a\r\nb", ["a", "\r\n", "b"], id="crlf-is-one"),
        pytest.param(
            "\u0915\u200d\u0937", ["\u0915\u200d", "\u0937"], id="zwj-between-letters-does-not-join"
        ),
    ],
)
def test_graphemes(text: str, clusters: list[str]) -> None:
    assert graphemes(text) == clusters
