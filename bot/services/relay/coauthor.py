"""The model as a co-author: it writes a turn in the relay's genre and tone.

Its turns are background work (``BACKGROUND_PRIORITY``: members' interactive commands go
first). What it writes is cleaned, stripped of ping syntax, trimmed to the relay's word
limit at a sentence boundary, and passed through the content filter before anyone sees it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from inkwell.bot.services.content_policy import ContentFilter
from inkwell.bot.services.lore.source import LoreSource
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay.models import RelayRecord, SkipReason, SummaryRecord, TurnRecord
from inkwell.bot.services.relay.prompting import RelayPrompts, tokens_for_words
from inkwell.bot.services.relay.story_lore import story_lore
from inkwell.bot.services.relay.words import count_words, trim_to_words
from inkwell.bot.text.cleaning import defuse_mentions, normalize_text
from inkwell.serving.backend import (
    BACKGROUND_PRIORITY,
    Backend,
    BackendUnavailable,
    ChatMessage,
    GenerationRequest,
    Sampling,
    for_the_operator,
)

log = logging.getLogger(__name__)


async def complete(backend: Backend, messages: tuple[ChatMessage, ...], sampling: Sampling) -> str:
    """The whole text of one background generation."""
    request = GenerationRequest(
        messages=messages, sampling=replace(sampling, n=1), priority=BACKGROUND_PRIORITY
    )
    parts: list[str] = []
    async with contextlib.aclosing(backend.stream(request)) as stream:
        async for delta in stream:
            if delta.index == 0:
                parts.append(delta.text)
    return "".join(parts)


def model_origin(relay: RelayRecord) -> Origin:
    """Who the model writes for: the relay's thread, on behalf of its starter."""
    return Origin(
        user_id=relay.started_by or 0, guild_id=relay.guild_id, channel_id=relay.thread_id
    )


@dataclass(frozen=True, slots=True)
class ModelTurn:
    """What the model wrote (``text``), or why there is nothing to show (``problem``)."""

    text: str | None
    problem: SkipReason | None = None
    lore: tuple[str, ...] = ()  # the names of the lore entries it was written with

    @property
    def words(self) -> int:
        return count_words(self.text or "")


class CoAuthor:
    def __init__(
        self,
        backend: Backend,
        prompts: RelayPrompts,
        sampling: Sampling,
        content_filter: ContentFilter,
        *,
        lore: LoreSource | None = None,
    ) -> None:
        self._backend = backend
        self._prompts = prompts
        self._sampling = sampling
        self._filter = content_filter
        self._lore = lore

    async def write(
        self,
        relay: RelayRecord,
        summary: SummaryRecord | None,
        turns: Sequence[TurnRecord],
    ) -> ModelTurn:
        lore = await story_lore(self._lore, relay, summary, turns)
        messages = self._prompts.turn_messages(relay, summary, turns, lore=lore.block)
        sampling = replace(self._sampling, max_tokens=tokens_for_words(relay.max_words))
        try:
            raw = await complete(self._backend, messages, sampling)
        except BackendUnavailable as error:
            log.warning(
                "relay %d: the model could not write turn %d: %s",
                relay.id,
                relay.turn,
                for_the_operator(error),
            )
            return ModelTurn(None, "model_failed")
        text = trim_to_words(defuse_mentions(normalize_text(raw)), relay.max_words).strip()
        if not text:
            log.warning("relay %d: the model wrote nothing for turn %d", relay.id, relay.turn)
            return ModelTurn(None, "model_failed")
        verdict = await self._filter.check_output(text, model_origin(relay), final=True)
        if verdict.blocked:
            return ModelTurn(None, "model_withheld")
        return ModelTurn(verdict.text, lore=lore.names)
