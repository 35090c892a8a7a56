"""``/filters test``: what the rule stage would do to a text, at each stage.

A moderator's rehearsal, so unlike a real check it scans the whole text (nothing is held
back as unfinished), ignores exemptions, and records and posts nothing. The model stage is
not run; the result only says whether it is enabled.
"""

from __future__ import annotations

from dataclasses import dataclass

from inkwell.bot.services.filters.compiled import GuildFilters
from inkwell.bot.services.filters.matching import Match
from inkwell.bot.services.filters.redaction import redact
from inkwell.bot.services.filters.rules import Rule


@dataclass(frozen=True, slots=True)
class DryMatch:
    """One rule that matched in ``/filters test``."""

    rule: Rule
    matched: str


@dataclass(frozen=True, slots=True)
class DryOutcome:
    """What would happen to the text at one stage."""

    blocked: bool
    category: str | None
    text: str
    flagged: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DryRun:
    matches: tuple[DryMatch, ...]
    allowed: tuple[str, ...]
    prompt: DryOutcome
    output: DryOutcome
    classifier_enabled: bool


def rehearse(filters: GuildFilters, text: str) -> DryRun:
    """What the rule stage of ``filters`` would do to ``text``, as a prompt and as an output."""
    scan = filters.matcher.scan(text)
    matches = tuple(DryMatch(m.rule, text[m.start : m.end]) for m in scan.matches)
    return DryRun(
        matches=matches,
        allowed=tuple(text[start:end] for start, end in scan.allowed),
        prompt=_outcome(text, [m for m in scan.matches if m.rule.applies("prompt")]),
        output=_outcome(text, [m for m in scan.matches if m.rule.applies("output")]),
        classifier_enabled=filters.config.classifier_enabled,
    )


def _outcome(text: str, matches: list[Match]) -> DryOutcome:
    blocking = [m for m in matches if m.rule.action == "block"]
    flagged = tuple(dict.fromkeys(m.rule.label for m in matches if m.rule.action == "flag"))
    if blocking:
        return DryOutcome(True, blocking[0].rule.category, "", flagged)
    redacted = redact(text, ((m.start, m.end) for m in matches if m.rule.action == "redact"))
    return DryOutcome(False, None, redacted, flagged)
