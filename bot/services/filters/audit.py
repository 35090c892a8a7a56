"""Blocks and flags: the audit row the service writes, and the log-channel post it asks for.

The service stays Discord-free: it hands a :class:`FilterEvent` to a :class:`FilterNotifier`,
which the Discord layer implements (an embed in the guild's log channel). Posting runs as a
background task owned by :class:`EventPoster`, so a slow or failing log channel never
delays or breaks the member's command.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FilterEvent:
    """One block or flag, as recorded; ``excerpt`` has every match already masked."""

    id: int
    guild_id: int
    user_id: int
    channel_id: int | None
    stage: str
    action: str
    rule: str
    category: str
    excerpt: str


class FilterNotifier(Protocol):
    async def notify(self, log_channel_id: int, event: FilterEvent) -> None:
        """Post ``event`` in the log channel; raise on failure (the poster logs it)."""
        ...


class EventPoster:
    """Posts events through a notifier in tasks it owns, logging any failure."""

    def __init__(self) -> None:
        self.notifier: FilterNotifier | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def post(self, log_channel_id: int | None, event: FilterEvent) -> None:
        if self.notifier is None or log_channel_id is None:
            return
        task = asyncio.get_running_loop().create_task(
            self.notifier.notify(log_channel_id, event), name=f"filter-log-{event.id}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.warning("could not post a filter event in the log channel", exc_info=error)

    async def flush(self) -> None:
        """Wait for every post in flight (tests, and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
