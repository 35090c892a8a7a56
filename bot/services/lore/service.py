"""A server's and each relay's story bible: entries kept, checked, picked for prompts.

The compiled keys of each (server, relay) pair are kept in memory and dropped when this
service changes the server's lore, so picking lore for a prompt reads no database after the
first time.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from inkwell.bot.errors import NotFound
from inkwell.bot.records.lore import NO_LORE, LoreEntry, LoreSelection
from inkwell.bot.services.lore import formats
from inkwell.bot.services.lore.formats import LoreFormat, ParsedEntry
from inkwell.bot.services.lore.triggering import DEFAULT_LORE_BUDGET, LoreMatcher
from inkwell.bot.services.lore.validation import (
    LoreError,
    check_room,
    clean_keys,
    clean_name,
    clean_text,
)
from inkwell.bot.storage.lore import LoreRepository


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    updated: int
    format: LoreFormat


# Sees each entry of a lorebook file before it is saved; raises to refuse the whole file.
Screen = Callable[[ParsedEntry], Awaitable[None]]


def _where(relay_id: int | None) -> str:
    return "this server's lore" if relay_id is None else "this relay's lore"


class LoreService:
    def __init__(self, repository: LoreRepository) -> None:
        self._repository = repository
        self._matchers: dict[tuple[int, int | None], LoreMatcher] = {}

    def _changed(self, guild_id: int) -> None:
        for scope in [scope for scope in self._matchers if scope[0] == guild_id]:
            del self._matchers[scope]

    async def _save(self, guild_id: int, entries: Sequence[LoreEntry]) -> tuple[LoreEntry, ...]:
        saved = await self._repository.save(entries)
        self._changed(guild_id)
        return saved

    async def add(
        self, guild_id: int, relay_id: int | None, author_id: int, name: str, keys: str, text: str
    ) -> LoreEntry:
        name = clean_name(name)
        entry = LoreEntry(
            id=0,
            guild_id=guild_id,
            relay_id=relay_id,
            name=name,
            keys=clean_keys(keys),
            text=clean_text(text),
            author_id=author_id,
            created_at=time.time(),
            updated_at=time.time(),
        )
        if await self._repository.entry(guild_id, relay_id, name) is not None:
            raise LoreError(f"{_where(relay_id).capitalize()} already has an entry named '{name}'.")
        check_room(len(await self.entries(guild_id, relay_id)), 1, _where(relay_id))
        return (await self._save(guild_id, [entry]))[0]

    async def entries(self, guild_id: int, relay_id: int | None) -> tuple[LoreEntry, ...]:
        return await self._repository.entries(guild_id, relay_id)

    async def entry(self, guild_id: int, relay_id: int | None, name: str) -> LoreEntry:
        found = await self._repository.entry(guild_id, relay_id, " ".join(name.split()))
        if found is None:
            raise NotFound(f"There is no entry named '{name.strip()}' in {_where(relay_id)}.")
        return found

    async def edit(
        self,
        guild_id: int,
        relay_id: int | None,
        name: str,
        *,
        new_name: str | None = None,
        keys: str | None = None,
        text: str | None = None,
    ) -> LoreEntry:
        entry = await self.entry(guild_id, relay_id, name)
        changed = entry
        if new_name is not None:
            renamed = clean_name(new_name)
            other = await self._repository.entry(guild_id, relay_id, renamed)
            if other is not None and other.id != entry.id:
                raise LoreError(
                    f"{_where(relay_id).capitalize()} already has an entry named '{renamed}'."
                )
            changed = replace(changed, name=renamed)
        if keys is not None:
            changed = replace(changed, keys=clean_keys(keys))
        if text is not None:
            changed = replace(changed, text=clean_text(text))
        return (await self._save(guild_id, [changed]))[0]

    async def remove(self, guild_id: int, relay_id: int | None, name: str) -> LoreEntry:
        entry = await self.entry(guild_id, relay_id, name)
        await self._repository.delete(entry.id)
        self._changed(guild_id)
        return entry

    async def select(
        self,
        guild_id: int | None,
        relay_id: int | None,
        texts: Sequence[str],
        *,
        budget_tokens: int = DEFAULT_LORE_BUDGET,
    ) -> LoreSelection:
        """The server's lore and that relay's, as far as ``texts`` (oldest first) bring it in."""
        if guild_id is None:
            return NO_LORE
        matcher = self._matchers.get((guild_id, relay_id))
        if matcher is None:
            matcher = LoreMatcher(await self._repository.visible(guild_id, relay_id))
            self._matchers[(guild_id, relay_id)] = matcher
        return matcher.select(texts, budget_tokens)

    async def export_json(self, guild_id: int, relay_id: int | None, format: LoreFormat) -> str:
        if format not in formats.LORE_FORMATS:
            raise LoreError(f"Lore exports as one of {', '.join(formats.LORE_FORMATS)}.")
        return formats.write(await self.entries(guild_id, relay_id), format)

    async def import_json(
        self,
        guild_id: int,
        relay_id: int | None,
        author_id: int,
        data: str | bytes,
        *,
        screen: Screen | None = None,
    ) -> ImportReport:
        """Add the file's entries, updating those whose names exist; all or nothing.

        ``screen`` sees every entry before anything is saved and raises to refuse the file.
        """
        format, parsed = formats.read(data)
        if screen is not None:
            for item in parsed:
                await screen(item)
        existing = {
            entry.name.casefold(): entry for entry in await self.entries(guild_id, relay_id)
        }
        now = time.time()
        changes: list[LoreEntry] = []
        added = 0
        for item in parsed:
            old = existing.get(item.name.casefold())
            base = old or LoreEntry(0, guild_id, relay_id, item.name, (), "", author_id, now, now)
            if old is None:
                added += 1
            changes.append(
                replace(
                    base,
                    name=item.name,
                    keys=item.keys,
                    text=item.text,
                    extra=formats.merged_extra(base.extra, format, item.extra),
                )
            )
        check_room(len(existing), added, _where(relay_id))
        await self._save(guild_id, changes)
        return ImportReport(added=added, updated=len(changes) - added, format=format)

    async def editor_role(self, guild_id: int) -> int | None:
        return await self._repository.editor_role(guild_id)

    async def set_editor_role(self, guild_id: int, role_id: int | None) -> None:
        await self._repository.set_editor_role(guild_id, role_id)
