"""A relay's memory and author's note: what its writers tell the model besides the story.

The memory holds what must stay true (the premise's facts, names, how the world works) and
goes into every prompt right after the relay's header; the author's note is one steering
line (tone, pacing, "keep it light") just before the request (see ``prompting.py``). The
starter, a writer or a moderator sets either. The text is screened like a turn (cleaned,
within its limit, allowed by the content filter) before the lock is taken, and who may set
it is checked again inside the change; empty text or "clear" clears it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from inkwell.bot.services.content_policy import ContentFilter
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.relay import outbox
from inkwell.bot.services.relay.changes import RelayChanges
from inkwell.bot.services.relay.errors import RelayClosed
from inkwell.bot.services.relay.guards import check_steerer
from inkwell.bot.services.relay.models import (
    CLEAR_WORD,
    MEMORY_MAX,
    NOTE_MAX,
    Actor,
    RelayRecord,
    SteeringKind,
    WriterRecord,
)
from inkwell.bot.text.cleaning import clean_text, normalize_text


@dataclass(frozen=True, slots=True)
class Steering:
    """One of the two texts: the relay's field, its name in a member's words, its limit."""

    field: SteeringKind
    name: str
    limit: int
    multiline: bool


MEMORY: Final = Steering("memory", "memory", MEMORY_MAX, multiline=True)
NOTE: Final = Steering("note", "author's note", NOTE_MAX, multiline=False)
STEERING: Final[dict[SteeringKind, Steering]] = {"memory": MEMORY, "note": NOTE}


def confirmation(kind: SteeringKind, stored: str) -> str:
    """What the member hears once the memory or the note is stored ("" is cleared)."""
    which = STEERING[kind]
    name = which.name[:1].upper() + which.name[1:]
    if not stored:
        return f"{name} cleared."
    return f"{name} set ({len(stored)}/{which.limit} characters)."


async def set_steering(
    changes: RelayChanges,
    content_filter: ContentFilter,
    thread_id: int,
    actor: Actor,
    which: Steering,
    text: str,
    *,
    origin: Origin | None,
) -> str:
    """Store ``text`` as the relay's memory or note (``which``); the text as stored, ""
    once cleared. A refusal (not allowed, too long, filtered) stores nothing."""
    relay = await check_steering(changes, thread_id, actor, which.name)
    cleaned = ""
    if normalize_text(text).casefold() != CLEAR_WORD:
        cleaned = clean_text(
            text,
            field=which.name,
            max_chars=which.limit,
            required=False,
            multiline=which.multiline,
        )
    if cleaned:
        asker = origin or Origin(actor.user_id, relay.guild_id, relay.thread_id)
        verdict = await content_filter.check_prompt(cleaned, asker)
        verdict.raise_if_blocked()
        cleaned = verdict.text
    async with changes.lock(relay.id), changes.changing(relay.id) as step:
        _check(step.relay, actor, await step.change.writers(), which.name)
        relay = step.relay
        before = relay.memory if which.field == "memory" else relay.note
        if cleaned != before:
            if which.field == "memory":
                relay = replace(relay, memory=cleaned)
            else:
                relay = replace(relay, note=cleaned)
            await step.change.save(relay)
            # The other writers hear of it in the thread: the model writes by it from now on.
            step.effects.notices.append(outbox.steering_changed(relay, which.field, actor.user_id))
    return cleaned


async def check_steering(
    changes: RelayChanges, thread_id: int, actor: Actor, what: str = "memory and author's note"
) -> RelayRecord:
    """The relay, if ``actor`` may set its ``what``; the reason why not if not."""
    relay = await changes.find(thread_id)
    _check(relay, actor, await changes.repository.writers(relay.id), what)
    return relay


def _check(relay: RelayRecord, actor: Actor, writers: list[WriterRecord], what: str) -> None:
    if relay.status == "ended":
        raise RelayClosed(f"This relay has ended; its {what} can't change any more.")
    check_steerer(relay, actor, writers, f"set its {what}")
