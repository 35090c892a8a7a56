"""The relay's vocabulary: what a relay is, what /relay start asks for, who acts, what is reported.

The stored records (:class:`~inkwell.bot.records.relay.RelayRecord` and the rest) live in
:mod:`inkwell.bot.records.relay`, below both the service and storage; they are named here too,
so everything above the service (cogs, views, the playground, the notifier) takes its relay
types from the service, never from storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from inkwell.bot.records.relay import (
    AiTurns,
    RelayRecord,
    RelaySetup,
    RelayState,
    SummaryRecord,
    TurnOrder,
    TurnRecord,
    WriterRecord,
    WriterStatus,
)

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

# A relay's memory (always in the model's context) and author's note (one steering line).
MEMORY_MAX: Final = 1000
NOTE_MAX: Final = 200
# What a member types to clear either (as well as empty text).
CLEAR_WORD: Final = "clear"

# The last writer may take their turn back this long after writing it.
UNDO_SECONDS: Final = 5 * 60
# A resumed turn gets at least this long (or the whole turn, if turns are shorter).
MIN_RESUMED_SECONDS: Final = 5 * 60
# The reminder comes when this share of the turn has gone by.
REMINDER_AT: Final = 0.75


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
# The two texts a relay's writers give the model besides the story (steering.py).
SteeringKind = Literal["memory", "note"]


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
    """What /relay status shows.

    ``memory`` is the start of the relay's memory (the whole of it is the relay's own, and
    ``/relay memory`` shows it); ``note`` its author's note. Either is None when unset.
    """

    relay: RelayRecord
    order: tuple[WriterRecord, ...]  # writing members, in turn order
    seconds_left: float | None
    turns_written: int
    words: int
    memory: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ExportedStory:
    filename: str
    markdown: str
