"""The relay's vocabulary: what a relay is, what /relay start asks for, who acts, what is reported.

The records (:class:`RelayRecord`, :class:`WriterRecord`, :class:`TurnRecord`,
:class:`SummaryRecord`) are what :mod:`inkwell.bot.storage.relay` stores and returns; their
fields are named after its columns. Everything above the service (cogs, views, the
playground, the notifier) takes its relay types from here, never from storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "Actor",
    "AiTurns",
    "EndReason",
    "ExportedStory",
    "JoinResult",
    "PauseReason",
    "Person",
    "Place",
    "Recap",
    "RelayDraft",
    "RelayOptions",
    "RelayRecord",
    "RelaySetup",
    "RelayState",
    "RelayStatus",
    "SkipReason",
    "SummaryRecord",
    "TurnOrder",
    "TurnRecord",
    "WriterRecord",
    "WriterStatus",
]

AiTurns = Literal["off", "each_round", "on_timeout"]
TurnOrder = Literal["join", "random"]
RelayState = Literal["gathering", "active", "paused", "ended"]
WriterStatus = Literal["writing", "left", "removed"]

# The options of /relay start, with Discord's ranges (cogs annotate with these too).
TITLE_MAX: Final = 100
PREMISE_MAX: Final = 1000
SHORT_TEXT_MAX: Final = 100
TURN_MINUTES_RANGE: Final = (5, 10080)
DEFAULT_TURN_MINUTES: Final = 1440
MAX_WORDS_RANGE: Final = (50, 1000)
DEFAULT_MAX_WORDS: Final = 300
MAX_WRITERS_RANGE: Final = (2, 25)
DEFAULT_MAX_WRITERS: Final = 10
# Discord caps a slash command's text option at 6000 characters; a turn of 1000 words fits.
TURN_TEXT_MAX: Final = 6000

# The last writer may take their turn back this long after writing it.
UNDO_SECONDS: Final = 5 * 60
# A resumed turn gets at least this long (or the whole turn, if turns are shorter).
MIN_RESUMED_SECONDS: Final = 5 * 60
# The reminder comes when this share of the turn has gone by.
REMINDER_AT: Final = 0.75


# --- the records ----------------------------------------------------------------------------------


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
    """A stored relay: its setup, and the state of its current turn.

    A subclass so that the setup's fields are declared once. Saving a relay stores its state;
    storage never updates the setup's columns.
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


# --- what the service is asked, and what it answers -----------------------------------------------


@dataclass(frozen=True, slots=True)
class RelayOptions:
    """What /relay start asks for, as typed (checked by ``RelayService.prepare``)."""

    title: str
    premise: str | None = None
    genre: str | None = None
    tone: str | None = None
    turn_minutes: int = DEFAULT_TURN_MINUTES
    max_words: int = DEFAULT_MAX_WORDS
    ai_turns: AiTurns = "off"
    order: TurnOrder = "join"
    max_writers: int = DEFAULT_MAX_WRITERS
    ai_opening: bool = False


@dataclass(frozen=True, slots=True)
class RelayDraft:
    """Options that passed every check (cleaned, in range, allowed by the content filter)."""

    options: RelayOptions


@dataclass(frozen=True, slots=True)
class Place:
    """Where a relay lives: its thread (a local id in the playground), guild and channel."""

    thread_id: int
    guild_id: int | None = None
    channel_id: int | None = None


@dataclass(frozen=True, slots=True)
class Person:
    """A member as the relay remembers them: their id and the name the export shows."""

    user_id: int
    name: str


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asks for a moderator's action; ``can_moderate`` is Discord's Manage Threads."""

    user_id: int
    can_moderate: bool = False


SkipReason = Literal["passed", "timed_out", "left", "removed", "model_failed", "model_withheld"]
PauseReason = Literal["by_request", "idle"]
EndReason = Literal["by_request", "thread_gone"]


@dataclass(frozen=True, slots=True)
class Recap:
    """The "story so far" that comes with a turn notice.

    ``summary`` is the start of the stored summary (when the story was long enough to need
    one); ``last`` ends with the most recent turn's closing words. A story with nothing
    written yet recaps its premise.
    """

    premise: str | None
    summary: str | None
    last: TurnRecord | None
    last_excerpt: str | None


@dataclass(frozen=True, slots=True)
class JoinResult:
    place: int  # 1-based place in the order
    writers: int


@dataclass(frozen=True, slots=True)
class RelayStatus:
    """What /relay status shows."""

    relay: RelayRecord
    order: tuple[WriterRecord, ...]  # writing members, in turn order
    seconds_left: float | None
    turns_written: int
    words: int


@dataclass(frozen=True, slots=True)
class ExportedStory:
    filename: str
    markdown: str
