"""What Inkwell's own bot sets up beyond the plugin: the collector tuning, when asked for."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from inkwell.bot.app import InkwellBot
from inkwell.bot.garbage_collection import THRESHOLDS
from inkwell.bot.services.bundle import Services
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
    gc.unfreeze()


async def load(settings: Settings, services: Services) -> InkwellBot:
    bot = InkwellBot(settings, services=services)
    await prepare_offline(bot)
    await bot.load_features()
    return bot


@pytest.mark.usefixtures("python_defaults")
async def test_the_collector_is_left_alone_by_default(
    settings: Settings, services: Services
) -> None:
    bot = await load(settings, services)

    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == (700, 10, 10)
    await bot.close()
    await asyncio.sleep(0)


@pytest.mark.usefixtures("python_defaults")
async def test_tune_gc_freezes_startup_objects_and_spaces_out_middle_collections(
    settings: Settings, services: Services
) -> None:
    bot = await load(settings.model_copy(update={"tune_gc": True}), services)

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == THRESHOLDS
    assert THRESHOLDS[1] > 10
    await bot.close()
    await asyncio.sleep(0)


async def test_closing_the_bot_leaves_the_services_it_was_handed_open(
    settings: Settings, services: Services
) -> None:
    bot = await load(settings, services)
    await bot.close()

    assert await services.styles.forget(1) == 0
