"""Writing a planned poem or song line by line: several candidates for each line, the best kept.

For each line the model is shown the piece so far as the start of its own reply (an
assistant prefill) and asked for ``candidates`` next lines in one request (``n``: vLLM
shares the prompt's cache among them, and the embedded backend batches them). Each
candidate is judged against the line's :class:`~.plans.LinePlan` (syllables, rhyme, initial,
length, no meta-talk) and the best is kept. A line that misses its target gets one more
round of candidates before the best of both is kept, up to :data:`REPAIRS` such rounds per
piece. Refrains and section labels are written by the code.

Measured on SmolLM2-135M (``/work/shared/notes``): per line, about a third of unconstrained
candidates hit a haiku line's syllable count, while whole five-line drafts almost never hit
all of them at once; choosing per line is what makes the form reachable. On a server that
enforces regular expressions, each line is also held to its word count and initial.

The user message stays the same for every line of a piece, so each request's prompt is the
previous one's plus one line: the server's prefix cache serves all of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, replace
from typing import Final

from inkwell.bot.services.craft.constraints import (
    acrostic_line_pattern,
    ending_line,
    line_pattern,
    rhyming_line_pattern,
)
from inkwell.bot.services.craft.language import is_english
from inkwell.bot.services.craft.plans import LinePlan, PiecePlan
from inkwell.bot.services.craft.rhyme import end_word, rhymes, rhyming_words
from inkwell.bot.services.craft.syllables import line_syllables
from inkwell.serving.backend import (
    Backend,
    BackendError,
    BackendUnavailable,
    ChatMessage,
    GenerationRequest,
    Sampling,
)

log = logging.getLogger(__name__)

# Extra rounds of candidates a piece may spend on lines that missed their target.
REPAIRS: Final = 3
REPAIR_WARMER: Final = 0.15
# A line is short: this many tokens per allowed word, plus room for punctuation.
TOKENS_PER_WORD: Final = 3
NOT_A_LINE: Final = 100.0
# What a last line ending on a word that leads on (a preposition, an article) costs.
DANGLING_END: Final = 4.0
_DANGLING: Final = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "of",
        "on",
        "in",
        "at",
        "by",
        "for",
        "from",
        "with",
        "into",
        "onto",
        "upon",
        "and",
        "or",
        "but",
        "nor",
        "as",
        "than",
        "that",
        "my",
        "your",
        "his",
        "her",
        "its",
        "our",
        "their",
        "this",
        "these",
        "those",
        "is",
        "are",
        "was",
        "were",
        "be",
        "am",
        "i",
        "we",
        "they",
        "he",
        "she",
        "if",
        "when",
        "while",
        "where",
        "whose",
        "which",
        "who",
    ]
)

# What a small model says about its poem instead of writing it.
_META_TALK: Final = re.compile(
    r"^\W*(sure\b|certainly\b|of course\b|okay\b|ok\b|here('s| is| are)\b|i('ve| have| will|'ll|"
    r" hope| think)\b|let me\b|let's\b|note:|title\b|this (poem|haiku|tanka|limerick|sonnet|"
    r"villanelle|song)\b|(a |an |my |the )?(haiku|tanka|limerick|sonnet|villanelle|acrostic|"
    r"poem|lyrics|song)\b[^.!?]*:\s*$)",
    re.IGNORECASE,
)
_LABEL: Final = re.compile(r"^\W*\[?\s*(verse|chorus|bridge|intro|outro|pre-chorus|hook)\b", re.I)
_MARKUP: Final = re.compile(r"^\s*(#+|[-*•]\s|\d+[.)]\s|\()|\*\*|&#?\w+;|[{}<>]")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One line the model offered, and how far it is from what the plan asks."""

    text: str
    penalty: float

    @property
    def on_target(self) -> bool:
        return self.penalty == 0


def _tidy(text: str) -> str:
    return " ".join(text.replace("\u200b", "").split())


def without_cut_word(text: str) -> str:
    """A line its token budget stopped, without the word it may have stopped inside (and
    the dash or comma left hanging before it): "the pond lies sti" → "the pond lies"."""
    words = text.split()
    return " ".join(words[:-1]).rstrip(" ,;:—–-") if len(words) > 1 else ""


_RUNS_ON: Final = re.compile(r"[\s,;:&/(\[{“‘«—–-]+$")


def closed(line: str) -> str:
    """The last line of a piece, ending as a last line does: "Silence again," → "Silence
    again." (a line that already ends on a word or a mark of its own keeps it)."""
    trimmed = _RUNS_ON.sub("", line)
    if not trimmed or trimmed == line:
        return line
    return trimmed if trimmed[-1] in ".!?…" else trimmed + "."


def _starts_with(text: str, letter: str) -> bool:
    first = next((char for char in text if char.isalpha()), "")
    return first.casefold() == letter.casefold()


def judge_line(text: str, plan: LinePlan, lines: Sequence[str], *, last: bool = False) -> Candidate:
    """How well ``text`` fits ``plan`` after ``lines``: 0 is on target, more is worse.

    ``last``: the piece's last line, which should not leave a sentence hanging on "to",
    "the" or "on" ("I was happy to").
    """
    line = _tidy(text)
    if (
        not any(char.isalpha() for char in line)
        or _META_TALK.search(line)
        or _LABEL.search(line)
        or _MARKUP.search(line)
    ):
        return Candidate(line, NOT_A_LINE)
    penalty = 0.0
    if plan.initial is not None and not _starts_with(line, plan.initial):
        return Candidate(line, NOT_A_LINE)
    words = len(line.split())
    low, high = plan.words
    penalty += max(0, low - words, words - high)
    if plan.syllables is not None:
        if is_english(line):
            missed = line_syllables(line).distance(plan.syllables)
            penalty += 2 * max(0, missed - plan.tolerance)
        else:
            # A line in another language cannot be counted, and reads as the model losing
            # its way: worse than a line a few syllables off.
            penalty += 8
    if plan.rhyme_with is not None and plan.rhyme_with < len(lines):
        match = rhymes(end_word(lines[plan.rhyme_with]) or "", end_word(line) or "")
        cost = {"sound": 0.0, "spelling": 0.5, "identical": 2.0, "none": 6.0}[match]
        penalty += cost if plan.strict_rhyme else cost / 3
    if any(_tidy(earlier).casefold() == line.casefold() for earlier in lines):
        penalty += 5
    if last and (end_word(line) or "").casefold() in _DANGLING:
        penalty += DANGLING_END
    return Candidate(line, penalty)


def best_candidate(
    texts: Sequence[str], plan: LinePlan, lines: Sequence[str], *, last: bool = False
) -> Candidate | None:
    judged = [judge_line(text, plan, lines, last=last) for text in texts]
    usable = [candidate for candidate in judged if candidate.penalty < NOT_A_LINE]
    return min(usable, key=lambda candidate: candidate.penalty) if usable else None


def layout(lines: Sequence[str], plans: Sequence[LinePlan]) -> str:
    """The piece as shown: lines joined, a blank line before each new stanza."""
    parts: list[str] = []
    for index, (line, plan) in enumerate(zip(lines, plans, strict=False)):
        if index and plan.new_stanza:
            parts.append("")
        parts.append(line)
    return "\n".join(parts)


class LineDrafter:
    """Drafts pieces against their plans through one backend."""

    def __init__(self, backend: Backend, *, priority: int, constrain: bool) -> None:
        self._backend = backend
        self._priority = priority
        # Whether to send each line's regular expression (a vLLM server enforces it).
        self._constrain = constrain

    async def draft(
        self, plan: PiecePlan, messages: tuple[ChatMessage, ...], sampling: Sampling
    ) -> AsyncGenerator[str, None]:
        """Yield the piece after each line; the last text yielded is the whole piece."""
        lines: list[str] = []
        # A preamble the model insisted on: kept in its context, never in the piece.
        hidden = ""
        repairs = REPAIRS
        for index, line_plan in enumerate(plan.lines):
            if line_plan.fixed is not None:
                lines.append(line_plan.fixed)
            elif line_plan.copy_of is not None:
                copy = lines[line_plan.copy_of]
                # A chorus sung again ends the song: on a full stop, not its comma.
                lines.append(closed(copy) if index == len(plan.lines) - 1 else copy)
            else:
                shown = layout(lines, plan.lines)
                prefix = hidden + (
                    shown + ("\n\n" if line_plan.new_stanza else "\n") if lines else ""
                )
                chosen = await self._line(plan, line_plan, lines, prefix, messages, sampling)
                if chosen is None and not lines and not hidden:
                    # Every first line was talk about the poem: let the model have said
                    # it, and ask for the poem's first line after it.
                    hidden = await self._preamble(plan, prefix, messages, sampling)
                    chosen = await self._line(plan, line_plan, lines, hidden, messages, sampling)
                if chosen is not None and not chosen.on_target and repairs > 0:
                    repairs -= 1
                    warmer = replace(sampling, temperature=sampling.temperature + REPAIR_WARMER)
                    again = await self._line(plan, line_plan, lines, prefix, messages, warmer)
                    if again is not None and again.penalty < chosen.penalty:
                        chosen = again
                if chosen is None:
                    log.info("no usable candidate for line %d of a %s", index + 1, plan.form)
                    break
                last = index == len(plan.lines) - 1
                lines.append(closed(chosen.text) if last else chosen.text)
            yield layout(lines, plan.lines)

    async def _line(
        self,
        plan: PiecePlan,
        line_plan: LinePlan,
        lines: Sequence[str],
        prefix: str,
        messages: tuple[ChatMessage, ...],
        sampling: Sampling,
    ) -> Candidate | None:
        # Without a server to enforce the initial, the reply is begun with it.
        lead = line_plan.initial.upper() if line_plan.initial and not self._constrain else ""
        texts = await self._candidates(
            messages,
            replace(
                sampling,
                n=plan.candidates,
                stop=("\n",),
                max_tokens=TOKENS_PER_WORD * line_plan.words[1] + 6,
            ),
            prefix + lead,
            await self._regex(line_plan, lines),
        )
        last = len(lines) == len(plan.lines) - 1
        return best_candidate([lead + text for text in texts], line_plan, lines, last=last)

    async def _preamble(
        self, plan: PiecePlan, prefix: str, messages: tuple[ChatMessage, ...], sampling: Sampling
    ) -> str:
        texts = await self._candidates(
            messages, replace(sampling, n=1, stop=("\n",), max_tokens=40), prefix, None
        )
        return prefix + _tidy(texts[0]) + "\n" if texts and _tidy(texts[0]) else prefix

    async def _regex(self, line_plan: LinePlan, lines: Sequence[str]) -> str | None:
        if not self._constrain:
            return None
        low, high = line_plan.words
        rhyme_with = line_plan.rhyme_with
        if line_plan.strict_rhyme and rhyme_with is not None and rhyme_with < len(lines):
            # Held to end on a rhyme (a limerick's): the first call reads the dictionary's
            # rhymes, under a second, off the event loop.
            word = end_word(lines[rhyme_with]) or ""
            endings = await asyncio.to_thread(rhyming_words, word)
            if endings:
                return ending_line(rhyming_line_pattern(low, high, endings))
        if line_plan.initial is not None:
            return ending_line(acrostic_line_pattern(line_plan.initial, low, high))
        return ending_line(line_pattern(low, high))

    async def _candidates(
        self,
        messages: tuple[ChatMessage, ...],
        sampling: Sampling,
        prefix: str,
        regex: str | None,
    ) -> list[str]:
        request = GenerationRequest(
            messages=messages,
            sampling=sampling,
            priority=self._priority,
            continue_from=prefix or None,
            regex=regex,
        )
        try:
            return await self._collect(request)
        except BackendUnavailable:
            raise
        except BackendError as error:
            if regex is None:
                raise
            # A server that refuses regular expressions (an older vLLM, another
            # OpenAI-compatible server): draft without them from now on.
            log.warning("the model server refused a regex constraint (%s); drafting without", error)
            self._constrain = False
            return await self._collect(replace(request, regex=None))

    async def _collect(self, request: GenerationRequest) -> list[str]:
        texts = ["" for _ in range(request.sampling.n)]
        cut = [False] * request.sampling.n
        stream = self._backend.stream(request)
        async with contextlib.aclosing(stream):
            async for delta in stream:
                texts[delta.index] += delta.text
                if delta.finish_reason == "length":
                    cut[delta.index] = True
        return [
            without_cut_word(text) if stopped else text
            for text, stopped in zip(texts, cut, strict=True)
        ]
