"""An offline InkwellBot inside the test harness, for driving real commands in benchmarks.

The bot is the real one (cogs, services, streaming editor); Discord is the recording
stand-in from tests/harness, so every number measures Inkwell's own code path.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from inkwell.bot.app import InkwellBot
from inkwell.bot.runtime import open_services
from inkwell.bot.services.bundle import Services
from inkwell.bot.settings import LimitSettings, LLMSettings, Settings, StreamSettings
from inkwell.serving.backend import Backend, Delta, GenerationRequest
from tests.harness import Harness, prepare_offline


@dataclass
class TimingBackend:
    """Wraps a backend and notes when each request is handed over for the server: the time
    and the member's message (and, with ``keep_requests``, the whole request)."""

    inner: Backend
    keep_requests: bool = False
    handed_over: list[tuple[float, str]] = field(default_factory=list)
    requests: list[GenerationRequest] = field(default_factory=list)
    _arrivals: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def wait_for(self, count: int) -> None:
        """Until ``count`` requests have been handed over."""
        async with self._arrivals:
            await self._arrivals.wait_for(lambda: len(self.handed_over) >= count)

    @property
    def name(self) -> str:
        return f"timed {self.inner.name}"

    async def start(self) -> None:
        await self.inner.start()

    async def close(self) -> None:
        await self.inner.close()

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        self.handed_over.append((time.perf_counter(), request.messages[-1].content))
        if self.keep_requests:
            self.requests.append(request)
        async with self._arrivals:
            self._arrivals.notify_all()
        async for delta in self.inner.stream(request):
            yield delta


def bench_settings(
    database: Path, *, base_url: str | None = None, model: str | None = None
) -> Settings:
    """Settings for load: no cooldown, no guild cap, greedy sampling for repeatable lengths."""
    llm = LLMSettings(temperature=0.0)
    if base_url is not None:
        llm = llm.model_copy(update={"backend": "openai", "base_url": base_url})
    if model is not None:
        llm = llm.model_copy(update={"model": model})
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database=database,
        limits=LimitSettings(cooldown_seconds=0, guild_concurrency=100_000),
        llm=llm,
        stream=StreamSettings(edit_interval=1.0),
    )


# ``python -m bench --gc cpython`` sets this: leave CPython's collector as it is instead of
# tuning it as ``inkwell run`` does with INKWELL_TUNE_GC=true (bot/garbage_collection.py),
# to measure what the tuning buys.
CPYTHON_GC_DEFAULTS = False


@asynccontextmanager
async def inkwell_rig(
    settings: Settings, backend: Backend
) -> AsyncIterator[tuple[Harness, Services]]:
    async with await open_services(settings, backend=backend) as services:
        bot = InkwellBot(
            settings.model_copy(update={"tune_gc": not CPYTHON_GC_DEFAULTS}), services=services
        )
        await prepare_offline(bot)
        await bot.load_features()
        try:
            async with Harness(bot, timeout=600.0, keep_history=False) as harness:
                yield harness, services
        finally:
            await bot.close()
        await services.close()
