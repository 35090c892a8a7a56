"""A guild's own rules and allow-list, as moderators edit them with ``/filters``.

Each edit is checked before it is stored: the pattern and category are valid, the rule or
term is not there already in another spelling, and the guild has room for it. Storage
enforces the room limits in its writing transaction; this turns its
:class:`~inkwell.bot.storage.filters.LimitReached` into a message a moderator can act on.
"""

from __future__ import annotations

from inkwell.bot.errors import InvalidInput, NotFound
from inkwell.bot.records.filters import RuleRecord
from inkwell.bot.services.filters.compiled import FilterCache, rule_identity
from inkwell.bot.services.filters.rules import (
    MAX_ALLOWED,
    MAX_KEYWORDS,
    MAX_REGEXES,
    Action,
    AppliesTo,
    Kind,
    check_allowed,
    check_category,
    check_options,
    check_pattern,
    keyword_of,
)
from inkwell.bot.storage.filters import FilterRepository, LimitReached


class RuleBook:
    def __init__(self, repository: FilterRepository, cache: FilterCache) -> None:
        self._repository = repository
        self._cache = cache

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
        masks: bool = False,
        forms: bool = False,
    ) -> RuleRecord:
        stored = check_pattern(kind, pattern)
        check_options(kind, masks=masks, forms=forms)
        label = check_category(category)
        filters = await self._cache.get(guild_id)
        existing = filters.identities.get(rule_identity(kind, stored))
        if existing is not None:
            raise InvalidInput(f"That {kind} rule exists already as #{existing}.")
        try:
            record = await self._repository.add_rule(
                guild_id,
                kind=kind,
                pattern=stored,
                action=action,
                applies_to=applies_to,
                category=label,
                created_by=moderator_id,
                max_keywords=MAX_KEYWORDS,
                max_regexes=MAX_REGEXES,
                masks=masks,
                forms=forms,
            )
        except LimitReached as error:
            what = "regex rules" if error.what == "regexes" else "keyword rules"
            raise InvalidInput(
                f"This server has {error.limit} {what}, the most it can have. "
                "Remove one with /filters remove first."
            ) from error
        finally:
            self._cache.invalidate(guild_id)
        if record is None:
            raise InvalidInput(f"That {kind} rule exists already.")
        return record

    async def remove_rule(self, guild_id: int, reference: str) -> RuleRecord:
        """Remove a rule named by its number (``12`` or ``#12``) or its exact pattern."""
        config = (await self._cache.get(guild_id)).config
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
        removed = await self._repository.remove_rule(guild_id, rule_id)
        self._cache.invalidate(guild_id)
        if removed is None:
            raise NotFound(f"There is no rule #{rule_id} in this server; see /filters list.")
        return removed

    async def rule_choices(self, guild_id: int, typed: str, limit: int = 25) -> list[RuleRecord]:
        """Rules whose number or pattern contains ``typed`` (for autocomplete)."""
        needle = typed.strip().lstrip("#").casefold()
        rules = (await self._cache.get(guild_id)).config.rules
        return [r for r in rules if needle in f"{r.id} {r.pattern.casefold()}"][:limit]

    # -- allow-list --

    async def allow(self, guild_id: int, moderator_id: int, term: str) -> str:
        cleaned = check_allowed(term)
        core = keyword_of("phrase", cleaned).core
        config = (await self._cache.get(guild_id)).config
        if any(keyword_of("phrase", t).core == core for t in config.allowed):
            raise InvalidInput(f"“{cleaned}” is on the allow-list already.")
        try:
            await self._repository.allow(guild_id, cleaned, moderator_id, limit=MAX_ALLOWED)
        except LimitReached as error:
            raise InvalidInput(
                f"The allow-list has {error.limit} entries, the most it can have."
            ) from error
        finally:
            self._cache.invalidate(guild_id)
        return cleaned

    async def disallow(self, guild_id: int, term: str) -> str:
        core = keyword_of("phrase", check_allowed(term)).core
        config = (await self._cache.get(guild_id)).config
        stored = next((t for t in config.allowed if keyword_of("phrase", t).core == core), None)
        if stored is None:
            raise NotFound(f"“{term.strip()}” isn't on the allow-list.")
        await self._repository.disallow(guild_id, stored)
        self._cache.invalidate(guild_id)
        return stored
