"""The model writing its turn, as background work of the relay service.

The turn is generated without the relay's lock (it takes a while, and members' commands
must not wait for it), then committed under the lock only if its turn is still current:
a pause, an undo or an end in the meantime simply discards it. Whatever goes wrong, the
turn ends, so a relay never stays stuck on the model.
"""

from __future__ import annotations

import logging

from inkwell.bot.errors import StaleTurn
from inkwell.bot.services.relay import outbox
from inkwell.bot.services.relay.changes import RelayChanges
from inkwell.bot.services.relay.coauthor import ModelTurn
from inkwell.bot.services.relay.models import TurnRecord
from inkwell.bot.services.relay.moves import Effects

log = logging.getLogger(__name__)


async def run_model_turn(changes: RelayChanges, relay_id: int, turn: int) -> None:
    """Write turn ``turn`` of the relay as the model, store it and hand the next turn out."""
    relay = await changes.repository.get(relay_id)
    if relay is None or relay.status != "active" or not relay.model_turn or relay.turn != turn:
        return
    try:
        story = await changes.summaries.for_prompt(relay)
        written = await changes.coauthor.write(relay, story.summary, story.turns)
    except Exception:  # a bug here must not leave the relay stuck on the model's turn
        log.exception("relay %d: the model's turn %d failed", relay_id, turn)
        written = ModelTurn(None, "model_failed")
    async with changes.lock(relay_id):
        now = changes.time.clock()
        effects = Effects()
        # Not changes.changing(): a StaleTurn here is expected (the turn was overtaken) and
        # must end this task quietly rather than reach its caller.
        try:
            async with changes.transaction(relay_id, effects, expected_turn=turn) as change:
                relay = change.relay
                moves = changes.moves(change, effects, now)
                if relay.status != "active" or not relay.model_turn:
                    return
                if written.text is None:
                    problem = written.problem or "model_failed"
                    effects.notices.append(outbox.turn_skipped(relay, None, problem))
                else:
                    entry = TurnRecord(turn, None, True, written.text, written.words, now)
                    await change.add_turn(entry)
                    effects.notices.append(outbox.turn_written(relay, entry, written.lore))
                    effects.wrote = True
                relay = await moves.next_turn(relay, relay.turn_slot)
        except StaleTurn:
            return
        await changes.apply(relay, effects)
