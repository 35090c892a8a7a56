"""A member's turn running out: the reminder at 75 % of it, then the deadline.

One timer per relay, armed by :meth:`~inkwell.bot.services.relay.changes.RelayChanges.arm`
for whichever of the two comes first. It sleeps without the lock, then looks again under
it: a turn that moved on meanwhile (written, passed, paused, ended) is left alone. Since
deadlines are stored, a timer re-armed after a restart whose moment has passed fires at once.
"""

from __future__ import annotations

from dataclasses import replace

from inkwell.bot.services.relay import outbox
from inkwell.bot.services.relay.changes import RelayChanges
from inkwell.bot.services.relay.timers import sleep_until


async def run_timer(changes: RelayChanges, relay_id: int, turn: int, due: float) -> None:
    """At ``due``: time turn ``turn`` out if its deadline has come, else remind its writer."""
    await sleep_until(due, changes.time)
    async with changes.lock(relay_id):
        relay = await changes.repository.get(relay_id)
        if relay is None or relay.status != "active" or relay.turn != turn:
            return
        if relay.model_turn or relay.turn_deadline is None:
            changes.arm(relay)
            return
        async with changes.changing(relay_id, expected_turn=turn) as step:
            relay = step.relay
            deadline = relay.turn_deadline or step.now
            if step.now >= deadline or relay.writer_id is None:
                relay = await step.moves.time_out(relay)
            elif not relay.reminded:
                relay = replace(relay, reminded=True)
                await step.change.save(relay)
                step.effects.notices.append(outbox.turn_reminder(relay))
