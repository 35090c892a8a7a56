"""``python -m bench passages``: what the passage tools give a writer, on the embedded model.

    python -m bench passages                   # every passage, every tool, 2 rounds
    python -m bench passages --rounds 1 --json /tmp/passages.json

Fixed passages (prose, verse, dialogue, a long paragraph, one that stops mid-sentence) go
through Rewrite, Continue, Describe and Give feedback as a member's would (the bot's
services on the embedded SmolLM2, no cooldowns, no content filter). Each answer is judged
on the text a member reads, with checks written here rather than the service's own scores:

- Rewrite: three distinct alternatives; each ends on a whole sentence (or a line, for
  verse); its length in words as a share of the passage's;
- Continue: ends on a whole sentence; does not start by repeating the passage; words;
- Describe: exactly six lines labelled Sight, Sound, Smell, Touch, Taste, Metaphor, each
  with text; how many of the five sense lines use a word of their sense (from the short
  lists below, not the service's);
- Give feedback: two lines, "What works:" then "One thing to try:"; any talk of rewriting
  ("rewrite", "revised", "here's my version");
- the seconds each answer took.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PASSAGES: dict[str, str] = {
    "harbour": "The rain came down hard on the old harbour. Mira watched the boats knock "
    "together and counted the ones that would not come back.",
    "market": "An old woman sells apples at the market in winter. Her breath hangs in the "
    "air between her and the buyers.",
    "verse": "Snow on the pine,\nthe crow folds its black wings,\nthe hill goes still.",
    "dialogue": '"You kept the letter," he said.\n"I kept all of them," she answered, and '
    "put the box on the table between them.",
    "unfinished": "The lighthouse had been dark for a week when the letter arrived, and "
    "when she opened it she found",
}
LABELS = ("Sight", "Sound", "Smell", "Touch", "Taste", "Metaphor")
# A few plain words per sense, for the check only (the service has its own, longer lists).
SENSE_CHECK = {
    "Sight": {"see", "saw", "light", "dark", "glow", "bright", "red", "gold", "grey", "white"},
    "Sound": {"hear", "heard", "sound", "creak", "whisper", "ring", "hum", "clink", "echo"},
    "Smell": {"smell", "scent", "aroma", "fragrance", "smoke", "odour", "odor", "perfume"},
    "Touch": {"touch", "feel", "felt", "cold", "warm", "rough", "smooth", "soft", "numb"},
    "Taste": {"taste", "tasted", "sweet", "sour", "bitter", "salt", "salty", "tongue", "tart"},
}
REWRITE_TALK = re.compile(r"rewrit|revised|here'?s (?:my|a|the) (?:version|take)", re.I)
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


def words_of(text: str) -> set[str]:
    return {word.strip(".,;:!?\"'“”‘’()").lower() for word in text.split()}


def ends_whole(text: str, *, verse: bool) -> bool:
    last = text.rstrip()
    return bool(last) and (verse or bool(SENTENCE_END.search(last)))


def judge_rewrite(passage: str, texts: Sequence[str]) -> dict[str, Any]:
    verse = "\n" in passage
    length = len(passage.split())
    return {
        "alternatives": len(texts),
        "distinct": len({" ".join(t.lower().split()) for t in texts}),
        "whole_endings": sum(ends_whole(t, verse=verse) for t in texts),
        "length_ratios": [round(len(t.split()) / length, 2) for t in texts],
    }


def judge_continue(passage: str, text: str) -> dict[str, Any]:
    return {
        "whole_ending": ends_whole(text, verse=False),
        "repeats_passage": text.strip()[:40] == passage.strip()[:40],
        "words": len(text.split()),
    }


def judge_describe(text: str) -> dict[str, Any]:
    lines = text.split("\n")
    pairs = [line.split(":", 1) for line in lines]
    labelled = [pair[0].strip() for pair in pairs] == list(LABELS) and all(
        len(pair) == 2 and pair[1].strip() for pair in pairs
    )
    named = 0
    if labelled:
        named = sum(
            bool(words_of(pair[1]) & SENSE_CHECK[label])
            for label, pair in zip(LABELS, pairs, strict=False)
            if label in SENSE_CHECK
        )
    return {"six_labelled": labelled, "senses_named": named}


def judge_feedback(text: str) -> dict[str, Any]:
    lines = [line for line in text.split("\n") if line.strip()]
    labels = [line.split(":", 1)[0].strip() for line in lines]
    return {
        "two_parts": labels == ["What works", "One thing to try"],
        "rewrite_talk": bool(REWRITE_TALK.search(text)),
        "words": len(text.split()),
    }


async def run(rounds: int) -> dict[str, Any]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from inkwell.bot.runtime import open_services
    from inkwell.bot.services.origin import Origin
    from inkwell.bot.settings import Settings
    from inkwell.serving.embedded import EmbeddedBackend
    from inkwell.serving.prepare import MODEL_DIR_NAME, default_cache_dir

    model = default_cache_dir() / MODEL_DIR_NAME
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            database=Path(folder) / "bench.sqlite3",
            llm={"model_path": model},  # type: ignore[arg-type]
        )
        services = await open_services(
            settings, backend=EmbeddedBackend(model), apply_cooldowns=False
        )
        try:
            passages = services.passages
            for round_number in range(rounds):
                for name, passage in PASSAGES.items():
                    origin = Origin(user_id=1000 + round_number)
                    for tool in ("rewrite", "continue", "describe", "feedback"):
                        started = time.perf_counter()
                        if tool == "rewrite":
                            result = await passages.rewrite(passage, origin)
                            judged = judge_rewrite(passage, result.texts)
                        elif tool == "continue":
                            result = await passages.continue_text(passage, origin)
                            judged = judge_continue(passage, result.text)
                        elif tool == "describe":
                            result = await passages.describe(passage, origin)
                            judged = judge_describe(result.text)
                        else:
                            result = await passages.feedback(passage, origin)
                            judged = judge_feedback(result.text)
                        seconds = round(time.perf_counter() - started, 1)
                        rows.append(
                            {
                                "passage": name,
                                "tool": tool,
                                "round": round_number,
                                "seconds": seconds,
                                "texts": list(result.texts),
                                **judged,
                            }
                        )
                        print(f"{name:<10} {tool:<9} {seconds:>5.1f} s  {judged}", flush=True)
        finally:
            await services.close()
    return {"rows": rows, "summary": summarise(rows)}


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, str]:
    def of(tool: str) -> list[dict[str, Any]]:
        return [row for row in rows if row["tool"] == tool]

    def seconds(tool: str) -> str:
        return f"{statistics.median(row['seconds'] for row in of(tool)):.1f} s"

    rewrites, continues, describes, feedbacks = (
        of(t) for t in ("rewrite", "continue", "describe", "feedback")
    )
    ratios = [ratio for row in rewrites for ratio in row["length_ratios"]]
    return {
        "rewrite: three distinct": f"{sum(r['distinct'] == 3 for r in rewrites)}/{len(rewrites)}",
        "rewrite: whole endings": f"{sum(r['whole_endings'] for r in rewrites)}"
        f"/{sum(r['alternatives'] for r in rewrites)}",
        "rewrite: length ÷ passage (median, max)": f"{statistics.median(ratios):.2f}, "
        f"{max(ratios):.2f}"
        if ratios
        else "-",
        "rewrite: median time": seconds("rewrite"),
        "continue: whole ending": f"{sum(r['whole_ending'] for r in continues)}/{len(continues)}",
        "continue: repeats the passage": f"{sum(r['repeats_passage'] for r in continues)}"
        f"/{len(continues)}",
        "continue: words (median, max)": f"{statistics.median(r['words'] for r in continues):.0f}"
        f", {max(r['words'] for r in continues)}",
        "continue: median time": seconds("continue"),
        "describe: six labelled lines": f"{sum(r['six_labelled'] for r in describes)}"
        f"/{len(describes)}",
        "describe: sense lines naming their sense": f"{sum(r['senses_named'] for r in describes)}"
        f"/{5 * len(describes)}",
        "describe: median time": seconds("describe"),
        "feedback: what works + one thing to try": f"{sum(r['two_parts'] for r in feedbacks)}"
        f"/{len(feedbacks)}",
        "feedback: talks of rewriting": f"{sum(r['rewrite_talk'] for r in feedbacks)}"
        f"/{len(feedbacks)}",
        "feedback: median time": seconds("feedback"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench passages",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=2, help="times through every passage")
    parser.add_argument("--json", type=Path, default=None, help="write every answer here")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    results = asyncio.run(run(args.rounds))
    print()
    print("| check | result |\n| ----- | ------ |")
    for check, value in results["summary"].items():
        print(f"| {check} | {value} |")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
        print(f"\nanswers written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
