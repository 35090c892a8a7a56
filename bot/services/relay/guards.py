"""Who may do what, and when: the refusals a member hears, as plain checks."""

from __future__ import annotations

from collections.abc import Iterable

from inkwell.bot.services.relay.errors import NotAllowed, NotYourTurn, RelayClosed
from inkwell.bot.services.relay.models import Actor, RelayRecord, WriterRecord


def check_writer(relay: RelayRecord, user_id: int, now: float) -> None:
    """Refuse unless ``user_id`` holds the current turn of a running relay."""
    if relay.status == "ended":
        raise RelayClosed("This relay has ended; /relay export has the story.")
    if relay.status == "paused":
        raise RelayClosed("This relay is paused until its starter or a moderator resumes it.")
    if relay.status == "gathering":
        raise RelayClosed("The relay hasn't begun: it starts once two writers have joined.")
    if relay.model_turn:
        raise NotYourTurn(None, None)
    if relay.writer_id != user_id:
        left = relay.turn_deadline - now if relay.turn_deadline is not None else None
        raise NotYourTurn(relay.writer_id, left)


def check_moderator(relay: RelayRecord, actor: Actor, what: str) -> None:
    """Pause, resume, end and kick are for the starter or anyone who can manage threads."""
    if actor.can_moderate or actor.user_id == relay.started_by:
        return
    raise NotAllowed(f"Only the relay's starter or someone who can manage threads can {what}.")


def check_steerer(
    relay: RelayRecord, actor: Actor, writers: Iterable[WriterRecord], what: str
) -> None:
    """The memory and the author's note are for the starter, its writers and moderators."""
    if actor.can_moderate or actor.user_id == relay.started_by:
        return
    if any(w.user_id == actor.user_id and w.status == "writing" for w in writers):
        return
    raise NotAllowed(
        f"Only the relay's starter, its writers or someone who can manage threads can {what}."
    )
