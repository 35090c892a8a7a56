"""The story bible as members use it: each command finds its lore, checks who asks, and acts.

One place for what ``/lore`` in Discord and ``/lore`` in the playground both do: the lore a
command is about (:mod:`~inkwell.bot.services.lore.access`), the editor check, the content
filter on what an editor writes (lore reaches prompts, so it is checked as a prompt), then
:class:`~inkwell.bot.services.lore.service.LoreService`.
"""

from __future__ import annotations

from dataclasses import dataclass

from inkwell.bot.errors import Blocked, InvalidInput
from inkwell.bot.records.lore import LoreEntry
from inkwell.bot.services.content_policy import ContentFilter
from inkwell.bot.services.lore.access import (
    LoreAccess,
    LoreEditor,
    LoreNotAllowed,
    LorePlace,
    RelayDirectory,
)
from inkwell.bot.services.lore.formats import LoreFormat, ParsedEntry
from inkwell.bot.services.lore.service import ImportReport, LoreService
from inkwell.bot.services.origin import Origin


@dataclass(frozen=True, slots=True)
class Asker:
    """Who runs a lore command, where, and whether Discord lets them manage the server."""

    origin: Origin
    manages_server: bool = False

    @property
    def guild_id(self) -> int:
        if self.origin.guild_id is None:
            raise InvalidInput("Lore belongs to a server: use /lore in one.")
        return self.origin.guild_id

    @property
    def editor(self) -> LoreEditor:
        return LoreEditor(self.origin.user_id, self.manages_server, self.origin.role_ids)


class LoreDesk:
    def __init__(
        self, lore: LoreService, relays: RelayDirectory, content_filter: ContentFilter
    ) -> None:
        self.lore = lore
        self._access = LoreAccess(relays, lore)
        self._filter = content_filter

    async def place(self, asker: Asker) -> LorePlace:
        return await self._access.place(asker.guild_id, asker.origin.channel_id)

    async def check_may_edit(self, asker: Asker) -> LorePlace:
        """The lore ``asker`` is about, refused if they may not change it."""
        place = await self.place(asker)
        await self._access.check_editor(place, asker.editor)
        return place

    async def _screen(self, asker: Asker, *texts: str | None) -> None:
        for text in texts:
            if text:
                (await self._filter.check_prompt(text, asker.origin)).raise_if_blocked()

    # -- reading --

    async def entries(self, asker: Asker) -> tuple[LorePlace, tuple[LoreEntry, ...]]:
        place = await self.place(asker)
        return place, await self.lore.entries(place.guild_id, place.relay_id)

    async def entry(self, asker: Asker, name: str) -> tuple[LorePlace, LoreEntry]:
        place = await self.place(asker)
        return place, await self.lore.entry(place.guild_id, place.relay_id, name)

    async def names(self, asker: Asker, current: str) -> list[str]:
        """Entry names containing ``current``, for autocomplete (at most Discord's 25)."""
        _, entries = await self.entries(asker)
        wanted = current.casefold().strip()
        return [entry.name for entry in entries if wanted in entry.name.casefold()][:25]

    async def export_json(self, asker: Asker, format: LoreFormat) -> tuple[LorePlace, str]:
        place = await self.place(asker)
        return place, await self.lore.export_json(place.guild_id, place.relay_id, format)

    # -- changing --

    async def add(
        self, asker: Asker, name: str, keys: str, text: str
    ) -> tuple[LorePlace, LoreEntry]:
        place = await self.check_may_edit(asker)
        await self._screen(asker, name, keys, text)
        entry = await self.lore.add(
            place.guild_id, place.relay_id, asker.origin.user_id, name, keys, text
        )
        return place, entry

    async def edit(
        self,
        asker: Asker,
        name: str,
        *,
        new_name: str | None = None,
        keys: str | None = None,
        text: str | None = None,
    ) -> tuple[LorePlace, LoreEntry]:
        if new_name is None and keys is None and text is None:
            raise InvalidInput("Say what to change: a new name, new keys or a new text.")
        place = await self.check_may_edit(asker)
        await self._screen(asker, new_name, keys, text)
        entry = await self.lore.edit(
            place.guild_id, place.relay_id, name, new_name=new_name, keys=keys, text=text
        )
        return place, entry

    async def remove(self, asker: Asker, name: str) -> tuple[LorePlace, LoreEntry]:
        place = await self.check_may_edit(asker)
        return place, await self.lore.remove(place.guild_id, place.relay_id, name)

    async def import_json(self, asker: Asker, data: str | bytes) -> tuple[LorePlace, ImportReport]:
        place = await self.check_may_edit(asker)

        async def screen(entry: ParsedEntry) -> None:
            try:
                await self._screen(asker, entry.name, ", ".join(entry.keys), entry.text)
            except Blocked as blocked:
                raise Blocked(
                    f"The entry '{entry.name}': {blocked} Nothing was imported."
                ) from None

        report = await self.lore.import_json(
            place.guild_id, place.relay_id, asker.origin.user_id, data, screen=screen
        )
        return place, report

    async def set_editor_role(self, asker: Asker, role_id: int | None) -> None:
        if not asker.manages_server:
            raise LoreNotAllowed("Choosing who edits this server's lore needs Manage Server.")
        await self.lore.set_editor_role(asker.guild_id, role_id)
