"""The compiled-filter cache: compiled once per guild, off the event loop, never stale."""

from __future__ import annotations

import asyncio
import threading

import pytest

from inkwell.bot.records.filters import FilterConfig
from inkwell.bot.services.filters.compiled import FilterCache, GuildFilters
from inkwell.bot.services.filters.rules import MAX_KEYWORDS, MAX_REGEXES
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.filters import FilterRepository
from tests.services.filters.conftest import GUILD, MOD


class CountingCompile:
    """Stands in for GuildFilters.compile, remembering on which thread each compile ran."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def __call__(self, config: FilterConfig) -> GuildFilters:
        self.threads.append(threading.get_ident())
        return REAL_COMPILE(config)


REAL_COMPILE = GuildFilters.compile


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> CountingCompile:
    counting = CountingCompile()
    monkeypatch.setattr(GuildFilters, "compile", counting)
    return counting


@pytest.fixture
def repository(database: Database) -> FilterRepository:
    return FilterRepository(database)


async def add_word(repository: FilterRepository, cache: FilterCache, word: str) -> None:
    """What /filters add does once it has checked the rule: store it, invalidate the guild."""
    await repository.add_rule(
        GUILD, kind="word", pattern=word, action="block", applies_to="both",
        category="custom", created_by=MOD, max_keywords=MAX_KEYWORDS, max_regexes=MAX_REGEXES,
    )  # fmt: skip
    cache.invalidate(GUILD)


async def test_members_asking_at_once_share_one_compile_made_off_the_event_loop(
    repository: FilterRepository, compiles: CountingCompile
) -> None:
    cache = FilterCache(repository)

    results = await asyncio.gather(*(cache.get(GUILD) for _ in range(5)))

    assert len({id(result) for result in results}) == 1
    assert len(compiles.threads) == 1
    assert compiles.threads[0] != threading.get_ident()
    assert await cache.get(GUILD) is results[0]
    assert len(compiles.threads) == 1


async def test_a_change_during_a_compile_is_seen_by_every_check_asked_after_it(
    repository: FilterRepository, compiles: CountingCompile, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = FilterCache(repository)
    await cache.get(GUILD)  # the defaults are in place; the next read is a plain one
    cache.invalidate(GUILD)
    reading, release = asyncio.Event(), asyncio.Event()
    config = repository.config

    async def slow_read(guild_id: int) -> FilterConfig:
        result = await config(guild_id)
        reading.set()
        await release.wait()
        return result

    monkeypatch.setattr(repository, "config", slow_read)
    waiting = asyncio.create_task(cache.get(GUILD))
    await reading.wait()
    monkeypatch.setattr(repository, "config", config)
    await add_word(repository, cache, "forbidden")
    asked_after_the_change = asyncio.create_task(cache.get(GUILD))
    await asyncio.sleep(0)
    release.set()

    stale = await waiting
    fresh = await asked_after_the_change

    assert stale.matcher.scan("forbidden").matches == ()
    assert [match.rule.pattern for match in fresh.matcher.scan("forbidden").matches] == [
        "forbidden"
    ]
    assert await cache.get(GUILD) is fresh


async def test_one_cancelled_command_does_not_cancel_the_compile_others_wait_for(
    repository: FilterRepository, compiles: CountingCompile
) -> None:
    cache = FilterCache(repository)
    impatient = asyncio.create_task(cache.get(GUILD))
    patient = asyncio.create_task(cache.get(GUILD))
    await asyncio.sleep(0)
    impatient.cancel()

    compiled = await patient

    assert impatient.cancelled()
    assert await cache.get(GUILD) is compiled
    assert len(compiles.threads) == 1
