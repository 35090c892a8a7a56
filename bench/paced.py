"""A backend that streams canned text at a steady pace, with no model behind it.

For measuring the bot's own overhead without a model server competing for the same two
CPU cores: each stream yields ``tokens`` pieces, one every ``gap`` seconds, like a busy
GPU server would (20 tokens/s per stream by default).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass

from serving.backend import Delta, GenerationRequest


@dataclass
class PacedBackend:
    tokens: int = 40
    gap: float = 0.05

    @property
    def name(self) -> str:
        return f"paced:{1 / self.gap:.0f} tok/s"

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        for index in range(request.sampling.n):
            for position in range(self.tokens):
                await asyncio.sleep(self.gap)
                last = position == self.tokens - 1
                yield Delta(index, "word " if not last else "end.", "length" if last else None)
