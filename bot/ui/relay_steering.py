"""/relay memory and /relay note in Discord: setting either, and the box that edits it.

Given text, the command sets it. Without, it opens a box holding what the relay has now
(a slash command's option is one line; a memory is often several): edited and sent, that
is the new text, sent empty it clears. Text the service refuses (too long, not allowed by
the content filter) comes back with **Edit my text**, so nothing the member wrote is lost.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Final

import discord

from inkwell.bot.errors import Blocked, InvalidInput
from inkwell.bot.services.relay.models import MEMORY_MAX, NOTE_MAX, SteeringKind
from inkwell.bot.services.relay.steering import confirmation
from inkwell.bot.ui.errors import report_error
from inkwell.bot.ui.origin import origin_of
from inkwell.bot.ui.relay_views import (
    MODAL_TIMEOUT_SECONDS,
    TEXT_INPUT_MAX,
    acting,
    actor_of,
    relay_service,
    tell,
)


@dataclass(frozen=True, slots=True)
class _Box:
    name: str  # the box's title: "This relay's memory"
    limit: int
    label: str  # Discord allows 45 characters
    placeholder: str  # and 100 here
    style: discord.TextStyle


_BOXES: Final[dict[SteeringKind, _Box]] = {
    "memory": _Box(
        "Memory",
        MEMORY_MAX,
        "What must always stay true in this story",
        "Names, places, facts the model must keep to. Sent empty, it clears.",
        discord.TextStyle.paragraph,
    ),
    "note": _Box(
        "Author's note",
        NOTE_MAX,
        "One line that steers the next turns",
        "Tone, pacing: “keep it light”, “slow down”. Sent empty, it clears.",
        discord.TextStyle.short,
    ),
}


async def answer_steering(
    interaction: discord.Interaction, thread_id: int, kind: SteeringKind, text: str
) -> None:
    """Set the relay's memory or note to ``text`` and tell the member (``interaction`` is
    deferred already); refused text comes back to them with a button to edit it."""
    service = relay_service(interaction)
    setter = service.set_memory if kind == "memory" else service.set_note
    try:
        stored = await setter(thread_id, actor_of(interaction), text, origin=origin_of(interaction))
    except (InvalidInput, Blocked) as refused:
        await tell(
            interaction,
            f"{refused} Press **Edit my text** to change it; nothing you wrote is lost.",
            view=SteeringDraftView(interaction.user.id, thread_id, kind, text),
        )
        return
    await tell(interaction, confirmation(kind, stored))


async def open_steering_box(
    interaction: discord.Interaction, thread_id: int, kind: SteeringKind, *, draft: str | None
) -> None:
    """Show the box with ``draft``, or what the relay holds now, if the member may set it
    (else say why, before they type anything)."""
    relay = await relay_service(interaction).check_steering(thread_id, actor_of(interaction))
    if draft is None:
        draft = relay.memory if kind == "memory" else relay.note
    await interaction.response.send_modal(SteeringModal(thread_id, kind, draft))


class SteeringModal(discord.ui.Modal):
    """The relay's memory or author's note, to edit; its custom id is unique per opening."""

    def __init__(self, thread_id: int, kind: SteeringKind, text: str) -> None:
        box = _BOXES[kind]
        super().__init__(
            title=f"This relay's {box.name.lower()}",
            timeout=MODAL_TIMEOUT_SECONDS,
            custom_id=f"relay-{kind}:{thread_id}:{secrets.token_hex(4)}",
        )
        self.thread_id = thread_id
        self.kind: SteeringKind = kind
        self.text: discord.ui.TextInput[SteeringModal] = discord.ui.TextInput(
            label=box.label,
            style=box.style,
            placeholder=box.placeholder,
            default=text or None,
            required=False,
            # Refused text comes back whole even when it is over the limit.
            max_length=min(max(box.limit, len(text)), TEXT_INPUT_MAX),
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await acting(interaction)
        await answer_steering(interaction, self.thread_id, self.kind, self.text.value)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report_error(interaction, error)


class SteeringDraftView(discord.ui.View):
    """**Edit my text**: the box again, holding what the member wrote before."""

    def __init__(self, owner_id: int, thread_id: int, kind: SteeringKind, text: str) -> None:
        super().__init__(timeout=15 * 60)
        self.owner_id = owner_id
        self.thread_id = thread_id
        self.kind: SteeringKind = kind
        self.draft = text

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="Edit my text", style=discord.ButtonStyle.primary)
    async def edit(
        self, interaction: discord.Interaction, button: discord.ui.Button[SteeringDraftView]
    ) -> None:
        await open_steering_box(interaction, self.thread_id, self.kind, draft=self.draft)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await report_error(interaction, error)
