"""The creation service: checks what a member asked for, builds the prompt and opens a
:class:`~inkwell.bot.services.creation.Creation`, the piece that then streams its variants.

It also holds what every piece of a bot shares: the backend, the content filter, the
guild's generation slots, and the form rules (which pieces are drafted line by line, the
report under a poem or song, how a post is finished).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import cast

from inkwell.bot.errors import InvalidInput
from inkwell.bot.records.lore import NO_LORE, LoreSelection
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
from inkwell.bot.services.craft.voice import NOT_ASKED, Voice, match_voice, voice_report
from inkwell.bot.services.creation import Creation
from inkwell.bot.services.creativity import sampling_for_call
from inkwell.bot.services.forms import FORMS, CreationRequest, LyricsStructure, PoemForm
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.lore.source import LoreSource
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.posts import finish_post
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.styles import StyleService
from inkwell.bot.text.cleaning import clean_text, defuse_mentions
from inkwell.serving.backend import INTERACTIVE_PRIORITY, Backend, Sampling


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
        lore: LoreSource | None = None,
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
        # The story bible whose entries a /story's request brings into its prompt.
        self.lore = lore
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
        lore = await self._lore_for(request, origin)
        messages = self.prompts.messages(model_request, style, lore=lore.block)
        sampling = replace(self.sampling, max_tokens=self.prompts.max_tokens(request))
        sampling = sampling_for_call(sampling, request, style)  # the member's creativity
        voice = Voice.asked(request.options, style)
        return Creation(
            self, request, origin, messages, sampling, voice=voice, lore_footer=lore.footer
        )

    async def _lore_for(self, request: CreationRequest, origin: Origin) -> LoreSelection:
        """The server's lore entries a story's request names (stories only: a poem, a song
        or a post is written to its own form, not into the server's world)."""
        if self.lore is None or request.form != "story":
            return NO_LORE
        return await self.lore.select(origin.guild_id, None, (request.subject,))

    def finish_post(self, request: CreationRequest, raw: str, *, cut: bool = False) -> str:
        """Parse a generated post and make it fit its platform (:func:`.posts.finish_post`)."""
        return finish_post(request, raw, structured=self.structured_posts, cut=cut)


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
