"""Inkwell's rule stage beside better-profanity and glin-profanity on the evasion set
(``bench/evasions.tsv``, five rules), and what one check of a long text costs each of them.

better-profanity and glin-profanity are benchmark-only dependencies (``pip install
.[bench]``); a filter that is not installed is reported as missing, not measured. Each is
loaded with the rules' patterns only (glin-profanity with no language of its own), with
its evasion options on: better-profanity reads leetspeak itself; glin-profanity gets
``detect_leetspeak``, ``normalize_unicode`` and the ``strict`` obfuscation level. Neither
takes regexes, so their cost is measured with the keywords alone.
"""

from __future__ import annotations

import importlib
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.evasion_set import RULES, Row, load
from inkwell.bot.services.filters.matching import RuleMatcher
from inkwell.bot.services.filters.rules import Kind, Rule
from inkwell.bot.services.filters.screening import visible

Check = Callable[[str], bool]


@dataclass(frozen=True)
class Quality:
    name: str
    recall: float
    false_positive_rate: float
    missed: tuple[str, ...]  # techniques with a miss


def inkwell_matcher(rules: Sequence[tuple[Kind, str]]) -> RuleMatcher:
    return RuleMatcher(
        [
            Rule(f"#{i}", kind, pattern, "block", "both", "bench")
            for i, (kind, pattern) in enumerate(rules)
        ]
    )


def inkwell_check(matcher: RuleMatcher) -> Check:
    def check(text: str) -> bool:
        return bool(matcher.scan(text, "output").matches)

    return check


def better_profanity_check(words: Sequence[str]) -> Check | None:
    try:
        module: Any = importlib.import_module("better_profanity")
    except ImportError:
        return None
    profanity = module.Profanity(list(words))
    return lambda text: bool(profanity.contains_profanity(text))


def glin_profanity_check(words: Sequence[str]) -> Check | None:
    try:
        module: Any = importlib.import_module("glin_profanity")
    except ImportError:
        return None
    # A language it has no list for: only the given words.
    glin = module.Filter(
        {
            "languages": ["none"],
            "custom_words": list(words),
            "detect_leetspeak": True,
            "normalize_unicode": True,
            "obfuscation": "strict",
        }
    )
    return lambda text: bool(glin.is_profane(text))


def quality(name: str, check: Check, rows: Sequence[Row]) -> Quality:
    blocked = [row for row in rows if row.blocked]
    innocent = [row for row in rows if not row.blocked]
    caught = [row for row in blocked if check(row.text)]
    wrong = [row for row in innocent if check(row.text)]
    missed = sorted({row.technique for row in blocked if row not in caught})
    return Quality(
        name,
        len(caught) / len(blocked),
        len(wrong) / len(innocent),
        tuple(missed + [f"(false positive) {row.technique}" for row in wrong]),
    )


def streamed_disagreements(matcher: RuleMatcher, rows: Sequence[Row]) -> tuple[int, int]:
    """Texts where a streamed edit (chunks of 1, 3, 8) blocked what the final check passes,
    or showed what it blocks; and the number of streamed checks made."""
    disagreeing, checks = 0, 0
    for row in rows:
        _, final = visible(matcher, row.text, "output", final=True)
        bad = False
        for size in (1, 3, 8):
            for end in range(size, len(row.text), size):
                checks += 1
                shown, matches = visible(matcher, row.text[:end], "output", final=False)
                if matches and not final:
                    bad = True
                _, seen = visible(matcher, shown, "output", final=True)
                if not matches and seen:
                    bad = True
        disagreeing += bad
    return disagreeing, checks


def cost_per_check(check: Callable[[str], object], texts: Sequence[str], seconds: float) -> float:
    """Median microseconds per check over five rounds."""
    for text in texts[:3]:
        check(text)
    rates = []
    for _ in range(5):
        done, start = 0, time.perf_counter()
        while time.perf_counter() < start + seconds / 5:
            for text in texts:
                check(text)
            done += len(texts)
        rates.append((time.perf_counter() - start) / done * 1e6)
    return statistics.median(rates)


def report(keywords: Sequence[tuple[Kind, str]], texts: Sequence[str], seconds: float) -> list[str]:
    """The comparison as Markdown lines."""
    rows = load()
    words = [pattern for _, pattern in RULES]
    matcher = inkwell_matcher(RULES)
    filters: list[tuple[str, Check | None]] = [
        ("Inkwell", inkwell_check(matcher)),
        ("better-profanity 0.7.0", better_profanity_check(words)),
        ("glin-profanity 4.1.0", glin_profanity_check(words)),
    ]
    blocked = sum(row.blocked for row in rows)
    lines = [
        f"Evasion set: {len(rows)} rows ({blocked} to block, {len(rows) - blocked} innocent), "
        f"{len({row.technique for row in rows})} techniques, rules: "
        + ", ".join(pattern for _, pattern in RULES),
        "",
        "| filter | recall | false positives | techniques missed |",
        "| --- | ---: | ---: | --- |",
    ]
    for name, check in filters:
        if check is None:
            lines.append(f"| {name} | not installed | | |")
            continue
        found = quality(name, check, rows)
        lines.append(
            f"| {name} | {found.recall:.1%} | {found.false_positive_rate:.1%} | "
            f"{', '.join(found.missed) or '—'} |"
        )
    disagreeing, checks = streamed_disagreements(matcher, rows)
    lines += [
        "",
        f"Inkwell streamed (chunks of 1, 3 and 8 characters, {checks} edits) and final checks "
        f"disagree on {disagreeing} of {len(rows)} texts.",
        "",
        f"One check of a {len(texts[0])}-character text, {len(keywords)} rules:",
        "",
        "| filter | µs/check |",
        "| --- | ---: |",
    ]
    plain_words = [p.strip("*") for kind, p in keywords if kind != "regex"]
    costs: list[tuple[str, Callable[[str], object] | None]] = [
        ("Inkwell (keywords + regexes)", inkwell_check(inkwell_matcher(keywords))),
        ("better-profanity (keywords only)", better_profanity_check(plain_words)),
        ("glin-profanity (keywords only)", glin_profanity_check(plain_words)),
    ]
    for name, measured in costs:
        if measured is None:
            lines.append(f"| {name} | not installed |")
        else:
            lines.append(f"| {name} | {cost_per_check(measured, texts, seconds):,.0f} |")
    return lines
