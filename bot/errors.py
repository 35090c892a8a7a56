"""Domain errors raised by services.

Each carries a sentence fit to show the member (``str(error)``). The Discord error handler
and the console playground turn them into a short reply; anything else is a bug, logged
with a traceback, and the member gets an apology with an error id.

They share their root, :class:`~inkwell.errors.InkwellError`, with the backends' errors
(:class:`~inkwell.serving.backend.BackendError`), so one ``except InkwellError`` catches both.
"""

from __future__ import annotations

import math

from inkwell.errors import InkwellError


class InvalidInput(InkwellError):
    """What the member wrote cannot be used as it is (empty, too long, an unknown choice)."""


class OnCooldown(InkwellError):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"You're going a little fast. Try again in {max(1, math.ceil(retry_after))} s."
        )


class TooBusy(InkwellError):
    """The guild already runs as many generations as it is allowed."""

    def __init__(self, running: int, retry_after: float) -> None:
        self.running = running
        self.retry_after = retry_after
        super().__init__(
            f"This server already has {running} generations running. "
            f"Try again in about {max(retry_after, 1):.0f} s."
        )


class Blocked(InkwellError):
    """A content filter refused the text. The message names the category, never the pattern."""


class NotFound(InkwellError):
    """The thing asked for does not exist (or no longer does)."""


class StorageUnavailable(InkwellError):
    """The database cannot be opened, read or written.

    ``str(error)`` is for whoever meets the failure. At start-up that is the operator, so it
    names the path and the fix (``inkwell run`` prints it as its one line); at run time it is
    a member, so it says only that saving or reading failed, never the path or a fix only the
    operator can make. ``detail`` is always the operator's line, and is what the log gets.
    """

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = message if detail is None else detail


class StaleTurn(InkwellError):
    """The relay moved on to another turn since the caller looked.

    Raised by storage, inside the transaction that would have written the turn, so nothing
    of it is saved.
    """

    def __init__(self, expected: int, current: int) -> None:
        self.expected = expected
        self.current = current
        super().__init__("That turn is already over; nothing was saved. Check /relay status.")


__all__ = [
    "Blocked",
    "InkwellError",
    "InvalidInput",
    "NotFound",
    "OnCooldown",
    "StaleTurn",
    "StorageUnavailable",
    "TooBusy",
]
