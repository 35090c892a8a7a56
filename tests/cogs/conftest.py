"""Inkwell's own bot, offline, with scripted model output, inside the interaction harness."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inkwell.bot.app import InkwellBot
from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.settings import Settings
from tests.fakes import ScriptedBackend
from tests.harness import Harness, prepare_offline


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
    """The harness around an InkwellBot with every cog loaded (no login, no sync)."""
    bot = InkwellBot(settings, services=services)
    await prepare_offline(bot)
    await bot.load_features()
    async with Harness(bot) as harness:
        yield harness
    await bot.close()
    await asyncio.sleep(0)
