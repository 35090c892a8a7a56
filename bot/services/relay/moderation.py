"""The starter's and moderators' controls: pause, resume and end (kick is in ``writers``).

Each is checked with :func:`~inkwell.bot.services.relay.guards.check_moderator` inside the
change, so a refusal stores nothing. A deleted thread ends its relay here too, silently.
"""

from __future__ import annotations

from dataclasses import replace

from inkwell.bot.services.relay import outbox
from inkwell.bot.services.relay.changes import RelayChanges
from inkwell.bot.services.relay.errors import RelayClosed
from inkwell.bot.services.relay.guards import check_moderator
from inkwell.bot.services.relay.models import MIN_RESUMED_SECONDS, Actor, RelayRecord
from inkwell.bot.services.relay.moves import Effects
from inkwell.bot.services.relay.rotation import ended, paused, reminder_time, writing


async def pause(changes: RelayChanges, thread_id: int, actor: Actor) -> None:
    relay = await changes.find(thread_id)
    async with changes.lock(relay.id), changes.changing(relay.id) as step:
        relay = step.relay
        check_moderator(relay, actor, "pause it")
        if relay.status != "active":
            raise RelayClosed(f"Only a running relay can be paused; this one is {relay.status}.")
        relay = paused(relay, step.now)
        await step.change.save(relay)
        step.effects.notices.append(outbox.relay_paused(relay, "by_request"))


async def resume(changes: RelayChanges, thread_id: int, actor: Actor) -> None:
    """The paused turn again, with its time left (at least :data:`MIN_RESUMED_SECONDS`); the
    next turn instead if its writer has left meanwhile."""
    relay = await changes.find(thread_id)
    async with changes.lock(relay.id), changes.changing(relay.id, Effects(announce=True)) as step:
        relay = step.relay
        check_moderator(relay, actor, "resume it")
        if relay.status != "paused":
            raise RelayClosed(f"Only a paused relay can be resumed; this one is {relay.status}.")
        relay = replace(relay, status="active", idle_turns=0)
        step.effects.notices.append(outbox.relay_resumed(relay))
        members = writing(await step.change.writers())
        holder_left = relay.writer_id not in {w.user_id for w in members}
        if relay.model_turn:
            relay = replace(relay, paused_remaining=None)
            await step.change.save(relay)
        elif holder_left:
            relay = await step.moves.next_turn(relay, relay.turn_slot)
        else:
            remaining = max(
                relay.paused_remaining or relay.turn_seconds,
                min(relay.turn_seconds, MIN_RESUMED_SECONDS),
            )
            relay = replace(relay, turn_deadline=step.now + remaining, paused_remaining=None)
            reminder = reminder_time(relay)
            # Less than a quarter of the turn left: no reminder, it would come at once.
            relay = replace(relay, reminded=relay.reminded or (reminder or step.now) <= step.now)
            await step.change.save(relay)


async def end(changes: RelayChanges, thread_id: int, actor: Actor) -> RelayRecord:
    relay = await changes.find(thread_id)
    async with changes.lock(relay.id), changes.changing(relay.id) as step:
        relay = step.relay
        check_moderator(relay, actor, "end it")
        if relay.status == "ended":
            raise RelayClosed("This relay has already ended.")
        relay = ended(relay, "by_request", step.now)
        await step.change.save(relay)
        step.effects.notices.append(outbox.relay_ended(relay, "by_request"))
    return relay


async def thread_gone(changes: RelayChanges, thread_id: int) -> None:
    """End the relay of a deleted thread without a word to anyone (no relay: nothing)."""
    relay = await changes.repository.by_thread(thread_id)
    if relay is None or not relay.is_open:
        return
    async with changes.lock(relay.id):
        await changes.end_quietly(relay)
