"""Rhymed forms judged by line count and end rhymes: the limerick and the sonnet.

Limerick
    Five lines rhyming AABBA: line 2 rhymes with line 1, line 5 with line 1 or 2, line 4
    with line 3. A broken rhyme fails the form. Rhymes by repeating a word pass with a remark
    (:mod:`.rhyme` says why). Its bouncing meter is not checked: syllables alone cannot hear
    anapests, and the line facts carry the counts for anyone who wants them.

Sonnet
    Fourteen lines; the line count is the form. The Shakespearean scheme ABAB CDCD EFEF GG is
    seven rhyming pairs, (1,3) (2,4) (5,7) (6,8) (9,11) (10,12) (13,14); each pair that fails
    is a *remark*, not a problem, since a Petrarchan or a loosely rhymed sonnet is still a
    sonnet. ``scheme`` holds the letters found, grouped in quatrains, so a report can say
    whether the scheme holds.

Where the text is not English, rhymes are not judged (``not_checked``), only line counts.
"""

from __future__ import annotations

from typing import Final

from inkwell.bot.services.craft.common import Prepared, line_count_problems, prepare, rhyme_check
from inkwell.bot.services.craft.rhyme import rhymes, scheme_letters
from inkwell.bot.services.craft.verdict import WEAK_PENALTY, LineFact, Problem, Verdict

LIMERICK_SCHEME: Final = "AABBA"
SHAKESPEAREAN_SCHEME: Final = "ABAB CDCD EFEF GG"
# (line, lines it may rhyme with), 1-based.
_LIMERICK_PAIRS: Final = ((2, (1,)), (5, (1, 2)), (4, (3,)))
SONNET_PAIRS: Final = ((1, 3), (2, 4), (5, 7), (6, 8), (9, 11), (10, 12), (13, 14))


def _lettered(prepared: Prepared) -> tuple[tuple[LineFact, ...], str | None]:
    """Line facts with their rhyme letters, and the letters joined, when English."""
    if not prepared.english or not prepared.facts:
        return prepared.facts, None
    letters = scheme_letters([fact.end_word for fact in prepared.facts])
    facts = tuple(
        LineFact(
            number=fact.number,
            text=fact.text,
            syllables=fact.syllables,
            estimated_words=fact.estimated_words,
            end_word=fact.end_word,
            rhyme=letter,
            initial=fact.initial,
        )
        for fact, letter in zip(prepared.facts, letters, strict=True)
    )
    return facts, letters


def check_limerick(text: str) -> Verdict:
    """Five lines rhyming AABBA."""
    prepared = prepare(text, 5)
    facts, letters = _lettered(prepared)
    problems = line_count_problems("limerick", len(facts), 5)
    remarks: list[Problem] = []
    if letters is not None:
        for line, partners in _LIMERICK_PAIRS:
            present = [partner for partner in partners if partner <= len(facts)]
            if line > len(facts) or not present:
                continue
            problem, remark = rhyme_check(facts, line, present)
            problems += [problem] if problem else []
            remarks += [remark] if remark else []
    return Verdict(
        "limerick",
        facts,
        tuple(problems),
        tuple(remarks),
        expected_lines=5,
        title=prepared.layout.title,
        scheme=letters,
        target_scheme=LIMERICK_SCHEME,
        not_checked=prepared.not_checked,
    )


def _grouped(letters: str) -> str:
    """'ABABCDCDEFEFGG' → 'ABAB CDCD EFEF GG': quatrains, then whatever is left."""
    return " ".join(letters[start : start + 4] for start in range(0, len(letters), 4))


def sonnet_pairs_kept(verdict: Verdict) -> int | None:
    """How many of the seven Shakespearean pairs rhyme, or None if rhyme was not judged."""
    if verdict.form != "sonnet" or verdict.scheme is None or len(verdict.lines) != 14:
        return None
    ends = [fact.end_word for fact in verdict.lines]
    return sum(
        1
        for first, second in SONNET_PAIRS
        if (one := ends[first - 1]) and (other := ends[second - 1]) and rhymes(one, other) != "none"
    )


def check_sonnet(text: str) -> Verdict:
    """Fourteen lines; whether ABAB CDCD EFEF GG holds is reported but never fails it."""
    prepared = prepare(text, 14)
    facts, letters = _lettered(prepared)
    problems = line_count_problems("sonnet", len(facts), 14)
    remarks: list[Problem] = []
    if letters is not None and len(facts) == 14:
        for first, second in SONNET_PAIRS:
            problem, remark = rhyme_check(facts, second, (first,), penalty=WEAK_PENALTY)
            remarks += [found for found in (problem, remark) if found]
    return Verdict(
        "sonnet",
        facts,
        tuple(problems),
        tuple(remarks),
        expected_lines=14,
        title=prepared.layout.title,
        scheme=_grouped(letters) if letters is not None else None,
        target_scheme=SHAKESPEAREAN_SCHEME,
        not_checked=prepared.not_checked,
    )
