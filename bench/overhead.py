"""Bot overhead: from an INTERACTION_CREATE payload entering the bot to the request being
handed to the backend for the server.

"N concurrent commands" is measured the way load testers mean concurrency (``ab -c``,
``wrk -c``): N members each run ``/poem`` back to back, so N commands are in progress at
every moment; each member's first command only ramps the load up and is not measured.
Streams differ in length, so commands start at scattered times, as they do in a busy
server. :func:`burst` is the stress case next to it: N payloads handed to the bot in the
same instant, which measures queueing on the one event loop more than overhead (a gateway
connection delivers events one at a time).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import heapq
import itertools
import random
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from bench.rig import TimingBackend, bench_settings, inkwell_rig
from bench.stats import percentile
from inkwell.serving.backend import Backend
from tests.harness import FakeUser, Harness

_CASE = re.compile(r"case (\d+)")


class _Stamps:
    """When each payload entered discord.py, by interaction token: the moment it was due,
    when the load generator scheduled it, or else the moment it was handed to the bot."""

    def __init__(self, harness: Harness) -> None:
        self.entered: dict[str, float] = {}
        self.cases: dict[int, str] = {}
        state = harness.bot._connection
        original = state.parse_interaction_create

        def stamped(data: Any) -> None:
            self.entered.setdefault(data["token"], time.perf_counter())
            original(data)

        state.parse_interaction_create = stamped  # type: ignore[method-assign]

    def poem(self, harness: Harness, case: int, user: FakeUser) -> dict[str, Any]:
        payload = harness.build_slash(
            "poem", topic=f"the sea, case {case}", form="haiku", user=user
        )
        self.cases[case] = payload["token"]
        return payload

    def overheads(self, timed: TimingBackend, cases: set[int], since: float) -> list[Sample]:
        samples = []
        for handed, message in timed.handed_over:
            match = _CASE.search(message)
            if match and int(match.group(1)) in cases:
                entered = self.entered[self.cases[int(match.group(1))]]
                samples.append(Sample(entered - since, (handed - entered) * 1000))
        return samples


class Sample(NamedTuple):
    """One command: when it arrived (seconds into the run) and its overhead."""

    at_s: float
    ms: float


class Pause(NamedTuple):
    """One run of the cycle collector: its generation, when it began (seconds into the run)
    and how long the program stood still for it."""

    generation: int
    at_s: float
    ms: float


class Run(NamedTuple):
    samples: list[Sample]
    pauses: list[Pause]


@contextlib.contextmanager
def _collector_pauses(since: float) -> Iterator[list[Pause]]:
    """The collector's pauses while the block runs (``gc.callbacks``), to tell its pauses
    from the bot's own work when reading the slowest commands."""
    pauses: list[Pause] = []
    began = 0.0

    def note(phase: str, info: dict[str, Any]) -> None:
        nonlocal began
        now = time.perf_counter()
        if phase == "start":
            began = now
        else:
            pauses.append(Pause(info["generation"], began - since, (now - began) * 1000))

    gc.callbacks.append(note)
    try:
        yield pauses
    finally:
        gc.callbacks.remove(note)


async def burst(backend: Backend, concurrency: int) -> Run:
    """``concurrency`` payloads handed over in the same instant."""
    timed = TimingBackend(backend)
    since = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, _collector_pauses(since) as collections:
        async with inkwell_rig(bench_settings(Path(folder) / "b.sqlite3"), timed) as (harness, _):
            stamps = _Stamps(harness)
            cases = set(range(concurrency))
            harness.inject(
                [stamps.poem(harness, case, harness.new_user(f"writer{case}")) for case in cases]
            )
            await harness.settle()
            return Run(stamps.overheads(timed, cases, since), collections)


class _Gateway:
    """Delivers payloads to the loop from a thread at the moment they are due, the way the
    gateway's socket wakes the loop: an asyncio timer would wake up to a millisecond late
    (epoll's resolution), which would count against the bot."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="bench-gateway", daemon=True)
        self._thread.start()

    def at(self, due: float, deliver: Callable[[], None]) -> None:
        """Run ``deliver`` on the loop at ``due`` (``time.perf_counter()``)."""
        with self._wake:
            heapq.heappush(self._due, (due, next(self._order), deliver))
            self._wake.notify()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join()

    def _run(self) -> None:
        with self._wake:
            while not self._closed:
                if not self._due:
                    self._wake.wait()
                    continue
                wait = self._due[0][0] - time.perf_counter()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                _, _, deliver = heapq.heappop(self._due)
                self._loop.call_soon_threadsafe(deliver)


async def concurrent(backend: Backend, members: int, samples: int, *, pause: float = 0.05) -> Run:
    """Overheads of ``samples`` commands started while ``members`` are in progress.

    Members join over ``ramp`` seconds; only commands that start after the last one has
    joined are measured, so each sees ``members - 1`` others generating (or queued at the
    server) around it. Between commands a member pauses a random moment (``pause`` seconds
    on average); a thread hands the next command to the loop when it is due, and its overhead
    counts from then: if the loop was busy (a collection pause, another command) when it
    arrived, that wait counts too, as it would for a payload waiting on the gateway socket.
    """
    timed = TimingBackend(backend)
    since = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder, _collector_pauses(since) as collections:
        async with inkwell_rig(bench_settings(Path(folder) / "c.sqlite3"), timed) as (harness, _):
            stamps = _Stamps(harness)
            numbers = itertools.count()
            measured: set[int] = set()
            everyone_in = asyncio.Event()
            enough = asyncio.Event()
            ramp = 2.0
            pauses = random.Random(11)
            loop = asyncio.get_running_loop()
            gateway = _Gateway(loop)

            async def member(user: FakeUser, delay: float) -> None:
                await asyncio.sleep(delay)
                while not enough.is_set():
                    case = next(numbers)
                    if everyone_in.is_set():
                        measured.add(case)
                        if len(measured) >= samples:
                            enough.set()
                    payload = stamps.poem(harness, case, user)
                    due = time.perf_counter() + pauses.expovariate(1 / pause)
                    stamps.entered[payload["token"]] = due
                    handled = loop.create_future()

                    def deliver(payload: dict[str, Any] = payload, handled: Any = handled) -> None:
                        try:
                            handled.set_result(harness.inject([payload]))
                        except Exception as error:  # surfaces in the member, not the thread
                            handled.set_exception(error)

                    gateway.at(due, deliver)
                    await asyncio.wait(await handled)

            async def last_member(user: FakeUser) -> None:
                await asyncio.sleep(ramp)
                everyone_in.set()
                await member(user, 0)

            users = [harness.new_user(f"writer{i}") for i in range(members)]
            try:
                await asyncio.gather(
                    *(member(user, ramp * i / members) for i, user in enumerate(users[:-1])),
                    last_member(users[-1]),
                )
            finally:
                gateway.close()
            await harness.settle()
            return Run(stamps.overheads(timed, measured, since), collections)


def summarise(run: Run) -> dict[str, Any]:
    """Percentiles; when the five slowest commands arrived and how much of their wait was
    the collector; and the collector's pauses over the whole run. Slow commands arriving
    together point at one event (a collection, a burst of timeouts) rather than steady cost.
    """
    overheads = [sample.ms for sample in run.samples]
    slowest = sorted(run.samples, key=lambda sample: -sample.ms)[:5]
    return {
        "p50_ms": round(percentile(overheads, 0.5), 3),
        "p99_ms": round(percentile(overheads, 0.99), 3),
        "max_ms": round(max(overheads), 3),
        "commands": len(overheads),
        "slowest": [
            {"at_s": round(s.at_s, 2), "ms": round(s.ms, 1), "collecting_ms": _collecting(s, run)}
            for s in slowest
        ],
        "collections": {
            f"gen{generation}": _pauses_of([p.ms for p in run.pauses if p.generation == generation])
            for generation in range(3)
        },
    }


def _collecting(sample: Sample, run: Run) -> float:
    """Milliseconds of ``sample``'s overhead spent in collector pauses."""
    start, end = sample.at_s, sample.at_s + sample.ms / 1000
    overlap = sum(max(0.0, min(end, p.at_s + p.ms / 1000) - max(start, p.at_s)) for p in run.pauses)
    return round(overlap * 1000, 1)


def _pauses_of(ms: list[float]) -> dict[str, Any]:
    return {
        "count": len(ms),
        "p50_ms": round(percentile(ms, 0.5), 2) if ms else None,
        "max_ms": round(max(ms), 1) if ms else None,
    }


async def overhead_rows(
    backend_for: Callable[[int], Backend], *, paced: bool, samples: int, samples_one: int
) -> dict[str, dict[str, Any]]:
    """The overhead table's rows, by label. ``backend_for(tokens)`` makes a fresh backend;
    against the paced stub ``tokens`` sets the pieces' mean length, which sets how often
    commands start at a given concurrency (a server decides lengths itself)."""
    # One command at a time: the pieces' length changes nothing but the run's duration.
    rows = {"1": summarise(await concurrent(backend_for(10), 1, samples_one))}
    if paced:
        for tokens in (200, 40):
            label = f"200, pieces of {tokens // 2}-{tokens * 3 // 2} tokens"
            rows[label] = summarise(await concurrent(backend_for(tokens), 200, samples))
    else:
        rows["200"] = summarise(await concurrent(backend_for(0), 200, samples))
    rows["200 arriving in the same instant (stress)"] = summarise(await burst(backend_for(40), 200))
    return rows
