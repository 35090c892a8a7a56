"""Whose turn comes next, and the relay's other changes of state, as pure functions.

Every turn belongs to a *slot* in the rotation: a writer's ``position``, :data:`OPENING_SLOT`
for the model's opening, or :data:`MODEL_SLOT` for the model's turn at the end of each
round (``ai_turns=each_round``). When the model stands in for a writer whose time ran out
(``on_timeout``) its turn keeps that writer's slot, so the rotation carries on after them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from inkwell.bot.services.relay.models import REMINDER_AT, RelayRecord, WriterRecord

OPENING_SLOT: Final = -1
MODEL_SLOT: Final = 1_000_000_000


@dataclass(frozen=True, slots=True)
class Slot:
    """A turn to hand out: to ``writer_id``, or to the model when it is None."""

    writer_id: int | None
    position: int

    @property
    def is_model(self) -> bool:
        return self.writer_id is None


def writing(writers: Sequence[WriterRecord]) -> list[WriterRecord]:
    """The members taking turns, in turn order."""
    return sorted((w for w in writers if w.status == "writing"), key=lambda w: w.position)


def can_begin(relay: RelayRecord, writers: Sequence[WriterRecord]) -> bool:
    """Turns start once two can write: two members, or one and the model each round."""
    members = len(writing(writers))
    return members >= 2 or (members >= 1 and relay.ai_turns == "each_round")


def next_slot(
    relay: RelayRecord, writers: Sequence[WriterRecord], after: int | None
) -> Slot | None:
    """The slot after ``after`` (None: from the top); None when no member is writing."""
    members = writing(writers)
    if not members:
        return None
    start = OPENING_SLOT if after is None else after
    later = [w for w in members if w.position > start]
    if later:
        return Slot(later[0].user_id, later[0].position)
    if relay.ai_turns == "each_round" and start < MODEL_SLOT:
        return Slot(None, MODEL_SLOT)
    return Slot(members[0].user_id, members[0].position)


def shuffled_order(writers: Sequence[WriterRecord], rng: random.Random) -> list[int]:
    """The writing members' ids in a random order (drawn once, at the first turn)."""
    ids = [w.user_id for w in writing(writers)]
    rng.shuffle(ids)
    return ids


def begin_turn(relay: RelayRecord, slot: Slot, now: float) -> RelayRecord:
    """The relay with a new turn for ``slot``: the next number, a fresh deadline for a member."""
    return replace(
        relay,
        status="active",
        turn=relay.turn + 1,
        writer_id=slot.writer_id,
        model_turn=slot.is_model,
        turn_slot=slot.position,
        turn_deadline=None if slot.is_model else now + relay.turn_seconds,
        reminded=False,
        paused_remaining=None,
    )


def model_stands_in(relay: RelayRecord) -> RelayRecord:
    """The model takes over a turn whose writer ran out of time (same slot, next number)."""
    return replace(
        relay,
        turn=relay.turn + 1,
        writer_id=None,
        model_turn=True,
        turn_deadline=None,
        reminded=False,
    )


def wait_for_writers(relay: RelayRecord) -> RelayRecord:
    """No turn until enough writers join."""
    return replace(
        relay,
        status="gathering",
        writer_id=None,
        model_turn=False,
        turn_slot=None,
        turn_deadline=None,
        reminded=False,
        paused_remaining=None,
    )


def paused(relay: RelayRecord, now: float, *, remaining: float | None = None) -> RelayRecord:
    """The relay paused, keeping the time its member's turn had left (or ``remaining``)."""
    if remaining is None and relay.turn_deadline is not None:
        remaining = max(0.0, relay.turn_deadline - now)
    return replace(relay, status="paused", paused_remaining=remaining, turn_deadline=None)


def ended(relay: RelayRecord, reason: str, now: float) -> RelayRecord:
    return replace(
        relay,
        status="ended",
        writer_id=None,
        model_turn=False,
        turn_deadline=None,
        paused_remaining=None,
        ended_at=now,
        end_reason=reason,
    )


def reminder_time(relay: RelayRecord) -> float | None:
    """When the reminder is due: 75 % into the turn (None if there's no member's deadline)."""
    if relay.turn_deadline is None:
        return None
    return relay.turn_deadline - (1 - REMINDER_AT) * relay.turn_seconds
