"""Every service of one Inkwell, opened together and closed together.

Built by :func:`inkwell.bot.runtime.open_services` (which knows storage and the backends);
used by the Discord plugin and the console alike. An async context manager: whoever opens
it closes it, and nobody else does.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Self

from inkwell.bot.services.creation_service import CreationService
from inkwell.bot.services.filters.service import FilterService
from inkwell.bot.services.lore import LoreService
from inkwell.bot.services.passages import PassageService
from inkwell.bot.services.relay import RelayService
from inkwell.bot.services.styles import StyleService
from inkwell.bot.storage.database import Database
from inkwell.serving.backend import Backend


@dataclass(eq=False)
class Services:
    database: Database
    backend: Backend
    styles: StyleService
    creation: CreationService
    filters: FilterService
    relay: RelayService
    lore: LoreService
    passages: PassageService

    async def close(self) -> None:
        await self.relay.close()  # its timers stop before the database closes
        await self.backend.close()
        await self.database.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
