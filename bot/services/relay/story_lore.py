"""The lore a relay's story brings into the model's prompts (its turns and its summaries)."""

from __future__ import annotations

from collections.abc import Sequence

from inkwell.bot.records.lore import NO_LORE, LoreSelection
from inkwell.bot.services.lore.source import LoreSource
from inkwell.bot.services.relay.models import RelayRecord, SummaryRecord, TurnRecord


async def story_lore(
    lore: LoreSource | None,
    relay: RelayRecord,
    summary: SummaryRecord | None,
    turns: Sequence[TurnRecord],
) -> LoreSelection:
    """The relay's and its server's entries that what the model reads names: the title, the
    premise, the memory, the summary and the turns, oldest first."""
    if lore is None or relay.guild_id is None:
        return NO_LORE
    story = [relay.title, relay.premise or "", relay.memory]
    if summary is not None:
        story.append(summary.text)
    story.extend(turn.text for turn in turns)
    return await lore.select(relay.guild_id, relay.id, story)
