"""Blocks and flags: the audit trail's one event type, and the log-channel post for each.

The service stays Discord-free: it saves a :class:`FilterEvent` through its repository and
hands the :class:`AuditEntry` that comes back to a :class:`FilterNotifier`, which the
Discord layer implements (an embed in the guild's log channel). Posting runs as a
background task owned by :class:`EventPoster`, so a slow or failing log channel never
delays or breaks the member's command.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from inkwell.bot.records.filters import AuditEntry

log = logging.getLogger(__name__)


class FilterNotifier(Protocol):
    async def notify(self, log_channel_id: int, entry: AuditEntry) -> None:
        """Post ``entry`` in the log channel; raise on failure (the poster logs it)."""
        ...


class EventPoster:
    """Posts events through a notifier in tasks it owns, logging any failure."""

    def __init__(self) -> None:
        self.notifier: FilterNotifier | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def post(self, log_channel_id: int | None, entry: AuditEntry) -> None:
        if self.notifier is None or log_channel_id is None:
            return
        task = asyncio.get_running_loop().create_task(
            self.notifier.notify(log_channel_id, entry), name=f"filter-log-{entry.id}"
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
