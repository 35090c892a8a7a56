"""What the relay service reports without changing anything: status, export and recaps.

Plain functions of the repository (and the clock, or the stored summaries): they take no
lock, since each reads what is committed.
"""

from __future__ import annotations

from typing import Final

from inkwell.bot.services.relay.export import export_story
from inkwell.bot.services.relay.models import ExportedStory, Recap, RelayRecord, RelayStatus
from inkwell.bot.services.relay.rotation import writing
from inkwell.bot.services.relay.summaries import Summaries
from inkwell.bot.services.relay.timers import Clock
from inkwell.bot.services.relay.words import first_chars, last_words
from inkwell.bot.storage.relay import RelayRepository

# How much of the story a turn notice recaps.
RECAP_SUMMARY_CHARS: Final = 600
RECAP_LAST_WORDS: Final = 60
# How much of the memory /relay status shows.
STATUS_MEMORY_CHARS: Final = 400


async def status(repository: RelayRepository, clock: Clock, relay: RelayRecord) -> RelayStatus:
    """The relay, its writers in turn order, the time its turn has left, its size so far,
    and what steers the model (the memory's start, the author's note)."""
    writers = await repository.writers(relay.id)
    turns = await repository.turns(relay.id)
    if relay.status == "active" and relay.turn_deadline is not None:
        left: float | None = max(0.0, relay.turn_deadline - clock())
    else:
        left = relay.paused_remaining if relay.status == "paused" else None
    return RelayStatus(
        relay,
        tuple(writing(writers)),
        left,
        len(turns),
        sum(t.words for t in turns),
        memory=first_chars(relay.memory, STATUS_MEMORY_CHARS) if relay.memory else None,
        note=relay.note or None,
    )


async def export(repository: RelayRepository, relay: RelayRecord) -> ExportedStory:
    writers = await repository.writers(relay.id)
    turns = await repository.turns(relay.id)
    return export_story(relay, writers, turns)


async def recap(repository: RelayRepository, summaries: Summaries, relay: RelayRecord) -> Recap:
    """The story so far, from the stored summary and the last turn (no model call)."""
    story = await summaries.stored(relay)
    last = story.turns[-1] if story.turns else await repository.last_turn(relay.id)
    return Recap(
        premise=relay.premise,
        summary=first_chars(story.summary.text, RECAP_SUMMARY_CHARS) if story.summary else None,
        last=last,
        last_excerpt=last_words(last.text, RECAP_LAST_WORDS) if last else None,
    )
