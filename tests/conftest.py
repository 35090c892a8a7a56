"""Shared fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
from discord.ext import commands

from tests.harness import Harness, prepare_offline

# --- Discord: a bot that never connects, and the interaction harness around it ------------


@pytest.fixture
async def discord_bot() -> AsyncIterator[commands.Bot]:
    """A plain ``commands.Bot``, ready for interactions but never connected.

    Tests of a bot subclass build their own and pass it to ``Harness`` the same way.
    """
    bot = commands.Bot(command_prefix=commands.when_mentioned, intents=discord.Intents.default())
    await prepare_offline(bot)
    try:
        yield bot
    finally:
        await bot.close()


@pytest.fixture
async def harness(discord_bot: commands.Bot) -> AsyncIterator[Harness]:
    """Runs slash commands, clicks and modals through ``discord_bot`` and records the replies."""
    async with Harness(discord_bot) as running:
        yield running
