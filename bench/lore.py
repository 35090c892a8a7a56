"""How long choosing a prompt's lore takes: a number, not a test.

    python -m bench lore [--entries 200] [--turns 50] [--requests 2000]

Builds a story bible of ``--entries`` entries (synthetic names, two to four keys each, texts
of 40–120 words) and a relay story of ``--turns`` turns of about 60 words that mention some
of them, then reports the time per request for:

* selection with the scope's automaton already built (every request after the first):
  :meth:`~inkwell.bot.services.lore.triggering.LoreMatcher.select` over all the turns;
* the same through :meth:`~inkwell.bot.services.lore.LoreService.select` (in-memory SQLite,
  the matcher cached per scope), as a relay turn or a ``/story`` calls it;
* building the automaton, which happens once per scope and again after each edit.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.stats import percentile, table
from inkwell.bot.records.lore import LoreEntry
from inkwell.bot.services.lore import DEFAULT_LORE_BUDGET, LoreService
from inkwell.bot.services.lore.triggering import LoreMatcher
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.lore import LoreRepository

GUILD = 1
_SYLLABLES = (
    "ka", "zu", "mor", "vel", "tri", "shan", "dor", "pix", "lum", "qua", "bre", "sno", "fen",
    "gar", "hol", "ith", "jun", "kev", "lop", "nar", "osk", "pem", "rud", "sil", "tov", "urk",
)  # fmt: skip
_TITLES = ("Captain", "Old", "Lady", "Brother", "The", "Saint", "Doctor", "Mount", "Lake", "Port")
_FILLER = (
    "the", "a", "of", "and", "to", "in", "was", "it", "for", "on", "with", "as", "at", "by",
    "from", "that", "she", "he", "they", "river", "night", "quiet", "letter", "garden", "window",
    "morning", "shadow", "silver", "walked", "whispered", "under", "over", "through", "light",
    "voice", "stone", "forest", "old", "small", "bright", "cold", "warm", "slowly", "again",
)  # fmt: skip


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def lorebook(count: int, rng: random.Random) -> list[LoreEntry]:
    entries: list[LoreEntry] = []
    names: set[str] = set()
    while len(entries) < count:
        core = _word(rng)
        name = f"{rng.choice(_TITLES)} {core}"
        if name.casefold() in names:
            continue
        names.add(name.casefold())
        keys = (core, *(_word(rng) for _ in range(rng.randint(1, 3))))
        text = " ".join(rng.choice(_FILLER) for _ in range(rng.randint(40, 120))) + "."
        entries.append(LoreEntry(len(entries) + 1, GUILD, None, name, keys, text, 7, 0.0, 0.0))
    return entries


def story(turns: int, entries: Sequence[LoreEntry], rng: random.Random) -> list[str]:
    """Turns of ~60 words; about one in three names an entry by one of its keys."""
    written: list[str] = []
    for _ in range(turns):
        words = [rng.choice(_FILLER) for _ in range(60)]
        if rng.random() < 0.35:
            words.insert(rng.randrange(60), rng.choice(rng.choice(entries).keys))
        written.append(" ".join(words).capitalize() + ".")
    return written


def _per_call_us(call: Callable[[], object], requests: int) -> list[float]:
    times: list[float] = []
    for _ in range(requests):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1e6)
    return times


async def _service_us(
    entries: Sequence[LoreEntry], turns: Sequence[str], requests: int
) -> list[float]:
    with TemporaryDirectory() as folder:
        database = Database(Path(folder) / "lore.sqlite3")
        await database.open()
        try:
            service = LoreService(LoreRepository(database))
            for entry in entries:
                await service.add(GUILD, None, 7, entry.name, ", ".join(entry.keys), entry.text)
            await service.select(GUILD, None, turns)  # the first request builds the matcher
            times: list[float] = []
            for _ in range(requests):
                start = time.perf_counter()
                await service.select(GUILD, None, turns)
                times.append((time.perf_counter() - start) * 1e6)
            return times
        finally:
            await database.close()


def _row(label: str, times: Sequence[float]) -> list[object]:
    return [
        label,
        f"{percentile(times, 0.5):.0f}",
        f"{percentile(times, 0.95):.0f}",
        f"{max(times):.0f}",
        len(times),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench lore", description=__doc__)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    entries = lorebook(args.entries, rng)
    turns = story(args.turns, entries, rng)
    matcher = LoreMatcher(entries)
    chosen = matcher.select(turns, DEFAULT_LORE_BUDGET)
    print(
        f"{args.entries} entries, {args.turns} turns ({sum(len(t) for t in turns)} chars); "
        f"{len(matcher.triggered(turns))} entries triggered, {len(chosen.entries)} fit "
        f"the {DEFAULT_LORE_BUDGET}-token budget\n",
        flush=True,
    )
    selecting = _per_call_us(lambda: matcher.select(turns, DEFAULT_LORE_BUDGET), args.requests)
    through_service = asyncio.run(_service_us(entries, turns, args.requests))
    building = _per_call_us(lambda: LoreMatcher(entries), max(20, args.requests // 100))
    print(
        table(
            ["per request", "p50 µs", "p95 µs", "max µs", "requests"],
            [
                _row("select (automaton built)", selecting),
                _row("LoreService.select (cached)", through_service),
                _row("build the automaton (after an edit)", building),
            ],
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
