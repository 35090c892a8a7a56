"""Hashtags: finding them in text, taking them out of a post's body, and suggesting some.

What counts as a hashtag follows the platforms: ``#`` then word characters with at least
one letter, not glued to a word before it — so "C#", "&#39;", "#1" and "# Heading" are no
tags. Case-insensitive repeats are dropped, the first spelling kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

from inkwell.bot.text.cleaning import is_pictographic, normalize_text
from inkwell.bot.text.graphemes import is_extend
from inkwell.bot.text.platforms import MAX_HASHTAGS, Platform


def _tag_end(text: str, start: int) -> int:
    """End of the hashtag whose ``#`` is at ``start``: letters, digits, underscores, marks."""
    end = start + 1
    while end < len(text) and (
        text[end].isalnum() or text[end] == "_" or unicodedata.category(text[end])[0] == "M"
    ):
        end += 1
    return end


def hashtag_spans(text: str) -> list[tuple[int, int]]:
    """Valid hashtags in ``text``: ``#`` + word characters with at least one letter.

    The ``#`` must not follow a word character, ``&``, ``#`` or ``/``, so "C#", "&#39;",
    "page/#anchor" and "# Heading" are no hashtags, nor is "#1".
    """
    spans: list[tuple[int, int]] = []
    for start, char in enumerate(text):
        if char != "#":
            continue
        if start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_&#/"):
            continue
        end = _tag_end(text, start)
        if any(c.isalpha() for c in text[start + 1 : end]):
            spans.append((start, end))
    return spans


def dedupe_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """``tags`` in order without case-insensitive repeats: the first spelling wins."""
    seen: set[str] = set()
    kept: list[str] = []
    for tag in tags:
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            kept.append(tag)
    return tuple(kept)


def as_hashtag(value: str) -> str | None:
    """Make "#amwriting" or "amwriting" into "#amwriting"; anything else (two words) → None."""
    tag = "#" + normalize_text(value, multiline=False).lstrip("#")
    if hashtag_spans(tag) == [(0, len(tag))]:
        return tag
    return None


_SEPARATORS: Final = " \t,;·|*_"
_TAG_LINE_LABEL: Final = re.compile(r"^[*_ \t]*(?:hash)?tags?[*_ \t]*[:\uff1a]", re.IGNORECASE)
_SENTENCE_END: Final = ".!?\u2026\u3002\uff01\uff1f\"'\u201d\u2019\u00bb)"


def _unhash(line: str, spans: list[tuple[int, int]]) -> str:
    """Turn "Loving #poetry today" into "Loving poetry today": a tag in a sentence stays a word."""
    for start, _end in reversed(spans):
        line = line[:start] + line[start + 1 :]
    return line


def _without_trailing_tags(line: str) -> str:
    """Drop the run of hashtags that ends ``line``, unless the first one is part of a sentence.

    "Done. #amwriting #poetry" → "Done."; "I love #poetry #amwriting" → "I love #poetry"
    (the caller then turns the remaining tag into the word "poetry").
    """
    spans = hashtag_spans(line)
    run: list[tuple[int, int]] = []
    position = len(line)
    for start, end in reversed(spans):
        if line[end:position].strip(_SEPARATORS):
            break
        run.insert(0, (start, end))
        position = start
    if not run:
        return line
    before = line[: run[0][0]].rstrip(_SEPARATORS)
    ends_sentence = not before or before[-1] in _SENTENCE_END or is_pictographic(before[-1])
    if ends_sentence or is_extend(before[-1]):
        return before
    return line[: run[0][1]]


def _without_spans(line: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        line = line[:start] + line[end:]
    return line


def extract_hashtags(text: str) -> tuple[str, tuple[str, ...]]:
    """Take every hashtag out of ``text`` into a tuple, in order, without repeats.

    Lines of nothing but hashtags ("Hashtags: #a #b" too) and the run that ends the text
    disappear; a tag inside a sentence keeps its word and loses its ``#``.
    """
    tags = dedupe_tags(text[start:end] for start, end in hashtag_spans(text))
    if not tags:
        return text, ()
    kept: list[str] = []
    for line in text.split("\n"):
        spans = hashtag_spans(line)
        rest = _TAG_LINE_LABEL.sub("", _without_spans(line, spans))
        if spans and not rest.strip(_SEPARATORS):
            continue
        kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    if kept:
        kept[-1] = _without_trailing_tags(kept[-1])
    body = "\n".join(_unhash(line, hashtag_spans(line)) for line in kept)
    return body, tags


_COMMON_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "you",
        "your",
        "about",
        "after",
        "before",
        "new",
        "today",
    ]
)


def suggest_hashtags(topic: str, platform: Platform) -> tuple[str, ...]:
    """Hashtags from the topic's first distinctive words, for a post the model left without
    any: every platform here uses them, so a post should carry at least one."""
    words = re.findall(r"[^\W_]+", topic.casefold())
    candidates = [
        word
        for word in dict.fromkeys(words)
        if word not in _COMMON_WORDS and not word.isdigit() and len(word) > 2
    ]
    wanted = 1 if MAX_HASHTAGS[platform] <= 2 else 2
    return tuple(f"#{word}" for word in candidates[:wanted])
