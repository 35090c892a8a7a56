"""Relay stories: members write a story together, one turn each, with the model as co-author.

:class:`RelayService` (``service.py``) is the front door: every cog, view and the playground
call it. ``models.py`` is its vocabulary (the records storage keeps, the options, who acts,
what is reported), shared by storage, cogs, views and the playground.

The service's work, one module per part: ``changes.py`` (the one way a relay changes: its
lock, one transaction, then notices and re-armed timers; and the state the parts share),
``starting.py`` (/relay start), ``writers.py`` (join, leave, kick), ``turns.py`` (write,
pass, undo), ``moderation.py`` (pause, resume, end, a deleted thread), ``steering.py``
(the memory and the author's note), ``deadlines.py`` (reminders and deadlines),
``model_turns.py`` (the model's turns in the background) and ``reading.py`` (status,
export, recaps).

What those parts use: ``rotation.py`` (whose turn comes next, as pure functions),
``moves.py`` (a turn ending and the next one starting, inside one transaction),
``guards.py`` (who may act when), ``options.py`` (checking /relay start's options),
``timers.py`` (the clock and the tasks the service owns), ``coauthor.py`` (the model
writing a turn), ``summaries.py`` (long stories kept inside the context window),
``export.py`` (Markdown), ``notifier.py`` (how the service speaks to a thread without
knowing Discord), ``outbox.py`` (the notices a change owes its thread, kept in the
change's own transaction until they are posted).
"""

from inkwell.bot.errors import StaleTurn
from inkwell.bot.services.relay.errors import (
    NotAllowed,
    NotARelay,
    NotYourTurn,
    RelayClosed,
    RelayFull,
    TooManyWords,
)
from inkwell.bot.services.relay.models import (
    Actor,
    ExportedStory,
    JoinResult,
    Person,
    Place,
    Recap,
    RelayDraft,
    RelayOptions,
    RelayRecord,
    RelaySetup,
    RelayStatus,
    SummaryRecord,
    TurnRecord,
    WriterRecord,
)
from inkwell.bot.services.relay.notifier import NoticeKey, RelayChannelGone, RelayNotifier
from inkwell.bot.services.relay.prompting import RelayPrompts
from inkwell.bot.services.relay.service import RelayService
from inkwell.bot.services.relay.summaries import ContextBudget
from inkwell.bot.services.relay.timers import TimeSource

__all__ = [
    "Actor",
    "ContextBudget",
    "ExportedStory",
    "JoinResult",
    "NotARelay",
    "NotAllowed",
    "NotYourTurn",
    "NoticeKey",
    "Person",
    "Place",
    "Recap",
    "RelayChannelGone",
    "RelayClosed",
    "RelayDraft",
    "RelayFull",
    "RelayNotifier",
    "RelayOptions",
    "RelayPrompts",
    "RelayRecord",
    "RelayService",
    "RelaySetup",
    "RelayStatus",
    "StaleTurn",
    "SummaryRecord",
    "TimeSource",
    "TooManyWords",
    "TurnRecord",
    "WriterRecord",
]
