"""The rest of what moderators set with ``/filters``: presets, exemptions, channel ratings,
the log channel and the model stage.

Each is one stored choice. Only two need a check first: a preset must exist, and "mature" is
only for age-restricted channels. Every change drops the guild's compiled filters.
"""

from __future__ import annotations

from typing import Literal

from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.filters import PresetRecord
from inkwell.bot.services.filters.compiled import FilterCache
from inkwell.bot.services.filters.presets import PRESETS
from inkwell.bot.services.filters.rules import Action, AppliesTo
from inkwell.bot.services.forms import Rating
from inkwell.bot.storage.filters import FilterRepository

ExemptionTarget = Literal["role", "channel"]


class GuildSettings:
    def __init__(self, repository: FilterRepository, cache: FilterCache) -> None:
        self._repository = repository
        self._cache = cache

    async def _defaults_first(self, guild_id: int) -> None:
        """Put a new guild's defaults in place before its first change, so that they can never
        come in after it and undo it (``/filters preset disable slurs`` as the first command)."""
        await self._cache.get(guild_id)

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
        await self._defaults_first(guild_id)
        await self._repository.set_preset(guild_id, name, record.action, applies_to)
        self._cache.invalidate(guild_id)
        return record

    async def disable_preset(self, guild_id: int, name: str) -> bool:
        await self._defaults_first(guild_id)
        removed = await self._repository.remove_preset(guild_id, name)
        self._cache.invalidate(guild_id)
        return removed

    async def exempt(self, guild_id: int, target: ExemptionTarget, target_id: int) -> bool:
        await self._defaults_first(guild_id)
        added = await self._repository.exempt(guild_id, target, target_id)
        self._cache.invalidate(guild_id)
        return added

    async def unexempt(self, guild_id: int, target: ExemptionTarget, target_id: int) -> bool:
        await self._defaults_first(guild_id)
        removed = await self._repository.unexempt(guild_id, target, target_id)
        self._cache.invalidate(guild_id)
        return removed

    async def set_channel_rating(
        self, guild_id: int, channel_id: int, rating: Rating | None, *, age_restricted: bool
    ) -> bool:
        if rating == "mature" and not age_restricted:
            raise InvalidInput(
                "Mature is only for age-restricted channels. Mark the channel age-restricted "
                "in its settings first, or choose pg13 or lower."
            )
        await self._defaults_first(guild_id)
        changed = await self._repository.set_channel_rating(guild_id, channel_id, rating)
        self._cache.invalidate(guild_id)
        return changed

    async def set_log_channel(self, guild_id: int, channel_id: int | None) -> None:
        await self._defaults_first(guild_id)
        await self._repository.set_log_channel(guild_id, channel_id)
        self._cache.invalidate(guild_id)

    async def set_classifier(
        self, guild_id: int, enabled: bool, action: Literal["block", "flag"]
    ) -> None:
        await self._defaults_first(guild_id)
        await self._repository.set_classifier(guild_id, enabled, action)
        self._cache.invalidate(guild_id)
