"""The relay's buttons (Join, Leave, Write, Export), its Write modal, and its embeds.

Buttons are :class:`discord.ui.DynamicItem` s whose custom id names the action and the
relay's thread (``relay:join:<thread id>``), so they keep working on old messages and after
a restart; the cog registers :class:`RelayButton` once. The handlers here are shared by the
buttons and the matching slash commands: look up the service, call it, answer the member.
Errors go to :func:`inkwell.bot.ui.errors.report_error`, like every command's.
"""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable, Coroutine
from typing import Any, Final, Literal, cast

import discord

from inkwell.bot.services.relay import (
    Actor,
    Person,
    RelayOptions,
    RelayRecord,
    RelayService,
    RelayStatus,
    TooManyWords,
)
from inkwell.bot.services.relay.words import ordinal
from inkwell.bot.text.durations import exact_duration, rough_duration
from inkwell.bot.ui.context import context_of
from inkwell.bot.ui.errors import answering_errors, report_error
from inkwell.bot.ui.origin import origin_of
from inkwell.bot.ui.replies import NO_PINGS

RelayAction = Literal["join", "leave", "write", "export"]

# Discord's own limits for a modal.
MODAL_TITLE_MAX: Final = 45
TEXT_INPUT_MAX: Final = 4000
# A Write modal left open this long stops listening (Discord then shows "interaction failed").
MODAL_TIMEOUT_SECONDS: Final = 2 * 60 * 60
RELAY_COLOUR: Final = discord.Colour.teal()


# --- who, where, which service -------------------------------------------------------------


def relay_service(interaction: discord.Interaction) -> RelayService:
    return context_of(interaction.client).services.relay


def person_of(interaction: discord.Interaction) -> Person:
    return Person(interaction.user.id, interaction.user.display_name)


def actor_of(interaction: discord.Interaction) -> Actor:
    """The member, and whether they can manage threads here (a relay's moderators)."""
    return Actor(interaction.user.id, can_moderate=interaction.permissions.manage_threads)


# --- buttons ----------------------------------------------------------------------------------

_BUTTONS: Final[dict[RelayAction, tuple[str, discord.ButtonStyle]]] = {
    "join": ("Join", discord.ButtonStyle.success),
    "leave": ("Leave", discord.ButtonStyle.secondary),
    "write": ("Write", discord.ButtonStyle.primary),
    "export": ("Export", discord.ButtonStyle.secondary),
}


class RelayButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"relay:(?P<action>join|leave|write|export):(?P<thread>[0-9]+)",
):
    """One of a relay's buttons; which one, and for which relay, is in its custom id."""

    def __init__(self, action: RelayAction, thread_id: int) -> None:
        label, style = _BUTTONS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"relay:{action}:{thread_id}")
        )
        self.action: RelayAction = action
        self.thread_id = thread_id

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Button[discord.ui.View],
        match: re.Match[str],
        /,
    ) -> RelayButton:
        return cls(cast(RelayAction, match["action"]), int(match["thread"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await answering_errors(interaction, _ACTIONS[self.action](interaction, self.thread_id))


def relay_view(thread_id: int, *actions: RelayAction) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in actions:
        view.add_item(RelayButton(action, thread_id))
    return view


# --- what the buttons and commands do ----------------------------------------------------------


async def acting(interaction: discord.Interaction) -> None:
    """Acknowledge privately first: an action may post in the thread before it answers,
    and Discord wants an answer within three seconds."""
    await interaction.response.defer(ephemeral=True, thinking=True)


async def tell(interaction: discord.Interaction, message: str, **extra: Any) -> None:
    """The private answer to an acknowledged action."""
    await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS, **extra)


async def join_relay(interaction: discord.Interaction, thread_id: int) -> None:
    await acting(interaction)
    joined = await relay_service(interaction).join(thread_id, person_of(interaction))
    await tell(
        interaction,
        f"You're in: {ordinal(joined.place)} of {joined.writers} in the order. "
        "I'll ping you in the thread when it's your turn.",
    )


async def leave_relay(interaction: discord.Interaction, thread_id: int) -> None:
    await acting(interaction)
    await relay_service(interaction).leave(thread_id, interaction.user.id)
    await tell(interaction, "You've left the relay; your turns stay in the story.")


async def open_write_modal(
    interaction: discord.Interaction, thread_id: int, *, draft: str = ""
) -> None:
    """Show the Write modal, if it's this member's turn (else say whose it is)."""
    relay = await relay_service(interaction).check_turn(thread_id, interaction.user.id)
    await interaction.response.send_modal(WriteModal(relay, draft=draft))


async def post_export(interaction: discord.Interaction, thread_id: int) -> None:
    exported = await relay_service(interaction).export(thread_id)
    file = discord.File(io.BytesIO(exported.markdown.encode("utf-8")), filename=exported.filename)
    await interaction.response.send_message(
        "📜 The story so far, as Markdown:", file=file, allowed_mentions=NO_PINGS
    )


_ACTIONS: Final[
    dict[RelayAction, Callable[[discord.Interaction, int], Coroutine[Any, Any, None]]]
] = {
    "join": join_relay,
    "leave": leave_relay,
    "write": open_write_modal,
    "export": post_export,
}


async def answer_saved_turn(
    interaction: discord.Interaction, thread_id: int, text: str, expected_turn: int | None
) -> None:
    """Write the turn, then tell the writer it is saved (it is committed by then).

    Over the word limit, the text comes back to them whole, with a button to edit it.
    ``interaction`` must be deferred (ephemeral) already: posting the turn to the thread
    may take longer than Discord's three seconds.
    """
    try:
        turn = await relay_service(interaction).write_turn(
            thread_id,
            person_of(interaction),
            text,
            origin=origin_of(interaction),
            expected_turn=expected_turn,
        )
    except TooManyWords as error:
        await offer_to_trim(interaction, thread_id, text, str(error))
        return
    await tell(interaction, f"Saved: turn {turn.number}, {turn.words} words. It's in the thread.")


async def offer_to_trim(
    interaction: discord.Interaction, thread_id: int, text: str, problem: str
) -> None:
    kwargs: dict[str, Any] = {}
    if len(text) <= TEXT_INPUT_MAX:
        kwargs["view"] = DraftView(interaction.user.id, thread_id, text, label="Edit my text")
        problem += " Press **Edit my text** to trim it; nothing you wrote is lost."
    else:
        kwargs["file"] = discord.File(io.BytesIO(text.encode("utf-8")), filename="my-turn.txt")
        problem += " Your text is attached, so nothing is lost."
    await tell(interaction, problem, **kwargs)


class WriteModal(discord.ui.Modal):
    """The writer's turn. Its custom id is unique per opening, so two modals for one turn
    (a double click) both reach the service, which stores exactly one of them."""

    def __init__(self, relay: RelayRecord, *, draft: str = "") -> None:
        title = f"Turn {relay.turn}: {relay.title}"
        if len(title) > MODAL_TITLE_MAX:
            title = title[: MODAL_TITLE_MAX - 1] + "…"
        super().__init__(
            title=title,
            timeout=MODAL_TIMEOUT_SECONDS,
            custom_id=f"relay-write:{relay.thread_id}:{relay.turn}:{secrets.token_hex(4)}",
        )
        self.thread_id = relay.thread_id
        self.turn = relay.turn
        self.text: discord.ui.TextInput[WriteModal] = discord.ui.TextInput(
            label=f"Your turn, up to {relay.max_words} words",
            style=discord.TextStyle.paragraph,
            default=draft or None,
            min_length=1,
            max_length=TEXT_INPUT_MAX,
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await acting(interaction)
        await answer_saved_turn(interaction, self.thread_id, self.text.value, self.turn)

    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report_error(interaction, error)


class DraftView(discord.ui.View):
    """One button that reopens the Write modal with what the member wrote before
    ("Edit my text" after a refusal, "Write" after taking a turn back)."""

    def __init__(self, owner_id: int, thread_id: int, text: str, *, label: str) -> None:
        super().__init__(timeout=15 * 60)
        self.owner_id = owner_id
        self.thread_id = thread_id
        self.draft = text
        self.edit.label = label

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="Edit", style=discord.ButtonStyle.primary)
    async def edit(
        self, interaction: discord.Interaction, button: discord.ui.Button[DraftView]
    ) -> None:
        await open_write_modal(interaction, self.thread_id, draft=self.draft)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await report_error(interaction, error)


# --- embeds -----------------------------------------------------------------------------------

_MODEL_ROLES: Final = {
    "off": "doesn't write turns",
    "each_round": "writes a turn after each round",
    "on_timeout": "writes the turns whose time runs out",
}


def premise_embed(options: RelayOptions, starter: str) -> discord.Embed:
    embed = discord.Embed(
        title=options.title,
        description=options.premise or "*No premise: the first writer sets the scene.*",
        colour=RELAY_COLOUR,
    )
    for name, value in (("Genre", options.genre), ("Tone", options.tone)):
        if value:
            embed.add_field(name=name, value=value)
    model = _MODEL_ROLES[options.ai_turns]
    if options.ai_opening:
        model = (
            f"writes the opening and {model}" if options.ai_turns != "off" else "writes the opening"
        )
    embed.add_field(
        name="How it goes",
        value=(
            f"Up to {options.max_writers} writers take turns in "
            f"{'join' if options.order == 'join' else 'a random'} order; "
            f"{exact_duration(options.turn_minutes * 60)} and up to "
            f"{options.max_words} words per turn. "
            f"The model {model}."
        ),
        inline=False,
    )
    embed.set_footer(text=f"Started by {starter} · press Join to write")
    return embed


_STATES: Final = {
    "gathering": "Waiting for writers",
    "active": "Running",
    "paused": "Paused",
    "ended": "Ended",
}


def status_embed(status: RelayStatus) -> discord.Embed:
    relay = status.relay
    embed = discord.Embed(title=relay.title, description=_STATES[relay.status], colour=RELAY_COLOUR)
    lines = [f"{number}. <@{writer.user_id}>" for number, writer in enumerate(status.order, 1)]
    if relay.ai_turns == "each_round":
        lines.append("🤖 Inkwell, after each round")
    embed.add_field(name="Order", value="\n".join(lines) or "Nobody yet: press Join.", inline=False)
    if relay.status in ("active", "paused"):
        if relay.model_turn:
            now = f"🤖 Inkwell is writing turn {relay.turn}."
        elif relay.writer_id is not None:
            left = (
                f", {rough_duration(status.seconds_left)} left"
                if status.seconds_left is not None
                else ""
            )
            now = f"Turn {relay.turn}: <@{relay.writer_id}>{left}."
        else:
            now = f"Turn {relay.turn}."
        embed.add_field(name="Whose turn", value=now, inline=False)
    embed.add_field(
        name="So far", value=f"{status.turns_written} turns, {status.words} words", inline=False
    )
    if status.memory is not None:
        memory = status.memory
        if memory != relay.memory:
            memory += "\n*The whole memory: `/relay memory`*"
        embed.add_field(name="Memory", value=memory, inline=False)
    if status.note is not None:
        embed.add_field(name="Author's note", value=status.note, inline=False)
    embed.set_footer(
        text=f"{exact_duration(relay.turn_seconds)} and up to {relay.max_words} words per turn"
    )
    return embed
