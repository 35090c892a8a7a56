"""A backend that streams canned text at a steady pace, with no model behind it.

For measuring the bot's own overhead without a model server competing for the same two
CPU cores. Each stream generates one token every ``gap`` seconds (20 tokens/s per stream by
default, like a busy GPU server), ``tokens`` of them give or take ``spread``, so streams
that start together don't end together. Tokens are delivered as vLLM sends them with
``stream_interval`` set: the first at once, then in chunks of ``chunk``, the rest at the end.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field

from inkwell.bot.settings import LLMSettings
from inkwell.serving.backend import Delta, GenerationRequest


@dataclass
class PacedBackend:
    tokens: int = 40
    spread: float = 0.5
    gap: float = 0.05
    chunk: int = field(default_factory=lambda: LLMSettings().stream_interval)
    seed: int = 7
    _lengths: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._lengths = random.Random(self.seed)

    @property
    def name(self) -> str:
        return f"paced:{1 / self.gap:.0f} tok/s in chunks of {self.chunk}"

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    def _length(self) -> int:
        low = max(1, round(self.tokens * (1 - self.spread)))
        return self._lengths.randint(low, round(self.tokens * (1 + self.spread)))

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        async for delta in self.deltas(request.sampling.n, self.chunk):
            yield delta

    async def deltas(self, variants: int, chunk: int) -> AsyncGenerator[Delta, None]:
        """``variants`` pieces one after another, delivered ``chunk`` tokens at a time."""
        for index in range(variants):
            length = self._length()
            sizes = [1] + [chunk] * ((length - 1) // chunk)
            if sum(sizes) < length:
                sizes.append(length - sum(sizes))
            for number, size in enumerate(sizes):
                await asyncio.sleep(self.gap * size)
                if number < len(sizes) - 1:
                    yield Delta(index, "word " * size)
                else:
                    yield Delta(index, "end.", "length")
