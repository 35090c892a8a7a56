"""Test doubles that honour the real interfaces."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Sequence

from inkwell.serving.backend import (
    SERVER_DOWN,
    STOPPED_WRITING,
    BackendUnavailable,
    Delta,
    GenerationRequest,
    QueueState,
)

# What a ScriptedBackend's failure tells the operator: the server by its address.
DOWN_DETAIL = "The model server at http://10.0.0.5:8000/v1 did not answer in 1 s."


class ScriptedBackend:
    """A Backend that streams scripted text, one chunk per delta, for every variant
    (variant ``i > 0`` starts with ``v{i} `` so variants differ).

    ``script`` is a list of chunks, or a function of the request returning them, so a test
    can answer differently per request. ``queued`` (an Event) holds the stream before its
    first chunk until set, as a busy server's queue does; ``pause`` holds it after its first
    chunk until set, to test Stop and concurrency; ``fail_after`` raises BackendUnavailable
    after that many chunks (once ``queued`` is set). ``queue`` is what it says of its queue
    when asked why a request has no word yet (None: it can't tell). ``finish_reason`` is
    what the last delta says: ``"length"`` plays a generation stopped at its token budget.
    """

    name = "scripted"

    def __init__(
        self,
        script: Sequence[str] | Callable[[GenerationRequest], Sequence[str]] = (
            "Once ",
            "upon ",
            "a time.",
        ),
        *,
        queued: asyncio.Event | None = None,
        pause: asyncio.Event | None = None,
        fail_after: int | None = None,
        finish_reason: str = "stop",
    ) -> None:
        self.script = script
        self.finish_reason = finish_reason
        self.queued = queued
        self.pause = pause
        self.fail_after = fail_after
        self.queue: QueueState | None = None
        self.requests: list[GenerationRequest] = []
        self.closed_streams = 0
        self.started = False

    async def start(self) -> None:
        self.started = True

    async def close(self) -> None:
        self.started = False

    async def queue_state(self) -> QueueState | None:
        return self.queue

    async def stream(self, request: GenerationRequest) -> AsyncGenerator[Delta, None]:
        self.requests.append(request)
        chunks = list(self.script(request) if callable(self.script) else self.script)
        try:
            if self.queued is not None:
                await self.queued.wait()
            for index in range(request.sampling.n):
                for position, chunk in enumerate(chunks):
                    if self.fail_after is not None and position >= self.fail_after:
                        # As the real backends say it: text already written is kept.
                        member = STOPPED_WRITING if position else SERVER_DOWN
                        raise BackendUnavailable(member, operator_detail=DOWN_DETAIL)
                    last = position == len(chunks) - 1
                    text = f"v{index} {chunk}" if index and position == 0 else chunk
                    yield Delta(index, text, self.finish_reason if last else None)
                    if position == 0 and self.pause is not None:
                        await self.pause.wait()
                    await asyncio.sleep(0)
        finally:
            self.closed_streams += 1


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
