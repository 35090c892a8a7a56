"""The one line shown under a poem or song: what form it is and whether it holds.

Short, plain and honest, in the shape ``form · what was found`` then ✓ when the form holds,
or the first problems in brackets when it does not:

- ``haiku · 5-7-5 ✓``, ``haiku · 5-8-5 (line 2 is one syllable too long)``; each number is
  the possible count nearest the target ("fire" may be one syllable or two);
- ``limerick · AABBA ✓``, ``limerick · AABCA (line 4 doesn't rhyme with line 3)``;
- ``sonnet · 14 lines ✓ · rhyme ABAB CDCD EFEF GG``, or ``… · rhyme ABAB CDCD EFEF GG in
  5 of 7 pairs`` (the scheme is reported, never failed);
- ``villanelle · 19 lines, refrains ✓``; ``acrostic · R-I-V-E-R ✓``;
- ``lyrics · Verse 1, Chorus, Verse 2, Chorus ✓``; ``free verse · 12 lines``;
- ``haiku · not checked: not English`` — no ✓ for what was not checked.

Words counted by spelling rather than the dictionary are named (``(“Zorblax” estimated)``)
when a haiku or tanka passes on them, so a pass is never claimed more firmly than it was found.
Remarks (a rhyme by repetition, a varied refrain) follow a passing form in brackets too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from inkwell.bot.services.craft.rhymed import SONNET_PAIRS, sonnet_pairs_kept
from inkwell.bot.services.craft.verdict import Verdict

CHECK: Final = "✓"
SEPARATOR: Final = " · "
_SHOWN_PROBLEMS: Final = 2
_SHOWN_WORDS: Final = 2
_FORM_NAMES: Final = {"free": "free verse"}
# Forms whose pass rests on syllables or rhyme: no ✓ when those were not checked.
_SOUND_FORMS: Final = frozenset({"haiku", "tanka", "limerick"})
_SYLLABIC_FORMS: Final = frozenset({"haiku", "tanka"})


def _joined(findings: Sequence[str]) -> str:
    shown = findings[:_SHOWN_PROBLEMS]
    hidden = len(findings) - len(shown)
    return "; ".join(shown) + (f"; {hidden} more" if hidden else "")


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


def _estimated(verdict: Verdict) -> str:
    words = list(dict.fromkeys(word for fact in verdict.lines for word in fact.estimated_words))
    if not words:
        return ""
    named = ", ".join(f"“{word}”" for word in words[:_SHOWN_WORDS])
    more = f" +{len(words) - _SHOWN_WORDS}" if len(words) > _SHOWN_WORDS else ""
    return f"{named}{more} estimated"


def _summary(verdict: Verdict) -> str:
    """What was found, before the ✓ or the problems."""
    form = verdict.form
    if form in ("haiku", "tanka"):
        if verdict.not_checked:
            return f"not checked: {verdict.not_checked}"
        return "-".join(str(fact.closest_syllables() or 0) for fact in verdict.lines) or "empty"
    if form == "limerick":
        if verdict.not_checked:
            return f"{_lines(len(verdict.lines))}, rhyme not checked: {verdict.not_checked}"
        return verdict.scheme or "empty"
    if form == "acrostic":
        return "-".join(verdict.word or "")
    if form == "villanelle":
        return f"{_lines(len(verdict.lines))}, refrains"
    if form == "lyrics":
        return ", ".join(verdict.sections) or "no sections"
    return _lines(len(verdict.lines))


def _sonnet_rhyme(verdict: Verdict) -> str:
    if verdict.not_checked:
        return f"rhyme not checked: {verdict.not_checked}"
    kept = sonnet_pairs_kept(verdict)
    if kept is None:
        return ""
    scheme = verdict.target_scheme or ""
    return (
        f"rhyme {scheme}" if kept == len(SONNET_PAIRS) else f"rhyme {scheme} in {kept} of 7 pairs"
    )


def report_line(verdict: Verdict) -> str:
    """The one line for ``verdict``, e.g. ``haiku · 5-7-5 ✓``."""
    start = f"{_FORM_NAMES.get(verdict.form, verdict.form)}{SEPARATOR}{_summary(verdict)}"
    if verdict.form == "free":
        return start
    sound_unchecked = verdict.not_checked is not None and verdict.form in _SOUND_FORMS
    if not verdict.passed:
        line = f"{start} ({_joined([problem.short for problem in verdict.problems])})"
    elif sound_unchecked:
        line = start
    else:
        notes = [remark.short for remark in verdict.remarks] if verdict.form != "sonnet" else []
        if verdict.form in _SYLLABIC_FORMS and (estimated := _estimated(verdict)):
            notes.append(estimated)
        line = f"{start} {CHECK}" + (f" ({_joined(notes)})" if notes else "")
    if verdict.form == "sonnet" and (rhyme := _sonnet_rhyme(verdict)):
        line += f"{SEPARATOR}{rhyme}"
    return line
