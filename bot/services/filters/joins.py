"""Words broken up, joined again: ``ba'd``, ``ba-d``, ``b ad``, ``ba d`` for a rule "bad",
and a phrase written without its space (``killyourself``, ``#KillYourself``).

The skeleton keeps every fragment as a word of its own, so the matcher adds keys for the
broken forms of each word rule: the word cut, at any places, into two or three fragments
(``sh it``, ``s h it``, ``f-uc-k``, ``k i ll yourself``). Such a hit counts only
where the fragments repeat no letter more than the rule does (``shh it`` is not ``shit``),
stand at most :data:`MAX_SEPARATOR` characters apart (markdown not counted: ``||sh|| ||it||``),
are not split by the end of a clause (``sh, it is late``, ``Sh. It was``) and are not an
ordinary contraction (``he'll``, ``we'd``, ``band's hit``): joining neighbours only when the
join makes a rule's word keeps everyday text passing.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations, pairwise
from typing import Final, NamedTuple

# Phrases of more words than this get no broken forms (their number multiplies).
_MAX_BROKEN_WORDS: Final = 3
# A word may be cut in this many places (and a phrase in as many, or once a word).
_MAX_CUTS: Final = 2
# Fragments further apart than this (in original characters, markdown aside) are separate
# words.
MAX_SEPARATOR: Final = 3
_MARKDOWN: Final = str.maketrans("", "", "*_~`|")
# Punctuation that ends a clause: followed by whitespace it separates words.
_CLAUSE_ENDS: Final = frozenset(",.;:!?")
# The fragment before 'd 'll 're 've 'm in an everyday contraction.
_PRONOUNS: Final = frozenset((
    "i", "you", "he", "she", "it", "we", "they", "who", "what", "that", "there", "here",
    "where", "how", "why", "when", "this",
))  # fmt: skip
_APOSTROPHES: Final = frozenset("'\u2019\u02bc`\u00b4")
_CONTRACTION_ENDS: Final = frozenset(("d", "ll", "re", "ve", "m"))


class Break(NamedTuple):
    """A cut in a word of a rule, in a key: where the cut's space is and, for a word's first
    cut, where the space before the word is (offsets in the key; -1 for a later cut), and
    the fragments on either side of the cut."""

    at: int
    before: int
    left: str
    right: str


def broken_forms(core: str) -> Iterator[tuple[str, tuple[Break, ...]]]:
    """``core`` (padded with spaces) with its words of three letters or more cut, each in
    at most :data:`_MAX_CUTS` places, in all at least once and at most in :data:`_MAX_CUTS`
    places or once a word: ``(" ba d ", (Break(3, 0, "ba", "d"),))`` …
    Offsets are those of the padded text; the caller maps them to the collapsed key."""
    words = core.split(" ")
    if len(words) > _MAX_BROKEN_WORDS:
        return
    places = [
        (w, cut) for w, word in enumerate(words) if len(word) >= 3 for cut in range(1, len(word))
    ]
    for count in range(1, _MAX_CUTS * len(words) + 1):
        for chosen in combinations(places, count):
            cuts: list[list[int]] = [[] for _ in words]
            for w, cut in chosen:
                cuts[w].append(cut)
            if any(len(word_cuts) > _MAX_CUTS for word_cuts in cuts):
                continue
            yield _cut_text(words, cuts)


def _cut_text(words: list[str], cuts: list[list[int]]) -> tuple[str, tuple[Break, ...]]:
    pieces: list[str] = []
    breaks: list[Break] = []
    length = 0
    for word, word_cuts in zip(words, cuts, strict=True):
        if not word_cuts:
            pieces.append(" " + word)
            length += len(word) + 1
            continue
        before, previous = length, 0
        length += 1
        pieces.append(" ")
        ends = [*word_cuts[1:], len(word)]
        for cut, after in zip(word_cuts, ends, strict=True):
            left = word[previous:cut]
            length += len(left)
            breaks.append(Break(length, before, left, word[cut:after]))
            pieces.append(left + " ")
            length += 1
            before, previous = -1, cut
        pieces.append(word[previous:])
        length += len(word) - previous
    pieces.append(" ")
    return "".join(pieces), tuple(breaks)


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
    """Whether fragments this far apart, or split so, are separate words anyway."""
    if len(separator.translate(_MARKDOWN)) > MAX_SEPARATOR or separator.count("\n") > 1:
        return True
    return any(
        char in _CLAUSE_ENDS and following.isspace() for char, following in pairwise(separator)
    )
