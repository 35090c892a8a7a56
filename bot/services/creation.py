"""One member's piece: the engine behind /story /lyrics /poem /post.

A :class:`Creation` is one member's piece of work, opened by
:class:`~inkwell.bot.services.creation_service.CreationService`. It holds the variants
made so far and streams new ones; the Discord cog and the console playground drive it the same way:

    creation = await service.begin(request, origin)
    async for text in creation.write():      # the growing text of the new variant
        show(text)
    creation.flip(-1); creation.extend(); creation.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.craft.plans import PiecePlan
from inkwell.bot.services.craft.voice import NOT_ASKED, Voice, best_voice
from inkwell.bot.services.forms import FORMS, CreationRequest, FormName
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.posts import partial_post_text, platform_of, post_schema
from inkwell.bot.text.endings import Unit, cut_to_complete
from inkwell.bot.text.model_output import held_back, strip_chatter
from inkwell.bot.text.platforms import Platform
from inkwell.serving.backend import (
    INTERACTIVE_PRIORITY,
    ChatMessage,
    GenerationRequest,
    QueueState,
    Sampling,
    queue_state_of,
)

if TYPE_CHECKING:
    from inkwell.bot.services.creation_service import CreationService

log = logging.getLogger(__name__)

# How much more the model may write when asked to continue a piece.
CONTINUE_TOKENS = 300
# Stories written together in one request when the member's style asks for a point of
# view or tense, so the one that reads as asked can be shown (the other is a flip away).
STORY_CANDIDATES = 2
STILL_WRITING = "Still writing — press Stop first, or wait for it to finish."
# Under a piece the token budget stopped; the member can pick it up (or try again).
CUT_AT_LIMIT = "cut at the length limit — Continue picks up from here"
CUT_AT_LIMIT_NO_CONTINUE = "cut at the length limit — Regenerate for another"
# How a cut piece goes back to a complete ending: prose to a sentence, verse to a line.
_CUT_UNIT: Final[Mapping[FormName, Unit]] = {
    "story": "sentence",
    "post": "sentence",
    "lyrics": "line",
    "poem": "line",
}


class Creation:
    """One member's piece of work and its variants."""

    def __init__(
        self,
        service: CreationService,
        request: CreationRequest,
        origin: Origin,
        messages: tuple[ChatMessage, ...],
        sampling: Sampling,
        *,
        voice: Voice = NOT_ASKED,
        lore_footer: str = "",
    ) -> None:
        self._service = service
        self.request = request
        self.origin = origin
        self._messages = messages
        self._sampling = sampling
        self.variants: list[str] = []
        self.index = 0
        self._stop_requested = False
        self._awaiting_delta: asyncio.Task[Any] | None = None
        self._running = False
        self.stopped = False
        self.blocked = False
        # The point of view and tense the member's style asks a story for.
        self.voice = voice
        # The lore entries the prompt carries, e.g. ``lore: Captain Mira``; "" for none.
        self.lore_footer = lore_footer
        # The form report of each variant that has one (a poem's, a song's, a story's
        # voice), by index.
        self._reports: dict[int, str] = {}
        # The variants the token budget stopped, cut back to a complete ending, by index.
        self._cut: set[int] = set()

    @property
    def form(self) -> FormName:
        return self.request.form

    @property
    def current(self) -> str:
        return self.variants[self.index] if self.variants else ""

    @property
    def report(self) -> str | None:
        """The shown variant's form report, e.g. ``haiku · 5-7-5 ✓``; None when it has none."""
        return self._reports.get(self.index) if self.variants else None

    @property
    def cut(self) -> bool:
        """Whether the shown variant stopped at the length limit (and was cut back to its
        last complete sentence or line)."""
        return bool(self.variants) and self.index in self._cut

    @property
    def cut_notice(self) -> str | None:
        """What to tell the member under a cut variant; None when it was not cut."""
        if not self.cut:
            return None
        return CUT_AT_LIMIT if FORMS[self.form].can_continue else CUT_AT_LIMIT_NO_CONTINUE

    @property
    def running(self) -> bool:
        return self._running

    @property
    def can_continue(self) -> bool:
        return FORMS[self.form].can_continue and bool(self.current) and not self._running

    def flip(self, step: int) -> str:
        """Show the previous (-1) or next (+1) variant; wraps around."""
        if self.variants:
            self.index = (self.index + step) % len(self.variants)
        return self.current

    async def queue_state(self) -> QueueState | None:
        """Why no word has come yet, if the backend can tell (asked while the piece waits)."""
        return await queue_state_of(self._service.backend)

    @property
    def stop_requested(self) -> bool:
        return self._stop_requested

    def stop(self) -> None:
        """Stop the generation in progress; what was written so far is kept."""
        if self._running and not self._stop_requested:
            self._stop_requested = True
            # Interrupt a wait for the next token; a task busy elsewhere (showing an edit)
            # sees the flag before it asks for the next one.
            if self._awaiting_delta is not None:
                self._awaiting_delta.cancel()

    async def write(self) -> AsyncGenerator[str, None]:
        """Make new variants (``variants`` of them the first time, then one per call).

        Yields the growing text of the first new variant; the others arrive with it in the
        same request. Afterwards :attr:`current` is that first new variant. A failure before
        any word leaves no empty variant behind: the one shown before is current again.
        """
        n = self._new_variants()
        first_new, shown_before = len(self.variants), self.index
        self.variants.extend("" for _ in range(n))
        self.index = first_new
        sampling = replace(self._sampling, n=n)
        plan = self._service.plan_for(self.request)
        try:
            if plan is None:
                texts = self._run(self._messages, sampling, first_new, prefix="")
            else:
                texts = self._draft(plan, first_new)
            async for text in texts:
                yield text
        except Exception:
            if not any(self.variants[first_new:]):
                del self.variants[first_new:]
                self.index = shown_before if self.variants else 0
            raise

    def _new_variants(self) -> int:
        """How many variants a write makes: ``variants`` the first time (a story whose voice
        is asked, :data:`STORY_CANDIDATES`, to choose from), one per Regenerate."""
        if self.variants:
            return 1
        if self.form == "story" and self.voice != NOT_ASKED and self._service.drafting:
            return max(self.request.variants, STORY_CANDIDATES)
        return self.request.variants

    async def extend(self) -> AsyncGenerator[str, None]:
        """Continue the current variant where it stopped."""
        if not FORMS[self.form].can_continue:
            raise InvalidInput(f"A {self.form} can't be continued; try Regenerate.")
        base = self.current.rstrip()
        sampling = replace(self._sampling, n=1, max_tokens=CONTINUE_TOKENS)
        request_messages = self._messages
        async for text in self._run(
            request_messages, sampling, self.index, prefix=base, continue_from=base
        ):
            yield text

    async def _run(
        self,
        messages: tuple[ChatMessage, ...],
        sampling: Sampling,
        first_index: int,
        *,
        prefix: str,
        continue_from: str | None = None,
    ) -> AsyncIterator[str]:
        if self._running:
            raise InvalidInput(STILL_WRITING)
        self._running = True
        self._stop_requested = False
        self.stopped = False
        self.blocked = False
        structured = self.form == "post" and self._service.structured_posts and not continue_from
        generation = GenerationRequest(
            messages=messages,
            sampling=sampling,
            priority=INTERACTIVE_PRIORITY,
            json_schema=post_schema(self._platform) if structured else None,
            continue_from=continue_from,
        )
        # Pieces are joined only when shown and at the end: joining per token would copy the
        # whole text every time, quadratic in its length.
        pieces: list[list[str]] = [[] for _ in range(sampling.n)]
        finish_reasons: list[str | None] = [None] * sampling.n

        def shown(index: int) -> str | None:
            """The variant as it would read now; None while its first line may yet turn
            out to be a preamble (shown once it is known, so it never flashes up)."""
            text = "".join(pieces[index])
            text = partial_post_text(text) if structured else text
            if held_back(text) or not (new := strip_chatter(text, self.form, never_empty=False)):
                return None
            return self._join(prefix, new)

        content_filter = self._service.content_filter
        clock = self._service.clock
        interval = self._service.snapshot_interval
        last_shown: float | None = None
        words_began = False

        try:
            async with self._service.concurrency.slot(self.origin.guild_id):
                stream = self._service.backend.stream(generation)
                async with contextlib.aclosing(stream):
                    while True:
                        delta = await self._next_or_stop(stream)
                        if delta is None:
                            break
                        pieces[delta.index].append(delta.text)
                        if delta.finish_reason is not None:
                            finish_reasons[delta.index] = delta.finish_reason
                        # Snapshots go out at most once per interval: each is checked by the
                        # content filter, and Discord shows at most one edit per interval.
                        due = last_shown is None or clock() - last_shown >= interval
                        if delta.index != 0 or not delta.text or not due:
                            continue
                        if (snapshot := shown(0)) is None:
                            if not words_began:  # held back: words are coming, none shown
                                words_began = True
                                yield prefix
                            continue
                        words_began = True
                        last_shown = clock()
                        verdict = await content_filter.check_output(
                            snapshot, self.origin, final=False
                        )
                        if verdict.blocked:
                            self._block(first_index, sampling.n, verdict.category)
                            break
                        yield verdict.text
        finally:
            self._running = False
            if not self.blocked:
                # Kept however the stream ended (done, Stop, failure): nothing written is lost.
                for index in range(sampling.n):
                    at_limit = finish_reasons[index] == "length" and not self.stopped
                    self._keep(first_index + index, prefix, "".join(pieces[index]), at_limit)
        if self.blocked:
            yield self.current
            return
        for index in range(sampling.n):
            verdict = await content_filter.check_output(
                self.variants[first_index + index], self.origin, final=True
            )
            if verdict.blocked:
                self._block(first_index + index, 1, verdict.category)
            else:
                self.variants[first_index + index] = verdict.text
                report = self._service.report_for(self.request, verdict.text, voice=self.voice)
                if report:
                    self._reports[first_index + index] = report
        if self.form == "story" and not continue_from and not self.blocked:
            # Of the stories written together, the one that reads closest to the point of
            # view and tense asked for is shown; the others stay a flip away.
            stories = self.variants[first_index : first_index + sampling.n]
            best = best_voice(stories, pov=self.voice.pov, tense=self.voice.tense)
            self.index = first_index + (best or 0)
        # The text the final check passed (redactions applied), never the raw stream.
        yield self.current

    async def _draft(self, plan: PiecePlan, index: int) -> AsyncIterator[str]:
        """Write variant ``index`` line by line against ``plan`` (:mod:`.craft.drafting`),
        showing each line as it is chosen, and report how the piece holds its form."""
        if self._running:
            raise InvalidInput(STILL_WRITING)
        self._running = True
        self._stop_requested = False
        self.stopped = False
        self.blocked = False
        content_filter = self._service.content_filter
        text = ""
        try:
            async with self._service.concurrency.slot(self.origin.guild_id):
                lines = self._service.drafter.draft(plan, self._messages, self._sampling)
                async with contextlib.aclosing(lines):
                    while (snapshot := await self._next_or_stop(lines)) is not None:
                        text = snapshot
                        verdict = await content_filter.check_output(text, self.origin, final=False)
                        if verdict.blocked:
                            self._block(index, 1, verdict.category)
                            break
                        yield verdict.text
        finally:
            self._running = False
            if not self.blocked:
                self.variants[index] = text  # kept however the drafting ended
        if not self.blocked:
            verdict = await content_filter.check_output(text, self.origin, final=True)
            if verdict.blocked:
                self._block(index, 1, verdict.category)
            else:
                self.variants[index] = verdict.text
                report = self._service.report_for(self.request, verdict.text, voice=self.voice)
                if report:
                    self._reports[index] = report
        yield self.current

    def _keep(self, index: int, prefix: str, raw: str, at_limit: bool) -> None:
        """Keep what the model wrote as variant ``index``, as members will read it: a post
        parsed and fitted (never its raw JSON), other forms without the chatter around
        them; ``at_limit`` (the token budget stopped it) cuts the new text back to its last
        complete sentence or line, and marks the variant cut."""
        self._cut.discard(index)
        if self.form == "post":
            text = self._service.finish_post(self.request, self._join(prefix, raw), cut=at_limit)
        else:
            new = strip_chatter(raw, self.form)
            if at_limit:
                new = cut_to_complete(new, _CUT_UNIT[self.form])
            text = self._join(prefix, new)
        self.variants[index] = text.rstrip()
        if at_limit:
            self._cut.add(index)

    def _block(self, first_index: int, count: int, category: str | None) -> None:
        """Replace blocked variants with a notice; the model's words are never kept."""
        what = f" ({category})" if category else ""
        for index in range(first_index, first_index + count):
            self.variants[index] = f"*This text was withheld by the server's content filter{what}.*"
        self.blocked = True

    async def _next_or_stop(self, stream: AsyncIterator[Any]) -> Any:
        """The next delta, or ``None`` when the stream ends or Stop is pressed.

        Stop cancels this await directly (see :meth:`stop`) rather than racing two tasks per
        token: with hundreds of streams in flight, per-token task creation was the bot's
        largest cost on the event loop.
        """
        if self._stop_requested:
            self.stopped = True
            return None
        task = asyncio.current_task()
        self._awaiting_delta = task
        try:
            return await anext(stream, None)
        except asyncio.CancelledError:
            # Ours if Stop was pressed (meanwhile) and nobody else also cancelled the task.
            if self.stop_requested and task is not None and task.uncancel() == 0:
                self.stopped = True
                return None
            raise
        finally:
            self._awaiting_delta = None

    @staticmethod
    def _join(prefix: str, text: str) -> str:
        if not prefix:
            return text.lstrip()
        if not text or text[0].isspace() or prefix[-1].isspace():
            return prefix + text
        return f"{prefix} {text}" if text[0].isalnum() else prefix + text

    @property
    def _platform(self) -> Platform:
        return platform_of(self.request)
