"""What a check finds: a frozen verdict with per-line facts, problems, remarks and a score.

Problems fail the form; each names its line where it has one ("line 2 has 8 syllables; it
should have 7"). Remarks are true and worth saying but do not fail it: a sonnet off the
Shakespearean scheme, a rhyme made by repeating a word, a varied refrain.

The score is a distance: 0 for a perfect piece, more the further it is from the form. Its
penalties are on one scale, so candidates can be compared across kinds of fault:

- 1 per syllable too many or too few, on each line;
- 3 per line missing or extra;
- 2 per broken rhyme, wrong initial, missing refrain, bad or empty lyrics section, section
  out of the structure's order, or chorus that does not repeat;
- 1 for villanelle stanza breaks other than 3-3-3-3-3-4;
- 0.5 per remark: a rhyme by repetition, a varied refrain, a sonnet pair off the
  Shakespearean scheme, a villanelle line off its A or B rhyme, an extra lyrics section.

Ranking candidates (:func:`ranked`) prefers a passing piece first, then fewer problems, then
the smaller score: a haiku with one line three syllables short ranks above one with two
lines a syllable off each, and the score only decides between equals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

SYLLABLE_PENALTY: Final = 1.0
LINE_PENALTY: Final = 3.0
RHYME_PENALTY: Final = 2.0
INITIAL_PENALTY: Final = 2.0
REFRAIN_PENALTY: Final = 2.0
LABEL_PENALTY: Final = 2.0
CHORUS_PENALTY: Final = 2.0
STANZA_PENALTY: Final = 1.0
WEAK_PENALTY: Final = 0.5


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or, as a remark, worth saying); ``line`` is 1-based, None if global.

    ``message`` is a whole sentence ("line 2 has 8 syllables; it should have 7"); ``brief``,
    when given, says the same in the few words a report line has room for ("line 2 is one
    syllable too long").
    """

    message: str
    line: int | None = None
    penalty: float = 1.0
    brief: str | None = None

    @property
    def short(self) -> str:
        return self.brief or self.message


@dataclass(frozen=True, slots=True)
class LineFact:
    """What was found on one line of verse, next to what the form asks of it.

    ``syllables`` holds every possible count, ascending; it is empty where syllables were
    not counted (not English, or a form that does not need them).
    """

    number: int
    text: str
    syllables: tuple[int, ...] = ()
    target_syllables: int | None = None
    estimated_words: tuple[str, ...] = ()
    end_word: str | None = None
    rhyme: str | None = None
    initial: str | None = None
    target_initial: str | None = None

    def closest_syllables(self) -> int | None:
        """The possible count nearest the target (or the smallest, without a target)."""
        if not self.syllables:
            return None
        target = self.target_syllables
        if target is None:
            return self.syllables[0]
        return min(self.syllables, key=lambda count: (abs(count - target), count))


@dataclass(frozen=True, slots=True)
class Verdict:
    """A check's answer for one piece of writing in one form.

    ``passed`` is true exactly when there are no problems. ``not_checked`` says what could not
    be judged and why ("not English"): those parts add no problems, so ``passed`` speaks
    only for what was checked. ``score`` is the sum of every penalty, remarks included.
    """

    form: str
    lines: tuple[LineFact, ...]
    problems: tuple[Problem, ...] = ()
    remarks: tuple[Problem, ...] = ()
    expected_lines: int | None = None
    title: str | None = None
    scheme: str | None = None
    target_scheme: str | None = None
    word: str | None = None
    sections: tuple[str, ...] = ()
    not_checked: str | None = None
    passed: bool = field(init=False)
    score: float = field(init=False)

    def __post_init__(self) -> None:
        total = sum(problem.penalty for problem in (*self.problems, *self.remarks))
        object.__setattr__(self, "passed", not self.problems)
        object.__setattr__(self, "score", round(total, 3))

    @property
    def rank_key(self) -> tuple[int, int, float]:
        """Sort ascending: passing first, then fewer problems, then a smaller score."""
        return (0 if self.passed else 1, len(self.problems), self.score)


def ranked(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """Best first: passing, then fewest problems, then lowest score; ties keep their order."""
    return sorted(verdicts, key=lambda found: found.rank_key)


def best(verdicts: Iterable[Verdict]) -> Verdict | None:
    found = ranked(verdicts)
    return found[0] if found else None
