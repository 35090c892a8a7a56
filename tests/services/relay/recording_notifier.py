"""A RelayNotifier that writes down what the service told the thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from inkwell.bot.services.relay import Recap, RelayChannelGone, RelayRecord, TurnRecord


@dataclass(frozen=True)
class Notice:
    event: str
    relay: RelayRecord
    details: tuple[Any, ...] = ()


@dataclass
class RecordingNotifier:
    notices: list[Notice] = field(default_factory=list)
    # Set to make every notice fail as if the thread had been deleted.
    thread_gone: bool = False
    calls_after_gone: int = 0

    def _record(self, event: str, relay: RelayRecord, *details: Any) -> None:
        if self.thread_gone:
            self.calls_after_gone += 1
            raise RelayChannelGone(relay.thread_id)
        self.notices.append(Notice(event, relay, details))

    async def turn_started(self, relay: RelayRecord, recap: Recap) -> None:
        self._record("turn_started", relay, recap)

    async def turn_reminder(self, relay: RelayRecord) -> None:
        self._record("turn_reminder", relay)

    async def turn_written(self, relay: RelayRecord, turn: TurnRecord) -> None:
        self._record("turn_written", relay, turn)

    async def turn_skipped(self, relay: RelayRecord, writer_id: int | None, reason: str) -> None:
        self._record("turn_skipped", relay, writer_id, reason)

    async def turn_undone(self, relay: RelayRecord, turn: TurnRecord) -> None:
        self._record("turn_undone", relay, turn)

    async def waiting_for_writers(self, relay: RelayRecord) -> None:
        self._record("waiting_for_writers", relay)

    async def relay_paused(self, relay: RelayRecord, reason: str) -> None:
        self._record("relay_paused", relay, reason)

    async def relay_resumed(self, relay: RelayRecord) -> None:
        self._record("relay_resumed", relay)

    async def relay_ended(self, relay: RelayRecord, reason: str) -> None:
        self._record("relay_ended", relay, reason)

    # -- reading what happened --

    def events(self) -> list[str]:
        return [notice.event for notice in self.notices]

    def pings(self) -> list[int | None]:
        """Whose turn each turn notice announced, in order."""
        return [n.relay.writer_id for n in self.notices if n.event == "turn_started"]

    def last(self, event: str) -> Notice:
        found = [notice for notice in self.notices if notice.event == event]
        assert found, f"no {event} in {self.events()}"
        return found[-1]

    def skipped(self) -> list[tuple[Any, ...]]:
        return [n.details for n in self.notices if n.event == "turn_skipped"]

    def clear(self) -> None:
        self.notices.clear()
