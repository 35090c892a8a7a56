"""What one interaction did: its events, live, with the questions tests ask of them.

:class:`InteractionEvents` is what every ``Harness`` call that runs an interaction returns.
It reads the recorder afresh on each access, so a followup sent after the call returned
(a background task, a later click's edit) shows up too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import discord

from tests.harness.recorder import Recorder
from tests.harness.records import Event, RecordedMessage


class InteractionEvents(Sequence[Event]):
    """The events of one interaction, live: events recorded later show up here too."""

    def __init__(
        self, recorder: Recorder, token: str, interaction: discord.Interaction[Any] | None
    ) -> None:
        self._recorder = recorder
        self.token = token
        self._interaction = interaction

    @property
    def interaction(self) -> discord.Interaction[Any]:
        if self._interaction is None:
            raise LookupError("discord.py never produced an Interaction for this payload")
        return self._interaction

    def _events(self) -> list[Event]:
        return self._recorder.events_for(self.token)

    def __getitem__(self, index: Any) -> Any:
        return self._events()[index]

    def __len__(self) -> int:
        return len(self._events())

    def __iter__(self) -> Iterator[Event]:
        return iter(self._events())

    def __repr__(self) -> str:
        lines = [f"{e.kind}: {e.content!r}" if e.sets_content else e.kind for e in self]
        return f"<InteractionEvents {lines}>"

    def kinds(self) -> list[str]:
        return [event.kind for event in self]

    def of_kind(self, *kinds: str) -> list[Event]:
        return [event for event in self if event.kind in kinds]

    def first(self, *kinds: str) -> Event:
        found = self.of_kind(*kinds) if kinds else list(self)
        if not found:
            raise AssertionError(f"no {' or '.join(kinds) or 'event'} in {self!r}")
        return found[0]

    def last(self, *kinds: str) -> Event:
        found = self.of_kind(*kinds) if kinds else list(self)
        if not found:
            raise AssertionError(f"no {' or '.join(kinds) or 'event'} in {self!r}")
        return found[-1]

    def contents(self) -> list[str]:
        """Every content the bot sent, in order."""
        return [event.content for event in self if event.content is not None]

    def last_content(self) -> str | None:
        contents = self.contents()
        return contents[-1] if contents else None

    def ephemeral(self) -> bool:
        """Whether the answer (the response, or the thinking defer) was visible only to the
        member who ran the command. Followups carry their own ``Event.ephemeral``."""
        answer = self.first("response", "defer")
        return answer.ephemeral

    def modal(self) -> Event:
        return self.last("modal")

    def messages(self) -> list[RecordedMessage]:
        """The messages this interaction created and that still exist, oldest first."""
        return self._recorder.messages_for(self.token)

    def original(self) -> RecordedMessage:
        record = self._recorder.interactions[self.token]
        if record.original_id is None:
            raise AssertionError(f"the interaction was never answered: {self!r}")
        return self._recorder.messages[record.original_id]

    def followups(self) -> list[RecordedMessage]:
        return [message for message in self.messages() if not message.is_original]

    def pings_nobody(self) -> bool:
        """Whether every message-bearing call sent ``allowed_mentions`` that pings no one."""
        return all(event.pings_nobody for event in self if event.kind in Recorder.MESSAGE_KINDS)

    @property
    def failed(self) -> bool:
        """discord.py's ``Interaction.command_failed`` (a check or the command raised)."""
        return self.interaction.command_failed


__all__ = ["InteractionEvents"]
