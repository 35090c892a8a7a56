"""Per-member cooldowns and per-guild concurrency caps, with an injectable clock.

Both refuse at once with a domain error instead of queueing: a member who asked for a poem
wants a poem or a reason, not a silent wait behind someone else's story.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Final

from inkwell.bot.errors import OnCooldown, TooBusy

Clock = Callable[[], float]

# Cooldowns forgets idle members once it tracks this many (and twice as many as after the
# previous clean-up), so pruning costs amortised O(1) per check.
_PRUNE_AT_LEAST: Final = 1024


class Cooldowns:
    """At most ``rate`` uses per ``per`` seconds for each key (a member id).

    A sliding window: the member may act again once their oldest use in the window is
    ``per`` seconds old. Refused attempts do not count, so hammering the command does not
    lengthen the wait. ``per=0`` turns cooldowns off.
    """

    def __init__(self, rate: int, per: float, clock: Clock = time.monotonic) -> None:
        if rate < 1:
            raise ValueError(f"rate must be at least 1, not {rate}")
        if per < 0:
            raise ValueError(f"per must be 0 (off) or more, not {per}")
        self.rate = rate
        self.per = per
        self._clock = clock
        self._uses: dict[int, deque[float]] = {}
        self._prune_at = _PRUNE_AT_LEAST

    def check(self, key: int) -> None:
        """Count one use by ``key``, or raise :class:`OnCooldown` with the seconds to wait."""
        if self.per == 0:
            return
        now = self._clock()
        uses = self._uses.get(key)
        if uses is None:
            if len(self._uses) >= self._prune_at:
                self._prune(now)
            uses = self._uses[key] = deque(maxlen=self.rate)
        while uses and uses[0] <= now - self.per:
            uses.popleft()
        if len(uses) >= self.rate:
            raise OnCooldown(uses[0] + self.per - now)
        uses.append(now)

    def reset(self, key: int) -> None:
        """Forget ``key``'s uses (a moderator's override, or a generation that failed early)."""
        self._uses.pop(key, None)

    def tracked(self) -> int:
        """How many keys are remembered (for tests and diagnostics)."""
        return len(self._uses)

    def _prune(self, now: float) -> None:
        idle = [key for key, uses in self._uses.items() if not uses or uses[-1] <= now - self.per]
        for key in idle:
            del self._uses[key]
        self._prune_at = max(_PRUNE_AT_LEAST, 2 * len(self._uses))


class GuildConcurrency:
    """At most ``limit`` generations running at once in each guild.

    :meth:`slot` refuses immediately with :class:`TooBusy` when the guild is full; the
    ``retry_after`` it carries is a guess from how long recent generations took. ``None``
    (a DM) is never limited here: there is no server to be fair within, and each member is
    already held back by :class:`Cooldowns`. A caller that wants to cap DMs passes the
    member's id instead — Discord ids are unique across guilds and users, so they never
    share a slot count with a guild.
    """

    def __init__(
        self,
        limit: int,
        clock: Clock = time.monotonic,
        *,
        default_duration: float = 10.0,
        history: int = 8,
    ) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        self.limit = limit
        self.default_duration = default_duration
        self._clock = clock
        # Start times of the running generations, per guild; a guild leaves the map when its
        # last generation ends, so memory follows what runs now.
        self._running: dict[int, list[float]] = {}
        self._durations: deque[float] = deque(maxlen=history)

    def running(self, guild_id: int | None) -> int:
        """How many generations ``guild_id`` runs now (always 0 for a DM)."""
        return 0 if guild_id is None else len(self._running.get(guild_id, ()))

    def typical_duration(self) -> float:
        """The mean of the last few completed generations, or ``default_duration``."""
        if not self._durations:
            return self.default_duration
        return sum(self._durations) / len(self._durations)

    @asynccontextmanager
    async def slot(self, guild_id: int | None) -> AsyncIterator[None]:
        """Hold one of the guild's slots for the ``async with`` block.

        Raises :class:`TooBusy` on entry when all ``limit`` slots are taken; never waits.
        The slot is released however the block ends — normally, by an exception, or by
        cancellation (the member pressed Stop). Only generations that finish normally teach
        :meth:`typical_duration`, so stopped ones do not make the estimate too hopeful.
        """
        if guild_id is None:
            yield
            return
        starts = self._running.setdefault(guild_id, [])
        now = self._clock()
        if len(starts) >= self.limit:
            raise TooBusy(len(starts), self._retry_after(starts, now))
        starts.append(now)
        try:
            yield
            self._durations.append(self._clock() - now)
        finally:
            starts.remove(now)
            if not starts:
                del self._running[guild_id]

    def _retry_after(self, starts: list[float], now: float) -> float:
        """When the oldest running generation should end, if it takes a typical time.

        At least one second: one running longer than usual may end any moment.
        """
        return max(self.typical_duration() - (now - min(starts)), 1.0)
