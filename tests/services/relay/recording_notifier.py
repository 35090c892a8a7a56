"""A RelayNotifier that writes down what the service told the thread.

It behaves like a thread with message ids: every notice it records gets a message id, and
a notice whose key says it may have been posted already is looked up by its key first (the
way Discord's nonce, or the bot reading the thread back, finds it) instead of being posted
again. A test makes the process "die" around a post with :attr:`RecordingNotifier.die`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from inkwell.bot.services.relay import Recap, RelayChannelGone, RelayRecord, TurnRecord
from inkwell.bot.services.relay.notifier import NoticeKey


class ProcessDied(BaseException):
    """The process stopped dead: nothing after this point ran (not an error anyone catches)."""


@dataclass(frozen=True)
class Notice:
    event: str
    relay: RelayRecord
    details: tuple[Any, ...] = ()
    key: NoticeKey | None = None
    message_id: int = 0


# When the next post "kills the process": before it reaches the thread, or after.
DeathPoint = Literal["before_post", "after_post"]


@dataclass
class RecordingNotifier:
    notices: list[Notice] = field(default_factory=list)
    # Set to make every notice fail as if the thread had been deleted.
    thread_gone: bool = False
    calls_after_gone: int = 0
    # Set to make every notice fail with this error (the thread is there, the send is not).
    failing: Exception | None = None
    # Set to make the next post kill the process, before or after it reaches the thread.
    die: DeathPoint | None = None
    # Notices asked for with key.maybe_sent that were found already posted.
    found_posted: list[NoticeKey] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _record(self, event: str, relay: RelayRecord, *details: Any, key: NoticeKey) -> int:
        if self.thread_gone:
            self.calls_after_gone += 1
            raise RelayChannelGone(relay.thread_id)
        if self.failing is not None:
            raise self.failing
        if key.maybe_sent:
            for earlier in self.notices:
                if earlier.key is not None and earlier.key.id == key.id:
                    self.found_posted.append(key)
                    return earlier.message_id
        if self.die == "before_post":
            self.die = None
            raise ProcessDied
        notice = Notice(event, relay, details, key, next(self._ids))
        self.notices.append(notice)
        if self.die == "after_post":
            self.die = None
            raise ProcessDied
        return notice.message_id

    async def turn_started(self, relay: RelayRecord, recap: Recap, *, key: NoticeKey) -> int:
        return self._record("turn_started", relay, recap, key=key)

    async def turn_reminder(self, relay: RelayRecord, *, key: NoticeKey) -> int:
        return self._record("turn_reminder", relay, key=key)

    async def turn_written(
        self, relay: RelayRecord, turn: TurnRecord, *, key: NoticeKey, lore: Sequence[str] = ()
    ) -> int:
        return self._record("turn_written", relay, turn, tuple(lore), key=key)

    async def turn_skipped(
        self, relay: RelayRecord, writer_id: int | None, reason: str, *, key: NoticeKey
    ) -> int:
        return self._record("turn_skipped", relay, writer_id, reason, key=key)

    async def turn_undone(self, relay: RelayRecord, turn: TurnRecord, *, key: NoticeKey) -> int:
        return self._record("turn_undone", relay, turn, key=key)

    async def waiting_for_writers(self, relay: RelayRecord, *, key: NoticeKey) -> int:
        return self._record("waiting_for_writers", relay, key=key)

    async def relay_paused(self, relay: RelayRecord, reason: str, *, key: NoticeKey) -> int:
        return self._record("relay_paused", relay, reason, key=key)

    async def relay_resumed(self, relay: RelayRecord, *, key: NoticeKey) -> int:
        return self._record("relay_resumed", relay, key=key)

    async def relay_ended(self, relay: RelayRecord, reason: str, *, key: NoticeKey) -> int:
        return self._record("relay_ended", relay, reason, key=key)

    async def steering_changed(
        self, relay: RelayRecord, kind: str, by: int, *, key: NoticeKey
    ) -> int:
        return self._record("steering_changed", relay, kind, by, key=key)

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
