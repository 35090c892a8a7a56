"""Throughput: N concurrent commands through Inkwell versus the same N requests sent
straight to the server with the openai client. Tokens come from vLLM's own counter."""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openai import AsyncOpenAI

from bench.metrics import GENERATION_TOKENS, delta, read_metrics
from bench.rig import TimingBackend, bench_settings, inkwell_rig
from inkwell.bot.runtime import build_backend
from inkwell.bot.settings import LLMSettings, Settings
from inkwell.serving.backend import Backend, GenerationRequest

SUBJECTS = [
    "a lighthouse keeper who finds a letter",
    "a robot learning to garden",
    "the last train home",
    "a dragon afraid of heights",
]


@dataclass(frozen=True, slots=True)
class Server:
    base_url: str  # http://127.0.0.1:8000/v1
    root_url: str  # http://127.0.0.1:8000
    model: str


@dataclass(frozen=True, slots=True)
class Run:
    tokens: float
    seconds: float

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0


def inkwell_backend(server: Server) -> Backend:
    """The openai backend exactly as the bot builds it from its default settings."""
    return build_backend(server_settings(Path("unused.sqlite3"), server))


def server_settings(database: Path, server: Server) -> Settings:
    return bench_settings(database, base_url=server.base_url, model=server.model)


async def through_inkwell(server: Server, n: int) -> tuple[Run, list[GenerationRequest]]:
    backend = TimingBackend(inkwell_backend(server), keep_requests=True)
    with tempfile.TemporaryDirectory() as folder:
        settings = server_settings(Path(folder) / "t.sqlite3", server)
        async with inkwell_rig(settings, backend) as (harness, _):
            users = [harness.new_user(f"writer{i}") for i in range(n)]
            burst = [
                harness.build_slash(
                    "story", prompt=SUBJECTS[i % len(SUBJECTS)], length="short", user=users[i]
                )
                for i in range(n)
            ]
            before = read_metrics(server.root_url)
            started = time.perf_counter()
            harness.inject(burst)
            await harness.settle()
            seconds = time.perf_counter() - started
            after = read_metrics(server.root_url)
    requests = backend.requests
    return Run(delta(before, after, GENERATION_TOKENS), seconds), requests


def _direct_arguments(request: GenerationRequest, model: str) -> dict[str, Any]:
    sampling = request.sampling
    return {
        "model": model,
        "messages": [{"role": m.role, "content": m.content} for m in request.messages],
        "max_tokens": sampling.max_tokens,
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "n": sampling.n,
        "stream": True,
        "extra_body": {
            "top_k": sampling.top_k,
            "repetition_penalty": sampling.repetition_penalty,
            # Same chunking as Inkwell's default settings ask for.
            "stream_interval": LLMSettings().stream_interval,
        },
    }


async def direct(server: Server, requests: list[GenerationRequest]) -> Run:
    """The same requests, straight to the server: the upper bound for Inkwell."""
    client = AsyncOpenAI(base_url=server.base_url, api_key="EMPTY", max_retries=0)

    async def one(request: GenerationRequest) -> None:
        stream = await client.chat.completions.create(**_direct_arguments(request, server.model))
        async for _chunk in stream:
            pass

    before = read_metrics(server.root_url)
    started = time.perf_counter()
    await asyncio.gather(*(one(request) for request in requests))
    seconds = time.perf_counter() - started
    after = read_metrics(server.root_url)
    await client.close()
    return Run(delta(before, after, GENERATION_TOKENS), seconds)


async def compare(server: Server, n: int) -> dict[str, float]:
    # A first pass warms the prefix cache for both sides alike, then each side runs once.
    _, requests = await through_inkwell(server, n)
    inkwell, requests = await through_inkwell(server, n)
    straight = await direct(server, requests)
    return {
        "n": n,
        "inkwell_tok_s": round(inkwell.tokens_per_second, 1),
        "direct_tok_s": round(straight.tokens_per_second, 1),
        "ratio": round(inkwell.tokens_per_second / straight.tokens_per_second, 3)
        if straight.tokens_per_second
        else 0.0,
        "inkwell_tokens": inkwell.tokens,
        "direct_tokens": straight.tokens,
    }
