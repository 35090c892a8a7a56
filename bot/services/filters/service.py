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

from inkwell.bot.records.filters import FilterConfig
from inkwell.bot.services.content_policy import Verdict
from inkwell.bot.services.filters.audit import FilterNotifier
from inkwell.bot.services.filters.audit_trail import AuditTrail
from inkwell.bot.services.filters.classifier import SafetyClassifier
from inkwell.bot.services.filters.compiled import FilterCache, GuildFilters
from inkwell.bot.services.filters.dry_run import DryRun, rehearse
from inkwell.bot.services.filters.guild_settings import GuildSettings
from inkwell.bot.services.filters.import_export import ConfigTransfer
from inkwell.bot.services.filters.rule_book import RuleBook
from inkwell.bot.services.filters.screening import Screener
from inkwell.bot.services.forms import Rating
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.filters import FilterRepository

# The types ``/filters`` and its views take from here, whichever module defines them.
__all__ = ["FilterService"]


class FilterService:
    """Screening for every guild, and the moderators' tools as four collaborators.

    ``/filters`` reaches the tools directly: ``filters.rules`` (rules and the allow-list),
    ``filters.settings`` (presets, exemptions, ratings, log channel, model stage),
    ``filters.audit_trail`` (blocks and flags) and ``filters.transfer`` (export, import).
    """

    def __init__(
        self,
        repository: FilterRepository,
        *,
        classifier: SafetyClassifier | None = None,
        notifier: FilterNotifier | None = None,
    ) -> None:
        self._repository = repository
        self._cache = FilterCache(repository)
        self.audit_trail = AuditTrail(repository, self._cache, notifier)
        self._screener = Screener(self._cache, self.audit_trail, classifier)
        self.rules = RuleBook(repository, self._cache)
        self.settings = GuildSettings(repository, self._cache)
        self.transfer = ConfigTransfer(repository, self._cache)

    @property
    def repository(self) -> FilterRepository:
        return self._repository

    @property
    def classifier(self) -> SafetyClassifier | None:
        return self._screener.classifier

    def set_notifier(self, notifier: FilterNotifier | None) -> None:
        self.audit_trail.set_notifier(notifier)

    async def flush(self) -> None:
        """Wait until every log-channel post in flight is done."""
        await self.audit_trail.flush()

    async def filters(self, guild_id: int) -> GuildFilters:
        return await self._cache.get(guild_id)

    async def config(self, guild_id: int) -> FilterConfig:
        return (await self._cache.get(guild_id)).config

    # -- the content policy --

    async def check_prompt(self, text: str, origin: Origin) -> Verdict:
        return await self._screener.check_prompt(text, origin)

    async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
        return await self._screener.check_output(text, origin, final=final)

    async def max_rating(self, origin: Origin) -> Rating | None:
        return await self._screener.max_rating(origin)

    async def dry_run(self, guild_id: int, text: str) -> DryRun:
        """What the rule stage would do to ``text``; nothing is recorded or posted."""
        return rehearse(await self._cache.get(guild_id), text)
