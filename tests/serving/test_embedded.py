"""The embedded backend with the real SmolLM2-135M model, on the CPU.

One backend (one model load) serves the whole module, so every test runs on the module's
event loop. Generations are kept short: a 2-core machine makes roughly 10-20 tokens/s.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from inkwell.serving.backend import (
    PROMPT_TOO_LONG,
    ChatMessage,
    Delta,
    GenerationRequest,
    PromptTooLong,
    Sampling,
)
from inkwell.serving.embedded import EmbeddedBackend

pytestmark = [pytest.mark.model, pytest.mark.asyncio(loop_scope="module")]

STORY = (ChatMessage("user", "Write a long story about a lighthouse keeper and a storm."),)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def backend(prepared_model_path: Path) -> AsyncIterator[EmbeddedBackend]:
    embedded = EmbeddedBackend(prepared_model_path)
    await embedded.start()
    try:
        yield embedded
    finally:
        await embedded.close()


def request(max_tokens: int, **sampling: Any) -> GenerationRequest:
    sampling.setdefault("temperature", 0.0)
    return GenerationRequest(STORY, Sampling(max_tokens=max_tokens, **sampling))


async def collect(
    backend: EmbeddedBackend,
    req: GenerationRequest,
    on_delta: Callable[[Delta], None] | None = None,
) -> list[Delta]:
    deltas: list[Delta] = []
    async with contextlib.aclosing(backend.stream(req)) as stream:
        async for delta in stream:
            deltas.append(delta)
            if on_delta is not None:
                on_delta(delta)
    return deltas


def text_of(deltas: list[Delta], index: int = 0) -> str:
    return "".join(delta.text for delta in deltas if delta.index == index)


class ForwardCounter:
    """Counts the model's forward passes (one per generated token)."""

    def __init__(self, model: Any) -> None:
        self.calls = 0
        self._model = model
        self._forward = model.forward

    def __enter__(self) -> ForwardCounter:
        def counting(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return self._forward(*args, **kwargs)

        self._model.forward = counting
        return self

    def __exit__(self, *exc: object) -> None:
        del self._model.forward  # back to the class's method


async def worker_idle(backend: EmbeddedBackend) -> None:
    """Returns once every job queued on the backend's single worker thread has finished."""
    assert backend._executor is not None
    await asyncio.get_running_loop().run_in_executor(backend._executor, lambda: None)


async def test_streams_text_in_several_pieces(backend: EmbeddedBackend) -> None:
    deltas = await collect(backend, request(12))

    assert len(deltas) > 2
    assert text_of(deltas).strip()
    assert {delta.index for delta in deltas} == {0}
    assert [d.finish_reason for d in deltas[:-1]] == [None] * (len(deltas) - 1)
    assert deltas[-1].finish_reason in ("stop", "length")


async def test_max_tokens_is_respected(backend: EmbeddedBackend) -> None:
    deltas = await collect(backend, request(8))

    tokens = backend._tokenizer.encode(text_of(deltas), add_special_tokens=False)
    assert 0 < len(tokens) <= 8
    assert deltas[-1].finish_reason == "length"


async def test_n_variants_stream_one_after_another(backend: EmbeddedBackend) -> None:
    deltas = await collect(backend, request(5, n=2, temperature=0.9, seed=7))

    indices = [delta.index for delta in deltas]
    assert indices == sorted(indices)
    assert set(indices) == {0, 1}
    finals = [delta for delta in deltas if delta.finish_reason is not None]
    assert [delta.index for delta in finals] == [0, 1]
    assert text_of(deltas, 0)
    assert text_of(deltas, 1)


async def test_same_seed_same_text(backend: EmbeddedBackend) -> None:
    first = await collect(backend, request(6, temperature=1.0, seed=1234))
    second = await collect(backend, request(6, temperature=1.0, seed=1234))

    assert text_of(first) == text_of(second)


async def test_stop_string_ends_the_text_before_it(backend: EmbeddedBackend) -> None:
    free = text_of(await collect(backend, request(16)))
    # A stop string from the middle of what greedy decoding writes anyway, likely spanning
    # two tokens, so it has to be caught across pieces and trimmed exactly.
    middle = len(free) // 2
    stop = free[middle : middle + 3]
    assert len(stop) == 3
    expected = free[: free.find(stop)]

    deltas = await collect(backend, request(16, stop=(stop, "never-appears-xyz")))

    assert text_of(deltas) == expected
    assert deltas[-1].finish_reason == "stop"
    assert all(stop not in delta.text for delta in deltas)


async def test_aclose_stops_the_worker_and_frees_the_backend(backend: EmbeddedBackend) -> None:
    with ForwardCounter(backend._model) as counter:
        stream = backend.stream(request(400, temperature=0.8))
        first = await anext(stream)
        await stream.aclose()
        calls_at_close = counter.calls
        await worker_idle(backend)

        assert first.text
        # aclose() returned only after the worker stopped: no token was made after it,
        # and far fewer than the 400 asked for were made at all.
        assert counter.calls == calls_at_close
        assert calls_at_close < 50

    after = await collect(backend, request(3))
    assert after[-1].finish_reason is not None


async def test_cancelled_consumer_task_stops_the_worker(backend: EmbeddedBackend) -> None:
    received = asyncio.Event()

    async def consume() -> None:
        await collect(backend, request(400, temperature=0.8), lambda _delta: received.set())

    with ForwardCounter(backend._model) as counter:
        task = asyncio.create_task(consume())
        await received.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        calls_at_cancel = counter.calls
        await worker_idle(backend)

        assert counter.calls == calls_at_cancel
        assert calls_at_cancel < 50

    after = await collect(backend, request(3))
    assert after[-1].finish_reason is not None


async def test_event_loop_keeps_running_while_generating(backend: EmbeddedBackend) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    ticks_at_delta: list[int] = []
    ticking = asyncio.create_task(ticker())
    try:
        await collect(backend, request(10), lambda _delta: ticks_at_delta.append(ticks))
    finally:
        ticking.cancel()

    gaps = [later - earlier for earlier, later in itertools.pairwise(ticks_at_delta)]
    assert len(gaps) > 1
    assert any(gap > 0 for gap in gaps)
    assert ticks_at_delta[-1] > ticks_at_delta[0]


async def test_continue_from_ends_the_prompt(backend: EmbeddedBackend) -> None:
    prefix = "Once upon a stormy night"
    prompt_ids = backend._encode(GenerationRequest(STORY, continue_from=prefix))
    prompt = backend._tokenizer.decode(prompt_ids)

    assert prompt.endswith("<|im_start|>assistant\n" + prefix)
    assert prompt.count("<|im_start|>") == 3  # system, user, assistant: no doubled BOS


async def test_concurrent_requests_queue(backend: EmbeddedBackend) -> None:
    order: list[str] = []

    async def run(label: str) -> None:
        await collect(backend, request(3), lambda delta: order.append(label))

    await asyncio.gather(run("a"), run("b"))

    # One generation at a time: all of a's pieces come before any of b's.
    assert order == sorted(order)
    assert set(order) == {"a", "b"}


async def test_stop_button_pattern_cancel_pending_anext_then_aclose(
    backend: EmbeddedBackend,
) -> None:
    # How the creation service stops: anext() runs in its own task, Stop cancels that task,
    # waits for it, then closes the stream.
    with ForwardCounter(backend._model) as counter:
        stream = backend.stream(request(400, temperature=0.8))
        assert (await anext(stream)).text
        pending = asyncio.ensure_future(anext(stream))
        await asyncio.sleep(0)
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
            await pending
        await stream.aclose()
        calls_at_stop = counter.calls
        await worker_idle(backend)

        assert counter.calls == calls_at_stop
        assert calls_at_stop < 50

    after = await collect(backend, request(3))
    assert after[-1].finish_reason is not None


async def test_a_prompt_longer_than_the_context_is_told_in_plain_words(
    backend: EmbeddedBackend,
) -> None:
    # "word " is one token in SmolLM2's vocabulary; 9000 of them overflow its 8192.
    too_long = (ChatMessage("user", "word " * 9000),)

    with pytest.raises(PromptTooLong) as caught:
        await collect(backend, GenerationRequest(too_long, Sampling(max_tokens=10)))

    assert str(caught.value) == PROMPT_TOO_LONG
    assert "limit 8192" in caught.value.operator_detail
