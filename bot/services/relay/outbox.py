"""The notices a relay change owes its thread, as values the outbox can keep.

A change queues :class:`Notice` values (made by the functions below, named after the
:class:`~inkwell.bot.services.relay.notifier.RelayNotifier` call each becomes) and
:meth:`~inkwell.bot.services.relay.changes.RelayChanges.transaction` writes them into the
outbox in the change's own transaction. Only after the commit are they posted, each with
its :class:`~inkwell.bot.services.relay.notifier.NoticeKey`: a process that dies in
between posts them when it opens again, and a retry that finds the notice already in the
thread does not post it twice.

A notice carries the relay as it was when the notice was queued, encoded as JSON, so it
reads the same whenever it is posted. A turn notice's recap is the exception: it is read
from the stored story when the notice is posted, which is after the commit, so it includes
the turn just written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal, cast, get_args

from inkwell.bot.services.relay.models import (
    EndReason,
    PauseReason,
    Recap,
    RelayRecord,
    SkipReason,
    SteeringKind,
    TurnRecord,
)
from inkwell.bot.services.relay.notifier import NoticeKey, RelayNotifier

NoticeKind = Literal[
    "turn_started",
    "turn_reminder",
    "turn_written",
    "turn_skipped",
    "turn_undone",
    "waiting_for_writers",
    "relay_paused",
    "relay_resumed",
    "relay_ended",
    "steering_changed",
]
NOTICE_KINDS: Final = frozenset(get_args(NoticeKind))


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice for a relay's thread: which call it becomes, and its arguments."""

    kind: NoticeKind
    relay: RelayRecord
    turn: TurnRecord | None = None
    writer_id: int | None = None
    reason: str | None = None
    # The lore entries the model's turn was written with, named under it in the thread.
    lore: tuple[str, ...] = ()

    def encode(self) -> str:
        return json.dumps(
            {
                "relay": asdict(self.relay),
                "turn": asdict(self.turn) if self.turn is not None else None,
                "writer_id": self.writer_id,
                "reason": self.reason,
                "lore": list(self.lore),
            },
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, kind: str, payload: str) -> Notice:
        if kind not in NOTICE_KINDS:
            raise ValueError(f"unknown relay notice {kind!r}")
        values: dict[str, Any] = json.loads(payload)
        turn = values["turn"]
        return cls(
            cast(NoticeKind, kind),
            RelayRecord(**values["relay"]),
            TurnRecord(**turn) if turn is not None else None,
            values["writer_id"],
            values["reason"],
            tuple(values.get("lore", ())),  # notices queued before lore have none
        )


def turn_started(relay: RelayRecord) -> Notice:
    return Notice("turn_started", relay)


def turn_reminder(relay: RelayRecord) -> Notice:
    return Notice("turn_reminder", relay)


def turn_written(relay: RelayRecord, turn: TurnRecord, lore: Sequence[str] = ()) -> Notice:
    return Notice("turn_written", relay, turn=turn, lore=tuple(lore))


def turn_skipped(relay: RelayRecord, writer_id: int | None, reason: SkipReason) -> Notice:
    return Notice("turn_skipped", relay, writer_id=writer_id, reason=reason)


def turn_undone(relay: RelayRecord, turn: TurnRecord) -> Notice:
    return Notice("turn_undone", relay, turn=turn)


def waiting_for_writers(relay: RelayRecord) -> Notice:
    return Notice("waiting_for_writers", relay)


def relay_paused(relay: RelayRecord, reason: PauseReason) -> Notice:
    return Notice("relay_paused", relay, reason=reason)


def relay_resumed(relay: RelayRecord) -> Notice:
    return Notice("relay_resumed", relay)


def relay_ended(relay: RelayRecord, reason: EndReason) -> Notice:
    return Notice("relay_ended", relay, reason=reason)


def steering_changed(relay: RelayRecord, kind: SteeringKind, by: int) -> Notice:
    return Notice("steering_changed", relay, writer_id=by, reason=kind)


async def post(
    notifier: RelayNotifier, notice: Notice, key: NoticeKey, recap: Recap | None
) -> int | None:
    """Make the notifier call ``notice`` stands for; the id of the message that carried it."""
    relay = notice.relay
    match notice.kind:
        case "turn_started":
            assert recap is not None
            return await notifier.turn_started(relay, recap, key=key)
        case "turn_reminder":
            return await notifier.turn_reminder(relay, key=key)
        case "turn_written":
            assert notice.turn is not None
            return await notifier.turn_written(relay, notice.turn, key=key, lore=notice.lore)
        case "turn_skipped":
            reason = cast(SkipReason, notice.reason)
            return await notifier.turn_skipped(relay, notice.writer_id, reason, key=key)
        case "turn_undone":
            assert notice.turn is not None
            return await notifier.turn_undone(relay, notice.turn, key=key)
        case "waiting_for_writers":
            return await notifier.waiting_for_writers(relay, key=key)
        case "relay_paused":
            return await notifier.relay_paused(relay, cast(PauseReason, notice.reason), key=key)
        case "relay_resumed":
            return await notifier.relay_resumed(relay, key=key)
        case "relay_ended":
            return await notifier.relay_ended(relay, cast(EndReason, notice.reason), key=key)
        case "steering_changed":
            assert notice.writer_id is not None
            kind = cast(SteeringKind, notice.reason)
            return await notifier.steering_changed(relay, kind, notice.writer_id, key=key)
