"""Moving a relay from one turn to the next, inside one change (one transaction).

:class:`TurnMoves` is made for a single change: it reads the writers through that change,
saves the relay through it, and queues what the thread should hear as :class:`Effects`,
which the service writes to the outbox in the same transaction and posts once it commits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from inkwell.bot.services.relay import outbox
from inkwell.bot.services.relay.models import RelayRecord
from inkwell.bot.services.relay.outbox import Notice
from inkwell.bot.services.relay.rotation import (
    begin_turn,
    can_begin,
    model_stands_in,
    next_slot,
    paused,
    shuffled_order,
    wait_for_writers,
    writing,
)
from inkwell.bot.storage.relay import RelayChange


@dataclass
class Effects:
    """What a change leads to once it is committed."""

    notices: list[Notice] = field(default_factory=list)
    # A member's turn began (or resumed): tell them, with a recap (queued at the commit,
    # if the relay as saved is still a member's running turn).
    announce: bool = False
    # A turn was written: the story may need a summary.
    wrote: bool = False


class TurnMoves:
    def __init__(
        self,
        change: RelayChange,
        effects: Effects,
        now: float,
        rng: random.Random,
    ) -> None:
        self._change = change
        self._effects = effects
        self._now = now
        self._rng = rng

    async def next_turn(self, relay: RelayRecord, after: int | None) -> RelayRecord:
        """Hand the next turn out (or wait for writers) and save the relay.

        Before the first member's turn the relay needs two who can write, and a ``random``
        order is drawn, once; afterwards one member is enough to carry on.
        """
        change = self._change
        writers = await change.writers()
        ready = can_begin(relay, writers) if not relay.order_fixed else bool(writing(writers))
        if not ready:
            was_waiting = relay.status == "gathering"
            relay = wait_for_writers(relay)
            await change.save(relay)
            if not was_waiting:
                self._effects.notices.append(outbox.waiting_for_writers(relay))
            return relay
        if not relay.order_fixed:
            if relay.turn_order == "random":
                await change.set_positions(shuffled_order(writers, self._rng))
                writers = await change.writers()
            relay = replace(relay, order_fixed=True)
            after = None
        slot = next_slot(relay, writers, after)
        assert slot is not None  # someone is writing
        relay = begin_turn(relay, slot, self._now)
        await change.save(relay)
        self._effects.announce = True
        return relay

    async def hand_on(self, relay: RelayRecord) -> RelayRecord:
        """The current turn ends unwritten: the next one starts (paused, if the relay was)."""
        was_paused = relay.status == "paused"
        relay = await self.next_turn(replace(relay, status="active"), relay.turn_slot)
        if was_paused and relay.status == "active":
            relay = paused(relay, self._now, remaining=float(relay.turn_seconds))
            await self._change.save(relay)
        return relay

    async def time_out(self, relay: RelayRecord) -> RelayRecord:
        """The member's time ran out: the model stands in (``on_timeout``), or the turn
        passes. After a whole round in which nobody wrote, the relay pauses itself."""
        members = writing(await self._change.writers())
        relay = replace(relay, idle_turns=relay.idle_turns + 1)
        idle_round = relay.idle_turns >= max(len(members), 1)
        notices = self._effects.notices
        notices.append(outbox.turn_skipped(relay, relay.writer_id, "timed_out"))
        if relay.ai_turns == "on_timeout" and members and not idle_round:
            relay = model_stands_in(relay)
            await self._change.save(relay)
            return relay
        relay = await self.next_turn(relay, relay.turn_slot)
        if idle_round and relay.status == "active":
            relay = paused(relay, self._now, remaining=float(relay.turn_seconds))
            await self._change.save(relay)
            notices.append(outbox.relay_paused(relay, "idle"))
        return relay
