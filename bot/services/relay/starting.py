"""Starting a relay: /relay start's options checked, then the relay stored with its starter.

Checking comes first and stores nothing, so the cog creates a thread only for a relay that
can start; creating then stores the relay and, if it can, begins its first turn at once.
"""

from __future__ import annotations

import logging

from inkwell.bot.services.content_policy import ContentFilter
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay.changes import RelayChanges
from inkwell.bot.services.relay.models import (
    Person,
    Place,
    RelayDraft,
    RelayOptions,
    RelayRecord,
    RelaySetup,
    WriterRecord,
)
from inkwell.bot.services.relay.options import clean_options
from inkwell.bot.services.relay.rotation import OPENING_SLOT, Slot, begin_turn, can_begin

log = logging.getLogger(__name__)


async def prepare(
    content_filter: ContentFilter, options: RelayOptions, origin: Origin
) -> RelayDraft:
    """The options cleaned and in range, each text allowed by ``content_filter``."""
    cleaned = clean_options(options)
    for value in (cleaned.title, cleaned.premise, cleaned.genre, cleaned.tone):
        if value:
            (await content_filter.check_prompt(value, origin)).raise_if_blocked()
    return RelayDraft(cleaned)


async def create(
    changes: RelayChanges, draft: RelayDraft, place: Place, starter: Person
) -> RelayRecord:
    """Store the relay with ``starter`` writing; the model's opening or the first member's
    turn begins in the same change when the options allow it."""
    options = draft.options
    now = changes.time.clock()
    setup = RelaySetup(
        guild_id=place.guild_id,
        channel_id=place.channel_id,
        thread_id=place.thread_id,
        started_by=starter.user_id,
        title=options.title,
        premise=options.premise,
        genre=options.genre,
        tone=options.tone,
        turn_seconds=options.turn_minutes * 60,
        max_words=options.max_words,
        max_writers=options.max_writers,
        ai_turns=options.ai_turns,
        turn_order=options.order,
    )
    first = WriterRecord(starter.user_id, starter.name, 0, "writing", now)
    relay = await changes.repository.create(setup, first, now)
    async with changes.lock(relay.id), changes.changing(relay.id) as step:
        relay = step.relay
        if options.ai_opening:
            relay = begin_turn(relay, Slot(None, OPENING_SLOT), step.now)
            await step.change.save(relay)
        elif can_begin(relay, await step.change.writers()):
            relay = await step.moves.next_turn(relay, None)
    log.info("relay %d started in thread %d", relay.id, relay.thread_id)
    return relay
