"""The one way a relay changes, and what the relay service's parts share to make it.

:class:`RelayChanges` holds what every part of the service needs (the repository, the
clock, the notifier, the model's two jobs, the tasks and the per-relay locks) and makes
every change the same way:

1. the caller takes the relay's :class:`asyncio.Lock` (:meth:`RelayChanges.lock`);
2. :meth:`RelayChanges.changing` opens one transaction that reloads the relay (checking
   the turn number the caller saw, if it names one) and hands out a :class:`Step`;
3. the notices the step queued go into the outbox, and the transaction commits: a turn is
   stored before anyone hears of it, and what they are to hear is stored with it;
4. still under the lock, :meth:`RelayChanges.apply` posts what the relay's thread is owed
   (:meth:`RelayChanges.flush`), recording each post, and re-arms the relay's background
   work (:meth:`RelayChanges.arm`).

A process that dies between 3 and 4 loses nothing: :meth:`RelayChanges.deliver_owed`
posts the rest when the service opens again, telling the notifier that a notice may have
gone out already, so it looks before it posts. A notice that fails is tried again later,
a few times, then given up with a log line. A thread that has gone away ends its relay
quietly (:meth:`RelayChanges.end_quietly`), and what it was still owed is dropped.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable, Coroutine, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Final

from inkwell.bot.records.relay import StoredNotice
from inkwell.bot.services.relay import outbox
from inkwell.bot.services.relay.coauthor import CoAuthor
from inkwell.bot.services.relay.errors import NotARelay
from inkwell.bot.services.relay.models import RelayRecord
from inkwell.bot.services.relay.moves import Effects, TurnMoves
from inkwell.bot.services.relay.notifier import NoticeKey, RelayChannelGone, RelayNotifier
from inkwell.bot.services.relay.outbox import Notice
from inkwell.bot.services.relay.reading import recap
from inkwell.bot.services.relay.rotation import ended, reminder_time
from inkwell.bot.services.relay.summaries import Summaries
from inkwell.bot.services.relay.timers import BackgroundTasks, TimeSource, sleep_until
from inkwell.bot.storage.relay import RelayChange, RelayRepository

log = logging.getLogger(__name__)

# Background work that settle() waits for; timers are left out, they sleep until their moment.
MODEL_WORK = frozenset({"model", "summary"})

# A notice that fails is tried this many times in all, RETRY_SECONDS * tries apart, then
# given up: a message Discord refuses for good must not hold up the relay's later notices.
NOTICE_TRIES: Final = 4
RETRY_SECONDS: Final = 30.0


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
        # Outbox ids up to this one were written before the service opened: an earlier
        # process may have posted them just before it died.
        self.earlier_notices = 0
        self._locks: dict[int, asyncio.Lock] = {}

    @property
    def out(self) -> RelayNotifier:
        """The notifier that posts the outbox's notices once their change is committed."""
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
        return TurnMoves(change, effects, now, self.rng)

    @asynccontextmanager
    async def transaction(
        self, relay_id: int, effects: Effects, *, expected_turn: int | None = None
    ) -> AsyncIterator[RelayChange]:
        """One transaction on the relay that also writes what ``effects`` queued into the
        outbox, so the notices commit (or roll back) with the change they report."""
        async with self.repository.change(relay_id, expected_turn=expected_turn) as change:
            yield change
            # change.relay is the relay as last saved: the turn notice follows what is
            # committed, whatever the block left in its own variables.
            relay = change.relay
            if effects.announce and relay.status == "active" and not relay.model_turn:
                effects.notices.append(outbox.turn_started(relay))
            now = self.time.clock()
            for notice in effects.notices:
                await change.add_notice(notice.kind, notice.encode(), now)

    @asynccontextmanager
    async def changing(
        self, relay_id: int, effects: Effects | None = None, *, expected_turn: int | None = None
    ) -> AsyncIterator[Step]:
        """One change to the relay, committed with its notices, then its effects applied.

        The caller holds the relay's lock for the whole block, so the effects are applied
        under it too. A block that raises commits nothing and applies nothing.
        """
        now = self.time.clock()
        effects = Effects() if effects is None else effects
        async with self.transaction(relay_id, effects, expected_turn=expected_turn) as change:
            yield Step(change, effects, self.moves(change, effects, now), now)
        await self.apply(change.relay, effects)

    # --- after a change is committed -----------------------------------------------------------

    async def apply(self, relay: RelayRecord, effects: Effects) -> None:
        """Post what the thread is owed, re-arm the timers (under the lock)."""
        if not await self.flush(relay):
            return
        self.arm(relay)
        summary_key = ("summary", relay.id)
        if effects.wrote and not self.tasks.running(summary_key):
            self.tasks.start(summary_key, self._summarise(relay))

    async def flush(self, relay: RelayRecord) -> bool:
        """Post the relay's owed notices in order (under its lock); False if the thread is
        gone (the relay is then ended). A failure leaves the rest for a later try."""
        for stored in await self.repository.notices_owed(relay.id):
            try:
                message_id = await self._post(stored, Notice.decode(stored.kind, stored.payload))
            except RelayChannelGone:
                await self.end_quietly(relay)
                return False
            except Exception:
                if not await self._failed(relay, stored):
                    return True
                continue
            await self.repository.notice_posted(stored, message_id, self.time.clock())
        return True

    async def _post(self, stored: StoredNotice, notice: Notice) -> int | None:
        maybe_sent = stored.attempts > 0 or stored.id <= self.earlier_notices
        after = None
        if maybe_sent:
            after = await self.repository.posted_before(stored.relay_id, stored.id)
        key = NoticeKey(stored.id, stored.relay_id, maybe_sent=maybe_sent, after=after)
        story_so_far = None
        if notice.kind == "turn_started":
            story_so_far = await recap(self.repository, self.summaries, notice.relay)
        return await outbox.post(self.out, notice, key, story_so_far)

    async def _failed(self, relay: RelayRecord, stored: StoredNotice) -> bool:
        """Count a failed try; True if the notice is given up (the next may go), False if it
        waits for another try (and so do the notices after it, to keep their order)."""
        tries = stored.attempts + 1
        give_up = tries >= NOTICE_TRIES
        log.exception(
            "relay %d: a notice to thread %d failed (try %d of %d%s)",
            relay.id,
            relay.thread_id,
            tries,
            NOTICE_TRIES,
            ", given up" if give_up else "",
        )
        await self.repository.notice_failed(stored, give_up=give_up, now=self.time.clock())
        if not give_up:
            retry_at = self.time.clock() + RETRY_SECONDS * tries
            self.tasks.start(("outbox", relay.id), self.deliver_owed(relay.id, retry_at))
        return give_up

    async def deliver_owed(self, relay_id: int, at: float | None = None) -> None:
        """Post what the relay's thread is still owed (at ``at``, or now)."""
        if at is not None:
            await sleep_until(at, self.time)
        async with self.lock(relay_id):
            relay = await self.repository.get(relay_id)
            if relay is not None:
                await self.flush(relay)

    async def end_quietly(self, relay: RelayRecord) -> None:
        """End a relay whose thread is gone: saved, one log line, no notices, no timers."""
        async with self.repository.change(relay.id) as change:
            await change.drop_notices(self.time.clock())
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
