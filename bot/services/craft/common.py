"""What every poem check does first: lay out the lines, decide the language, gather facts.

Also the two kinds of problem most forms share, worded once so every report reads alike:
a wrong number of lines, and a pair of lines that should rhyme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from inkwell.bot.services.craft.language import not_english_reason
from inkwell.bot.services.craft.layout import Layout, poem_layout
from inkwell.bot.services.craft.rhyme import end_word, rhymes
from inkwell.bot.services.craft.syllables import line_syllables
from inkwell.bot.services.craft.verdict import (
    LINE_PENALTY,
    RHYME_PENALTY,
    SYLLABLE_PENALTY,
    WEAK_PENALTY,
    LineFact,
    Problem,
)
from inkwell.bot.services.craft.words import spell_cardinal


@dataclass(frozen=True, slots=True)
class Prepared:
    """A poem ready to check: its layout, why sound can't be checked (or None), line facts."""

    layout: Layout
    not_checked: str | None
    facts: tuple[LineFact, ...]

    @property
    def english(self) -> bool:
        return self.not_checked is None


def prepare(
    text: str, expected_lines: int | None, targets: Sequence[int] = (), *, initials: str = ""
) -> Prepared:
    """Lay out ``text``; count syllables of each line (with its target, if any) when English.

    ``initials`` gives the letter each line should start with, for an acrostic.
    """
    layout = poem_layout(text, expected_lines)
    reason = not_english_reason("\n".join(layout.lines)) if layout.lines else None
    facts: list[LineFact] = []
    for index, line in enumerate(layout.lines):
        counted = line_syllables(line) if reason is None else None
        facts.append(
            LineFact(
                number=index + 1,
                text=line,
                syllables=tuple(sorted(counted.counts)) if counted else (),
                target_syllables=targets[index] if index < len(targets) else None,
                estimated_words=counted.estimated_words if counted else (),
                end_word=end_word(line),
                initial=first_letter(line),
                target_initial=initials[index] if index < len(initials) else None,
            )
        )
    return Prepared(layout, reason, tuple(facts))


def first_letter(line: str) -> str | None:
    """The first letter or digit of ``line``, past quotes and Markdown ("**R**iver" → "R")."""
    return next((char for char in line if char.isalnum()), None)


# Small counts read as words in a problem ("one syllable too long"), larger ones as digits.
_SPELLED_UP_TO: Final = 10


def _syllables(count: int) -> str:
    said = spell_cardinal(count) if 0 <= count <= _SPELLED_UP_TO else str(count)
    return f"{said} syllable" if count == 1 else f"{said} syllables"


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


def line_count_problems(form: str, found: int, expected: int) -> list[Problem]:
    """'the haiku has 4 lines; it should have 3', penalised per line missing or extra."""
    if found == expected:
        return []
    message = f"the {form} has {_lines(found)}; it should have {expected}"
    brief = f"it should have {_lines(expected)}"
    return [Problem(message, None, LINE_PENALTY * abs(found - expected), brief)]


def syllable_problems(facts: Sequence[LineFact]) -> list[Problem]:
    """'line 2 has 8 syllables; it should have 7' for each line whose counts miss its target."""
    problems: list[Problem] = []
    for fact in facts:
        target = fact.target_syllables
        if target is None or not fact.syllables or target in fact.syllables:
            continue
        distance = min(abs(count - target) for count in fact.syllables)
        nearest = [count for count in fact.syllables if abs(count - target) == distance]
        said = " or ".join(str(count) for count in nearest)
        message = f"line {fact.number} has {said} syllables; it should have {target}"
        way = "too long" if nearest[0] > target else "too short"
        brief = f"line {fact.number} is {_syllables(distance)} {way}"
        if len(nearest) > 1:
            brief = f"line {fact.number} has {said} syllables, not {target}"
        problems.append(Problem(message, fact.number, SYLLABLE_PENALTY * distance, brief))
    return problems


def rhyme_check(
    facts: Sequence[LineFact], line: int, partners: Sequence[int], *, penalty: float = RHYME_PENALTY
) -> tuple[Problem | None, Problem | None]:
    """Does ``line`` rhyme with any of ``partners`` (1-based)? Answers (problem, remark).

    A true rhyme with any partner answers (None, None); a rhyme only by repeating the word
    answers a remark; no rhyme at all answers a problem naming the first partner.
    """
    own = facts[line - 1].end_word
    others = [number for number in partners if facts[number - 1].end_word]
    if own is None or not others:
        return None, None
    found = [rhymes(own, facts[number - 1].end_word or "") for number in others]
    if any(match in ("sound", "spelling") for match in found):
        return None, None
    partner = others[0]
    theirs = facts[partner - 1].end_word
    if "identical" in found:
        repeated = f"lines {partner} and {line} rhyme only by repeating “{own.lower()}”"
        brief = f"line {line} repeats “{own.lower()}”"
        return None, Problem(repeated, line, WEAK_PENALTY, brief)
    message = f"line {line} does not rhyme with line {partner} (“{theirs}” / “{own}”)"
    brief = f"line {line} doesn't rhyme with line {partner}"
    return Problem(message, line, penalty, brief), None
