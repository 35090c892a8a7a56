"""Who writes in a relay: members joining, leaving, or being removed by a moderator.

Leaving and removal are one move (a removed member just can't join again); either way a
turn the member held passes on, and a relay left with nobody writing waits for writers.
"""

from __future__ import annotations

from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.relay import outbox
from inkwell.bot.services.relay.changes import RelayChanges
from inkwell.bot.services.relay.errors import NotAllowed, RelayClosed, RelayFull
from inkwell.bot.services.relay.guards import check_moderator
from inkwell.bot.services.relay.models import Actor, JoinResult, Person, SkipReason, WriterRecord
from inkwell.bot.services.relay.rotation import wait_for_writers, writing
from inkwell.bot.services.relay.words import ordinal


async def join(changes: RelayChanges, thread_id: int, person: Person) -> JoinResult:
    """Add ``person`` at the end of the order, starting the first turn if they make two."""
    relay = await changes.find(thread_id)
    async with changes.lock(relay.id), changes.changing(relay.id) as step:
        relay = step.relay
        if relay.status == "ended":
            raise RelayClosed("This relay has ended; /relay export has the story.")
        writers = await step.change.writers()
        mine = next((w for w in writers if w.user_id == person.user_id), None)
        members = writing(writers)
        if mine is not None and mine.status == "writing":
            place = members.index(mine) + 1
            raise InvalidInput(f"You're already in: {ordinal(place)} in the order.")
        if mine is not None and mine.status == "removed":
            raise NotAllowed("You were removed from this relay by its starter or a moderator.")
        if len(members) >= relay.max_writers:
            raise RelayFull(relay.max_writers)
        position = max((w.position for w in writers), default=-1) + 1
        await step.change.put_writer(
            WriterRecord(person.user_id, person.name, position, "writing", step.now)
        )
        if relay.status == "gathering":
            relay = await step.moves.next_turn(relay, None)
        members = writing(await step.change.writers())
        place = next(i for i, w in enumerate(members, 1) if w.user_id == person.user_id)
    return JoinResult(place, len(members))


async def remove_writer(
    changes: RelayChanges, thread_id: int, user_id: int, actor: Actor | None
) -> None:
    """Take ``user_id`` out of the order: they leave (``actor`` None) or ``actor`` removes
    them, which only the starter or a moderator may."""
    relay = await changes.find(thread_id)
    async with changes.lock(relay.id), changes.changing(relay.id) as step:
        relay = step.relay
        if actor is not None:
            check_moderator(relay, actor, "remove writers")
        if relay.status == "ended":
            raise RelayClosed("This relay has ended.")
        writers = await step.change.writers()
        member = next((w for w in writers if w.user_id == user_id), None)
        if member is None or member.status != "writing":
            who = "You're" if actor is None else f"<@{user_id}> is"
            raise InvalidInput(f"{who} not writing in this relay.")
        await step.change.set_writer_status(user_id, "left" if actor is None else "removed")
        if relay.writer_id == user_id and not relay.model_turn:
            reason: SkipReason = "left" if actor is None else "removed"
            step.effects.notices.append(outbox.turn_skipped(relay, user_id, reason))
            relay = await step.moves.hand_on(relay)
        elif (
            relay.status != "gathering"
            and not relay.model_turn
            and not writing(await step.change.writers())
        ):
            relay = wait_for_writers(relay)
            await step.change.save(relay)
            step.effects.notices.append(outbox.waiting_for_writers(relay))
