"""Relay stories: members write a story together, one turn each, with the model as co-author.

:class:`RelayService` (``service.py``) is the engine; ``rotation.py`` decides whose turn
comes next, ``timers.py`` owns the background tasks, ``coauthor.py`` writes the model's
turns, ``summaries.py`` keeps long stories inside the context window, ``export.py`` renders
Markdown, and ``notifier.py`` is how the engine speaks to a thread without knowing Discord.
"""

from bot.services.relay.errors import (
    NotAllowed,
    NotARelay,
    NotYourTurn,
    RelayClosed,
    RelayFull,
    StaleTurn,
    TooManyWords,
)
from bot.services.relay.models import (
    Actor,
    ExportedStory,
    JoinResult,
    Person,
    Place,
    Recap,
    RelayDraft,
    RelayOptions,
    RelayStatus,
)
from bot.services.relay.notifier import RelayChannelGone, RelayNotifier
from bot.services.relay.prompting import RelayPrompts
from bot.services.relay.service import RelayService
from bot.services.relay.summaries import ContextBudget
from bot.services.relay.timers import TimeSource

__all__ = [
    "Actor",
    "ContextBudget",
    "ExportedStory",
    "JoinResult",
    "NotARelay",
    "NotAllowed",
    "NotYourTurn",
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
    "RelayService",
    "RelayStatus",
    "StaleTurn",
    "TimeSource",
    "TooManyWords",
]
