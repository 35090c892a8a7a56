"""Bot overhead: from an INTERACTION_CREATE payload entering the bot to the request being
handed to the backend for the server.

Two shapes of "N concurrent commands":

- *burst*: N payloads arrive in the same instant (the worst case: every one queues behind
  the others on the one event loop);
- *in flight*: N commands are already generating (streaming edits and all) and new ones
  arrive one by one; this is a busy server's steady state.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.rig import TimingBackend, bench_settings, inkwell_rig
from bench.stats import percentile
from serving.backend import Backend
from tests.harness import Harness

_CASE = re.compile(r"case (\d+)")


class _Stamps:
    """Entry times by case number, taken as each payload enters discord.py."""

    def __init__(self, harness: Harness) -> None:
        self.entered: dict[int, float] = {}
        state = harness.bot._connection
        original = state.parse_interaction_create

        def stamped(data: Any) -> None:
            now = time.perf_counter()
            match = _CASE.search(str(data.get("data", {}).get("options", "")))
            if match:
                self.entered[int(match.group(1))] = now
            original(data)

        state.parse_interaction_create = stamped  # type: ignore[method-assign]

    def overheads_ms(self, timed: TimingBackend, cases: set[int]) -> list[float]:
        samples = []
        for handed, request in timed.handed_over:
            match = _CASE.search(request.messages[-1].content)
            if match and int(match.group(1)) in cases and int(match.group(1)) in self.entered:
                samples.append((handed - self.entered[int(match.group(1))]) * 1000)
        return samples


def _poem(harness: Harness, case: int, user: Any) -> dict[str, Any]:
    return harness.build_slash("poem", topic=f"the sea, case {case}", form="haiku", user=user)


async def burst(backend: Backend, concurrency: int, rounds: int) -> list[float]:
    timed = TimingBackend(backend)
    samples: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        async with inkwell_rig(bench_settings(Path(folder) / "b.sqlite3"), timed) as (harness, _):
            stamps = _Stamps(harness)
            users = [harness.new_user(f"writer{i}") for i in range(concurrency)]
            for round_number in range(rounds):
                cases = {round_number * concurrency + i for i in range(concurrency)}
                harness.inject([_poem(harness, case, users[case % concurrency]) for case in cases])
                await harness.settle()
                samples += stamps.overheads_ms(timed, cases)
    return samples


async def in_flight(backend: Backend, concurrency: int, probes: int, gap: float) -> list[float]:
    """``concurrency`` commands generating; ``probes`` more arrive ``gap`` seconds apart."""
    timed = TimingBackend(backend)
    with tempfile.TemporaryDirectory() as folder:
        async with inkwell_rig(bench_settings(Path(folder) / "f.sqlite3"), timed) as (harness, _):
            stamps = _Stamps(harness)
            users = [harness.new_user(f"writer{i}") for i in range(concurrency + probes)]
            harness.inject([_poem(harness, case, users[case]) for case in range(concurrency)])
            await timed.wait_for(concurrency)
            probe_cases = set(range(concurrency, concurrency + probes))
            for case in sorted(probe_cases):
                harness.inject([_poem(harness, case, users[case])])
                await asyncio.sleep(gap)
            samples = stamps.overheads_ms(timed, probe_cases)
            await harness.settle()
    return samples


def summarise(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(samples, 0.5), 3),
        "p99_ms": round(percentile(samples, 0.99), 3),
        "commands": len(samples),
    }
