"""What a prompt builder needs of the story bible: the entries a text brings in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from inkwell.bot.records.lore import LoreSelection
from inkwell.bot.services.origin import Origin


class LoreSource(Protocol):
    """The lore service, as the prompt builders (stories, relay turns, passages) use it."""

    async def select(
        self, guild_id: int | None, relay_id: int | None, texts: Sequence[str]
    ) -> LoreSelection: ...


class LoreHere(Protocol):
    """Lore chosen by where a request is made: a relay's and its server's in the relay's
    thread, else the server's (:class:`~inkwell.bot.services.lore.access.PlacedLore`)."""

    async def select_at(self, origin: Origin, texts: Sequence[str]) -> LoreSelection: ...
