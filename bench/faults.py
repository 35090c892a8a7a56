"""What a crash or a stop costs: a count, not a test.

    python -m bench faults [--kills 50] [--relays 4] [--streams 20] [--stops 3] [--seed 1]

**Kills.** A child process runs ``--relays`` relays (three writers each, 5-minute turns on a
clock running 60 times fast, so a turn lasts 5 s and its reminder comes at 3.75 s): members
write on their turn, now and then pass, and the rest of the turns time out. The parent
SIGKILLs it at a random moment, ``--kills`` times, restarting it each time on the same
database; a restarted child first sends again the write it was killed in (as a member
pressing Submit again would). A last child opens the service once more and stops cleanly.
Then the parent counts, against what the children wrote down as they went:

* acknowledged turns lost (``write_turn`` returned, the turn is not stored);
* turns stored twice (the same text under two numbers);
* notices owed and never posted (a stored turn without its post, an outbox row still
  pending or given up);
* notices posted twice (one outbox notice, or one turn, in the thread more than once).

The thread is a file (``posts.jsonl``): the child's notifier appends a line per post and, when
told a notice may have gone out already, looks it up there first (as the Discord notifier
reads the thread back), so a kill between the post and its record is one of the moments hit.

**Stops.** A child runs Inkwell's own bot offline (the interaction harness, a paced stub
model) with ``--streams`` /story pieces streaming, and gets SIGTERM; the parent reports how
long it took to exit, its exit code, and how many pieces kept their text with the note.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

REPO_ROOT = Path(__file__).resolve().parents[1]
# The relay clock runs this many times faster than the wall clock.
SPEED = 60.0
TURN_MINUTES = 5
READY = "ready"


# --- the child that runs relays ---------------------------------------------------------------


class SummaryStub:
    """The model, for the summaries a long story asks for (turns are members' only)."""

    name = "stub"

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def stream(self, request: Any) -> AsyncGenerator[Any, None]:
        from inkwell.serving.backend import Delta

        yield Delta(0, "So far, the keepers wrote by turns.", "stop")


class FileThread:
    """The relays' threads as one append-only file: a line per message posted.

    A post takes as long as a request to Discord does (tens of milliseconds there and as
    long back), so a kill lands in those windows as often as it would against Discord:
    before the message exists, and after it exists but before the bot has heard so.
    """

    def __init__(self, path: Path, latency: random.Random) -> None:
        self._latency = latency
        self._path = path
        self._posted: dict[tuple[int, int], int] = {}
        if path.exists():
            for post in read_lines(path):
                self._posted[(post["key"], post["part"])] = post["message"]
        self._file: TextIO = path.open("a", encoding="utf-8")

    async def post(self, key: Any, kind: str, turn: int | None) -> int:
        from inkwell.bot.services.relay.notifier import NoticeKey

        assert isinstance(key, NoticeKey)
        if key.maybe_sent and (key.id, 0) in self._posted:
            return self._posted[(key.id, 0)]  # found in the thread: not posted again
        await asyncio.sleep(self._latency.uniform(0.02, 0.08))  # the request on its way
        message = time.time_ns()
        line = {"key": key.id, "part": 0, "relay": key.relay_id, "kind": kind, "turn": turn}
        self._file.write(json.dumps({**line, "message": message}) + "\n")
        self._file.flush()  # in the kernel's hands: a SIGKILL after this keeps it
        self._posted[(key.id, 0)] = message
        await asyncio.sleep(self._latency.uniform(0.02, 0.08))  # the answer on its way
        return message


class FileNotifier:
    def __init__(self, thread: FileThread) -> None:
        self._thread = thread

    async def turn_started(self, relay: Any, recap: Any, *, key: Any) -> int:
        return await self._thread.post(key, "turn_started", relay.turn)

    async def turn_reminder(self, relay: Any, *, key: Any) -> int:
        return await self._thread.post(key, "turn_reminder", relay.turn)

    async def turn_written(self, relay: Any, turn: Any, *, key: Any, lore: Any = ()) -> int:
        return await self._thread.post(key, "turn_written", turn.number)

    async def turn_skipped(self, relay: Any, writer_id: Any, reason: str, *, key: Any) -> int:
        return await self._thread.post(key, f"turn_skipped:{reason}", relay.turn)

    async def turn_undone(self, relay: Any, turn: Any, *, key: Any) -> int:
        return await self._thread.post(key, "turn_undone", turn.number)

    async def waiting_for_writers(self, relay: Any, *, key: Any) -> int:
        return await self._thread.post(key, "waiting_for_writers", None)

    async def relay_paused(self, relay: Any, reason: str, *, key: Any) -> int:
        return await self._thread.post(key, f"relay_paused:{reason}", relay.turn)

    async def relay_resumed(self, relay: Any, *, key: Any) -> int:
        return await self._thread.post(key, "relay_resumed", relay.turn)

    async def relay_ended(self, relay: Any, reason: str, *, key: Any) -> int:
        return await self._thread.post(key, "relay_ended", None)

    async def steering_changed(self, relay: Any, kind: str, by: int, *, key: Any) -> int:
        return await self._thread.post(key, f"steering_changed:{kind}", relay.turn)


def read_lines(path: Path) -> list[dict[str, Any]]:
    """The file's JSON lines; a line cut short by a kill was never written."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            lines.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return lines


def fast_time(base: float) -> Any:
    from inkwell.bot.services.relay import TimeSource

    def clock() -> float:
        return base + (time.time() - base) * SPEED

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(seconds / SPEED)

    return TimeSource(clock=clock, sleep=sleep)


async def run_relays(folder: Path, relays: int, seed: int, *, drain: bool) -> None:
    from inkwell.bot.errors import InkwellError
    from inkwell.bot.services.origin import Origin
    from inkwell.bot.services.relay import (
        Actor,
        Person,
        Place,
        RelayOptions,
        RelayPrompts,
        RelayService,
    )
    from inkwell.bot.storage.database import Database
    from inkwell.bot.storage.relay import RelayRepository

    base = float((folder / "clock").read_text())
    database = Database(folder / "inkwell.sqlite3")
    await database.open()
    repository = RelayRepository(database)
    service = RelayService(
        repository,
        SummaryStub(),
        RelayPrompts.load(),
        time=fast_time(base),
        rng=random.Random(seed),
    )
    posts = FileThread(folder / "posts.jsonl", random.Random(seed + 1))
    await service.open(FileNotifier(posts))
    people = [Person(101, "Alice"), Person(102, "Bob"), Person(103, "Cleo")]
    intents = folder / "intents.jsonl"
    acks_path = folder / "acks.jsonl"
    acked = {ack["text"] for ack in read_lines(acks_path)} if acks_path.exists() else set()
    acks = acks_path.open("a", encoding="utf-8")

    async def write(thread: int, person: Person, text: str, turn: int) -> None:
        stored = await service.write_turn(thread, person, text, expected_turn=turn)
        acks.write(json.dumps({"thread": thread, "number": stored.number, "text": text}) + "\n")
        acks.flush()

    # The write this child's predecessor was killed in is sent again, as a member would.
    if intents.exists() and (pending := read_lines(intents)):
        last = pending[-1]
        if last["text"] not in acked:
            person = next(p for p in people if p.user_id == last["user"])
            # Refused (the turn moved on without it): nothing was acknowledged.
            with contextlib.suppress(InkwellError):
                await write(last["thread"], person, last["text"], last["turn"])
    if drain:
        await service.flush()
        await service.close()
        await database.close()
        return
    threads = [10_000 + number for number in range(relays)]
    for thread in threads:
        if await repository.by_thread(thread) is None:
            options = RelayOptions(f"Relay {thread}", turn_minutes=TURN_MINUTES, max_words=50)
            draft = await service.prepare(options, Origin(people[0].user_id, 1, 2))
            await service.create(draft, Place(thread, 1, 2), people[0])
            for person in people[1:]:
                await service.join(thread, person)
    print(READY, flush=True)
    rng = random.Random(seed)
    intent_file = intents.open("a", encoding="utf-8")
    while True:
        await asyncio.sleep(rng.uniform(0.02, 0.15))
        thread = rng.choice(threads)
        relay = await repository.by_thread(thread)
        if relay is None:
            continue
        try:
            if relay.status == "paused":
                await service.resume(thread, Actor(people[0].user_id))
            elif relay.status == "active" and relay.writer_id is not None:
                person = next(p for p in people if p.user_id == relay.writer_id)
                roll = rng.random()
                # About one write per relay every few seconds: some turns are written, some
                # get their reminder and time out, so every kind of notice is in play.
                if roll < 0.1:
                    text = f"{thread} turn {relay.turn} {rng.getrandbits(48):x}."
                    intent = {"thread": thread, "user": person.user_id, "turn": relay.turn}
                    intent_file.write(json.dumps({**intent, "text": text}) + "\n")
                    intent_file.flush()
                    await write(thread, person, text, relay.turn)
                elif roll < 0.12:
                    await service.pass_turn(thread, person.user_id)
                # else: nobody writes, and the turn's timer reminds, then times it out
        except InkwellError:
            continue  # the turn moved on (a timer got there first): a member's refusal


# --- counting ----------------------------------------------------------------------------------


@dataclass
class KillCounts:
    kills: int
    acknowledged: int
    acknowledged_lost: int
    turns_stored: int
    turns_duplicated: int
    notices_posted: int
    reminders_posted: int
    timeouts_posted: int
    notices_missing: int
    notices_given_up: int
    notices_posted_twice: int
    seconds: float
    # What the kills left for the next process: notices owed, and of those, already posted.
    owed_at_kill: int = 0
    posted_unrecorded_at_kill: int = 0


def count(folder: Path, kills: int, seconds: float) -> KillCounts:
    with sqlite3.connect(folder / "inkwell.sqlite3") as connection:
        turns = connection.execute("SELECT relay_id, number, text FROM relay_turns").fetchall()
        owed = connection.execute(
            "SELECT state, COUNT(*) FROM relay_outbox WHERE state != 'posted' GROUP BY state"
        ).fetchall()
    states = dict(owed)
    acks = read_lines(folder / "acks.jsonl") if (folder / "acks.jsonl").exists() else []
    posts = read_lines(folder / "posts.jsonl")
    stored_texts = Counter(text for _, _, text in turns)
    lost = sum(1 for ack in {a["text"] for a in acks} if ack not in stored_texts)
    duplicated = sum(n - 1 for n in stored_texts.values() if n > 1)
    per_notice = Counter((post["key"], post["part"]) for post in posts)
    written = Counter((p["relay"], p["turn"]) for p in posts if p["kind"] == "turn_written")
    twice = sum(n - 1 for n in per_notice.values() if n > 1)
    twice += sum(n - 1 for n in written.values() if n > 1)
    unposted_turns = sum(1 for relay, number, _ in turns if (relay, number) not in written)
    return KillCounts(
        kills=kills,
        acknowledged=len({a["text"] for a in acks}),
        acknowledged_lost=lost,
        turns_stored=len(turns),
        turns_duplicated=duplicated,
        notices_posted=len(per_notice),
        reminders_posted=sum(1 for p in posts if p["kind"] == "turn_reminder"),
        timeouts_posted=sum(1 for p in posts if p["kind"] == "turn_skipped:timed_out"),
        notices_missing=unposted_turns + states.get("pending", 0),
        notices_given_up=states.get("abandoned", 0),
        notices_posted_twice=twice,
        seconds=seconds,
    )


# --- the parent ---------------------------------------------------------------------------------


def child(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "bench.faults", *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def wait_ready(process: subprocess.Popen[str]) -> None:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != READY:
        process.kill()
        raise RuntimeError(f"the child did not start (it said {line!r}, exit {process.wait()})")


def left_owed(folder: Path) -> tuple[int, int]:
    """After a kill: the notices owed, and how many of them are in the thread already."""
    with sqlite3.connect(folder / "inkwell.sqlite3") as connection:
        rows = connection.execute("SELECT id FROM relay_outbox WHERE state = 'pending'")
        owed = {row[0] for row in rows.fetchall()}
    posts = folder / "posts.jsonl"
    posted = {post["key"] for post in read_lines(posts)} if posts.exists() else set()
    return len(owed), len(owed & posted)


def kill_run(kills: int, relays: int, seed: int) -> KillCounts:
    rng = random.Random(seed)
    started = time.perf_counter()
    owed_total = unrecorded_total = 0
    with tempfile.TemporaryDirectory(prefix="inkwell-faults-") as name:
        folder = Path(name)
        (folder / "clock").write_text(repr(time.time()))
        for kill in range(kills):
            process = child("--child", "relays", str(folder), str(relays), str(seed + kill))
            wait_ready(process)
            time.sleep(rng.uniform(0.1, 2.5))
            process.send_signal(signal.SIGKILL)
            process.wait()
            owed, unrecorded = left_owed(folder)
            owed_total += owed
            unrecorded_total += unrecorded
            print(f"  kill {kill + 1}/{kills}", end="\r", file=sys.stderr, flush=True)
        process = child("--child", "drain", str(folder), str(relays), str(seed))
        if process.wait(timeout=60) != 0:
            raise RuntimeError("the last child did not stop cleanly")
        counts = count(folder, kills, time.perf_counter() - started)
        counts.owed_at_kill, counts.posted_unrecorded_at_kill = owed_total, unrecorded_total
        return counts


@dataclass
class StopResult:
    pieces: int
    kept: int
    seconds: float
    exit_code: int


async def run_streams(folder: Path, streams: int) -> None:
    from bench.paced import PacedBackend
    from inkwell.bot.app import InkwellBot, serve_until_stopped
    from inkwell.bot.runtime import open_services
    from inkwell.bot.settings import LimitSettings, Settings
    from inkwell.bot.ui.context import context_of
    from tests.harness import Harness

    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database=folder / "inkwell.sqlite3",
        limits=LimitSettings(cooldown_seconds=0, guild_concurrency=streams),
    )
    # Pieces of ~2000 tokens at 20 tokens/s: every one is mid-stream when SIGTERM comes.
    backend = PacedBackend(tokens=2000, spread=0.1, chunk=4)
    async with await open_services(settings, backend=backend) as services:
        bot = InkwellBot(settings, services=services)
        async with Harness(bot) as harness:
            await bot.load_features()
            pieces = [
                await harness.run_slash("story", prompt=f"door {n}", wait=False)
                for n in range(streams)
            ]
            creations = context_of(bot).creations
            while len(creations.streaming()) < streams or any(  # noqa: ASYNC110
                not piece.editor.text for piece in creations.streaming()
            ):
                await asyncio.sleep(0.05)
            print(READY, flush=True)

            async def offline(bot: InkwellBot) -> None:
                while not bot.is_closed():  # noqa: ASYNC110
                    await asyncio.sleep(0.01)

            await serve_until_stopped(bot, offline)
            note = "*(stopped: the bot is restarting)*"
            finals = [events.last_content() or "" for events in pieces]
    kept = sum(1 for text in finals if text.endswith(note) and text.removesuffix(note).strip())
    (folder / "stopped.json").write_text(json.dumps({"pieces": streams, "kept": kept}))


def stop_run(streams: int) -> StopResult:
    with tempfile.TemporaryDirectory(prefix="inkwell-stop-") as name:
        folder = Path(name)
        process = child("--child", "streams", str(folder), str(streams), "0")
        wait_ready(process)
        time.sleep(1.0)  # a second of streaming
        sent = time.perf_counter()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
        seconds = time.perf_counter() - sent
        done = json.loads((folder / "stopped.json").read_text()) if code == 0 else {}
        return StopResult(streams, int(done.get("kept", 0)), seconds, code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench faults", description=__doc__)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--relays", type=int, default=4)
    parser.add_argument("--streams", type=int, default=20)
    parser.add_argument("--stops", type=int, default=3, help="SIGTERM runs of --streams pieces")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        role, folder, number, seed = args.child
        if role == "streams":
            asyncio.run(run_streams(Path(folder), int(number)))
        else:
            asyncio.run(run_relays(Path(folder), int(number), int(seed), drain=role == "drain"))
        return 0
    counts = kill_run(args.kills, args.relays, args.seed)
    print(file=sys.stderr)
    print(f"### SIGKILL × {counts.kills} ({args.relays} relays, {counts.seconds:.0f} s)\n")
    print("| | count | target |\n| --- | ---: | ---: |")
    rows = [
        ("notices a kill left owed (of them, already posted)", f"{counts.owed_at_kill} "
         f"({counts.posted_unrecorded_at_kill})", ""),
        ("turns acknowledged", counts.acknowledged, ""),
        ("… lost", counts.acknowledged_lost, 0),
        ("turns stored", counts.turns_stored, ""),
        ("… stored twice", counts.turns_duplicated, 0),
        ("notices posted (reminders, time-outs)", f"{counts.notices_posted} "
         f"({counts.reminders_posted}, {counts.timeouts_posted})", ""),
        ("notices owed, not posted", counts.notices_missing, 0),
        ("notices given up after their tries", counts.notices_given_up, 0),
        ("notices posted twice", counts.notices_posted_twice, 0),
    ]  # fmt: skip
    for label, value, target in rows:
        print(f"| {label} | {value} | {target} |")
    print(f"\n### SIGTERM during {args.streams} streaming pieces\n")
    print("| run | exit code | exit after SIGTERM | pieces kept with the note |")
    print("| ---: | ---: | ---: | ---: |")
    for run in range(args.stops):
        stop = stop_run(args.streams)
        print(
            f"| {run + 1} | {stop.exit_code} | {stop.seconds:.2f} s | {stop.kept}/{stop.pieces} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
