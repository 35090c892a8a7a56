"""A bot owner's own discord.py bot, the kind Inkwell's cogs are loaded into in these tests.

It allows every ping and has its own command and tree error handler, so a test sees at once
if Inkwell leaned on its own bot's defaults (``AllowedMentions.none()``) or replaced anything
of the host's.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands


class HostBot(commands.Bot):
    """A bot owner's bot: pings allowed, its own commands and its own tree error handler."""

    def __init__(self) -> None:
        super().__init__(
            command_prefix="!",
            intents=discord.Intents.default(),
            allowed_mentions=discord.AllowedMentions.all(),
        )
        self.tree_errors: list[app_commands.AppCommandError] = []

        @self.tree.command(description="The host's own command")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong")

        @self.tree.error
        async def on_tree_error(
            interaction: discord.Interaction, error: app_commands.AppCommandError
        ) -> None:
            self.tree_errors.append(error)
