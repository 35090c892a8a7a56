"""A member's own turn: checking it is theirs, writing it, passing it, taking it back.

Writing screens the text (cleaned, within the word limit, allowed by the content filter)
before taking the lock, so a slow filter never holds up the relay; the turn number the
writer saw is checked inside the transaction, so a double submission stores one turn.
A submission sent twice is answered the same way whichever way it came: the Write modal
names the turn it was opened for, ``/relay write`` names none, and either repeat of a
stored turn gets that turn back (:func:`repeated_turn`) instead of a refusal.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from inkwell.bot.errors import InvalidInput, StaleTurn
from inkwell.bot.services.content_policy import ContentFilter
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay import outbox
from inkwell.bot.services.relay.changes import RelayChanges
from inkwell.bot.services.relay.errors import NotYourTurn, RelayClosed, TooManyWords
from inkwell.bot.services.relay.guards import check_writer
from inkwell.bot.services.relay.models import (
    TURN_TEXT_MAX,
    UNDO_SECONDS,
    Person,
    RelayRecord,
    TurnRecord,
)
from inkwell.bot.services.relay.moves import Effects
from inkwell.bot.services.relay.rotation import Slot, begin_turn
from inkwell.bot.services.relay.words import count_words
from inkwell.bot.text.cleaning import clean_text
from inkwell.bot.text.durations import exact_duration

# A /relay write that names no turn repeats the writer's last one only this soon after it
# (a double submit comes within seconds; later, whose turn it is now is the better answer).
REPEAT_SECONDS: Final = UNDO_SECONDS


async def check_turn(changes: RelayChanges, thread_id: int, user_id: int) -> RelayRecord:
    relay = await changes.find(thread_id)
    check_writer(relay, user_id, changes.time.clock())
    return relay


async def write_turn(
    changes: RelayChanges,
    content_filter: ContentFilter,
    thread_id: int,
    person: Person,
    text: str,
    *,
    origin: Origin | None,
    expected_turn: int | None,
) -> TurnRecord:
    """Screen ``text``, store it as ``person``'s turn and hand the next turn out; a repeat
    of a turn already stored returns that turn."""
    relay = await changes.find(thread_id)
    cleaned = clean_text(text, field="turn", max_chars=TURN_TEXT_MAX)
    words = count_words(cleaned)
    if words > relay.max_words:
        raise TooManyWords(words, relay.max_words)
    asker = origin or Origin(person.user_id, relay.guild_id, relay.thread_id)
    verdict = await content_filter.check_prompt(cleaned, asker)
    verdict.raise_if_blocked()
    cleaned, words = verdict.text, count_words(verdict.text)
    async with changes.lock(relay.id):
        now = changes.time.clock()
        effects = Effects(wrote=True)
        # Not changes.changing(): a refusal may be a repeat of a stored turn, which is
        # answered with that turn instead of the error.
        try:
            async with changes.transaction(
                relay.id, effects, expected_turn=expected_turn
            ) as change:
                relay = change.relay
                moves = changes.moves(change, effects, now)
                check_writer(relay, person.user_id, now)
                turn = TurnRecord(relay.turn, person.user_id, False, cleaned, words, now)
                await change.add_turn(turn)
                await change.rename_writer(person.user_id, person.name)
                effects.notices.append(outbox.turn_written(relay, turn))
                relay = replace(relay, idle_turns=0)
                relay = await moves.next_turn(relay, relay.turn_slot)
        except (StaleTurn, NotYourTurn) as refusal:
            stale = refusal.expected if isinstance(refusal, StaleTurn) else expected_turn
            existing = await repeated_turn(changes, relay.id, person.user_id, cleaned, stale, now)
            if existing is None:
                raise
            return existing
        await changes.apply(relay, effects)
    return turn


async def repeated_turn(
    changes: RelayChanges, relay_id: int, user_id: int, text: str, turn: int | None, now: float
) -> TurnRecord | None:
    """The stored turn that ``text`` from ``user_id`` repeats, if it does.

    ``turn`` is the turn the writer was shown (the Write modal's); without one (``/relay
    write``), their last turn counts if it was written in the last :data:`REPEAT_SECONDS`.
    """
    if turn is not None:
        existing = await changes.repository.turn(relay_id, turn)
    else:
        existing = await changes.repository.last_turn_by(relay_id, user_id)
        if existing is not None and now - existing.written_at > REPEAT_SECONDS:
            existing = None
    if existing is not None and (existing.writer_id, existing.text) == (user_id, text):
        return existing
    return None


async def pass_turn(changes: RelayChanges, thread_id: int, user_id: int) -> None:
    relay = await changes.find(thread_id)
    async with changes.lock(relay.id), changes.changing(relay.id) as step:
        relay = step.relay
        check_writer(relay, user_id, step.now)
        step.effects.notices.append(outbox.turn_skipped(relay, user_id, "passed"))
        relay = await step.moves.next_turn(replace(relay, idle_turns=0), relay.turn_slot)


async def undo(changes: RelayChanges, thread_id: int, user_id: int) -> TurnRecord:
    """Remove the last turn if ``user_id`` may take it back, and give them that turn again."""
    relay = await changes.find(thread_id)
    async with changes.lock(relay.id), changes.changing(relay.id, Effects(announce=True)) as step:
        relay = step.relay
        if relay.status != "active":
            raise RelayClosed("Turns can be taken back only while the relay is running.")
        last = await step.change.last_turn()
        if last is None or last.by_model or last.writer_id != user_id:
            raise InvalidInput(
                "Only the writer of the last turn can take it back, "
                "and only until the next turn is written."
            )
        if step.now - last.written_at > UNDO_SECONDS:
            raise InvalidInput(
                f"Turns can be taken back for {exact_duration(UNDO_SECONDS)}; this one stays."
            )
        writers = await step.change.writers()
        mine = next((w for w in writers if w.user_id == user_id), None)
        if mine is None or mine.status != "writing":
            raise InvalidInput("You're no longer writing in this relay.")
        await step.change.remove_turn(last.number)
        relay = begin_turn(replace(relay, idle_turns=0), Slot(user_id, mine.position), step.now)
        await step.change.save(relay)
        step.effects.notices.append(outbox.turn_undone(relay, last))
    return last
