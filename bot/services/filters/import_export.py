"""``/filters export`` and ``/filters import``: a guild's whole configuration out as a file,
and a file in as the whole configuration.

The file format and its validation are :mod:`~inkwell.bot.services.filters.exchange`'s; this
reads and replaces the stored configuration. An import hands back the configuration it
replaced, as an export file, so a moderator can undo it by importing that.
"""

from __future__ import annotations

from dataclasses import dataclass

from inkwell.bot.services.filters import exchange
from inkwell.bot.services.filters.compiled import FilterCache
from inkwell.bot.storage.filters import FilterRepository


@dataclass(frozen=True, slots=True)
class ImportSummary:
    rules: int
    allowed: int
    presets: int
    previous: bytes  # the configuration it replaced, as an export file


class ConfigTransfer:
    def __init__(self, repository: FilterRepository, cache: FilterCache) -> None:
        self._repository = repository
        self._cache = cache

    async def export(self, guild_id: int) -> bytes:
        return exchange.dump((await self._cache.get(guild_id)).config)

    async def import_file(self, guild_id: int, moderator_id: int, data: bytes) -> ImportSummary:
        """Replace the guild's whole configuration with a validated file; a bad file
        raises :class:`~inkwell.bot.errors.InvalidInput` and changes nothing."""
        parsed = exchange.load(data)
        previous = await self.export(guild_id)
        config = exchange.to_config(guild_id, parsed)
        try:
            await self._repository.replace(config, moderator_id)
        finally:
            self._cache.invalidate(guild_id)
        return ImportSummary(len(config.rules), len(config.allowed), len(config.presets), previous)
