"""Generating stories, lyrics, poems and posts: the engine behind /story /lyrics /poem /post.

A :class:`Creation` is one member's piece of work. It holds the variants made so far and
streams new ones; the Discord cog and the console playground drive it the same way:

    creation = await service.begin(request, origin)
    async for text in creation.write():      # the growing text of the new variant
        show(text)
    creation.flip(-1); creation.extend(); creation.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from dataclasses import replace
from typing import Any, cast

from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.content_policy import (
    AllowEverything,
    ContentFilter,
    RatingPolicy,
    cap_rating,
    screen_request,
    screen_style,
)
from inkwell.bot.services.craft.drafting import LineDrafter
from inkwell.bot.services.craft.lyrics import check_lyrics
from inkwell.bot.services.craft.plans import PiecePlan, acrostic_word, lyrics_plan, poem_plan
from inkwell.bot.services.craft.poems import check_poem
from inkwell.bot.services.craft.report import report_line
from inkwell.bot.services.craft.voice import (
    NOT_ASKED,
    Voice,
    best_voice,
    match_voice,
    voice_report,
)
from inkwell.bot.services.creativity import sampling_for_call
from inkwell.bot.services.forms import (
    FORMS,
    CreationRequest,
    FormName,
    LyricsStructure,
    PoemForm,
)
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.styles import StyleService
from inkwell.bot.text.cleaning import clean_text, defuse_mentions
from inkwell.bot.text.hashtags import suggest_hashtags
from inkwell.bot.text.platforms import PLATFORM_LIMITS, PLATFORMS, Platform
from inkwell.bot.text.post_fitting import fit_post
from inkwell.bot.text.post_parsing import parse_post, parse_post_json
from inkwell.serving.backend import (
    INTERACTIVE_PRIORITY,
    Backend,
    ChatMessage,
    GenerationRequest,
    QueueState,
    Sampling,
    queue_state_of,
)

log = logging.getLogger(__name__)

DEFAULT_PLATFORM: Platform = "x"
# How much more the model may write when asked to continue a piece.
CONTINUE_TOKENS = 300
# Stories written together in one request when the member's style asks for a point of
# view or tense, so the one that reads as asked can be shown (the other is a flip away).
STORY_CANDIDATES = 2
STILL_WRITING = "Still writing — press Stop first, or wait for it to finish."


def post_schema(platform: Platform, max_hashtags: int = 3) -> dict[str, Any]:
    """JSON schema for structured post output; the bounds keep a small model from rambling."""
    return {
        "type": "object",
        "properties": {
            "text": {"type": "string", "minLength": 1, "maxLength": PLATFORM_LIMITS[platform]},
            "hashtags": {
                "type": "array",
                "items": {"type": "string", "pattern": "^#[A-Za-z][A-Za-z0-9_]{0,30}$"},
                "maxItems": max_hashtags,
            },
        },
        "required": ["text", "hashtags"],
        "additionalProperties": False,
    }


_PARTIAL_JSON_TEXT = re.compile(r'"text"\s*:\s*"((?:[^"\\]|\\.)*)')


def _partial_post_text(raw: str) -> str:
    """The readable part of a half-written JSON post, for display while it streams."""
    match = _PARTIAL_JSON_TEXT.search(raw)
    if not match:
        return ""
    fragment = match.group(1)
    # Drop a dangling escape before decoding what has arrived so far.
    fragment = re.sub(r"\\u?[0-9a-fA-F]{0,3}$|\\$", "", fragment)
    try:
        return str(json.loads(f'"{fragment}"'))
    except json.JSONDecodeError:
        return fragment


def platform_of(request: CreationRequest) -> Platform:
    value = request.text_option("platform")
    return next((platform for platform in PLATFORMS if platform == value), DEFAULT_PLATFORM)


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
        # The form report of each variant that has one (a poem's, a song's, a story's
        # voice), by index.
        self._reports: dict[int, str] = {}

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

        def shown(index: int) -> str:
            text = "".join(pieces[index])
            return self._join(prefix, _partial_post_text(text) if structured else text)

        content_filter = self._service.content_filter
        clock = self._service.clock
        interval = self._service.snapshot_interval
        last_shown: float | None = None

        try:
            async with self._service.concurrency.slot(self.origin.guild_id):
                stream = self._service.backend.stream(generation)
                async with contextlib.aclosing(stream):
                    while True:
                        delta = await self._next_or_stop(stream)
                        if delta is None:
                            break
                        pieces[delta.index].append(delta.text)
                        # Snapshots go out at most once per interval: each is checked by the
                        # content filter, and Discord shows at most one edit per interval.
                        due = last_shown is None or clock() - last_shown >= interval
                        if delta.index == 0 and delta.text and due:
                            last_shown = clock()
                            verdict = await content_filter.check_output(
                                shown(0), self.origin, final=False
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
                    written = self._join(prefix, "".join(pieces[index]))
                    self.variants[first_index + index] = written.rstrip()
        if self.blocked:
            yield self.current
            return
        if self.form == "post":
            # Judged as members will read it: parsed and fitted, not the raw (JSON) text.
            for index in range(first_index, first_index + sampling.n):
                self.variants[index] = self._service.finish_post(self.request, self.variants[index])
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


class CreationService:
    def __init__(
        self,
        backend: Backend,
        styles: StyleService,
        prompts: PromptLibrary,
        cooldowns: Cooldowns,
        concurrency: GuildConcurrency,
        *,
        sampling: Sampling | None = None,
        structured_posts: bool = False,
        max_subject_chars: int = 1000,
        content_filter: ContentFilter | None = None,
        rating_policy: RatingPolicy | None = None,
        snapshot_interval: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        drafting: bool = True,
        regex_constraints: bool = False,
    ) -> None:
        self.backend = backend
        self.styles = styles
        self.prompts = prompts
        self.cooldowns = cooldowns
        self.concurrency = concurrency
        self.sampling = sampling or Sampling()
        self.structured_posts = structured_posts
        self.max_subject_chars = max_subject_chars
        self.content_filter: ContentFilter = content_filter or AllowEverything()
        self.rating_policy = rating_policy
        # Seconds between the growing snapshots a Creation yields (0: every piece of text).
        self.snapshot_interval = snapshot_interval
        self.clock = clock
        # Pieces written to hold what was asked: poems and songs line by line against their
        # form, stories chosen among two for their voice (False: one piece in one go, as a
        # bare chat model would; the craft benchmark compares the two).
        self.drafting = drafting
        self.drafter = LineDrafter(
            backend, priority=INTERACTIVE_PRIORITY, constrain=regex_constraints
        )

    def plan_for(self, request: CreationRequest) -> PiecePlan | None:
        """The line plan a request is drafted against, or None to write it in one go."""
        if not self.drafting:
            return None
        if request.form == "poem":
            return poem_plan(_poem_form(request), word=request.text_option("word"))
        if request.form == "lyrics":
            return lyrics_plan(_structure(request))
        return None

    def report_for(
        self, request: CreationRequest, text: str, *, voice: Voice = NOT_ASKED
    ) -> str | None:
        """The one-line report under a finished poem or song (its form), or a story (its
        point of view and tense, when the member's style asks for them)."""
        if not text.strip():
            return None
        if request.form == "story":
            if voice.pov is None and voice.tense is None:
                return None  # nothing asked, nothing to report
            return voice_report(match_voice(text, pov=voice.pov, tense=voice.tense))
        if request.form == "poem":
            form = _poem_form(request)
            if form == "free":
                return None  # free verse has no rule to report on
            return report_line(check_poem(text, form, word=request.text_option("word")))
        if request.form == "lyrics":
            return report_line(check_lyrics(text, _structure(request)))
        return None

    def validate(
        self, form: str, subject: str | None, options: Mapping[str, str | int | None]
    ) -> CreationRequest:
        """Check a request as a member typed it; raise :class:`InvalidInput` if it can't be used."""
        if form not in FORMS:
            raise InvalidInput(f"Unknown form “{form}”. Try one of: {', '.join(FORMS)}.")
        spec = FORMS[form]
        limit = min(spec.subject.max_length, self.max_subject_chars)
        cleaned_subject = clean_text(subject or "", field=spec.subject.name, max_chars=limit)
        cleaned: dict[str, str | int] = {}
        for name, value in options.items():
            option = spec.option(name)
            if option is None or option is spec.subject:
                known = ", ".join(o.name for o in spec.options)
                raise InvalidInput(f"/{form} has no option “{name}”. Its options: {known}.")
            if value is None:
                continue
            if option.integer_range is not None:
                low, high = option.integer_range
                if not isinstance(value, int) or not low <= value <= high:
                    raise InvalidInput(f"{name} must be a whole number from {low} to {high}.")
                cleaned[name] = value
            elif option.choices:
                choice = str(value).strip().lower()
                if choice not in option.choices:
                    raise InvalidInput(f"{name} must be one of: {', '.join(option.choices)}.")
                cleaned[name] = choice
            else:
                text = clean_text(
                    str(value), field=name, max_chars=option.max_length, required=False
                )
                if text:
                    cleaned[name] = text
        if spec.name == "poem":
            _settle_acrostic_word(cleaned_subject, cleaned)
        return CreationRequest(spec.name, cleaned_subject, cleaned)

    async def begin(self, request: CreationRequest, origin: Origin) -> Creation:
        """Check the member's cooldown and prepare the prompt; nothing is generated yet."""
        self.cooldowns.check(origin.user_id)
        request = await screen_request(self.content_filter, request, origin)
        style = await self.styles.for_call(origin.user_id, origin.guild_id, request.options)
        style = await screen_style(self.content_filter, style, origin)
        if self.rating_policy is not None:
            style = cap_rating(style, await self.rating_policy.max_rating(origin))
        model_request = replace(request, subject=defuse_mentions(request.subject))
        messages = self.prompts.messages(model_request, style)
        sampling = replace(self.sampling, max_tokens=self.prompts.max_tokens(request))
        sampling = sampling_for_call(sampling, request, style)  # the member's creativity
        voice = Voice.asked(request.options, style)
        return Creation(self, request, origin, messages, sampling, voice=voice)

    def finish_post(self, request: CreationRequest, raw: str) -> str:
        """Parse a generated post and make it fit its platform, counted the platform's way."""
        post = parse_post_json(raw) if self.structured_posts else None
        if post is None:
            post = parse_post(raw)
        platform = platform_of(request)
        if not post.hashtags:
            post = replace(post, hashtags=suggest_hashtags(request.subject, platform))
        return fit_post(post, platform).render()


def _poem_form(request: CreationRequest) -> PoemForm:
    form = request.text_option("form") or "free"
    return cast(PoemForm, form)


def _structure(request: CreationRequest) -> LyricsStructure:
    return cast(LyricsStructure, request.text_option("structure") or "verse-chorus")


def _settle_acrostic_word(topic: str, options: dict[str, str | int]) -> None:
    """An acrostic always has its word (given, or the topic's); other forms take none."""
    given = options.get("word")
    if options.get("form") == "acrostic":
        options["word"] = acrostic_word(given if isinstance(given, str) else None, topic)
    elif given is not None:
        raise InvalidInput("word: is for form:acrostic, the word its lines spell.")
