"""The content-filter interface every service calls on what members ask and what the model writes.

Moderators' rules live behind it (the filters feature); until a guild has rules, and in DMs
and the playground, :class:`AllowEverything` answers. Services never show text that has not
passed :meth:`ContentFilter.check_output`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.errors import Blocked
from bot.services.origin import Origin

Stage = Literal["prompt", "output"]


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
