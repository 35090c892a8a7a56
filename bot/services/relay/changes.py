"""The one way a relay changes, and what the relay service's parts share to make it.

:class:`RelayChanges` holds what every part of the service needs (the repository, the
clock, the notifier, the model's two jobs, the tasks and the per-relay locks) and makes
every change the same way:

1. the caller takes the relay's :class:`asyncio.Lock` (:meth:`RelayChanges.lock`);
2. :meth:`RelayChanges.changing` opens one transaction that reloads the relay (checking
   the turn number the caller saw, if it names one) and hands out a :class:`Step`;
3. the transaction commits, so a turn is stored before anyone hears of it;
4. still under the lock, :meth:`RelayChanges.apply` sends the notices the step queued and
   re-arms the relay's background work (:meth:`RelayChanges.arm`).

A thread that has gone away ends its relay quietly (:meth:`RelayChanges.end_quietly`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable, Coroutine, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from inkwell.bot.services.relay.coauthor import CoAuthor
from inkwell.bot.services.relay.errors import NotARelay
from inkwell.bot.services.relay.models import RelayRecord
from inkwell.bot.services.relay.moves import Effects, Notice, TurnMoves
from inkwell.bot.services.relay.notifier import RelayChannelGone, RelayNotifier
from inkwell.bot.services.relay.reading import recap
from inkwell.bot.services.relay.rotation import ended, reminder_time
from inkwell.bot.services.relay.summaries import Summaries
from inkwell.bot.services.relay.timers import BackgroundTasks, TimeSource
from inkwell.bot.storage.relay import RelayChange, RelayRepository

log = logging.getLogger(__name__)

# Background work that settle() waits for; timers are left out, they sleep until their moment.
MODEL_WORK = frozenset({"model", "summary"})


# The background work a change starts: a turn's timer (relay id, turn, when it is due) and
# the model writing its turn (relay id, turn). The service hands them in, so this module
# needs neither of the modules that define them, and both may import this one.
TimerWork = Callable[["RelayChanges", int, int, float], Coroutine[Any, Any, None]]
ModelTurnWork = Callable[["RelayChanges", int, int], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class Step:
    """One open change to one relay, as :meth:`RelayChanges.changing` hands it out."""

    change: RelayChange
    effects: Effects
    moves: TurnMoves
    now: float

    @property
    def relay(self) -> RelayRecord:
        return self.change.relay


class RelayChanges:
    """The relay service's shared state, and the lock-change-commit-notify cycle over it."""

    def __init__(
        self,
        repository: RelayRepository,
        time: TimeSource,
        rng: random.Random,
        coauthor: CoAuthor,
        summaries: Summaries,
        *,
        run_timer: TimerWork,
        run_model_turn: ModelTurnWork,
    ) -> None:
        self.repository = repository
        self._run_timer = run_timer
        self._run_model_turn = run_model_turn
        self.time = time
        self.rng = rng
        # Both are replaced together whenever the service's content filter is.
        self.coauthor = coauthor
        self.summaries = summaries
        self.tasks = BackgroundTasks()
        self.notifier: RelayNotifier | None = None
        self._locks: dict[int, asyncio.Lock] = {}

    @property
    def out(self) -> RelayNotifier:
        """The notifier; notices are ``partial(changes.out.event, ...)``, bound when queued
        and sent once the change is committed."""
        if self.notifier is None:
            raise RuntimeError("RelayService.open() has not been called")
        return self.notifier

    def lock(self, relay_id: int) -> asyncio.Lock:
        """The relay's own lock: changes to one relay are serialised, different relays never
        wait for each other."""
        return self._locks.setdefault(relay_id, asyncio.Lock())

    async def find(self, thread_id: int) -> RelayRecord:
        relay = await self.repository.by_thread(thread_id)
        if relay is None:
            raise NotARelay()
        return relay

    def moves(self, change: RelayChange, effects: Effects, now: float) -> TurnMoves:
        return TurnMoves(change, effects, now, self.rng, self.out)

    @asynccontextmanager
    async def changing(
        self, relay_id: int, effects: Effects | None = None, *, expected_turn: int | None = None
    ) -> AsyncIterator[Step]:
        """One change to the relay, committed, then its effects applied.

        The caller holds the relay's lock for the whole block, so the effects are applied
        under it too. A block that raises commits nothing and applies nothing.
        """
        now = self.time.clock()
        effects = Effects() if effects is None else effects
        async with self.repository.change(relay_id, expected_turn=expected_turn) as change:
            yield Step(change, effects, self.moves(change, effects, now), now)
        # change.relay is the relay as last saved: notices and timers follow what was
        # committed, whatever the block left in its own variables.
        await self.apply(change.relay, effects)

    # --- after a change is committed -----------------------------------------------------------

    async def apply(self, relay: RelayRecord, effects: Effects) -> None:
        """Send the notices, announce a member's new turn, re-arm the timers (under the lock)."""
        for notice in effects.notices:
            if not await self.deliver(relay, notice):
                return
        if effects.announce and relay.status == "active" and not relay.model_turn:
            story_so_far = await recap(self.repository, self.summaries, relay)
            if not await self.deliver(relay, partial(self.out.turn_started, relay, story_so_far)):
                return
        self.arm(relay)
        summary_key = ("summary", relay.id)
        if effects.wrote and not self.tasks.running(summary_key):
            self.tasks.start(summary_key, self._summarise(relay))

    async def deliver(self, relay: RelayRecord, notice: Notice) -> bool:
        """Send one notice; False if the thread is gone (the relay is then ended)."""
        try:
            await notice()
        except RelayChannelGone:
            await self.end_quietly(relay)
            return False
        except Exception:
            log.exception("relay %d: a notice to thread %d failed", relay.id, relay.thread_id)
        return True

    async def end_quietly(self, relay: RelayRecord) -> None:
        """End a relay whose thread is gone: saved, one log line, no notices, no timers."""
        async with self.repository.change(relay.id) as change:
            if not change.relay.is_open:
                return
            await change.save(ended(change.relay, "thread_gone", self.time.clock()))
        self.tasks.cancel_where(lambda key: isinstance(key, tuple) and key[1] == relay.id)
        log.warning(
            "relay %d ended: its thread %d is gone or the bot may no longer post there",
            relay.id,
            relay.thread_id,
        )

    # --- background work -----------------------------------------------------------------------

    def arm(self, relay: RelayRecord) -> None:
        """Make the background work match the relay's state (called under its lock): the
        model's turn if it holds one, else a timer for the reminder or the deadline."""
        timer_key = ("timer", relay.id)
        model_key = ("model", relay.id, relay.turn)

        def other_model_turns(key: Hashable) -> bool:
            return (
                isinstance(key, tuple)
                and key[:2] == ("model", relay.id)
                and (key != model_key or not relay.model_turn or relay.status != "active")
            )

        self.tasks.cancel_where(other_model_turns)
        if relay.status != "active":
            self.tasks.cancel(timer_key)
        elif relay.model_turn:
            self.tasks.cancel(timer_key)
            if not self.tasks.running(model_key):
                self.tasks.start(model_key, self._run_model_turn(self, relay.id, relay.turn))
        elif relay.turn_deadline is not None:
            due = relay.turn_deadline
            reminder = reminder_time(relay)
            if not relay.reminded and reminder is not None and reminder < due:
                due = reminder
            self.tasks.start(timer_key, self._run_timer(self, relay.id, relay.turn, due))
        else:
            self.tasks.cancel(timer_key)

    def model_work(self, relay_id: int | None) -> set[asyncio.Task[None]]:
        """The model's turns and summaries running now, of one relay (or of all: None)."""
        return self.tasks.live_where(
            lambda key: (
                isinstance(key, tuple)
                and key[0] in MODEL_WORK
                and (relay_id is None or key[1] == relay_id)
            )
        )

    async def _summarise(self, relay: RelayRecord) -> None:
        # Looked up when the task runs, so a content filter swapped meanwhile applies.
        await self.summaries.keep_fitting(relay)
