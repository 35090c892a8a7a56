"""Words broken up, joined again: ``ba'd``, ``ba-d``, ``b ad``, ``ba d`` for a rule "bad",
and a phrase written without its space (``killyourself``, ``#KillYourself``).

The skeleton keeps every fragment as a word of its own, so the matcher adds keys for the
broken forms of each word rule: the word cut once, at each place, into two fragments. Such
a hit counts only where the fragments repeat no letter more than the rule does (``shh it``
is not ``shit``), stand at most :data:`MAX_SEPARATOR` characters apart, and are not an
ordinary contraction (``he'll``, ``we'd``, ``band's hit``): joining neighbours only when the
join makes a rule's word keeps everyday text passing.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product
from typing import Final, NamedTuple

# Phrases of more words than this get no broken forms (their number multiplies).
_MAX_BROKEN_WORDS: Final = 3
# Fragments further apart than this (in original characters) are separate words.
MAX_SEPARATOR: Final = 3
# The fragment before 'd 'll 're 've 'm in an everyday contraction.
_PRONOUNS: Final = frozenset((
    "i", "you", "he", "she", "it", "we", "they", "who", "what", "that", "there", "here",
    "where", "how", "why", "when", "this",
))  # fmt: skip
_APOSTROPHES: Final = frozenset("'\u2019\u02bc`\u00b4")
_CONTRACTION_ENDS: Final = frozenset(("d", "ll", "re", "ve", "m"))


class Break(NamedTuple):
    """A word of a rule cut in two, in a key: where the cut's space and the space before
    the word are (offsets in the key), and the two fragments."""

    at: int
    before: int
    left: str
    right: str


def broken_forms(core: str) -> Iterator[tuple[str, tuple[Break, ...]]]:
    """``core`` (padded with spaces) with each of its words of three letters or more either
    whole or cut once, at least one cut: ``(" ba d ", (Break(3, 0, "ba", "d"),))`` …
    Offsets are those of the padded text; the caller maps them to the collapsed key."""
    words = core.split(" ")
    if len(words) > _MAX_BROKEN_WORDS:
        return
    choices = [[0, *range(1, len(word))] if len(word) >= 3 else [0] for word in words]
    for cuts in product(*choices):
        if not any(cuts):
            continue
        text = ""
        breaks: list[Break] = []
        for word, cut in zip(words, cuts, strict=True):
            before = len(text)
            text += " "
            if cut:
                breaks.append(Break(len(text) + cut, before, word[:cut], word[cut:]))
                text += f"{word[:cut]} {word[cut:]}"
            else:
                text += word
        yield text + " ", tuple(breaks)


def joined_phrase(core: str) -> str | None:
    """A phrase's words written together (``kill yourself`` → ``killyourself``)."""
    return core.replace(" ", "") if " " in core else None


def is_contraction(left: str, right: str, separator: str) -> bool:
    """Whether ``left``, ``separator``, ``right`` is an everyday contraction, not a break."""
    if not any(char in _APOSTROPHES for char in separator):
        return False
    if right == "s":
        return True
    if right == "t":
        return left.endswith("n")
    return right in _CONTRACTION_ENDS and left in _PRONOUNS


def is_contraction_tail(fragment: str, separator_before: str) -> bool:
    """Whether ``fragment`` ends the word before it as a contraction (``band's``)."""
    return any(char in _APOSTROPHES for char in separator_before) and (
        fragment in _CONTRACTION_ENDS or fragment in ("s", "t")
    )


def separates(separator: str) -> bool:
    """Whether fragments this far apart are separate words anyway."""
    return len(separator) > MAX_SEPARATOR or separator.count("\n") > 1
