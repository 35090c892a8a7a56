"""A guild's filter configuration compiled for checking, and the cache that keeps it.

Compiling builds one :class:`~inkwell.bot.services.filters.matching.RuleMatcher` over the
guild's own rules, its enabled presets and its allow-list: too costly to repeat for every
prompt and every streamed edit, so :class:`FilterCache` compiles each guild once and keeps
the result until a moderator changes something (:meth:`FilterCache.invalidate`).
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, field

from inkwell.bot.records.filters import FilterConfig, RuleRecord
from inkwell.bot.services.filters.defaults import DEFAULT_PRESETS
from inkwell.bot.services.filters.matching import RuleMatcher
from inkwell.bot.services.filters.presets import preset_rules
from inkwell.bot.services.filters.rules import (
    Rule,
    keyword_of,
    parse_action,
    parse_applies_to,
    parse_kind,
)
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.filters import FilterRepository


def rule_of(record: RuleRecord) -> Rule:
    """The stored rule as the matcher takes it, labelled ``#id`` like ``/filters`` shows it."""
    return Rule(
        f"#{record.id}",
        parse_kind(record.kind),
        record.pattern,
        parse_action(record.action),
        parse_applies_to(record.applies_to),
        record.category,
        forms=record.forms,
        masks=record.masks,
    )


def rule_identity(kind: str, pattern: str) -> str:
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
    # The guild's own rules by :func:`rule_identity`, so a duplicate is named by its number.
    identities: dict[str, int] = field(default_factory=dict)

    @classmethod
    def compile(cls, config: FilterConfig) -> GuildFilters:
        rules = [rule_of(record) for record in config.rules]
        for preset in config.presets:
            action, applies_to = parse_action(preset.action), parse_applies_to(preset.applies_to)
            rules.extend(preset_rules(preset.name, action, applies_to))
        identities = {rule_identity(r.kind, r.pattern): r.id for r in config.rules}
        return cls(config, RuleMatcher(rules, config.allowed), identities)

    @property
    def active(self) -> bool:
        return not self.matcher.empty or self.config.classifier_enabled

    def exempt(self, origin: Origin) -> bool:
        config = self.config
        return origin.channel_id in config.exempt_channels or bool(
            origin.role_ids & config.exempt_roles
        )


class FilterCache:
    """Each guild's :class:`GuildFilters`, compiled on first use and kept until invalidated.

    Compiling a large configuration takes long enough (about a second for a thousand
    keywords) to stall every stream in the bot, so it runs in a worker thread, and members
    who need one guild's filters at once all wait for the same compile.
    """

    def __init__(self, repository: FilterRepository) -> None:
        self._repository = repository
        self._compiled: dict[int, GuildFilters] = {}
        self._loading: dict[int, asyncio.Task[GuildFilters]] = {}
        # Bumped by every change, so a compile that raced a change is not kept.
        self._versions: dict[int, int] = {}

    async def get(self, guild_id: int) -> GuildFilters:
        cached = self._compiled.get(guild_id)
        if cached is not None:
            return cached
        loading = self._loading.get(guild_id)
        if loading is None:
            loading = asyncio.create_task(self._load(guild_id))
            self._loading[guild_id] = loading
            loading.add_done_callback(functools.partial(self._loaded, guild_id))
        # Shielded: one member's cancelled command must not cancel the others' compile.
        return await asyncio.shield(loading)

    async def _load(self, guild_id: int) -> GuildFilters:
        version = self._versions.get(guild_id, 0)
        config = await self._repository.config(guild_id)
        if not config.defaults_applied:
            await self._repository.apply_defaults(guild_id, DEFAULT_PRESETS)
            config = await self._repository.config(guild_id)
        compiled = await asyncio.to_thread(GuildFilters.compile, config)
        # A change while we were reading means this is stale: use it once, don't keep it.
        if self._versions.get(guild_id, 0) == version:
            self._compiled[guild_id] = compiled
        return compiled

    def _loaded(self, guild_id: int, task: asyncio.Task[GuildFilters]) -> None:
        if self._loading.get(guild_id) is task:
            del self._loading[guild_id]

    def invalidate(self, guild_id: int) -> None:
        """Forget the guild's compiled filters: its configuration has just changed."""
        self._versions[guild_id] = self._versions.get(guild_id, 0) + 1
        self._compiled.pop(guild_id, None)
        # Whoever waits on a compile in progress gets it once; the next call reads afresh.
        self._loading.pop(guild_id, None)
