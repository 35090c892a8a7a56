"""The villanelle: nineteen lines, five tercets and a quatrain, two refrains.

Refrains (what fails the form when missing)
    A1 is line 1, repeated as lines 6, 12 and 18; A2 is line 3, repeated as lines 9, 15
    and 19. A repeat may differ from its refrain in case, punctuation and spacing ("The
    night is long," and "the night is long!" are the same refrain). Poets also vary a
    refrain lightly ("Do not go gentle" → "Do not go gentle, gentle"); a repeat whose words
    are at least 80% the refrain's (difflib's ratio over words) is accepted with a remark.
    Anything further is a missing refrain.

Stanzas (a problem only when stanza breaks are there and wrong)
    A text written with blank lines between stanzas must break 3-3-3-3-3-4. A text with no
    blank lines at all is judged on its lines alone: the model may simply not space them.

Rhyme (remarks only, when English)
    The scheme is ABA ABA ABA ABA ABA ABAA: the non-refrain A lines (4, 7, 10, 13, 16)
    should rhyme with line 1, the B lines (2, 5, 8, 11, 14, 17) with line 2. Refrain lines
    rhyme by being refrains, so they are not asked to again.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Final

from inkwell.bot.services.craft.common import line_count_problems, prepare, rhyme_check
from inkwell.bot.services.craft.verdict import (
    REFRAIN_PENALTY,
    STANZA_PENALTY,
    WEAK_PENALTY,
    LineFact,
    Problem,
    Verdict,
)
from inkwell.bot.services.craft.words import normalise_apostrophes

STANZAS: Final = (3, 3, 3, 3, 3, 4)
# Refrain name, the line it comes from, and the lines that repeat it (1-based).
REFRAINS: Final = (("A1", 1, (6, 12, 18)), ("A2", 3, (9, 15, 19)))
A_LINES: Final = (4, 7, 10, 13, 16)
B_LINES: Final = (2, 5, 8, 11, 14, 17)
VARIATION_RATIO: Final = 0.8
_NOT_WORD: Final = re.compile(r"[^\w']+")


def refrain_words(line: str) -> list[str]:
    """The words of a line with case and punctuation gone: what a refrain must repeat."""
    return [word for word in _NOT_WORD.split(normalise_apostrophes(line).casefold()) if word]


def _repeat(refrain: str, line: str) -> str:
    """'same', 'varied' or 'different'."""
    wanted, found = refrain_words(refrain), refrain_words(line)
    if wanted == found:
        return "same"
    ratio = difflib.SequenceMatcher(a=wanted, b=found, autojunk=False).ratio()
    return "varied" if ratio >= VARIATION_RATIO else "different"


def _refrain_findings(facts: Sequence[LineFact]) -> tuple[list[Problem], list[Problem]]:
    problems: list[Problem] = []
    remarks: list[Problem] = []
    for name, source, repeats in REFRAINS:
        if source > len(facts):
            continue
        refrain = facts[source - 1].text
        for line in repeats:
            if line > len(facts):
                continue  # the line count problem covers it
            kind = _repeat(refrain, facts[line - 1].text)
            if kind == "varied":
                remarks.append(Problem(f"line {line} varies refrain {name}", line, WEAK_PENALTY))
            elif kind == "different":
                message = f"line {line} should repeat refrain {name} from line {source}"
                brief = f"refrain {name} missing at line {line}"
                problems.append(Problem(message, line, REFRAIN_PENALTY, brief))
    return problems, remarks


def _stanza_problems(stanzas: tuple[int, ...]) -> list[Problem]:
    if len(stanzas) <= 1 or stanzas == STANZAS:
        return []
    found = "-".join(str(size) for size in stanzas)
    message = f"the stanzas run {found}; a villanelle's run 3-3-3-3-3-4"
    return [Problem(message, None, STANZA_PENALTY)]


def check_villanelle(text: str) -> Verdict:
    """Nineteen lines in five tercets and a quatrain, with refrains A1 and A2 in place."""
    prepared = prepare(text, 19)
    facts = prepared.facts
    problems = line_count_problems("villanelle", len(facts), 19)
    problems += _stanza_problems(prepared.layout.stanzas)
    refrain_problems, remarks = _refrain_findings(facts)
    problems += refrain_problems
    if prepared.english:
        for lines, partner in ((A_LINES, 1), (B_LINES, 2)):
            for line in lines:
                if line <= len(facts) and line != partner:
                    problem, remark = rhyme_check(facts, line, (partner,), penalty=WEAK_PENALTY)
                    remarks += [found for found in (problem, remark) if found]
    return Verdict(
        "villanelle",
        facts,
        tuple(problems),
        tuple(remarks),
        expected_lines=19,
        title=prepared.layout.title,
        target_scheme="ABA ABA ABA ABA ABA ABAA",
        not_checked=prepared.not_checked,
    )
