"""The passage tools: Rewrite in my style, Continue, Describe and Give feedback.

Each is a message command (the *Apps* menu on any message) and a slash command that takes
the text, for mobile and the playground. A thin adapter over
:class:`~inkwell.bot.services.passages.PassageService`; the modal, the answer and its
buttons live in :mod:`inkwell.bot.ui.passage_views`.

discord.py cogs cannot declare context menus as methods: the cog makes them in
``__init__``, adds them to the bot's tree when it loads and takes them out when it unloads.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from inkwell.bot.plugin import HostBot, add_feature, remove_feature
from inkwell.bot.services.passages import MAX_INSTRUCTION_CHARS, MAX_PASSAGE_CHARS
from inkwell.bot.ui.context import InkwellContext
from inkwell.bot.ui.errors import AnswersErrors, report_error
from inkwell.bot.ui.passage_views import RewriteModal, answer, passage_of

Passage = app_commands.Range[str, 1, MAX_PASSAGE_CHARS]
Instruction = app_commands.Range[str, 1, MAX_INSTRUCTION_CHARS]

MessageCallback = Callable[[discord.Interaction, discord.Message], Coroutine[Any, Any, None]]


class Passages(AnswersErrors, commands.Cog):
    """Rewrite, Continue, Describe and Feedback, on a message or on text."""

    def __init__(self, bot: HostBot, inkwell: InkwellContext) -> None:
        self.bot = bot
        self.inkwell = inkwell
        callbacks: dict[str, MessageCallback] = {
            "Rewrite in my style": self.rewrite_message,
            "Continue": self.continue_message,
            "Describe": self.describe_message,
            "Give feedback": self.feedback_message,
        }
        self.menus = [
            app_commands.ContextMenu(name=name, callback=callback)
            for name, callback in callbacks.items()
        ]
        for menu in self.menus:
            # The menu's own handler, as the cog's commands have (cog_app_command_error).
            menu.error(report_error)

    async def cog_load(self) -> None:
        for menu in self.menus:
            self.bot.tree.add_command(menu)

    async def cog_unload(self) -> None:
        for menu in self.menus:
            self.bot.tree.remove_command(menu.name, type=menu.type)

    # -- the message commands --

    async def rewrite_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        await interaction.response.send_modal(RewriteModal(passage_of(message)))

    async def continue_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        await answer(interaction, "continue", passage_of(message))

    async def describe_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        await answer(interaction, "describe", passage_of(message))

    async def feedback_message(
        self, interaction: discord.Interaction, message: discord.Message
    ) -> None:
        await answer(interaction, "feedback", passage_of(message))

    # -- their slash twins --

    @app_commands.command(description="Three rewrites of your text in your style.")
    @app_commands.describe(
        text="The passage to rewrite",
        instruction="How, e.g. darker, half as long, in present tense",
    )
    async def rewrite(
        self,
        interaction: discord.Interaction,
        text: Passage,
        instruction: Instruction | None = None,
    ) -> None:
        await answer(interaction, "rewrite", text, instruction=instruction)

    @app_commands.command(name="continue-text", description="Continue your text in your style.")
    @app_commands.describe(text="The passage to continue")
    async def continue_text(self, interaction: discord.Interaction, text: Passage) -> None:
        await answer(interaction, "continue", text)

    @app_commands.command(description="Sensory details and a metaphor for your text.")
    @app_commands.describe(text="The passage to describe")
    async def describe(self, interaction: discord.Interaction, text: Passage) -> None:
        await answer(interaction, "describe", text)

    @app_commands.command(description="Short, kind feedback on your text.")
    @app_commands.describe(text="The passage to get feedback on")
    async def feedback(self, interaction: discord.Interaction, text: Passage) -> None:
        await answer(interaction, "feedback", text)


async def setup(bot: HostBot) -> None:
    await add_feature(bot, "passages", lambda inkwell: Passages(bot, inkwell))


async def teardown(bot: HostBot) -> None:
    await remove_feature(bot, "passages")
