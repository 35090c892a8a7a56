"""A guild's audit trail: each block and flag saved, posted in the log channel, read back.

The event types and the poster live in :mod:`~inkwell.bot.services.filters.audit`, which
storage imports; this module uses storage, so it is kept apart from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from inkwell.bot.records.filters import AuditEntry, EventAction, FilterEvent, Stage
from inkwell.bot.services.filters.audit import EventPoster, FilterNotifier
from inkwell.bot.services.filters.compiled import FilterCache
from inkwell.bot.services.filters.redaction import excerpt
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.filters import FilterRepository

# The newest events each guild keeps in its audit trail.
AUDIT_KEEP: Final = 1000


class AuditTrail:
    def __init__(
        self,
        repository: FilterRepository,
        cache: FilterCache,
        notifier: FilterNotifier | None = None,
    ) -> None:
        self._repository = repository
        self._cache = cache
        self._poster = EventPoster()
        self._poster.notifier = notifier

    def set_notifier(self, notifier: FilterNotifier | None) -> None:
        self._poster.notifier = notifier

    async def flush(self) -> None:
        """Wait until every log-channel post in flight is done."""
        await self._poster.flush()

    async def record(
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
        """Save the event with an excerpt of ``text`` (``spans`` masked), then post it."""
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
        entry = await self._repository.add_event(event, keep=AUDIT_KEEP)
        filters = await self._cache.get(origin.guild_id)
        self._poster.post(filters.config.log_channel_id, entry)

    async def entries(self, guild_id: int, *, limit: int, offset: int = 0) -> list[AuditEntry]:
        """The guild's events, newest first."""
        return await self._repository.events(guild_id, limit=limit, offset=offset)

    async def count(self, guild_id: int) -> int:
        return await self._repository.count_events(guild_id)
