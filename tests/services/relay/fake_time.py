"""Time for relay tests: a clock the test moves and a sleep that waits for it.

``FakeTime`` is what the relay service gets as its ``TimeSource``. A timer task that sleeps
parks until :meth:`FakeTime.advance` moves the clock past its moment. ``advance`` walks
through the parked moments in order, so timers fire in the order they would, each at its
own time, and after each it lets the woken work run to the end (every background task
parked again or finished) before moving on. Nothing waits on the wall clock.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable

from inkwell.bot.services.relay import TimeSource

# How long settle() lets work run before deciding a task is stuck (a test bug, not timing).
STUCK_AFTER_SECONDS = 5.0


class FakeTime:
    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._parked: set[asyncio.Task[object]] = set()
        self._parked_changed = asyncio.Event()
        self.tasks: Callable[[], set[asyncio.Task[None]]] = set

    @property
    def source(self) -> TimeSource:
        return TimeSource(clock=self.clock, sleep=self.sleep)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), wake))
        task = asyncio.current_task()
        assert task is not None
        self._parked.add(task)
        self._parked_changed.set()
        try:
            await wake
        finally:
            self._parked.discard(task)

    async def advance(self, seconds: float = 0.0, *, minutes: float = 0.0) -> None:
        """Move the clock on, firing every sleeper due on the way, in order."""
        target = self.now + seconds + minutes * 60
        await self.settle()
        while self._sleepers and self._sleepers[0][0] <= target:
            moment, _, wake = heapq.heappop(self._sleepers)
            self.now = max(self.now, moment)
            if not wake.done():
                wake.set_result(None)
            await self.settle()
        self.now = target
        await self.settle()

    async def settle(self) -> None:
        """Run until every background task is parked in :meth:`sleep` or finished."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + STUCK_AFTER_SECONDS
        while True:
            busy = {task for task in self.tasks() if not task.done() and task not in self._parked}
            if not busy:
                # One more turn of the loop: a task that just finished may have started another.
                await asyncio.sleep(0)
                busy = {t for t in self.tasks() if not t.done() and t not in self._parked}
                if not busy:
                    return
            if loop.time() > give_up:
                names = sorted(task.get_name() for task in busy)
                raise AssertionError(f"background tasks never settled: {names}")
            self._parked_changed.clear()
            parked = asyncio.ensure_future(self._parked_changed.wait())
            try:
                await asyncio.wait({*busy, parked}, return_when=asyncio.FIRST_COMPLETED, timeout=1)
            finally:
                parked.cancel()
