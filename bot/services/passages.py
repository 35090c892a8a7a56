"""The passage tools: Rewrite in my style, Continue, Describe and Give feedback.

Each takes a passage a member wrote (a message, or text given to a slash command) and the
member's style, and answers with one finished text (Rewrite: three distinct alternatives).
Discord-free: the ``passages`` cog and the console call it alike.

The prompt is laid out as every prompt is (:mod:`.prompts`): the shared system prompt and
the tool's instructions (the same bytes for every member), then the member's style block,
any lore, the passage and the request.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, replace
from importlib.abc import Traversable
from typing import Any, Final, Literal

from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.lore import NO_LORE, LoreSelection
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.content_policy import (
    AllowEverything,
    ContentFilter,
    screen_style,
)
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.lore.source import LoreHere
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.prompts import DEFAULT_PROMPTS_DIR, fill_lines
from inkwell.bot.services.styles import StyleService
from inkwell.bot.text.cleaning import defuse_mentions
from inkwell.bot.text.endings import cut_to_complete, ends_complete, sentence_ends
from inkwell.bot.text.model_output import strip_chatter
from inkwell.serving.backend import (
    INTERACTIVE_PRIORITY,
    Backend,
    ChatMessage,
    GenerationRequest,
    Sampling,
)

Tool = Literal["rewrite", "continue", "describe", "feedback"]
TOOLS: Final[tuple[Tool, ...]] = ("rewrite", "continue", "describe", "feedback")
ALTERNATIVES: Final = 3
# Extra draws Rewrite makes when the model gives the same alternative twice.
_MAX_REDRAWS: Final = 2
MAX_INSTRUCTION_CHARS: Final = 200
# The longest passage worked with (a Discord message, with Nitro); longer ones are cut.
MAX_PASSAGE_CHARS: Final = 4000
NO_TEXT: Final = "That message has no text to work with (only images, files or embeds)."
CUT_NOTE: Final = "Your passage was long, so I worked with its first {chars} characters."
UNFINISHED_NOTE: Final = "Your passage stops mid-sentence, so I finished that sentence first."


@dataclass(frozen=True, slots=True)
class ToolPrompt:
    instructions: str
    request: str
    max_tokens: int
    unfinished: str = ""


@dataclass(frozen=True, slots=True)
class PassageResult:
    """What a tool wrote: ``texts`` (Rewrite's three alternatives; one for the others)."""

    tool: Tool
    texts: tuple[str, ...]
    notes: tuple[str, ...] = ()  # for the member: the passage was cut, it was unfinished
    footer: str = ""  # the lore used, "" for none

    @property
    def text(self) -> str:
        return self.texts[0]


def load_tool_prompts(folder: Traversable = DEFAULT_PROMPTS_DIR) -> dict[Tool, ToolPrompt]:
    with (folder / "passages.toml").open("rb") as handle:
        data: dict[str, Any] = tomllib.load(handle)
    return {
        tool: ToolPrompt(
            instructions=data[tool]["instructions"].strip(),
            request=data[tool]["request"].strip(),
            max_tokens=int(data[tool].get("max_tokens", 300)),
            unfinished=data[tool].get("unfinished", ""),
        )
        for tool in TOOLS
    }


def cut_passage(text: str, max_chars: int) -> str:
    """``text`` up to ``max_chars``, cut back to its last complete sentence if it can be."""
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    ends = sentence_ends(head)
    if ends:
        return head[: ends[-1]].rstrip()
    space = head.rfind(" ")
    return (head[:space] if space > 0 else head).rstrip()


class PassageService:
    def __init__(
        self,
        backend: Backend,
        styles: StyleService,
        *,
        system: str,
        tool_prompts: Mapping[Tool, ToolPrompt] | None = None,
        style_block: Callable[[StyleRecord], str] | None = None,
        sampling: Sampling | None = None,
        content_filter: ContentFilter | None = None,
        lore: LoreHere | None = None,
        max_passage_chars: int = MAX_PASSAGE_CHARS,
        cooldowns: Cooldowns | None = None,
        concurrency: GuildConcurrency | None = None,
    ) -> None:
        """``cooldowns`` and ``concurrency``: the creative commands' own (runtime shares
        them), so a member's passage tools and pieces count against one limit."""
        self.backend = backend
        self.styles = styles
        self.system = system.strip()
        self.tool_prompts = dict(tool_prompts or load_tool_prompts())
        # The member's style block (PromptLibrary.style_block), so it reads as in /story.
        self.style_block = style_block
        self.sampling = sampling or Sampling()
        self.content_filter: ContentFilter = content_filter or AllowEverything()
        self.lore = lore
        self.max_passage_chars = max_passage_chars
        self.cooldowns = cooldowns or Cooldowns(1, 0)  # per=0: off
        self.concurrency = concurrency

    def system_message(self, tool: Tool) -> ChatMessage:
        return ChatMessage("system", f"{self.system}\n\n{self.tool_prompts[tool].instructions}")

    async def rewrite(
        self, text: str, origin: Origin, *, instruction: str | None = None
    ) -> PassageResult:
        return await self._run("rewrite", text, origin, instruction=instruction)

    async def continue_text(self, text: str, origin: Origin) -> PassageResult:
        return await self._run("continue", text, origin)

    async def describe(self, text: str, origin: Origin) -> PassageResult:
        return await self._run("describe", text, origin)

    async def feedback(self, text: str, origin: Origin) -> PassageResult:
        return await self._run("feedback", text, origin)

    async def _run(
        self, tool: Tool, text: str, origin: Origin, *, instruction: str | None = None
    ) -> PassageResult:
        passage = text.strip()
        if not passage:
            raise InvalidInput("There is no text to work with: give me a passage.")
        self.cooldowns.check(origin.user_id)
        notes: list[str] = []
        if len(passage) > self.max_passage_chars:
            passage = cut_passage(passage, self.max_passage_chars)
            notes.append(CUT_NOTE.format(chars=len(passage)))
        verdict = await self.content_filter.check_prompt(passage, origin)
        verdict.raise_if_blocked()
        passage = verdict.text
        wish = (instruction or "").strip()[:MAX_INSTRUCTION_CHARS] or None
        if wish:
            checked = await self.content_filter.check_prompt(wish, origin)
            checked.raise_if_blocked()
            wish = checked.text
        unfinished = tool == "continue" and not ends_complete(passage, "sentence")
        if unfinished:
            notes.append(UNFINISHED_NOTE)
        style = await self.styles.effective(origin.user_id, origin.guild_id)
        style = await screen_style(self.content_filter, style, origin)
        lore = NO_LORE
        if self.lore is not None:
            lore = await self.lore.select_at(origin, (passage,))
        messages = self.messages(tool, passage, style, lore, wish, unfinished=unfinished)
        slot = self.concurrency.slot(origin.guild_id) if self.concurrency else nullcontext()
        async with slot:
            if tool == "rewrite":
                texts = await self._alternatives(messages, origin)
            else:
                texts = tuple((await self._draw(tool, messages, origin, 1))[:1])
        return PassageResult(tool, texts, tuple(notes), lore.footer)

    def messages(
        self,
        tool: Tool,
        passage: str,
        style: StyleRecord,
        lore: LoreSelection = NO_LORE,
        instruction: str | None = None,
        *,
        unfinished: bool = False,
    ) -> tuple[ChatMessage, ...]:
        prompt = self.tool_prompts[tool]
        request = fill_lines(prompt.request, {"instruction": instruction})
        if unfinished and prompt.unfinished:
            request = f"{request}\n{prompt.unfinished}"
        block = self.style_block(style) if self.style_block is not None else ""
        quoted = f"The passage:\n\n{defuse_mentions(passage)}"
        parts = [block, lore.block, quoted, request]
        user = "\n\n".join(part for part in parts if part)
        return (self.system_message(tool), ChatMessage("user", user))

    async def _alternatives(
        self, messages: tuple[ChatMessage, ...], origin: Origin
    ) -> tuple[str, ...]:
        found: list[str] = []
        for _ in range(1 + _MAX_REDRAWS):
            for text in await self._draw("rewrite", messages, origin, ALTERNATIVES):
                if _key(text) not in {_key(seen) for seen in found}:
                    found.append(text)
            if len(found) >= ALTERNATIVES:
                break
        return tuple(found[:ALTERNATIVES])

    async def _draw(
        self, tool: Tool, messages: tuple[ChatMessage, ...], origin: Origin, n: int
    ) -> list[str]:
        sampling = replace(self.sampling, max_tokens=self.tool_prompts[tool].max_tokens, n=n)
        request = GenerationRequest(messages, sampling, priority=INTERACTIVE_PRIORITY)
        raw: dict[int, str] = {}
        async for delta in self.backend.stream(request):
            raw[delta.index] = raw.get(delta.index, "") + delta.text
        texts: list[str] = []
        for index in sorted(raw):
            text = self._finish(tool, raw[index])
            verdict = await self.content_filter.check_output(text, origin, final=True)
            if verdict.blocked or not verdict.text.strip():
                continue
            texts.append(verdict.text)
        if not texts:
            raise InvalidInput("The model wrote nothing usable for that passage. Try again.")
        return texts

    @staticmethod
    def _finish(tool: Tool, raw: str) -> str:
        text = strip_chatter(raw, "story" if tool != "describe" else "poem")
        if tool == "describe":
            return cut_to_complete(text, "line") if not text.endswith("\n") else text.rstrip()
        return cut_to_complete(text, "sentence")


def _key(text: str) -> str:
    return " ".join(text.lower().split())
