"""A clean stop: SIGTERM (or SIGINT) turns new commands away, stops every stream keeping
what it wrote with a note why, posts what relay threads are owed, closes everything and
returns. The plugin's teardown stops streams the same way.

No Discord: :func:`serve_until_stopped` takes how to connect, and here the bot "connects"
offline, staying up until it is closed.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator

import pytest

from inkwell.bot.app import RESTARTING_REPLY, InkwellBot, serve_until_stopped
from inkwell.bot.services.bundle import Services
from inkwell.bot.settings import Settings
from inkwell.bot.ui.context import context_of
from tests.fakes import ScriptedBackend
from tests.harness import Harness


async def streaming(harness: Harness, pieces: int) -> None:
    """Wait until ``pieces`` pieces are streaming, each past its first words."""
    creations = context_of(harness.bot).creations
    async with asyncio.timeout(5):
        # Polled: nothing signals a piece's first edit.
        while len(creations.streaming()) < pieces or any(  # noqa: ASYNC110
            not piece.editor.text for piece in creations.streaming()
        ):
            await asyncio.sleep(0.01)


async def offline(bot: InkwellBot) -> None:
    """Stands in for ``bot.start(token)``: up until the bot is closed."""
    while not bot.is_closed():  # noqa: ASYNC110 (discord.py signals no close to wait for)
        await asyncio.sleep(0.01)


@pytest.fixture
async def own_bot(settings: Settings, services: Services) -> AsyncIterator[Harness]:
    """Inkwell's own bot (``inkwell run``'s), offline, inside the interaction harness."""
    bot = InkwellBot(settings, services=services)
    async with Harness(bot) as harness:
        await bot.load_features()
        yield harness
    await bot.close()


async def test_sigterm_stops_each_stream_keeping_its_text_and_returns(
    own_bot: Harness, backend: ScriptedBackend
) -> None:
    backend.pause = asyncio.Event()  # the model is mid-piece when the signal comes
    first = await own_bot.run_slash("story", prompt="a door", wait=False)
    second = await own_bot.run_slash("story", prompt="a window", wait=False)
    await streaming(own_bot, 2)
    serving = asyncio.create_task(serve_until_stopped(own_bot.bot, offline))
    await asyncio.sleep(0)  # the signal handlers are in place

    os.kill(os.getpid(), signal.SIGTERM)
    await serving

    for events in (first, second):
        assert "Snow" in events.last_content()  # what was written stays
        assert events.last_content().endswith("*(stopped: the bot is restarting)*")
    assert backend.closed_streams == 2
    assert own_bot.bot.is_closed()


async def test_a_command_that_comes_during_the_stop_is_turned_away(own_bot: Harness) -> None:
    own_bot.bot.stopping = True

    events = await own_bot.run_slash("story", prompt="a door")

    assert events.ephemeral()
    assert events.last_content() == RESTARTING_REPLY


async def test_without_a_signal_the_bot_runs_until_it_is_closed(own_bot: Harness) -> None:
    serving = asyncio.create_task(serve_until_stopped(own_bot.bot, offline))
    await asyncio.sleep(0.05)
    assert not serving.done()

    await own_bot.bot.close()
    await serving


async def test_unloading_the_plugin_stops_streams_the_same_way(
    inkwell: Harness, backend: ScriptedBackend
) -> None:
    backend.pause = asyncio.Event()
    events = await inkwell.run_slash("story", prompt="a door", wait=False)
    await streaming(inkwell, 1)

    await inkwell.bot.unload_extension("inkwell.cogs")

    assert "Snow" in events.last_content()
    assert events.last_content().endswith("*(stopped: the bot is restarting)*")
