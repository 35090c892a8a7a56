"""Masking matches in the original text, holding back an unfinished word, log excerpts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from inkwell.bot.text.cleaning import neutralize_mentions

MASK: Final = "███"
# Characters of context on each side of the first match in a log excerpt.
EXCERPT_CONTEXT: Final = 80


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with overlapping or touching ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def redact(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span (in ``text``'s own offsets) replaced by one :data:`MASK`."""
    pieces: list[str] = []
    position = 0
    for start, end in merge(spans):
        pieces.append(text[position:start])
        pieces.append(MASK)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def finished_length(text: str) -> int:
    """How much of a streamed text is finished words: up to its last whitespace.

    The word after it may still grow ("fu" → "fuck"), so it is not shown yet; the final
    check, on the whole text, releases it.
    """
    for index in range(len(text) - 1, -1, -1):
        if text[index].isspace():
            return index + 1
    return 0


def excerpt(text: str, spans: Iterable[tuple[int, int]], *, context: int = EXCERPT_CONTEXT) -> str:
    """A short piece of ``text`` around its first span, every span masked, mentions defused."""
    ordered = merge(spans)
    if not ordered:
        piece = text[: 2 * context]
        return neutralize_mentions(piece + ("…" if len(text) > len(piece) else ""))
    low = max(0, ordered[0][0] - context)
    high = min(len(text), ordered[0][1] + context)
    inside = [(max(s, low) - low, min(e, high) - low) for s, e in ordered if s < high and e > low]
    piece = redact(text[low:high], inside)
    piece = ("…" if low > 0 else "") + piece + ("…" if high < len(text) else "")
    return neutralize_mentions(" ".join(piece.split()))
