"""EarlyStart: the first item is fetched before anyone asks, and nothing leaks if nobody does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from inkwell.bot.ui.prefetch import EarlyStart


class Source:
    def __init__(self, items: list[str]) -> None:
        self.items = items
        self.started = asyncio.Event()
        self.closed = False

    async def stream(self) -> AsyncGenerator[str, None]:
        self.started.set()
        try:
            for item in self.items:
                await asyncio.sleep(0)
                yield item
        finally:
            self.closed = True


async def test_the_first_item_is_fetched_before_iteration_begins() -> None:
    source = Source(["a", "b"])
    early = EarlyStart(source.stream())
    await asyncio.wait_for(source.started.wait(), timeout=1)  # nobody iterates yet
    assert [item async for item in early.items()] == ["a", "b"]
    assert source.closed


async def test_an_empty_source_yields_nothing() -> None:
    source = Source([])
    assert [item async for item in EarlyStart(source.stream()).items()] == []
    assert source.closed


async def test_cancelling_closes_the_source() -> None:
    source = Source(["a", "b"])
    early = EarlyStart(source.stream())
    await asyncio.wait_for(source.started.wait(), timeout=1)
    await early.cancel()
    assert source.closed
