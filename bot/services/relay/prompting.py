"""Prompts for the model's turns and for summaries, from ``prompts/relay.toml``.

Laid out for the prefix cache like every Inkwell prompt: the shared system prompt and the
relay instructions (identical for every relay) form the system message; the user message
is the relay's header (title, premise, genre and tone — the story's own style, never a
member's), then its memory if set, then the summary if there is one, then the turns in the
order they were written, then (for a turn) the author's note if set, then the request.
Each new turn only appends, so a relay's prompts share their prefix until the next summary
or a new memory; a new author's note changes only the prompt's last lines.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.abc import Traversable
from string import Template
from typing import Any

from inkwell.bot.services.prompts import DEFAULT_PROMPTS_DIR, fill_lines
from inkwell.bot.services.relay.models import RelayRecord, SummaryRecord, TurnRecord
from inkwell.bot.text.cleaning import defuse_mentions
from inkwell.serving.backend import ChatMessage

# Generous tokens per word for English prose; the output is trimmed to the word limit anyway.
TOKENS_PER_WORD = 1.6


def tokens_for_words(words: int) -> int:
    return math.ceil(words * TOKENS_PER_WORD) + 16


@dataclass(frozen=True, slots=True)
class RelayPrompts:
    system: str
    turn_instructions: str
    opening_request: str
    turn_request: str
    header: str
    memory_block: str
    note_line: str
    summary_block: str
    turns_heading: str
    turns_after_summary_heading: str
    summary_instructions: str
    summary_request: str

    @classmethod
    def load(cls, folder: Traversable = DEFAULT_PROMPTS_DIR) -> RelayPrompts:
        with (folder / "relay.toml").open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
        return cls(
            system=(folder / "system.txt").read_text(encoding="utf-8").strip(),
            turn_instructions=data["turn"]["instructions"].strip(),
            opening_request=data["turn"]["opening"].strip(),
            turn_request=data["turn"]["request"].strip(),
            header=data["story"]["header"].strip(),
            memory_block=data["story"]["memory"].strip(),
            note_line=data["story"]["note"].strip(),
            summary_block=data["story"]["summary"].strip(),
            turns_heading=data["story"]["turns"].strip(),
            turns_after_summary_heading=data["story"]["turns_after_summary"].strip(),
            summary_instructions=data["summary"]["instructions"].strip(),
            summary_request=data["summary"]["request"].strip(),
        )

    def story_parts(
        self,
        relay: RelayRecord,
        summary: SummaryRecord | None,
        turns: Sequence[TurnRecord],
    ) -> list[str]:
        """The header, the memory, the summary and the turns: the part of every prompt that
        only grows."""
        parts = [
            fill_lines(
                self.header,
                {
                    "title": defuse_mentions(relay.title),
                    "premise": defuse_mentions(relay.premise) if relay.premise else None,
                    "genre": relay.genre,
                    "tone": relay.tone,
                },
            )
        ]
        if relay.memory:
            memory = defuse_mentions(relay.memory)
            parts.append(Template(self.memory_block).safe_substitute(memory=memory))
        if summary is not None:
            parts.append(Template(self.summary_block).safe_substitute(summary=summary.text))
        if turns:
            parts.append(self.turns_after_summary_heading if summary else self.turns_heading)
            parts.extend(defuse_mentions(turn.text) for turn in turns)
        return parts

    def turn_messages(
        self,
        relay: RelayRecord,
        summary: SummaryRecord | None,
        turns: Sequence[TurnRecord],
        *,
        lore: str = "",
    ) -> tuple[ChatMessage, ...]:
        """The prompt for the model's turn; ``lore`` (a story bible block) goes after the
        story, before the author's note and the request, where only the end of it changes."""
        opening = summary is None and not turns
        request = self.opening_request if opening else self.turn_request
        parts = self.story_parts(relay, summary, turns)
        if lore:
            parts.append(lore)
        if relay.note:
            parts.append(Template(self.note_line).safe_substitute(note=defuse_mentions(relay.note)))
        parts.append(Template(request).safe_substitute(max_words=relay.max_words))
        return (
            ChatMessage("system", f"{self.system}\n\n{self.turn_instructions}"),
            ChatMessage("user", "\n\n".join(parts)),
        )

    def summary_messages(
        self,
        relay: RelayRecord,
        previous: SummaryRecord | None,
        turns: Sequence[TurnRecord],
        words: int,
        *,
        lore: str = "",
    ) -> tuple[ChatMessage, ...]:
        """The prompt for a summary; ``lore`` as in :meth:`turn_messages`, so that names and
        facts come out of the summary right."""
        parts = [*self.story_parts(relay, previous, turns)]
        if lore:
            parts.append(lore)
        parts.append(Template(self.summary_request).safe_substitute(words=words))
        return (
            ChatMessage("system", f"{self.system}\n\n{self.summary_instructions}"),
            ChatMessage("user", "\n\n".join(parts)),
        )
