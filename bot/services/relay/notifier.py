"""How the relay service speaks to a thread, without knowing what a thread is.

The Discord cog implements :class:`RelayNotifier` with thread messages, the playground by
printing. The service calls it only after the change it reports is committed (the notice
waits in the outbox meanwhile, see :mod:`inkwell.bot.services.relay.outbox`), and always
under the relay's lock, so a thread reads in the order things happened.

Every call names its notice with a :class:`NoticeKey` and returns the id of the message
that carried it (None for a notifier without message ids). When the key says the notice
may have gone out already (an earlier process died after posting it, or a try failed
after Discord had it), the notifier looks for it first and returns the id it finds rather
than posting again.

A notifier that finds its thread deleted, or its permission to post there gone, raises
:class:`RelayChannelGone`; the service then ends the relay quietly (saved, one log line,
no further notices). Any other failure is logged and the notice tried again later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from inkwell.bot.services.relay.models import (
    EndReason,
    PauseReason,
    Recap,
    RelayRecord,
    SkipReason,
    SteeringKind,
    TurnRecord,
)


class RelayChannelGone(Exception):
    """The relay's thread is gone, or the bot may no longer post in it."""

    def __init__(self, thread_id: int) -> None:
        self.thread_id = thread_id
        super().__init__(f"thread {thread_id} is gone or closed to the bot")


@dataclass(frozen=True, slots=True)
class NoticeKey:
    """Which notice a post is, so that trying it again never posts it twice."""

    id: int  # its outbox id, unique in the database
    relay_id: int
    # An earlier try may have posted it: look in the thread before posting.
    maybe_sent: bool = False
    # The message that carried the relay's previous notice: this one, if posted, is after it.
    after: int | None = None

    def nonce(self, part: int = 0) -> str:
        """A nonce for part ``part`` of the notice's messages (Discord allows 25 characters).

        discord.py sends it with ``enforce_nonce``: for a few minutes, Discord answers a
        repeat with the message it already made instead of making another.
        """
        return f"r{self.relay_id}n{self.id}p{part}"[:25]


class RelayNotifier(Protocol):
    async def turn_started(self, relay: RelayRecord, recap: Recap, *, key: NoticeKey) -> int | None:
        """A member's turn began (``relay.writer_id``): tell them, and only them, with a recap."""
        ...

    async def turn_reminder(self, relay: RelayRecord, *, key: NoticeKey) -> int | None:
        """Most of the turn has gone by (``relay.turn_deadline`` is when it ends)."""
        ...

    async def turn_written(
        self, relay: RelayRecord, turn: TurnRecord, *, key: NoticeKey, lore: Sequence[str] = ()
    ) -> int | None:
        """A turn was written, by a member or (``turn.by_model``) by the model: post it, with
        the names of the lore entries the model wrote it with (``lore``) under it."""
        ...

    async def turn_skipped(
        self, relay: RelayRecord, writer_id: int | None, reason: SkipReason, *, key: NoticeKey
    ) -> int | None:
        """The turn of ``writer_id`` (None: the model's) ended with nothing written."""
        ...

    async def turn_undone(
        self, relay: RelayRecord, turn: TurnRecord, *, key: NoticeKey
    ) -> int | None:
        """The writer of ``turn`` took it back; the turn is theirs again."""
        ...

    async def waiting_for_writers(self, relay: RelayRecord, *, key: NoticeKey) -> int | None:
        """Too few writers to go on; the relay waits for someone to join."""
        ...

    async def relay_paused(
        self, relay: RelayRecord, reason: PauseReason, *, key: NoticeKey
    ) -> int | None: ...

    async def relay_resumed(self, relay: RelayRecord, *, key: NoticeKey) -> int | None: ...

    async def steering_changed(
        self, relay: RelayRecord, kind: SteeringKind, by: int, *, key: NoticeKey
    ) -> int | None:
        """Member ``by`` set or cleared (``relay.memory`` / ``relay.note`` as it is now) the
        relay's memory or author's note: the model writes by it from the next turn on."""
        ...

    async def relay_ended(
        self, relay: RelayRecord, reason: EndReason, *, key: NoticeKey
    ) -> int | None:
        """The relay is over; offer the export."""
        ...
