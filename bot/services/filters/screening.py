"""Screening: the guild's filters applied to what members ask and what the bot writes.

:class:`Screener` is the filter service's side of the content policy's
:class:`~inkwell.bot.services.content_policy.ContentFilter` and
:class:`~inkwell.bot.services.content_policy.RatingPolicy`. A check, in order:

1. No guild (DMs, the console) or nothing configured → the text passes untouched.
2. Prompts from an exempt role or channel pass; outputs are always checked.
3. Streaming output: what may still change is held back (:func:`visible`: the unfinished
   last word, a word that may still become an allowed phrase, a trailing run of single
   letters, an open right-to-left override), so a blocked word is never on screen, not
   even for one edit, and nothing the final check passes is blocked on the way.
4. The rule stage: one scan finds every match; the allow-list has already won. Any
   *block* → blocked, with the rule's category; *redact* → each match becomes ███ in the
   original text; *flag* → recorded and passed.
5. The model stage, if the guild enabled it, on prompts and finished outputs only.
"""

from __future__ import annotations

from typing import Final

from inkwell.bot.records.filters import EventAction, Stage
from inkwell.bot.services.content_policy import RATINGS, Verdict
from inkwell.bot.services.filters.audit_trail import AuditTrail
from inkwell.bot.services.filters.classifier import SafetyClassifier
from inkwell.bot.services.filters.compiled import FilterCache
from inkwell.bot.services.filters.matching import Match, RuleMatcher
from inkwell.bot.services.filters.redaction import finished_length, redact
from inkwell.bot.services.filters.rules import Rule
from inkwell.bot.services.forms import Rating
from inkwell.bot.services.origin import Origin

# Outside age-restricted channels a guild's content is capped here (Discord's rules).
UNRESTRICTED_MAX: Final[Rating] = "pg13"


def visible(
    matcher: RuleMatcher, text: str, stage: Stage, *, final: bool
) -> tuple[str, tuple[Match, ...]]:
    """What of ``text`` may be judged now, and its matches.

    A streamed text is judged only up to where nothing appended later can change how it
    reads: its last whitespace (the word after it may grow), an allowed phrase that may
    still be finishing, a trailing run of single letters that may join the next ones
    (``B A D`` → ``B A D G E``), an open right-to-left override. So the stream never blocks
    what the final check passes, and never shows what it would block.
    """
    shown = text if final else text[: finished_length(text)]
    scan = matcher.scan(shown, stage)
    matches = scan.matches
    if not final:
        holds = [
            hold
            for hold in (matcher.pending_allowed(scan.skeleton), scan.skeleton.unsettled)
            if hold is not None
        ]
        if holds:
            cut = min(holds)
            shown = shown[:cut]
            matches = tuple(match for match in matches if match.end <= cut)
    return shown, matches


class Screener:
    def __init__(
        self, cache: FilterCache, trail: AuditTrail, classifier: SafetyClassifier | None
    ) -> None:
        self._cache = cache
        self._trail = trail
        self.classifier = classifier

    async def check_prompt(self, text: str, origin: Origin) -> Verdict:
        return await self._check(text, origin, "prompt", final=True)

    async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
        return await self._check(text, origin, "output", final=final)

    async def max_rating(self, origin: Origin) -> Rating | None:
        if origin.guild_id is None:
            return None
        filters = await self._cache.get(origin.guild_id)
        cap: Rating | None = None
        if origin.channel_id is not None:
            configured = filters.config.channel_ratings.get(origin.channel_id)
            cap = next((r for r in RATINGS if r == configured), None)
        if not origin.age_restricted_channel and (
            cap is None or RATINGS.index(cap) > RATINGS.index(UNRESTRICTED_MAX)
        ):
            cap = UNRESTRICTED_MAX
        return cap

    async def _check(self, text: str, origin: Origin, stage: Stage, *, final: bool) -> Verdict:
        if origin.guild_id is None:
            return Verdict(text)
        filters = await self._cache.get(origin.guild_id)
        if not filters.active or (stage == "prompt" and filters.exempt(origin)):
            return Verdict(text)
        shown, matches = visible(filters.matcher, text, stage, final=final)
        spans = [(match.start, match.end) for match in matches]
        blocking = [match for match in matches if match.rule.action == "block"]
        if blocking:
            rule = blocking[0].rule
            await self._trail.record(
                origin, stage, "block", rule.label, rule.category, shown, spans
            )
            return Verdict("", blocked=True, category=rule.category)
        # A streamed output is checked again at every edit: flags are recorded, and the model
        # asked, only once it is finished.
        settled = final or stage == "prompt"
        if settled:
            flagged: dict[str, Rule] = {}
            for match in matches:
                if match.rule.action == "flag":
                    flagged.setdefault(match.rule.label, match.rule)
            for rule in flagged.values():
                await self._trail.record(
                    origin, stage, "flag", rule.label, rule.category, shown, spans
                )
        redacted = redact(
            shown, (s for m, s in zip(matches, spans, strict=True) if m.rule.action == "redact")
        )
        if settled and filters.config.classifier_enabled and self.classifier is not None:
            result = await self.classifier.classify(
                redacted, "User" if stage == "prompt" else "Agent"
            )
            if not result.safe:
                action: EventAction = (
                    "block" if filters.config.classifier_action == "block" else "flag"
                )
                label = "model " + (",".join(result.codes) or "unsafe")
                await self._trail.record(
                    origin, stage, action, label, result.category, redacted, (), spoiler=True
                )
                if action == "block":
                    return Verdict("", blocked=True, category=result.category)
        return Verdict(redacted)
