"""The pieces whose buttons still work, by id: one registry per bot, swept as they expire.

Keeping one registry, rather than a ``View`` and a timeout task per message, is what keeps
the collector's work small under load (bench/RESULTS.md has the measurements).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from inkwell.bot.services.creation import Creation
from inkwell.bot.ui.streaming import StreamingEditor

# An interaction's token lives 15 minutes and every edit of the piece goes through it,
# so the buttons stop a little before that.
BUTTON_LIFETIME: Final = 14 * 60


@dataclass(slots=True, eq=False)
class OpenCreation:
    """A piece whose buttons still work."""

    id: int
    creation: Creation
    editor: StreamingEditor
    owner_id: int
    expires_at: float
    retired: bool = False
    # Why it was stopped, when not by its owner (shown under it: "the bot is restarting").
    stop_reason: str | None = None
    # The task showing a stream of it, while one runs: a clean stop waits for its last edit.
    streaming: asyncio.Task[Any] | None = None


class OpenCreations:
    """The pieces whose buttons work, by id, oldest first.

    Every piece lives the same ``lifetime``, so the oldest are always the first to expire
    and :meth:`expire` stops at the first piece still in time.
    """

    def __init__(
        self, lifetime: float = BUTTON_LIFETIME, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.lifetime = lifetime
        self._clock = clock
        self._open: dict[int, OpenCreation] = {}

    def __len__(self) -> int:
        return len(self._open)

    def open(
        self, piece_id: int, creation: Creation, editor: StreamingEditor, *, owner_id: int
    ) -> OpenCreation:
        piece = OpenCreation(
            piece_id, creation, editor, owner_id, expires_at=self._clock() + self.lifetime
        )
        self._open[piece_id] = piece
        return piece

    def streaming(self) -> list[OpenCreation]:
        """The pieces whose stream is being shown now."""
        return [
            piece
            for piece in self._open.values()
            if piece.streaming is not None and not piece.streaming.done()
        ]

    def get(self, piece_id: int) -> OpenCreation | None:
        """The piece, or ``None`` if it expired or was never open in this process."""
        piece = self._open.get(piece_id)
        if piece is None or self._clock() >= piece.expires_at:
            return None
        return piece

    def expire(self) -> list[OpenCreation]:
        """Remove and return the pieces whose time is up."""
        now = self._clock()
        expired: list[OpenCreation] = []
        for piece in self._open.values():
            if now < piece.expires_at:
                break
            expired.append(piece)
        for piece in expired:
            del self._open[piece.id]
            piece.retired = True
        return expired
