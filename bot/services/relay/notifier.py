"""How the relay service speaks to a thread, without knowing what a thread is.

The Discord cog implements :class:`RelayNotifier` with thread messages, the playground by
printing. The service calls it only after the change it reports is committed, and always
under the relay's lock, so a thread reads in the order things happened.

A notifier that finds its thread deleted, or its permission to post there gone, raises
:class:`RelayChannelGone`; the service then ends the relay quietly (saved, one log line,
no further notices). Any other failure is logged and the relay carries on.
"""

from __future__ import annotations

from typing import Protocol

from inkwell.bot.services.relay.models import (
    EndReason,
    PauseReason,
    Recap,
    RelayRecord,
    SkipReason,
    TurnRecord,
)


class RelayChannelGone(Exception):
    """The relay's thread is gone, or the bot may no longer post in it."""

    def __init__(self, thread_id: int) -> None:
        self.thread_id = thread_id
        super().__init__(f"thread {thread_id} is gone or closed to the bot")


class RelayNotifier(Protocol):
    async def turn_started(self, relay: RelayRecord, recap: Recap) -> None:
        """A member's turn began (``relay.writer_id``): tell them, and only them, with a recap."""
        ...

    async def turn_reminder(self, relay: RelayRecord) -> None:
        """Most of the turn has gone by (``relay.turn_deadline`` is when it ends)."""
        ...

    async def turn_written(self, relay: RelayRecord, turn: TurnRecord) -> None:
        """A turn was written, by a member or (``turn.by_model``) by the model: post it."""
        ...

    async def turn_skipped(
        self, relay: RelayRecord, writer_id: int | None, reason: SkipReason
    ) -> None:
        """The turn of ``writer_id`` (None: the model's) ended with nothing written."""
        ...

    async def turn_undone(self, relay: RelayRecord, turn: TurnRecord) -> None:
        """The writer of ``turn`` took it back; the turn is theirs again."""
        ...

    async def waiting_for_writers(self, relay: RelayRecord) -> None:
        """Too few writers to go on; the relay waits for someone to join."""
        ...

    async def relay_paused(self, relay: RelayRecord, reason: PauseReason) -> None: ...

    async def relay_resumed(self, relay: RelayRecord) -> None: ...

    async def relay_ended(self, relay: RelayRecord, reason: EndReason) -> None:
        """The relay is over; offer the export."""
        ...
