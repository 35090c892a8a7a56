"""Whose story bible a command is about, and who may change it.

A command in a relay's thread is about that relay's lore; anywhere else in a server, about
the server's. A server's lore is edited by members with Manage Server or the role its
moderators chose (``/lore editor-role``); a relay's, by its starter and its writers.
Reading is open to everyone who can run the command.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from inkwell.bot.errors import InkwellError
from inkwell.bot.records.lore import NO_LORE, LoreSelection
from inkwell.bot.records.relay import RelayRecord, WriterRecord
from inkwell.bot.services.lore.source import LoreSource
from inkwell.bot.services.origin import Origin


class LoreNotAllowed(InkwellError):
    """The member may read this lore but not change it."""


@dataclass(frozen=True, slots=True)
class LorePlace:
    """The lore a command reads or changes: a server's, or one relay's."""

    guild_id: int
    relay: RelayRecord | None = None

    @property
    def relay_id(self) -> int | None:
        return None if self.relay is None else self.relay.id

    @property
    def label(self) -> str:
        """``this server's lore`` or ``the lore of “The Salt Road”``."""
        return "this server's lore" if self.relay is None else f"the lore of “{self.relay.title}”"


@dataclass(frozen=True, slots=True)
class LoreEditor:
    """Who asks to change lore, with what Discord lets them do in the server."""

    user_id: int
    manages_server: bool = False
    role_ids: Collection[int] = ()


class RelayDirectory(Protocol):
    """What access needs of the relays: the one a thread holds, and its writers."""

    async def in_thread(self, thread_id: int) -> RelayRecord | None: ...

    async def writers_of(self, relay: RelayRecord) -> tuple[WriterRecord, ...]: ...


class RoleSetting(Protocol):
    async def editor_role(self, guild_id: int) -> int | None: ...


async def place_of(relays: RelayDirectory, guild_id: int, channel_id: int | None) -> LorePlace:
    """The lore of the relay whose thread ``channel_id`` is, else the server's."""
    relay = None if channel_id is None else await relays.in_thread(channel_id)
    if relay is not None and relay.guild_id != guild_id:
        relay = None
    return LorePlace(guild_id, relay)


class PlacedLore:
    """Lore for a request, by where it is made: in a relay's thread the relay's entries and
    the server's, anywhere else in a server the server's, in a DM none."""

    def __init__(self, lore: LoreSource, relays: RelayDirectory) -> None:
        self._lore = lore
        self._relays = relays

    async def select_at(self, origin: Origin, texts: Sequence[str]) -> LoreSelection:
        if origin.guild_id is None:
            return NO_LORE
        place = await place_of(self._relays, origin.guild_id, origin.channel_id)
        return await self._lore.select(place.guild_id, place.relay_id, texts)


class LoreAccess:
    def __init__(self, relays: RelayDirectory, roles: RoleSetting) -> None:
        self._relays = relays
        self._roles = roles

    async def place(self, guild_id: int, channel_id: int | None) -> LorePlace:
        return await place_of(self._relays, guild_id, channel_id)

    async def check_editor(self, place: LorePlace, editor: LoreEditor) -> None:
        if place.relay is None:
            await self._check_server_editor(place.guild_id, editor)
            return
        relay = place.relay
        writers = await self._relays.writers_of(relay)
        writing = {writer.user_id for writer in writers if writer.status == "writing"}
        if (
            editor.user_id == relay.started_by
            or editor.user_id in writing
            or (editor.manages_server)
        ):
            return
        raise LoreNotAllowed(
            f"Only the writers of “{relay.title}” can change its lore; join the relay first."
        )

    async def _check_server_editor(self, guild_id: int, editor: LoreEditor) -> None:
        if editor.manages_server:
            return
        role = await self._roles.editor_role(guild_id)
        if role is not None and role in editor.role_ids:
            return
        needed = "Manage Server" if role is None else "Manage Server or the lore editors' role"
        raise LoreNotAllowed(f"Changing this server's lore needs {needed}.")
