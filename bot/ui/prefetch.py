"""Starting the model's stream while Discord is still being answered.

A command must acknowledge its interaction (a defer, one round trip to Discord) before it
can show anything; fetching the first item of the stream meanwhile puts that round trip
alongside the model's prefill instead of before it. It needs no discord.py, but it exists
for Discord's sake: only the defer's round trip makes a head start worth having.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Generic, TypeVar

T = TypeVar("T")


class EarlyStart(Generic[T]):
    """Begins fetching the first item of ``source`` now, so slow set-up elsewhere (Discord's
    defer, one round trip) overlaps with the model's prefill instead of preceding it.

    Iterate it with :meth:`items`, or :meth:`cancel` it if the consumer never comes.
    """

    def __init__(self, source: AsyncGenerator[T, None]) -> None:
        self._source = source
        self._first: asyncio.Task[T] = asyncio.ensure_future(anext(source))

    async def items(self) -> AsyncGenerator[T, None]:
        try:
            try:
                first = await self._first
            except StopAsyncIteration:
                return
            yield first
            async for item in self._source:
                yield item
        finally:
            await self.cancel()

    async def cancel(self) -> None:
        if not self._first.done():
            self._first.cancel()
        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration, Exception):
            await self._first
        await self._source.aclose()
