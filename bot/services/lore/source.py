"""What a prompt builder needs of the story bible: the entries a text brings in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from inkwell.bot.records.lore import LoreSelection


class LoreSource(Protocol):
    """The lore service, as the prompt builders (stories, relay turns, passages) use it."""

    async def select(
        self, guild_id: int | None, relay_id: int | None, texts: Sequence[str]
    ) -> LoreSelection: ...
