"""Keeping a long story inside the model's context window.

The story a prompt carries (the stored summary plus the turns written after it) may use
half of the context window; the other half is for the system prompt, the instructions, the
request and the new turn. Sizes are estimated as characters / ``chars_per_token``, which is
close enough for English prose and needs no tokenizer.

Once the story is over its share, the oldest turns (never the last
:data:`KEEP_RECENT_TURNS`, so an undo never touches summarised text) are folded into a new
summary, written by the model from the previous summary and those turns at
``BACKGROUND_PRIORITY``, then stored. Summaries are appended, never edited, and prompts are
rebuilt from the newest one, so the prompt prefix stays stable between summaries. If the
model can't summarise (down, or its summary is withheld by the content filter), prompts
fall back to the most recent turns that fit.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from inkwell.bot.services.content_policy import ContentFilter
from inkwell.bot.services.lore.source import LoreSource
from inkwell.bot.services.relay.coauthor import complete, model_origin
from inkwell.bot.services.relay.models import RelayRecord, SummaryRecord, TurnRecord
from inkwell.bot.services.relay.prompting import RelayPrompts, tokens_for_words
from inkwell.bot.services.relay.story_lore import story_lore
from inkwell.bot.services.relay.timers import Clock
from inkwell.bot.services.relay.words import trim_to_words
from inkwell.bot.storage.relay import RelayRepository
from inkwell.bot.text.cleaning import defuse_mentions, normalize_text
from inkwell.serving.backend import Backend, BackendUnavailable, Sampling, for_the_operator

log = logging.getLogger(__name__)

# Turns always kept word for word after the summary.
KEEP_RECENT_TURNS: Final = 2
# Summaries one pass may write before it gives up (each folds at most a story's share).
MAX_SUMMARIES_PER_PASS: Final = 8
# Average characters per English word, space included: turns a token budget into words.
CHARS_PER_WORD: Final = 6


@dataclass(frozen=True, slots=True)
class ContextBudget:
    """The model's context window (SmolLM2 has 8192 tokens) and how tokens are estimated."""

    context_tokens: int = 8192
    chars_per_token: float = 4.0

    def tokens(self, text: str) -> int:
        return math.ceil(len(text) / self.chars_per_token)

    @property
    def story_tokens(self) -> int:
        """What the summary and the verbatim turns may use together."""
        return self.context_tokens // 2

    @property
    def summary_words(self) -> int:
        """A summary's length: a quarter of the story's share, within 30–300 words."""
        words = self.story_tokens / 4 * self.chars_per_token / CHARS_PER_WORD
        return max(30, min(300, int(words)))


@dataclass(frozen=True, slots=True)
class StoryContext:
    """The story as a prompt carries it: the newest summary and the turns written after it."""

    summary: SummaryRecord | None
    turns: tuple[TurnRecord, ...]


class Summaries:
    def __init__(
        self,
        repository: RelayRepository,
        backend: Backend,
        prompts: RelayPrompts,
        budget: ContextBudget,
        clock: Clock,
        sampling: Sampling,
        content_filter: ContentFilter,
        *,
        lore: LoreSource | None = None,
    ) -> None:
        self._repository = repository
        self._lore = lore
        self._backend = backend
        self._prompts = prompts
        self.budget = budget
        self._clock = clock
        self._sampling = sampling
        self._filter = content_filter
        self._locks: dict[int, asyncio.Lock] = {}

    async def stored(self, relay: RelayRecord) -> StoryContext:
        """The story from what is stored now, cut to fit; never calls the model."""
        summary = await self._repository.latest_summary(relay.id)
        after = summary.through_turn if summary else 0
        turns = await self._repository.turns(relay.id, after=after)
        return self._fitted(summary, turns)

    async def for_prompt(self, relay: RelayRecord) -> StoryContext:
        """The story for the model's next turn, summarising first if it no longer fits."""
        await self.keep_fitting(relay)
        return await self.stored(relay)

    def needs_summary(self, story: StoryContext) -> bool:
        return self._size(story.summary, story.turns) > self.budget.story_tokens

    async def keep_fitting(self, relay: RelayRecord) -> None:
        """Fold the oldest turns into summaries until the story fits its share."""
        lock = self._locks.setdefault(relay.id, asyncio.Lock())
        async with lock:
            for _ in range(MAX_SUMMARIES_PER_PASS):
                summary = await self._repository.latest_summary(relay.id)
                after = summary.through_turn if summary else 0
                turns = await self._repository.turns(relay.id, after=after)
                if self._size(summary, turns) <= self.budget.story_tokens:
                    return
                batch = self._batch(turns)
                if not batch:
                    return
                text = await self._summarise(relay, summary, batch)
                if text is None:
                    return
                record = SummaryRecord(batch[-1].number, text, self._clock())
                await self._repository.add_summary(relay.id, record)
                log.info("relay %d: summarised turns up to %d", relay.id, record.through_turn)

    def _batch(self, turns: Sequence[TurnRecord]) -> list[TurnRecord]:
        """The oldest turns to fold: enough that the turns left word for word take half the
        story's share at most, but never more than one share at once, so the summary's own
        prompt fits too. The last :data:`KEEP_RECENT_TURNS` are never folded."""
        remaining = sum(self.budget.tokens(turn.text) for turn in turns)
        batch: list[TurnRecord] = []
        folded = 0
        for turn in turns[:-KEEP_RECENT_TURNS]:
            size = self.budget.tokens(turn.text)
            if batch and folded + size > self.budget.story_tokens:
                break
            batch.append(turn)
            folded += size
            remaining -= size
            if remaining <= self.budget.story_tokens // 2:
                break
        return batch

    async def _summarise(
        self, relay: RelayRecord, previous: SummaryRecord | None, batch: Sequence[TurnRecord]
    ) -> str | None:
        words = self.budget.summary_words
        lore = await story_lore(self._lore, relay, previous, batch)
        messages = self._prompts.summary_messages(relay, previous, batch, words, lore=lore.block)
        sampling = replace(self._sampling, max_tokens=tokens_for_words(words), temperature=0.3)
        try:
            raw = await complete(self._backend, messages, sampling)
        except BackendUnavailable as error:
            log.warning("relay %d: could not summarise: %s", relay.id, for_the_operator(error))
            return None
        text = trim_to_words(defuse_mentions(normalize_text(raw)), words).strip()
        if not text:
            return None
        verdict = await self._filter.check_output(text, model_origin(relay), final=True)
        if verdict.blocked:
            log.warning("relay %d: the content filter withheld a summary", relay.id)
            return None
        return verdict.text

    def _size(self, summary: SummaryRecord | None, turns: Sequence[TurnRecord]) -> int:
        total = self.budget.tokens(summary.text) if summary else 0
        return total + sum(self.budget.tokens(turn.text) for turn in turns)

    def _fitted(self, summary: SummaryRecord | None, turns: Sequence[TurnRecord]) -> StoryContext:
        kept = list(turns)
        while len(kept) > 1 and self._size(summary, kept) > self.budget.story_tokens:
            kept.pop(0)
        return StoryContext(summary, tuple(kept))
