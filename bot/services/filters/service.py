"""The filter service: moderators' rules applied to what members ask and what the bot writes.

It implements the content policy's :class:`~inkwell.bot.services.content_policy.ContentFilter`
(and :class:`~inkwell.bot.services.content_policy.RatingPolicy`) for every guild, and the
moderation operations behind ``/filters``. Discord-free: log-channel posts go through a
:class:`~inkwell.bot.services.filters.audit.FilterNotifier` the Discord layer plugs in.

A check, in order:

1. No guild (DMs, the console) or nothing configured → the text passes untouched.
2. Prompts from an exempt role or channel pass; outputs are always checked.
3. Streaming output: the unfinished last word is held back (and a word that may still
   become an allowed phrase), so a blocked word is never on screen, not even for one edit.
4. The rule stage: one scan finds every match; the allow-list has already won. Any
   *block* → blocked, with the rule's category; *redact* → each match becomes ███ in the
   original text; *flag* → recorded and passed.
5. The model stage, if the guild enabled it, on prompts and finished outputs only.

Each guild's configuration is compiled once and cached until a moderator changes it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final, Literal

from inkwell.bot.errors import InvalidInput, NotFound
from inkwell.bot.services.content_policy import RATINGS, Stage, Verdict
from inkwell.bot.services.filters import exchange
from inkwell.bot.services.filters.audit import (
    AuditEntry,
    EventAction,
    EventPoster,
    FilterEvent,
    FilterNotifier,
)
from inkwell.bot.services.filters.classifier import SafetyClassifier
from inkwell.bot.services.filters.config import FilterConfig, PresetRecord, RuleRecord
from inkwell.bot.services.filters.matching import Match, RuleMatcher
from inkwell.bot.services.filters.presets import PRESETS, preset_rules
from inkwell.bot.services.filters.redaction import excerpt, finished_length, redact
from inkwell.bot.services.filters.rules import (
    MAX_ALLOWED,
    MAX_KEYWORDS,
    MAX_REGEXES,
    Action,
    AppliesTo,
    Kind,
    Rule,
    check_allowed,
    check_category,
    check_pattern,
    keyword_of,
    parse_action,
    parse_applies_to,
    parse_kind,
)
from inkwell.bot.services.forms import Rating
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.filters import FilterRepository, LimitReached

log = logging.getLogger(__name__)

# The newest events each guild keeps in its audit trail.
AUDIT_KEEP: Final = 1000
# Outside age-restricted channels a guild's content is capped here (Discord's rules).
UNRESTRICTED_MAX: Final[Rating] = "pg13"

ExemptionTarget = Literal["role", "channel"]


def _rule_of(record: RuleRecord) -> Rule:
    return Rule(
        f"#{record.id}",
        parse_kind(record.kind),
        record.pattern,
        parse_action(record.action),
        parse_applies_to(record.applies_to),
        record.category,
    )


def _identity(kind: str, pattern: str) -> str:
    """What makes two rules the same: ``"Bad"`` and ``"b.a.d"`` are one word rule."""
    if kind == "regex":
        return f"regex:{pattern}"
    keyword = keyword_of(parse_kind(kind), pattern)
    return f"{kind}:{keyword.open_start}:{keyword.core}:{keyword.open_end}"


@dataclass(frozen=True)
class GuildFilters:
    """A guild's configuration, compiled."""

    config: FilterConfig
    matcher: RuleMatcher
    identities: dict[str, int] = field(default_factory=dict)

    @classmethod
    def compile(cls, config: FilterConfig) -> GuildFilters:
        rules = [_rule_of(record) for record in config.rules]
        for preset in config.presets:
            action, applies_to = parse_action(preset.action), parse_applies_to(preset.applies_to)
            rules.extend(preset_rules(preset.name, action, applies_to))
        identities = {_identity(r.kind, r.pattern): r.id for r in config.rules}
        return cls(config, RuleMatcher(rules, config.allowed), identities)

    @property
    def active(self) -> bool:
        return not self.matcher.empty or self.config.classifier_enabled

    def exempt(self, origin: Origin) -> bool:
        config = self.config
        return origin.channel_id in config.exempt_channels or bool(
            origin.role_ids & config.exempt_roles
        )


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


@dataclass(frozen=True, slots=True)
class ImportSummary:
    rules: int
    allowed: int
    presets: int
    previous: bytes  # the configuration it replaced, as an export file


class FilterService:
    def __init__(
        self,
        repository: FilterRepository,
        *,
        classifier: SafetyClassifier | None = None,
        notifier: FilterNotifier | None = None,
    ) -> None:
        self.repository = repository
        self.classifier = classifier
        self._poster = EventPoster()
        self._poster.notifier = notifier
        self._cache: dict[int, GuildFilters] = {}
        self._versions: dict[int, int] = {}

    def set_notifier(self, notifier: FilterNotifier | None) -> None:
        self._poster.notifier = notifier

    async def flush(self) -> None:
        """Wait until every log-channel post in flight is done."""
        await self._poster.flush()

    # -- the compiled configuration, cached per guild --

    async def filters(self, guild_id: int) -> GuildFilters:
        cached = self._cache.get(guild_id)
        if cached is not None:
            return cached
        version = self._versions.get(guild_id, 0)
        compiled = GuildFilters.compile(await self.repository.config(guild_id))
        # A change while we were reading means this is stale: use it once, don't keep it.
        if self._versions.get(guild_id, 0) == version:
            self._cache[guild_id] = compiled
        return compiled

    def _changed(self, guild_id: int) -> None:
        self._versions[guild_id] = self._versions.get(guild_id, 0) + 1
        self._cache.pop(guild_id, None)

    # -- ContentFilter and RatingPolicy --

    async def check_prompt(self, text: str, origin: Origin) -> Verdict:
        return await self._check(text, origin, "prompt", final=True)

    async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
        return await self._check(text, origin, "output", final=final)

    async def max_rating(self, origin: Origin) -> Rating | None:
        if origin.guild_id is None:
            return None
        filters = await self.filters(origin.guild_id)
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
        filters = await self.filters(origin.guild_id)
        if not filters.active or (stage == "prompt" and filters.exempt(origin)):
            return Verdict(text)
        shown = text if final else text[: finished_length(text)]
        scan = filters.matcher.scan(shown, stage)
        matches = scan.matches
        if not final:
            pending = filters.matcher.pending_allowed(scan.skeleton)
            if pending is not None:
                shown = shown[:pending]
                matches = tuple(match for match in matches if match.end <= pending)
        spans = [(match.start, match.end) for match in matches]
        blocking = [match for match in matches if match.rule.action == "block"]
        if blocking:
            rule = blocking[0].rule
            await self._record(origin, stage, "block", rule.label, rule.category, shown, spans)
            return Verdict("", blocked=True, category=rule.category)
        settled = final or stage == "prompt"
        if settled:
            flagged: dict[str, Rule] = {}
            for match in matches:
                if match.rule.action == "flag":
                    flagged.setdefault(match.rule.label, match.rule)
            for rule in flagged.values():
                await self._record(origin, stage, "flag", rule.label, rule.category, shown, spans)
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
                await self._record(
                    origin, stage, action, label, result.category, redacted, (), spoiler=True
                )
                if action == "block":
                    return Verdict("", blocked=True, category=result.category)
        return Verdict(redacted)

    async def _record(
        self,
        origin: Origin,
        stage: Stage,
        action: EventAction,
        rule: str,
        category: str,
        text: str,
        spans: Iterable[tuple[int, int]],
        *,
        spoiler: bool = False,
    ) -> None:
        assert origin.guild_id is not None
        quoted = excerpt(text, spans)
        if spoiler and quoted:
            # The model judged the whole text: nothing is masked, so moderators opt in to it.
            quoted = f"||{quoted.replace('|', '¦')}||"
        event = FilterEvent(
            origin.guild_id,
            origin.user_id,
            origin.channel_id,
            stage,
            action,
            rule,
            category,
            quoted,
        )
        entry = await self.repository.add_event(event, keep=AUDIT_KEEP)
        filters = await self.filters(origin.guild_id)
        self._poster.post(filters.config.log_channel_id, entry)

    # -- rules --

    async def add_rule(
        self,
        guild_id: int,
        moderator_id: int,
        *,
        pattern: str,
        kind: Kind,
        action: Action,
        applies_to: AppliesTo,
        category: str | None = None,
    ) -> RuleRecord:
        stored = check_pattern(kind, pattern)
        label = check_category(category)
        filters = await self.filters(guild_id)
        existing = filters.identities.get(_identity(kind, stored))
        if existing is not None:
            raise InvalidInput(f"That {kind} rule exists already as #{existing}.")
        try:
            record = await self.repository.add_rule(
                guild_id,
                kind=kind,
                pattern=stored,
                action=action,
                applies_to=applies_to,
                category=label,
                created_by=moderator_id,
                max_keywords=MAX_KEYWORDS,
                max_regexes=MAX_REGEXES,
            )
        except LimitReached as error:
            what = "regex rules" if error.what == "regexes" else "keyword rules"
            raise InvalidInput(
                f"This server has {error.limit} {what}, the most it can have. "
                "Remove one with /filters remove first."
            ) from error
        finally:
            self._changed(guild_id)
        if record is None:
            raise InvalidInput(f"That {kind} rule exists already.")
        return record

    async def remove_rule(self, guild_id: int, reference: str) -> RuleRecord:
        """Remove a rule named by its number (``12`` or ``#12``) or its exact pattern."""
        config = (await self.filters(guild_id)).config
        wanted = reference.strip()
        if wanted.lstrip("#").isdigit():
            rule_id = int(wanted.lstrip("#"))
        else:
            same = [r for r in config.rules if r.pattern.casefold() == wanted.casefold()]
            if len(same) > 1:
                numbers = ", ".join(f"#{r.id}" for r in same)
                raise InvalidInput(f"Several rules have that pattern ({numbers}); give the number.")
            if not same:
                raise NotFound("No rule has that pattern; see /filters list for the numbers.")
            rule_id = same[0].id
        removed = await self.repository.remove_rule(guild_id, rule_id)
        self._changed(guild_id)
        if removed is None:
            raise NotFound(f"There is no rule #{rule_id} in this server; see /filters list.")
        return removed

    async def config(self, guild_id: int) -> FilterConfig:
        return (await self.filters(guild_id)).config

    async def rule_choices(self, guild_id: int, typed: str, limit: int = 25) -> list[RuleRecord]:
        """Rules whose number or pattern contains ``typed`` (for autocomplete)."""
        needle = typed.strip().lstrip("#").casefold()
        rules = (await self.filters(guild_id)).config.rules
        return [r for r in rules if needle in f"{r.id} {r.pattern.casefold()}"][:limit]

    # -- allow-list --

    async def allow(self, guild_id: int, moderator_id: int, term: str) -> str:
        cleaned = check_allowed(term)
        core = keyword_of("phrase", cleaned).core
        config = await self.config(guild_id)
        if any(keyword_of("phrase", t).core == core for t in config.allowed):
            raise InvalidInput(f"“{cleaned}” is on the allow-list already.")
        try:
            await self.repository.allow(guild_id, cleaned, moderator_id, limit=MAX_ALLOWED)
        except LimitReached as error:
            raise InvalidInput(
                f"The allow-list has {error.limit} entries, the most it can have."
            ) from error
        finally:
            self._changed(guild_id)
        return cleaned

    async def disallow(self, guild_id: int, term: str) -> str:
        core = keyword_of("phrase", check_allowed(term)).core
        config = await self.config(guild_id)
        stored = next((t for t in config.allowed if keyword_of("phrase", t).core == core), None)
        if stored is None:
            raise NotFound(f"“{term.strip()}” isn't on the allow-list.")
        await self.repository.disallow(guild_id, stored)
        self._changed(guild_id)
        return stored

    # -- presets, exemptions, ratings, log channel, classifier --

    async def enable_preset(
        self,
        guild_id: int,
        name: str,
        *,
        action: Action | None = None,
        applies_to: AppliesTo = "both",
    ) -> PresetRecord:
        info = PRESETS.get(name)
        if info is None:
            raise InvalidInput(f"There is no preset “{name}”. Presets: {', '.join(PRESETS)}.")
        record = PresetRecord(name, action or info.default_action, applies_to)
        await self.repository.set_preset(guild_id, name, record.action, applies_to)
        self._changed(guild_id)
        return record

    async def disable_preset(self, guild_id: int, name: str) -> bool:
        removed = await self.repository.remove_preset(guild_id, name)
        self._changed(guild_id)
        return removed

    async def exempt(self, guild_id: int, target: ExemptionTarget, target_id: int) -> bool:
        added = await self.repository.exempt(guild_id, target, target_id)
        self._changed(guild_id)
        return added

    async def unexempt(self, guild_id: int, target: ExemptionTarget, target_id: int) -> bool:
        removed = await self.repository.unexempt(guild_id, target, target_id)
        self._changed(guild_id)
        return removed

    async def set_channel_rating(
        self, guild_id: int, channel_id: int, rating: Rating | None, *, age_restricted: bool
    ) -> bool:
        if rating == "mature" and not age_restricted:
            raise InvalidInput(
                "Mature is only for age-restricted channels. Mark the channel age-restricted "
                "in its settings first, or choose pg13 or lower."
            )
        changed = await self.repository.set_channel_rating(guild_id, channel_id, rating)
        self._changed(guild_id)
        return changed

    async def set_log_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self.repository.set_log_channel(guild_id, channel_id)
        self._changed(guild_id)

    async def set_classifier(
        self, guild_id: int, enabled: bool, action: Literal["block", "flag"]
    ) -> None:
        await self.repository.set_classifier(guild_id, enabled, action)
        self._changed(guild_id)

    # -- dry run, audit, export/import --

    async def dry_run(self, guild_id: int, text: str) -> DryRun:
        """What the rule stage would do to ``text``; nothing is recorded or posted."""
        filters = await self.filters(guild_id)
        scan = filters.matcher.scan(text)
        matches = tuple(DryMatch(m.rule, text[m.start : m.end]) for m in scan.matches)
        return DryRun(
            matches=matches,
            allowed=tuple(text[start:end] for start, end in scan.allowed),
            prompt=_outcome(text, [m for m in scan.matches if m.rule.applies("prompt")]),
            output=_outcome(text, [m for m in scan.matches if m.rule.applies("output")]),
            classifier_enabled=filters.config.classifier_enabled,
        )

    async def audit(self, guild_id: int, *, limit: int, offset: int = 0) -> list[AuditEntry]:
        return await self.repository.events(guild_id, limit=limit, offset=offset)

    async def audit_count(self, guild_id: int) -> int:
        return await self.repository.count_events(guild_id)

    async def export(self, guild_id: int) -> bytes:
        return exchange.dump(await self.config(guild_id))

    async def import_file(self, guild_id: int, moderator_id: int, data: bytes) -> ImportSummary:
        """Replace the guild's whole configuration with a validated file; a bad file
        raises :class:`InvalidInput` and changes nothing."""
        parsed = exchange.load(data)
        previous = await self.export(guild_id)
        config = exchange.to_config(guild_id, parsed)
        try:
            await self.repository.replace(config, moderator_id)
        finally:
            self._changed(guild_id)
        return ImportSummary(len(config.rules), len(config.allowed), len(config.presets), previous)


def _outcome(text: str, matches: list[Match]) -> DryOutcome:
    blocking = [m for m in matches if m.rule.action == "block"]
    flagged = tuple(dict.fromkeys(m.rule.label for m in matches if m.rule.action == "flag"))
    if blocking:
        return DryOutcome(True, blocking[0].rule.category, "", flagged)
    redacted = redact(text, ((m.start, m.end) for m in matches if m.rule.action == "redact"))
    return DryOutcome(False, None, redacted, flagged)
