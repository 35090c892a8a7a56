"""The content policy every service applies: the protocols it depends on, and the helpers
that apply them to a request and a style.

:class:`ContentFilter` checks what members ask and what the model writes; the creation and
relay services take one as a parameter. :class:`RatingPolicy` caps the rating a creation's
prompt asks for. Moderators' rules implement both (``FilterService``, in the ``filters``
package); where nothing is configured, in DMs and the playground, :class:`AllowEverything`
answers. Services never show text that has not passed :meth:`ContentFilter.check_output`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final, Protocol, get_args

from inkwell.bot.errors import Blocked
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.forms import SAMPLING_OPTIONS, CreationRequest, Rating
from inkwell.bot.services.origin import Origin

# Mildest first.
RATINGS: Final[tuple[Rating, ...]] = get_args(Rating)
# Style preferences that reach the prompt as the member wrote them, so they are prompts too.
STYLE_TEXT_FIELDS: Final = ("voice", "tone", "favourite_forms", "avoid", "sample")


@dataclass(frozen=True, slots=True)
class Verdict:
    """What may be shown: ``text`` (possibly redacted or held back), or a block."""

    text: str
    blocked: bool = False
    # A category a member may read ("profanity", "slurs"); never the rule's pattern.
    category: str | None = None

    def raise_if_blocked(self) -> None:
        if self.blocked:
            what = f" ({self.category})" if self.category else ""
            raise Blocked(f"This server's content filter doesn't allow that{what}.")


class ContentFilter(Protocol):
    async def check_prompt(self, text: str, origin: Origin) -> Verdict:
        """Check what a member wrote before anything is generated or stored."""
        ...

    async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
        """Check the whole output so far; the returned text is what may be shown now.

        While streaming (``final=False``) a filter may hold back an unfinished last word.
        """
        ...


class AllowEverything:
    """The filter for guilds without rules: every text passes unchanged."""

    async def check_prompt(self, text: str, origin: Origin) -> Verdict:
        return Verdict(text)

    async def check_output(self, text: str, origin: Origin, *, final: bool) -> Verdict:
        return Verdict(text)


class RatingPolicy(Protocol):
    """Where a guild caps the content rating (``/filters rating``); the cap steers the prompt."""

    async def max_rating(self, origin: Origin) -> Rating | None:
        """The highest rating allowed where ``origin`` is, or ``None`` for no cap."""
        ...


def cap_rating(style: StyleRecord, cap: Rating | None) -> StyleRecord:
    """``style`` with its rating lowered to ``cap`` if it is above it (or unset)."""
    if cap is None:
        return style
    current = style.rating if style.rating in RATINGS else None
    if current is not None and RATINGS.index(current) <= RATINGS.index(cap):
        return style
    return replace(style, rating=cap)


async def screen_request(
    content_filter: ContentFilter, request: CreationRequest, origin: Origin
) -> CreationRequest:
    """Check the subject and every text option but the sampling ones; return the request as
    the filter left it (redacted words masked). Raises :class:`Blocked` naming the category."""
    subject = await content_filter.check_prompt(request.subject, origin)
    subject.raise_if_blocked()
    options: dict[str, str | int] = {}
    for name, value in request.options.items():
        # A sampling option never reaches the model, so nothing in it needs screening, and a
        # rule on an everyday word ("high") must not block or mask away a creativity level.
        if isinstance(value, str) and name not in SAMPLING_OPTIONS:
            verdict = await content_filter.check_prompt(value, origin)
            verdict.raise_if_blocked()
            value = verdict.text
        options[name] = value
    return replace(request, subject=subject.text, options=options)


async def screen_style(
    content_filter: ContentFilter, style: StyleRecord, origin: Origin
) -> StyleRecord:
    """Check the free-text style preferences that go into the prompt, like a prompt.

    A member's style is global, but each guild's rules judge what enters a prompt there.
    """
    changes: dict[str, str] = {}
    for name in STYLE_TEXT_FIELDS:
        value = getattr(style, name)
        if not value:
            continue
        verdict = await content_filter.check_prompt(value, origin)
        if verdict.blocked:
            what = f" ({verdict.category})" if verdict.category else ""
            raise Blocked(
                f"This server's content filter doesn't allow your style's "
                f"{name.replace('_', ' ')}{what}. Change it with /style set, then try again."
            )
        if verdict.text != value:
            changes[name] = verdict.text
    return replace(style, **changes) if changes else style
