"""The passage tools: Rewrite in my style, Continue, Describe and Give feedback.

Each takes a passage a member wrote (a message, or text given to a slash command) and the
member's style, and answers with one finished text (Rewrite: three distinct alternatives).
Discord-free: the ``passages`` cog and the console call it alike.

The prompt is laid out as every prompt is (:mod:`.prompts`): the shared system prompt and
the tool's instructions (the same bytes for every member), then the member's style block,
any lore, the passage and the request.

The small model does not keep to a tool's shape by itself, so the shape is made here
(:mod:`.passage_judging` chooses among candidates):

* Describe and Give feedback are written part by part, each part's label written by the
  code and given to the model as the start of its reply ("Sight:", then "Sound:" after the
  chosen sight line, …), with several candidates per part;
* Continue gives the model the passage's last paragraph as the start of its reply, so it
  goes on with the story rather than talking about it, and keeps the best of several;
* Rewrite asks for about the passage's length and keeps the three best distinct drafts.
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
from inkwell.bot.services.passage_judging import (
    DESCRIBE_LABELS,
    names_its_sense,
    one_part,
    score_feedback_part,
    score_prose,
    score_sense_line,
    sentences_within,
    without_asides,
)
from inkwell.bot.services.prompts import DEFAULT_PROMPTS_DIR, fill_lines
from inkwell.bot.services.styles import StyleService
from inkwell.bot.text.cleaning import defuse_mentions
from inkwell.bot.text.endings import ends_complete, sentence_ends
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
# Rewrite's drafts per request, of which the three best distinct are kept.
REWRITE_DRAFTS: Final = 6
# Extra draws Rewrite makes when too few drafts are usable and distinct.
_MAX_REDRAWS: Final = 2
# Candidates for each part of Describe and Give feedback, and for Continue; a Describe line
# none of whose candidates names its sense gets one more round.
CANDIDATES: Final = 4
FEEDBACK_LABELS: Final[tuple[str, ...]] = ("What works", "One thing to try")
# The words a Describe line and a feedback part may have (their tokens: passages.toml).
SENSE_LINE_WORDS: Final = 24
FEEDBACK_PART_WORDS: Final = 50
# Continue: "the next few sentences".
CONTINUE_WORDS: Final = (20, 90)
CONTINUE_SENTENCES: Final = 5
# How much of the passage Continue hands the model as the start of its reply.
CONTINUE_LEAD_CHARS: Final = 800
MAX_INSTRUCTION_CHARS: Final = 200
# The longest passage worked with (a Discord message, with Nitro); longer ones are cut.
MAX_PASSAGE_CHARS: Final = 4000
NO_TEXT: Final = "That message has no text to work with (only images, files or embeds)."
CUT_NOTE: Final = "Your passage was long, so I worked with its first {chars} characters."
UNFINISHED_NOTE: Final = "Your passage stops mid-sentence, so I finished that sentence first."
NOTHING_USABLE: Final = "The model wrote nothing usable for that passage. Try again."


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
                texts = await self._alternatives(messages, passage, origin)
            elif tool == "continue":
                texts = (await self._continuation(messages, passage, origin),)
            else:  # describe, feedback
                texts = (await self._labelled(tool, messages, passage, origin),)
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
        self, messages: tuple[ChatMessage, ...], passage: str, origin: Origin
    ) -> tuple[str, ...]:
        """The three best distinct drafts of about the passage's length."""
        length = len(passage.split())
        low, high = max(3, int(length * 0.6)), int(length * 1.3) + 6
        max_tokens = min(self.tool_prompts["rewrite"].max_tokens, high * 3 // 2 + 24)
        scored: dict[str, tuple[float, str]] = {}
        for _ in range(1 + _MAX_REDRAWS):
            drafts = await self._candidates(
                "rewrite", messages, origin, REWRITE_DRAFTS, max_tokens=max_tokens
            )
            for draft in drafts:
                text = sentences_within(_prose(draft), high, prose=True)
                score = score_prose(text, passage, low=low, high=high)
                if score == float("-inf") or _key(text) in scored:
                    continue
                allowed = await self._allowed(text, origin)
                if allowed is not None:
                    scored[_key(allowed)] = (score, allowed)
            if len(scored) >= ALTERNATIVES:
                break
        if not scored:
            raise InvalidInput(NOTHING_USABLE)
        best = sorted(scored.values(), key=lambda item: item[0], reverse=True)
        return tuple(text for _, text in best[:ALTERNATIVES])

    async def _continuation(
        self, messages: tuple[ChatMessage, ...], passage: str, origin: Origin
    ) -> str:
        """The passage's next few sentences: the model is handed its last paragraph as the
        start of its own reply, and the best of several goings-on is kept."""
        lead = _lead(passage, CONTINUE_LEAD_CHARS)
        low, high = CONTINUE_WORDS
        drafts = await self._candidates(
            "continue", messages, origin, CANDIDATES, continue_from=lead
        )
        texts = [
            sentences_within(_prose(draft), high, max_sentences=CONTINUE_SENTENCES, prose=True)
            for draft in drafts
        ]
        scored = [(score_prose(text, passage, low=low, high=high), text) for text in texts]
        best = await self._best(scored, origin)
        if best is None:
            raise InvalidInput(NOTHING_USABLE)
        return best[1]

    async def _labelled(
        self, tool: Tool, messages: tuple[ChatMessage, ...], passage: str, origin: Origin
    ) -> str:
        """Describe's six lines or feedback's two parts, one label at a time: the labels and
        the parts chosen so far are the start of the model's reply, it writes what follows."""
        describing = tool == "describe"
        labels = DESCRIBE_LABELS if describing else FEEDBACK_LABELS
        max_words = SENSE_LINE_WORDS if describing else FEEDBACK_PART_WORDS
        lines: list[str] = []
        parts: list[str] = []
        for label in labels:
            so_far = "".join(f"{line}\n" for line in lines)
            best: tuple[float, str] | None = None
            for _ in range(2 if describing else 1):
                drafts = await self._candidates(
                    tool, messages, origin, CANDIDATES, continue_from=f"{so_far}{label}:"
                )
                found = [sentences_within(one_part(d), max_words, max_sentences=2) for d in drafts]
                if describing:
                    scored = [(score_sense_line(label, t, passage, parts), t) for t in found]
                else:
                    suggestion = label == FEEDBACK_LABELS[-1]
                    scored = [
                        (score_feedback_part(t, passage, parts, suggestion=suggestion), t)
                        for t in found
                    ]
                if best is not None:
                    scored.append(best)  # the earlier round's choice, already allowed
                best = await self._best(scored, origin)
                if best is not None and (not describing or names_its_sense(label, best[1])):
                    break
            if best is not None:
                parts.append(best[1])
                lines.append(f"{label}: {best[1]}")
        if len(lines) < (3 if describing else 1):
            raise InvalidInput(NOTHING_USABLE)
        return "\n".join(lines)

    async def _candidates(
        self,
        tool: Tool,
        messages: tuple[ChatMessage, ...],
        origin: Origin,
        n: int,
        *,
        max_tokens: int | None = None,
        continue_from: str | None = None,
    ) -> list[str]:
        """``n`` raw drafts in one request (vLLM shares the prompt among them)."""
        tokens = self.tool_prompts[tool].max_tokens if max_tokens is None else max_tokens
        sampling = replace(self.sampling, max_tokens=tokens, n=n)
        request = GenerationRequest(
            messages, sampling, priority=INTERACTIVE_PRIORITY, continue_from=continue_from
        )
        raw: dict[int, str] = {}
        async for delta in self.backend.stream(request):
            raw[delta.index] = raw.get(delta.index, "") + delta.text
        return [raw[index] for index in sorted(raw)]

    async def _best(
        self, scored: list[tuple[float, str]], origin: Origin
    ) -> tuple[float, str] | None:
        """The best-scoring text the content filter lets out (as it lets it out), if any
        scores at all; only as many are checked as it takes to find it."""
        for score, text in sorted(scored, key=lambda item: item[0], reverse=True):
            if score == float("-inf"):
                break
            allowed = await self._allowed(text, origin)
            if allowed is not None:
                return score, allowed
        return None

    async def _allowed(self, text: str, origin: Origin) -> str | None:
        """``text`` as the content filter lets it out (redacted, perhaps), None if blocked."""
        verdict = await self.content_filter.check_output(text, origin, final=True)
        if verdict.blocked or not verdict.text.strip():
            return None
        return verdict.text


def _prose(raw: str) -> str:
    """A draft without the model's chatter around it or its asides in brackets."""
    return without_asides(strip_chatter(raw, "story"))


def _lead(passage: str, max_chars: int) -> str:
    """The passage's last paragraph, at most ``max_chars`` (from a sentence's start)."""
    last = passage.rstrip().split("\n\n")[-1].strip()
    if len(last) <= max_chars:
        return last
    tail = last[-max_chars:]
    # Start after the first sentence that ends inside the tail, so the lead begins whole.
    ends = [end for end in sentence_ends(tail) if end < len(tail) - 1]
    return tail[ends[0] :].strip() if ends else tail.strip()


def _key(text: str) -> str:
    return " ".join(text.lower().split())
