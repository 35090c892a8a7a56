"""The filter service: moderators' rules applied to what members ask and what the bot writes.

It implements the content policy's :class:`~inkwell.bot.services.content_policy.ContentFilter`
(and :class:`~inkwell.bot.services.content_policy.RatingPolicy`) for every guild, and the
moderation operations behind ``/filters``. Discord-free: log-channel posts go through a
:class:`~inkwell.bot.services.filters.audit.FilterNotifier` the Discord layer plugs in.

:class:`FilterService` is the one object the rest of Inkwell holds; the work is done by
collaborators that share one repository and one compiled-configuration cache:

* :class:`~inkwell.bot.services.filters.compiled.FilterCache`: each guild's configuration,
  compiled once and kept until a moderator changes it;
* :class:`~inkwell.bot.services.filters.screening.Screener`: the checks members meet;
* :class:`~inkwell.bot.services.filters.audit_trail.AuditTrail`: blocks and flags saved,
  posted in the log channel, and read back;
* :class:`~inkwell.bot.services.filters.rule_book.RuleBook`: rules and the allow-list;
* :class:`~inkwell.bot.services.filters.guild_settings.GuildSettings`: presets, exemptions,
  channel ratings, the log channel and the model stage;
* :class:`~inkwell.bot.services.filters.import_export.ConfigTransfer`: export and import;
* :func:`~inkwell.bot.services.filters.dry_run.rehearse`: ``/filters test``.
"""

from __future__ import annotations

from typing import Literal

from inkwell.bot.records.filters import AuditEntry, FilterConfig, PresetRecord, RuleRecord
from inkwell.bot.services.content_policy import Verdict
from inkwell.bot.services.filters.audit import FilterNotifier
from inkwell.bot.services.filters.audit_trail import AuditTrail
from inkwell.bot.services.filters.classifier import SafetyClassifier
from inkwell.bot.services.filters.compiled import FilterCache, GuildFilters
from inkwell.bot.services.filters.dry_run import DryRun, rehearse
from inkwell.bot.services.filters.guild_settings import ExemptionTarget, GuildSettings
from inkwell.bot.services.filters.import_export import ConfigTransfer, ImportSummary
from inkwell.bot.services.filters.rule_book import RuleBook
from inkwell.bot.services.filters.rules import Action, AppliesTo, Kind
from inkwell.bot.services.filters.screening import Screener
from inkwell.bot.services.forms import Rating
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.filters import FilterRepository

# The types ``/filters`` and its views take from here, whichever module defines them.
__all__ = ["FilterService"]


class FilterService:
    def __init__(
        self,
        repository: FilterRepository,
        *,
        classifier: SafetyClassifier | None = None,
        notifier: FilterNotifier | None = None,
    ) -> None:
        self._repository = repository
        self._cache = FilterCache(repository)
        self._trail = AuditTrail(repository, self._cache, notifier)
        self._screener = Screener(self._cache, self._trail, classifier)
        self._rules = RuleBook(repository, self._cache)
        self._settings = GuildSettings(repository, self._cache)
        self._transfer = ConfigTransfer(repository, self._cache)

    @property
    def repository(self) -> FilterRepository:
        return self._repository

    @property
    def classifier(self) -> SafetyClassifier | None:
        return self._screener.classifier

    def set_notifier(self, notifier: FilterNotifier | None) -> None:
        self._trail.set_notifier(notifier)

    async def flush(self) -> None:
        """Wait until every log-channel post in flight is done."""
        await self._trail.flush()

    async def filters(self, guild_id: int) -> GuildFilters:
        return await self._cache.get(guild_id)

    async def config(self, guild_id: int) -> FilterConfig:
        return (await self._cache.get(guild_id)).config

    # -- ContentFilter and RatingPolicy --

    async def check_prompt(self, text: str, origin: Origin) -> Verdict:
        return await self._screener.check_prompt(text, origin)

    async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
        return await self._screener.check_output(text, origin, final=final)

    async def max_rating(self, origin: Origin) -> Rating | None:
        return await self._screener.max_rating(origin)

    # -- rules and allow-list --

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
        return await self._rules.add_rule(
            guild_id,
            moderator_id,
            pattern=pattern,
            kind=kind,
            action=action,
            applies_to=applies_to,
            category=category,
        )

    async def remove_rule(self, guild_id: int, reference: str) -> RuleRecord:
        """Remove a rule named by its number (``12`` or ``#12``) or its exact pattern."""
        return await self._rules.remove_rule(guild_id, reference)

    async def rule_choices(self, guild_id: int, typed: str, limit: int = 25) -> list[RuleRecord]:
        """Rules whose number or pattern contains ``typed`` (for autocomplete)."""
        return await self._rules.rule_choices(guild_id, typed, limit)

    async def allow(self, guild_id: int, moderator_id: int, term: str) -> str:
        return await self._rules.allow(guild_id, moderator_id, term)

    async def disallow(self, guild_id: int, term: str) -> str:
        return await self._rules.disallow(guild_id, term)

    # -- presets, exemptions, ratings, log channel, classifier --

    async def enable_preset(
        self,
        guild_id: int,
        name: str,
        *,
        action: Action | None = None,
        applies_to: AppliesTo = "both",
    ) -> PresetRecord:
        return await self._settings.enable_preset(
            guild_id, name, action=action, applies_to=applies_to
        )

    async def disable_preset(self, guild_id: int, name: str) -> bool:
        return await self._settings.disable_preset(guild_id, name)

    async def exempt(self, guild_id: int, target: ExemptionTarget, target_id: int) -> bool:
        return await self._settings.exempt(guild_id, target, target_id)

    async def unexempt(self, guild_id: int, target: ExemptionTarget, target_id: int) -> bool:
        return await self._settings.unexempt(guild_id, target, target_id)

    async def set_channel_rating(
        self, guild_id: int, channel_id: int, rating: Rating | None, *, age_restricted: bool
    ) -> bool:
        return await self._settings.set_channel_rating(
            guild_id, channel_id, rating, age_restricted=age_restricted
        )

    async def set_log_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self._settings.set_log_channel(guild_id, channel_id)

    async def set_classifier(
        self, guild_id: int, enabled: bool, action: Literal["block", "flag"]
    ) -> None:
        await self._settings.set_classifier(guild_id, enabled, action)

    # -- dry run, audit, export/import --

    async def dry_run(self, guild_id: int, text: str) -> DryRun:
        """What the rule stage would do to ``text``; nothing is recorded or posted."""
        return rehearse(await self._cache.get(guild_id), text)

    async def audit(self, guild_id: int, *, limit: int, offset: int = 0) -> list[AuditEntry]:
        return await self._trail.entries(guild_id, limit=limit, offset=offset)

    async def audit_count(self, guild_id: int) -> int:
        return await self._trail.count(guild_id)

    async def export(self, guild_id: int) -> bytes:
        return await self._transfer.export(guild_id)

    async def import_file(self, guild_id: int, moderator_id: int, data: bytes) -> ImportSummary:
        """Replace the guild's whole configuration with a validated file; a bad file
        raises :class:`~inkwell.bot.errors.InvalidInput` and changes nothing."""
        return await self._transfer.import_file(guild_id, moderator_id, data)
