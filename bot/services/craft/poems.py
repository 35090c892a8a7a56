"""Checks for the poem forms the /poem command offers, and :func:`check_poem` to pick one.

- haiku: three lines of 5, 7 and 5 syllables.
- tanka: five lines of 5, 7, 5, 7 and 7 syllables.
- limerick, sonnet: :mod:`.rhymed`; villanelle: :mod:`.villanelle`.
- acrostic: one line per letter of a given word, each starting with its letter, in order
  (case and accents ignored: "élan" may start the E line; spaces and punctuation in the word
  are skipped, so "New York" asks for seven lines).
- free verse: no rule; it always passes, and its verdict still carries the line facts.

A syllable count is checked only when the text is English (:mod:`.language`); otherwise the
verdict says ``not_checked="not English"`` and only the line count is judged. Every check
takes the poem as the model wrote it: blank lines and a clear title are handled by
:mod:`.layout`.
"""

from __future__ import annotations

from typing import Final

from inkwell.bot.services.craft.common import line_count_problems, prepare, syllable_problems
from inkwell.bot.services.craft.rhymed import check_limerick, check_sonnet
from inkwell.bot.services.craft.verdict import INITIAL_PENALTY, Problem, Verdict
from inkwell.bot.services.craft.villanelle import check_villanelle
from inkwell.bot.services.craft.words import ascii_fold
from inkwell.bot.services.forms import PoemForm

HAIKU: Final = (5, 7, 5)
TANKA: Final = (5, 7, 5, 7, 7)

__all__ = [
    "acrostic_letters",
    "check_acrostic",
    "check_free_verse",
    "check_haiku",
    "check_limerick",
    "check_poem",
    "check_sonnet",
    "check_tanka",
    "check_villanelle",
]


def _syllabic(form: str, text: str, targets: tuple[int, ...]) -> Verdict:
    prepared = prepare(text, len(targets), targets)
    problems = line_count_problems(form, len(prepared.facts), len(targets))
    problems += syllable_problems(prepared.facts)
    return Verdict(
        form,
        prepared.facts,
        tuple(problems),
        expected_lines=len(targets),
        title=prepared.layout.title,
        not_checked=prepared.not_checked,
    )


def check_haiku(text: str) -> Verdict:
    """Three lines of 5, 7 and 5 syllables."""
    return _syllabic("haiku", text, HAIKU)


def check_tanka(text: str) -> Verdict:
    """Five lines of 5, 7, 5, 7 and 7 syllables."""
    return _syllabic("tanka", text, TANKA)


def acrostic_letters(word: str) -> str:
    """The letters an acrostic of ``word`` spells, upper-case: "New York" → "NEWYORK"."""
    return "".join(char for char in word.upper() if char.isalpha())


def _same_letter(found: str | None, wanted: str) -> bool:
    if found is None:
        return False
    return ascii_fold(found).casefold() == ascii_fold(wanted).casefold()


def check_acrostic(text: str, word: str) -> Verdict:
    """One line per letter of ``word``, in order, each starting with its letter.

    Raises ValueError when ``word`` has no letters.
    """
    letters = acrostic_letters(word)
    if not letters:
        raise ValueError(f"an acrostic needs a word with letters, not {word!r}")
    prepared = prepare(text, len(letters), initials=letters)
    problems = line_count_problems("acrostic", len(prepared.facts), len(letters))
    for fact in prepared.facts:
        wanted = fact.target_initial
        if wanted is None or _same_letter(fact.initial, wanted):
            continue
        said = f"starts with “{fact.initial}”" if fact.initial else "has no letter"
        message = f"line {fact.number} {said}; it should start with “{wanted}”"
        brief = f"line {fact.number} {said}, not “{wanted}”"
        problems.append(Problem(message, fact.number, INITIAL_PENALTY, brief))
    return Verdict(
        "acrostic",
        prepared.facts,
        tuple(problems),
        expected_lines=len(letters),
        title=prepared.layout.title,
        word=letters,
    )


def check_free_verse(text: str) -> Verdict:
    """No rule: free verse always passes. Only a marked title is set aside."""
    prepared = prepare(text, None)
    return Verdict("free", prepared.facts, title=prepared.layout.title)


def check_poem(text: str, form: PoemForm, *, word: str | None = None) -> Verdict:
    """Check ``text`` as the poem ``form`` asks for; an acrostic needs its ``word``."""
    if form == "acrostic":
        if word is None:
            raise ValueError("an acrostic check needs the word it should spell")
        return check_acrostic(text, word)
    checks = {
        "free": check_free_verse,
        "haiku": check_haiku,
        "tanka": check_tanka,
        "limerick": check_limerick,
        "sonnet": check_sonnet,
        "villanelle": check_villanelle,
    }
    return checks[form](text)
