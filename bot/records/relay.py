"""A relay story as Inkwell keeps it: its setup, its state, its writers, turns and summaries.

Storage (:mod:`inkwell.bot.storage.relay`) reads and writes these records, their fields
named after its columns; the relay service reasons about them. They sit below both, so
neither needs the other to name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AiTurns = Literal["off", "each_round", "on_timeout"]
TurnOrder = Literal["join", "random"]
RelayState = Literal["gathering", "active", "paused", "ended"]
WriterStatus = Literal["writing", "left", "removed"]


@dataclass(frozen=True, slots=True)
class RelaySetup:
    """What a new relay is made of; fixed for its whole life.

    ``started_by`` is None once the starter has asked to be forgotten (``/style forget-me``).
    """

    guild_id: int | None
    channel_id: int | None
    thread_id: int
    started_by: int | None
    title: str
    premise: str | None
    genre: str | None
    tone: str | None
    turn_seconds: int
    max_words: int
    max_writers: int
    ai_turns: AiTurns
    turn_order: TurnOrder


@dataclass(frozen=True, slots=True)
class RelayRecord(RelaySetup):
    """A stored relay: its setup, the state of its current turn, and what steers the model.

    A subclass so that the setup's fields are declared once. Saving a relay stores its state;
    storage never updates the setup's columns. ``memory`` (always in the model's context)
    and ``note`` (the author's note, near its end) are empty when unset; they default so
    that a notice stored before they existed still reads.
    """

    id: int
    status: RelayState
    turn: int
    writer_id: int | None
    model_turn: bool
    turn_slot: int | None
    turn_deadline: float | None
    reminded: bool
    paused_remaining: float | None
    idle_turns: int
    order_fixed: bool
    created_at: float
    ended_at: float | None
    end_reason: str | None
    memory: str = ""
    note: str = ""

    @property
    def is_open(self) -> bool:
        return self.status != "ended"


@dataclass(frozen=True, slots=True)
class WriterRecord:
    user_id: int
    name: str
    position: int
    status: WriterStatus
    joined_at: float


@dataclass(frozen=True, slots=True)
class TurnRecord:
    number: int
    writer_id: int | None
    by_model: bool
    text: str
    words: int
    written_at: float


@dataclass(frozen=True, slots=True)
class SummaryRecord:
    through_turn: int
    text: str
    created_at: float


@dataclass(frozen=True, slots=True)
class StoredNotice:
    """A notice for a relay's thread, kept in the outbox until it is posted.

    Written in the same transaction as the change it reports, so a crash right after the
    commit loses nothing; ``payload`` is the relay service's own encoding of what to say.
    ``attempts`` counts the tries that failed: after one, the notice may have gone out.
    """

    id: int
    relay_id: int
    kind: str
    payload: str
    attempts: int
