"""/relay: write a story together, one turn each, with the model as an optional co-author.

A thin adapter over :class:`~inkwell.bot.services.relay.RelayService`. ``/relay start`` runs in a
text channel and opens a public thread for the story; every other command runs inside that
thread (the thread *is* the relay). Buttons and the Write modal live in
:mod:`inkwell.bot.ui.relay_views`; what the service tells the thread, in
:mod:`inkwell.bot.ui.relay_notifier`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

import discord
from discord import app_commands
from discord.ext import commands

from inkwell.bot.errors import InvalidInput
from inkwell.bot.plugin import HostBot, add_feature, remove_feature
from inkwell.bot.services.relay import Place, RelayOptions, RelayService
from inkwell.bot.services.relay.models import (
    DEFAULT_MAX_WORDS,
    DEFAULT_MAX_WRITERS,
    DEFAULT_TURN_MINUTES,
    MEMORY_MAX,
    NOTE_MAX,
    PREMISE_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
    TURN_TEXT_MAX,
    AiTurns,
    SteeringKind,
    TurnOrder,
)
from inkwell.bot.ui.context import InkwellContext
from inkwell.bot.ui.errors import AnswersErrors
from inkwell.bot.ui.origin import origin_of
from inkwell.bot.ui.relay_notifier import DiscordRelayNotifier
from inkwell.bot.ui.relay_steering import answer_steering, open_steering_box
from inkwell.bot.ui.relay_views import (
    DraftView,
    RelayButton,
    acting,
    actor_of,
    answer_saved_turn,
    join_relay,
    leave_relay,
    person_of,
    post_export,
    premise_embed,
    relay_view,
    status_embed,
    tell,
)
from inkwell.bot.ui.replies import NO_PINGS

Title = app_commands.Range[str, 1, TITLE_MAX]
Premise = app_commands.Range[str, 1, PREMISE_MAX]
ShortText = app_commands.Range[str, 1, SHORT_TEXT_MAX]
TurnMinutes = app_commands.Range[int, 5, 10080]
MaxWords = app_commands.Range[int, 50, 1000]
MaxWriters = app_commands.Range[int, 2, 25]
TurnText = app_commands.Range[str, 1, TURN_TEXT_MAX]
MemoryText = app_commands.Range[str, 1, MEMORY_MAX]
NoteText = app_commands.Range[str, 1, NOTE_MAX]

log = logging.getLogger(__name__)

# How long unloading waits for the relay notices still owed (inkwell run exits within 10 s).
OUTBOX_FLUSH_SECONDS: Final = 3.0

# The longest a thread may sit idle before Discord hides it (a week): turns can be that long.
THREAD_ARCHIVE_MINUTES: Final = 10080


def thread_of(interaction: discord.Interaction) -> int:
    """The relay a command is about: the thread it runs in."""
    assert interaction.channel_id is not None  # the group is guild-only
    return interaction.channel_id


@app_commands.guild_only()
class Relay(
    AnswersErrors,
    commands.GroupCog,
    group_name="relay",
    group_description="Write a story together, one turn each",
):
    def __init__(self, bot: HostBot, inkwell: InkwellContext) -> None:
        self.bot = bot
        self.inkwell = inkwell

    @property
    def service(self) -> RelayService:
        return self.inkwell.services.relay

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RelayButton)
        # Re-arm every running relay's timers; a deadline missed while offline fires now.
        await self.service.open(DiscordRelayNotifier(self.bot))

    async def cog_unload(self) -> None:
        # What threads are still owed goes out while the bot can post; what cannot in
        # time stays in the outbox for the next start.
        try:
            async with asyncio.timeout(OUTBOX_FLUSH_SECONDS):
                await self.service.flush()
        except TimeoutError:
            log.warning("relay notices still owed at unload are kept for the next start")
        await self.service.close()  # no timer may post once the feature is gone
        self.bot.remove_dynamic_items(RelayButton)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        await self.service.thread_gone(payload.thread_id)

    @app_commands.command(name="start", description="Start a relay story in a new thread")
    @app_commands.describe(
        title="The story's title (also the thread's name)",
        premise="Where the story starts: a situation, a character, a first line",
        genre="Genre, e.g. fantasy, noir, cosy mystery",
        tone="Tone, e.g. wry, hopeful, eerie",
        turn_minutes="Minutes each writer has for a turn (5 to 10080, a week)",
        max_words="Most words in one turn",
        ai_turns="When the model writes: never, after each round, or when a writer's time runs out",
        order="Turn order: as writers join, or shuffled once at the first turn",
        max_writers="Most writers who can join",
        ai_opening="Let the model write the opening passage",
    )
    @app_commands.checks.bot_has_permissions(
        create_public_threads=True, send_messages_in_threads=True
    )
    async def start(
        self,
        interaction: discord.Interaction,
        title: Title,
        premise: Premise | None = None,
        genre: ShortText | None = None,
        tone: ShortText | None = None,
        turn_minutes: TurnMinutes = DEFAULT_TURN_MINUTES,
        max_words: MaxWords = DEFAULT_MAX_WORDS,
        ai_turns: AiTurns = "off",
        order: TurnOrder = "join",
        max_writers: MaxWriters = DEFAULT_MAX_WRITERS,
        ai_opening: bool = False,
    ) -> None:
        channel = interaction.channel
        if not isinstance(channel, discord.TextChannel):
            raise InvalidInput("Start a relay in a text channel: it gets a thread of its own.")
        options = RelayOptions(
            title, premise, genre, tone, turn_minutes, max_words, ai_turns, order, max_writers,
            ai_opening,
        )  # fmt: skip
        draft = await self.service.prepare(options, origin_of(interaction))
        await interaction.response.defer(thinking=True)
        try:
            thread = await channel.create_thread(
                name=draft.options.title,
                type=discord.ChannelType.public_thread,
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                reason=f"Relay story started by {interaction.user}",
            )
        except discord.Forbidden as error:
            raise InvalidInput("I'm not allowed to create threads in this channel.") from error
        await thread.send(
            embed=premise_embed(draft.options, interaction.user.display_name),
            view=relay_view(thread.id, "join", "leave"),
            allowed_mentions=NO_PINGS,
        )
        place = Place(thread.id, interaction.guild_id, channel.id)
        await self.service.create(draft, place, person_of(interaction))
        await interaction.followup.send(
            f"📖 **{draft.options.title}** begins in {thread.mention}. "
            "Press **Join** to take turns; you're in already.",
            view=relay_view(thread.id, "join", "leave"),
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(
        name="join", description="Join this relay; you go to the end of the order"
    )
    async def join(self, interaction: discord.Interaction) -> None:
        await join_relay(interaction, thread_of(interaction))

    @app_commands.command(
        name="leave", description="Leave this relay; your turns stay in the story"
    )
    async def leave(self, interaction: discord.Interaction) -> None:
        await leave_relay(interaction, thread_of(interaction))

    @app_commands.command(name="write", description="Write your turn (or press Write)")
    @app_commands.describe(text="Your turn, within the relay's word limit")
    async def write(self, interaction: discord.Interaction, text: TurnText) -> None:
        # No check_turn first: a repeat of the turn just written finds the turn moved on,
        # and the service answers it with the stored turn (as it does the Write modal's).
        await acting(interaction)
        await answer_saved_turn(interaction, thread_of(interaction), text, None)

    @app_commands.command(name="pass", description="Pass your turn to the next writer")
    async def pass_turn(self, interaction: discord.Interaction) -> None:
        await acting(interaction)
        await self.service.pass_turn(thread_of(interaction), interaction.user.id)
        await tell(interaction, "Passed. The next writer has the turn.")

    @app_commands.command(name="status", description="The order, whose turn it is, time left")
    async def status(self, interaction: discord.Interaction) -> None:
        status = await self.service.status(thread_of(interaction))
        await interaction.response.send_message(
            embed=status_embed(status), ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(
        name="undo", description="Take back your last turn (within 5 minutes, before the next one)"
    )
    async def undo(self, interaction: discord.Interaction) -> None:
        thread_id = thread_of(interaction)
        await acting(interaction)
        taken_back = await self.service.undo(thread_id, interaction.user.id)
        await tell(
            interaction,
            f"Took back turn {taken_back.number}; it's your turn again. "
            "Press **Write** to start from what you had.",
            view=DraftView(interaction.user.id, thread_id, taken_back.text, label="Write"),
        )

    @app_commands.command(name="pause", description="Pause the relay (its starter or moderators)")
    async def pause(self, interaction: discord.Interaction) -> None:
        await acting(interaction)
        await self.service.pause(thread_of(interaction), actor_of(interaction))
        await tell(interaction, "Paused.")

    @app_commands.command(
        name="resume", description="Resume a paused relay (its starter or moderators)"
    )
    async def resume(self, interaction: discord.Interaction) -> None:
        await acting(interaction)
        await self.service.resume(thread_of(interaction), actor_of(interaction))
        await tell(interaction, "Resumed.")

    @app_commands.command(name="end", description="End the relay (its starter or moderators)")
    async def end(self, interaction: discord.Interaction) -> None:
        await acting(interaction)
        await self.service.end(thread_of(interaction), actor_of(interaction))
        await tell(interaction, "Ended. `/relay export` has the story any time.")

    @app_commands.command(
        name="kick", description="Remove a writer from the relay (its starter or moderators)"
    )
    @app_commands.describe(member="The writer to remove")
    async def kick(self, interaction: discord.Interaction, member: discord.Member) -> None:
        await acting(interaction)
        await self.service.kick(thread_of(interaction), actor_of(interaction), member.id)
        await tell(interaction, f"Removed {member.mention} from the order.")

    @app_commands.command(
        name="memory", description="What the model must always know about this story (its writers)"
    )
    @app_commands.describe(
        text="Facts that must not drift; clear clears it. Leave it out to edit the memory in a box"
    )
    async def memory(
        self, interaction: discord.Interaction, text: MemoryText | None = None
    ) -> None:
        await self._steer(interaction, "memory", text)

    @app_commands.command(
        name="note", description="An author's note that steers the model's next turns (its writers)"
    )
    @app_commands.describe(
        text="One line: tone, pacing (“keep it light”); clear clears it. Leave it out to edit it"
    )
    async def note(self, interaction: discord.Interaction, text: NoteText | None = None) -> None:
        await self._steer(interaction, "note", text)

    async def _steer(
        self, interaction: discord.Interaction, kind: SteeringKind, text: str | None
    ) -> None:
        if text is None:
            await open_steering_box(interaction, thread_of(interaction), kind, draft=None)
            return
        await acting(interaction)
        await answer_steering(interaction, thread_of(interaction), kind, text)

    @app_commands.command(name="export", description="The story so far as a Markdown file")
    async def export(self, interaction: discord.Interaction) -> None:
        await post_export(interaction, thread_of(interaction))


async def setup(bot: HostBot) -> None:
    await add_feature(bot, "relay", lambda inkwell: Relay(bot, inkwell))


async def teardown(bot: HostBot) -> None:
    await remove_feature(bot, "relay")
