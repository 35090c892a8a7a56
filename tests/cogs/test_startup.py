"""What loading the bot's features sets up beyond the cogs."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from inkwell.bot.app import InkwellBot
from inkwell.bot.garbage_collection import THRESHOLDS
from inkwell.bot.runtime import Services
from inkwell.bot.settings import Settings
from tests.harness import prepare_offline


@pytest.fixture
def python_defaults() -> Iterator[None]:
    """CPython's own collector settings for the test, whatever earlier tests set."""
    before = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


async def test_loading_freezes_startup_objects_and_spaces_out_middle_collections(
    settings: Settings, services: Services, python_defaults: None
) -> None:
    bot = InkwellBot(settings, services=services)
    await prepare_offline(bot)
    assert gc.get_freeze_count() == 0

    await bot.load_features()

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == THRESHOLDS
    assert THRESHOLDS[1] > 10
    bot._services = None
    await bot.close()
    await asyncio.sleep(0)
