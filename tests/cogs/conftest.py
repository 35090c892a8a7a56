"""Inkwell's own bot, offline, with scripted model output, inside the interaction harness."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inkwell.bot.plugin import configure
from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.settings import Settings
from tests.cogs.host import HostBot
from tests.fakes import ScriptedBackend
from tests.harness import Harness, prepare_offline
from tests.harness.recorder import Recorder


@pytest.fixture
def backend() -> ScriptedBackend:
    return ScriptedBackend(["Snow ", "on ", "the ", "pine."])


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database=tmp_path / "inkwell.sqlite3",
        limits={"cooldown_seconds": 0},
    )


@pytest.fixture
async def services(settings: Settings, backend: ScriptedBackend) -> AsyncIterator[Services]:
    services = await open_services(settings, backend=backend)
    yield services
    await services.close()


@pytest.fixture
async def inkwell(settings: Settings, services: Services) -> AsyncIterator[Harness]:
    """The harness around a bot owner's bot with every Inkwell feature loaded (no login).

    The host allows every ping, so each of Inkwell's sends must say whom it may ping.
    """
    bot = HostBot()
    configure(bot, settings=settings, services=services)
    await prepare_offline(bot)
    await bot.load_extension("inkwell.cogs")
    async with Harness(bot) as harness:
        # A new server's default filters are written and compiled on its first check, which
        # is longer than the harness's idea of "idle"; tests that dispatch with wait=False
        # would see nothing yet. The defaults themselves are tested in the services' tests.
        await services.filters.config(harness.guild.id)
        yield harness
        pinging = [
            event
            for event in harness.recorder.events
            if event.kind in Recorder.MESSAGE_KINDS and not event.pings_nobody
        ]
        assert pinging == [], "an interaction reply could ping someone"
    await bot.close()
    await asyncio.sleep(0)
