"""Time and background work for relays: an injectable clock and sleep, and owned tasks.

The service owns every task it starts (turn timers, model turns, summaries) through
:class:`BackgroundTasks`: each has a key, starting a task under a key cancels the one before
it, and a done-callback logs any failure, so nothing dies silently and nothing runs twice.

Clocks are wall-clock Unix seconds: deadlines are stored and must mean the same moment
after a restart. :func:`sleep_until` re-reads the clock after every sleep, so a sleep that
ends early (or a clock that jumps) never fires a timer before its time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine, Hashable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

log = logging.getLogger(__name__)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class TimeSource:
    """Where the relay service gets the time from; tests pass a fake that they advance."""

    clock: Clock = field(default=time.time)
    sleep: Sleep = field(default=asyncio.sleep)


async def sleep_until(moment: float, source: TimeSource) -> None:
    while (delay := moment - source.clock()) > 0:
        await source.sleep(delay)


class BackgroundTasks:
    """Tasks under keys; one per key, failures logged, all cancelled on :meth:`close`."""

    def __init__(self) -> None:
        self._tasks: dict[Hashable, asyncio.Task[None]] = {}

    def start(self, key: Hashable, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run ``work`` under ``key``, cancelling what ran under it before (unless that is
        the task calling this: a timer that schedules its successor finishes on its own)."""
        self.cancel(key)
        task = asyncio.create_task(work, name=f"relay:{key}")
        self._tasks[key] = task
        task.add_done_callback(partial(self._finished, key))
        return task

    def running(self, key: Hashable) -> bool:
        task = self._tasks.get(key)
        return task is not None and not task.done()

    def get(self, key: Hashable) -> asyncio.Task[None] | None:
        return self._tasks.get(key)

    def cancel(self, key: Hashable) -> None:
        task = self._tasks.get(key)
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()

    def cancel_where(self, belongs: Callable[[Hashable], bool]) -> None:
        for key in [key for key in self._tasks if belongs(key)]:
            self.cancel(key)

    def live(self) -> set[asyncio.Task[None]]:
        return {task for task in self._tasks.values() if not task.done()}

    def live_where(self, belongs: Callable[[Hashable], bool]) -> set[asyncio.Task[None]]:
        return {task for key, task in self._tasks.items() if belongs(key) and not task.done()}

    async def close(self) -> None:
        tasks = self.live()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    def _finished(self, key: Hashable, task: asyncio.Task[None]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:
            log.error("relay background task %s failed", task.get_name(), exc_info=error)
