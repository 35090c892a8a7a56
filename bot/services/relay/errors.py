"""What can go wrong in a relay, in words a member can read (all :class:`InkwellError`)."""

from __future__ import annotations

from inkwell.bot.errors import InkwellError, InvalidInput
from inkwell.bot.text.durations import rough_duration

__all__ = [
    "NotARelay",
    "NotAllowed",
    "NotYourTurn",
    "RelayClosed",
    "RelayFull",
    "TooManyWords",
]


class NotARelay(InkwellError):
    def __init__(self) -> None:
        super().__init__(
            "There's no relay here. Run /relay commands inside a relay's thread, "
            "or start one with /relay start."
        )


class RelayClosed(InkwellError):
    """The relay is in a state that doesn't allow this (ended, paused, not begun)."""


class RelayFull(InkwellError):
    def __init__(self, max_writers: int) -> None:
        super().__init__(f"This relay is full: it takes {max_writers} writers.")


class NotAllowed(InkwellError):
    """Only the starter, or someone who can manage threads, may do this."""


class NotYourTurn(InkwellError):
    """Someone else holds the turn. ``writer_id`` is None while the model writes.

    The message names the writer as a Discord mention (shown as their name, never a ping:
    replies are sent without allowed mentions); the playground words it its own way.
    """

    def __init__(self, writer_id: int | None, seconds_left: float | None) -> None:
        self.writer_id = writer_id
        self.seconds_left = seconds_left
        if writer_id is None:
            message = "The model is writing this turn; yours comes after it."
        else:
            left = f", {rough_duration(seconds_left)} left" if seconds_left is not None else ""
            message = f"It's <@{writer_id}>'s turn{left}."
        super().__init__(message)


class TooManyWords(InvalidInput):
    """The text is over the relay's word limit; nothing is cut, the writer trims it."""

    def __init__(self, words: int, limit: int) -> None:
        self.words = words
        self.limit = limit
        super().__init__(
            f"Your turn is {words} words; this relay allows {limit}. "
            f"Trim {words - limit} word{'s' if words - limit != 1 else ''} and send it again."
        )
