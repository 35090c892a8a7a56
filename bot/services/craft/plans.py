"""What each line of a poem or song must be, before a word of it is written.

A :class:`PiecePlan` lists the lines of a form: how many syllables each wants, which
earlier line it rhymes with, the letter it starts with, the refrain it repeats, the section
label the code writes itself. :mod:`.drafting` then writes the piece line by line against
the plan, so the parts of a form that code can decide (line counts, refrains, labels,
initials) are never left to the model, and the parts it cannot (syllables, rhymes) are
chosen among several candidates.

Rhymes a form only prefers (a sonnet's ABAB CDCD EFEF GG, a song's couplets) are planned
with ``strict_rhyme=False``: a rhyming candidate is preferred, a good line is never refused
for lack of one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.craft.constraints import (
    HAIKU_WORDS,
    LIMERICK_WORDS,
    LYRIC_WORDS,
    SONNET_WORDS,
    TANKA_WORDS,
    VILLANELLE_WORDS,
)
from inkwell.bot.services.craft.poems import HAIKU, TANKA, acrostic_letters
from inkwell.bot.services.forms import ACROSTIC_WORD_MAX, LyricsStructure, PoemForm

ACROSTIC_WORDS: Final = (2, 8)


@dataclass(frozen=True, slots=True)
class LinePlan:
    """One line of a piece: what it must be, and what it should be."""

    syllables: int | None = None
    # How far from ``syllables`` a line may be and still count as on target.
    tolerance: int = 0
    words: tuple[int, int] = (1, 12)
    initial: str | None = None
    rhyme_with: int | None = None
    strict_rhyme: bool = True
    # A refrain: the line repeats line ``copy_of`` word for word.
    copy_of: int | None = None
    # A line the code writes as it is (a song's section label).
    fixed: str | None = None
    # A blank line comes before this one (a new stanza or section).
    new_stanza: bool = False

    @property
    def written_by_model(self) -> bool:
        return self.copy_of is None and self.fixed is None


@dataclass(frozen=True, slots=True)
class PiecePlan:
    form: str
    lines: tuple[LinePlan, ...]
    # Candidate lines asked for at once; more for the short forms whose syllables matter.
    candidates: int = 8


def _syllabic(
    targets: tuple[int, ...], bounds: tuple[tuple[int, int], ...]
) -> tuple[LinePlan, ...]:
    return tuple(
        LinePlan(syllables=target, words=words)
        for target, words in zip(targets, bounds, strict=True)
    )


def _limerick() -> tuple[LinePlan, ...]:
    # AABBA: lines 1, 2 and 5 long (about 8 syllables), 3 and 4 short (about 5).
    long, short = (8, 2), (5, 2)
    shape = (long, long, short, short, long)
    rhymes = (None, 0, None, 2, 0)
    return tuple(
        LinePlan(syllables=target, tolerance=slack, words=words, rhyme_with=rhyme)
        for (target, slack), words, rhyme in zip(shape, LIMERICK_WORDS, rhymes, strict=True)
    )


def _sonnet() -> tuple[LinePlan, ...]:
    # ABAB CDCD EFEF GG, three quatrains and a couplet, lines of about ten syllables.
    rhymes = (None, None, 0, 1, None, None, 4, 5, None, None, 8, 9, None, 12)
    return tuple(
        LinePlan(
            syllables=10,
            tolerance=1,
            words=SONNET_WORDS,
            rhyme_with=rhyme,
            strict_rhyme=False,
            new_stanza=index in (4, 8, 12),
        )
        for index, rhyme in enumerate(rhymes)
    )


# A villanelle's 19 lines: A1 b A2, then (a b refrain) four times, then a b A1 A2. The
# refrains are copies; every "a" line rhymes with A1 and every "b" line with line 2.
_VILLANELLE: Final = (
    "A1", "b", "A2",
    "a", "b", "A1",
    "a", "b", "A2",
    "a", "b", "A1",
    "a", "b", "A2",
    "a", "b", "A1", "A2",
)  # fmt: skip


def _villanelle() -> tuple[LinePlan, ...]:
    plans: list[LinePlan] = []
    for index, part in enumerate(_VILLANELLE):
        new_stanza = index in (3, 6, 9, 12, 15)
        if index > 2 and part in ("A1", "A2"):
            plans.append(LinePlan(copy_of=0 if part == "A1" else 2, new_stanza=new_stanza))
            continue
        # Line 2 sets the "b" rhyme; the villanelle's rhymes are reported, not required.
        rhyme = None if index in (0, 1) else {"A2": 0, "a": 0, "b": 1}[part]
        plans.append(
            LinePlan(
                syllables=10,
                tolerance=2,
                words=VILLANELLE_WORDS,
                rhyme_with=rhyme,
                strict_rhyme=False,
                new_stanza=new_stanza,
            )
        )
    return tuple(plans)


def _acrostic(word: str) -> tuple[LinePlan, ...]:
    return tuple(
        LinePlan(initial=letter, words=ACROSTIC_WORDS) for letter in acrostic_letters(word)
    )


def poem_plan(form: PoemForm, *, word: str | None = None) -> PiecePlan | None:
    """The plan for ``form``, or None for free verse (which has no lines to plan)."""
    if form == "haiku":
        return PiecePlan(form, _syllabic(HAIKU, HAIKU_WORDS), candidates=8)
    if form == "tanka":
        return PiecePlan(form, _syllabic(TANKA, TANKA_WORDS), candidates=8)
    if form == "limerick":
        return PiecePlan(form, _limerick(), candidates=8)
    if form == "sonnet":
        return PiecePlan(form, _sonnet(), candidates=4)
    if form == "villanelle":
        return PiecePlan(form, _villanelle(), candidates=4)
    if form == "acrostic":
        if not word:
            raise ValueError("an acrostic's plan needs its word")
        return PiecePlan(form, _acrostic(word), candidates=4)
    return None


# Sections of each structure: (label, lines); a section named again is sung again.
_SONGS: Final[dict[str, tuple[tuple[str, int], ...]]] = {
    "verse-chorus": (("Verse 1", 4), ("Chorus", 4), ("Verse 2", 4), ("Chorus", 4)),
    "verse-chorus-bridge": (
        ("Verse 1", 4),
        ("Chorus", 4),
        ("Verse 2", 4),
        ("Chorus", 4),
        ("Bridge", 2),
        ("Chorus", 4),
    ),
    # Freeform songs still come in labelled parts; the chorus is not repeated.
    "freeform": (("Verse 1", 4), ("Chorus", 4), ("Verse 2", 4)),
}


def lyrics_plan(structure: LyricsStructure) -> PiecePlan:
    """Labels written by the code, each section's lines in rhyming couplets, the chorus
    written once and sung again word for word."""
    plans: list[LinePlan] = []
    first_line_of: dict[str, int] = {}
    for number, (label, count) in enumerate(_SONGS[structure]):
        plans.append(LinePlan(fixed=f"[{label}]", new_stanza=number > 0))
        start = len(plans)
        if label in first_line_of:
            plans.extend(LinePlan(copy_of=first_line_of[label] + offset) for offset in range(count))
            continue
        first_line_of[label] = start
        for offset in range(count):
            plans.append(
                LinePlan(
                    syllables=8,
                    tolerance=3,
                    words=LYRIC_WORDS,
                    rhyme_with=start + offset - 1 if offset % 2 else None,
                    strict_rhyme=False,
                )
            )
    return PiecePlan("lyrics", tuple(plans), candidates=3)


def acrostic_word(given: str | None, topic: str) -> str:
    """The word an acrostic spells: the one given, else the topic's longest word.

    Raises :class:`InvalidInput` for a word an acrostic cannot spell: digits, emoji or
    symbols, or more than :data:`ACROSTIC_WORD_MAX` letters.
    """
    if given is None:
        words = [word.strip(".,;:!?\"'“”‘’()") for word in topic.split()]
        candidates = [word for word in words if word.isalpha()]
        if not candidates:
            raise InvalidInput(
                "An acrostic spells a word with its first letters, and the topic has none "
                "to spell; give one with word: (letters only)."
            )
        given = max(candidates, key=len)
    letters = acrostic_letters(given)
    if not letters or any(not (char.isalpha() or char in " -'’") for char in given):
        raise InvalidInput(
            f"An acrostic's word must be letters only (accents welcome), not “{given}”."
        )
    if len(letters) > ACROSTIC_WORD_MAX:
        raise InvalidInput(
            f"“{given}” has {len(letters)} letters; an acrostic takes words of up to "
            f"{ACROSTIC_WORD_MAX}, one line each."
        )
    return given
