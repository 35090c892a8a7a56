"""How fast the content filter checks a text: a number, not a test.

    python -m bench.filters [--keywords 1000] [--regexes 10] [--chars 2000] [--seconds 1]

Builds a guild's worth of rules (``--keywords`` words, phrases and wildcards plus
``--regexes`` regexes, synthetic but shaped like real lists), a set of ``--chars``-character
texts with a few hits and evasions in them, and reports checks per second for:

* Inkwell's rule stage (:class:`~inkwell.bot.services.filters.matching.RuleMatcher`): normalization,
  one Aho-Corasick pass for every keyword, RE2 for the regexes, allow-list, redaction;
* the same through :class:`~inkwell.bot.services.filters.service.FilterService` (cached
  configuration, in-memory SQLite), as ``check_output`` runs while a piece streams;
* a plain loop over Python ``re`` patterns, one per keyword (``\\bword\\b``) and the same
  regexes, finding every match — which, unlike Inkwell, catches no evasion at all.

It also shows the scaling: the same checks with 10 keywords; and then
(:mod:`bench.filter_comparison`) recall and false positives on the evasion set
``bench/evasions.tsv`` for Inkwell, better-profanity and glin-profanity with the same five
rules, whether Inkwell's streamed and final checks agree, and each filter's cost for one
check of these texts (``--no-compare`` skips it).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from inkwell.bot.records.filters import FilterConfig, RuleRecord
from inkwell.bot.services.filters.matching import RuleMatcher
from inkwell.bot.services.filters.redaction import redact
from inkwell.bot.services.filters.rules import Kind, Rule
from inkwell.bot.services.filters.service import FilterService
from inkwell.bot.services.origin import Origin
from inkwell.bot.storage.database import Database
from inkwell.bot.storage.filters import FilterRepository

_SYLLABLES = (
    "ka", "zu", "mor", "vel", "tri", "shan", "dor", "pix", "lum", "qua", "bre", "sno", "fen",
    "gar", "hol", "ith", "jun", "kev", "lop", "nar", "osk", "pem", "rud", "sil", "tov", "urk",
    "vim", "wex", "yal", "zor",
)  # fmt: skip
_FILLER = (
    "the", "a", "of", "and", "to", "in", "is", "was", "it", "for", "on", "with", "as", "at",
    "by", "from", "that", "this", "be", "are", "or", "an", "story", "river", "night", "dragon",
    "quiet", "letter", "garden", "window", "morning", "shadow", "silver", "long", "walked",
    "whispered", "under", "over", "through", "between", "remember", "light", "voice", "stone",
    "forest", "she", "he", "they", "we", "you", "old", "new", "small", "bright", "cold", "warm",
    "slowly", "suddenly", "again", "never",
)  # fmt: skip
REGEXES = (
    r"\b\d{3}[-. ]?\d{3}[-. ]?\d{4}\b",
    r"https?://[^\s]+\.(?:ru|xyz|top)\b",
    r"\b(?:free|cheap)\s+(?:nitro|robux)\b",
    r"(?:ha){6,}",
    r"\bdiscord\.gg/[a-z0-9]+",
    r"\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b",
    r"\bspoiler[:\s]+ending\b",
    r"\bcode\s*\d{4,}\b",
    r"\b(?:buy|sell)\s+followers\b",
    r"\bkill\s+(?:the\s+)?author\b",
)


def make_rules(count: int, regexes: int, rng: random.Random) -> list[tuple[Kind, str]]:
    """``count`` distinct keywords (90% words, 6% phrases, 4% wildcards) and regexes."""
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))))
    rules: list[tuple[Kind, str]] = []
    for index, word in enumerate(sorted(words)):
        if index % 25 == 0:
            rules.append(("wildcard", f"*{word}*"))
        elif index % 16 == 0:
            rules.append(("phrase", f"{word} {rng.choice(_FILLER)}"))
        else:
            rules.append(("word", word))
    rules.extend(("regex", pattern) for pattern in REGEXES[:regexes])
    return rules


def make_texts(
    rules: Sequence[tuple[Kind, str]], chars: int, count: int, rng: random.Random
) -> list[str]:
    """Ordinary prose with about one keyword (sometimes disguised) per 150 words."""
    keywords = [pattern.strip("*").split()[0] for kind, pattern in rules if kind != "regex"]
    disguises: list[Callable[[str], str]] = [
        str.upper,
        lambda w: ".".join(w),
        lambda w: w.replace("a", "4").replace("o", "0"),
        lambda w: w[0] + "\u200b" + w[1:],
        lambda w: f"**{w}**",
    ]
    texts = []
    for _ in range(count):
        words: list[str] = []
        size = 0
        while size < chars:
            if keywords and rng.random() < 1 / 150:
                word = rng.choice(keywords)
                word = rng.choice(disguises)(word) if rng.random() < 0.5 else word
            else:
                word = rng.choice(_FILLER)
            words.append(word)
            size += len(word) + 1
        texts.append(" ".join(words)[:chars])
    return texts


def re_patterns(rules: Sequence[tuple[Kind, str]]) -> list[re.Pattern[str]]:
    """What a plain filter would compile: one ``re`` per rule, case-insensitive."""
    compiled = []
    for kind, pattern in rules:
        if kind == "regex":
            source = pattern
        elif kind == "wildcard":
            core = re.escape(pattern.strip("*"))
            start = "" if pattern.startswith("*") else r"\b"
            end = "" if pattern.endswith("*") else r"\b"
            source = f"{start}{core}{end}"
        else:
            source = rf"\b{re.escape(pattern)}\b"
        compiled.append(re.compile(source, re.IGNORECASE))
    return compiled


def matcher_of(rules: Sequence[tuple[Kind, str]]) -> RuleMatcher:
    return RuleMatcher(
        [
            Rule(f"#{i}", kind, pattern, "redact", "both", "bench")
            for i, (kind, pattern) in enumerate(rules)
        ],
        allowed=["Scunthorpe"],
    )


@dataclass(frozen=True)
class Measured:
    name: str
    checks_per_second: float

    @property
    def microseconds(self) -> float:
        return 1e6 / self.checks_per_second


def measure(
    name: str, check: Callable[[str], object], texts: Sequence[str], seconds: float
) -> Measured:
    """Median of five rounds, each running checks over ``texts`` for ``seconds / 5``."""
    for text in texts[:3]:
        check(text)  # warm caches
    rates = []
    for _ in range(5):
        done = 0
        start = time.perf_counter()
        deadline = start + seconds / 5
        while time.perf_counter() < deadline:
            for text in texts:
                check(text)
            done += len(texts)
        rates.append(done / (time.perf_counter() - start))
    return Measured(name, statistics.median(rates))


def measure_service(
    rules: Sequence[tuple[Kind, str]], texts: Sequence[str], seconds: float
) -> Measured:
    async def run() -> Measured:
        database = Database(Path(":memory:"))
        await database.open()
        try:
            service = FilterService(FilterRepository(database))
            config = FilterConfig(
                1,
                rules=tuple(
                    RuleRecord(i, kind, pattern, "redact", "both", "bench")
                    for i, (kind, pattern) in enumerate(rules)
                ),
            )
            await service.repository.replace(config, by=None)
            origin = Origin(user_id=2, guild_id=1, channel_id=3)
            await service.check_output(texts[0], origin, final=True)  # compile and cache
            loop = asyncio.get_running_loop()
            for text in texts[:3]:
                await service.check_output(text, origin, final=True)
            rates = []
            for _ in range(5):
                done = 0
                start = loop.time()
                while loop.time() < start + seconds / 5:
                    for text in texts:
                        await service.check_output(text, origin, final=True)
                    done += len(texts)
                rates.append(done / (loop.time() - start))
            return Measured("FilterService.check_output (cached config)", statistics.median(rates))
        finally:
            await database.close()

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.filters", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--keywords", type=int, default=1000)
    parser.add_argument("--regexes", type=int, default=10, choices=range(len(REGEXES) + 1))
    parser.add_argument("--chars", type=int, default=2000, help="length of each checked text")
    parser.add_argument("--texts", type=int, default=20, help="distinct texts cycled through")
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--no-compare", action="store_true", help="skip the comparison with other filters"
    )
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    rules = make_rules(args.keywords, args.regexes, rng)
    texts = make_texts(rules, args.chars, args.texts, rng)
    small = make_rules(10, args.regexes, random.Random(args.seed))

    started = time.perf_counter()
    matcher = matcher_of(rules)
    build_ms = (time.perf_counter() - started) * 1000
    small_matcher = matcher_of(small)
    patterns = re_patterns(rules)
    small_patterns = re_patterns(small)
    caught = sum(len(matcher.scan(text).matches) for text in texts)
    plain_caught = sum(len(p.findall(text)) for text in texts for p in patterns)

    def inkwell(m: RuleMatcher) -> Callable[[str], object]:
        def check(text: str) -> object:
            scan = m.scan(text, "output")
            return redact(text, ((x.start, x.end) for x in scan.matches))

        return check

    def plain(compiled: Sequence[re.Pattern[str]]) -> Callable[[str], object]:
        def check(text: str) -> object:
            return [match.span() for pattern in compiled for match in pattern.finditer(text)]

        return check

    results = [
        measure(
            f"Inkwell rule stage, {len(rules) - args.regexes} keywords + {args.regexes} regexes",
            inkwell(matcher),
            texts,
            args.seconds,
        ),
        measure_service(rules, texts, args.seconds),
        measure(
            f"plain loop over {len(patterns)} `re` patterns", plain(patterns), texts, args.seconds
        ),
        measure(
            f"Inkwell rule stage, 10 keywords + {args.regexes} regexes",
            inkwell(small_matcher),
            texts,
            args.seconds,
        ),
        measure(
            f"plain loop over {len(small_patterns)} `re` patterns",
            plain(small_patterns),
            texts,
            args.seconds,
        ),
    ]

    python = sys.version.split()[0]
    print(f"Content-filter checks, {len(texts)} texts of {args.chars} characters, Python {python}")
    print(f"Compiling {len(rules)} rules into one matcher: {build_ms:.0f} ms")
    print(f"Matches in the texts: Inkwell {caught}, plain re {plain_caught} (it sees no evasion)\n")
    print("| check | checks/s | µs/check |")
    print("| --- | ---: | ---: |")
    for result in results:
        print(f"| {result.name} | {result.checks_per_second:,.0f} | {result.microseconds:,.0f} |")
    speedup = results[0].checks_per_second / results[2].checks_per_second
    print(
        f"\nInkwell vs the plain loop at {len(rules)} rules: {speedup:.1f}× the checks per second."
    )
    if not args.no_compare:
        from bench.filter_comparison import report

        print()
        print("\n".join(report(rules, texts, args.seconds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
