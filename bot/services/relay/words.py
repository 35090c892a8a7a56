"""Counting words the way a writer would, and trimming the model's turns to the limit."""

from __future__ import annotations

import math
import re
from typing import Final

_WORD: Final = re.compile(r"\S+")
# The end of a sentence: its punctuation and any closing quotes or brackets after it.
_SENTENCE_END: Final = re.compile(r"[.!?…]+[\"'”’)\]]*$")


def count_words(text: str) -> int:
    """Words are runs of non-space characters: "don't" is one, "—" standing alone is one."""
    return len(_WORD.findall(text))


def trim_to_words(text: str, limit: int) -> str:
    """At most ``limit`` words of ``text``, ending on a sentence if that keeps most of them.

    Text within the limit comes back unchanged. Otherwise the cut falls after the last
    sentence that ends within the limit, when that keeps at least half of the allowed words;
    failing that, after the last allowed word, with an ellipsis.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    words = list(_WORD.finditer(text))
    if len(words) <= limit:
        return text
    kept = words[:limit]
    # Keeping words[: index + 1] keeps at least half of the limit while index >= this.
    fewest = math.ceil(limit / 2) - 1
    for index in range(len(kept) - 1, fewest - 1, -1):
        if _SENTENCE_END.search(kept[index].group()):
            return text[: kept[index].end()]
    return text[: kept[-1].end()].rstrip(",;:—–-") + "…"


def last_words(text: str, count: int) -> str:
    """The closing ``count`` words of ``text`` (with an ellipsis in front if any were left out)."""
    words = list(_WORD.finditer(text))
    if len(words) <= count:
        return text.strip()
    return "…" + text[words[-count].start() :].strip()


def first_chars(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, with an ellipsis if cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(",;:—–- ") + "…"


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, …, 21st."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"
