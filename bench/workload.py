"""A realistic, repeatable mix of members and commands (seeded)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from inkwell.bot.records.styles import StyleRecord

VOICES = ["lyrical", "plain-spoken", "hard-boiled", "whimsical", "gothic", "minimalist", "epic"]
TONES = ["wry", "warm", "eerie", "hopeful", "melancholy", "playful", "defiant", "tender"]
AVOID = ["spiders", "gore", "clichés about rain", "brand names", "swearing", None, None]
SAMPLES = [
    "The kettle sang its one note and the kitchen leaned in to listen.",
    "Rain again. The city wore it like a borrowed coat.",
    "She counted the stairs the way other people counted sheep.",
    None,
    None,
]
SUBJECTS = [
    "a lighthouse keeper who finds a letter",
    "first snow over the harbour",
    "our bakery opens on saturday",
    "a robot learning to garden",
    "the last train home",
    "a dragon afraid of heights",
    "moving to a new city",
    "a friendship across an ocean",
    "the night market",
    "an old map in the attic",
]
COMMANDS: list[tuple[str, str, dict[str, str]]] = [
    ("story", "prompt", {"length": "short"}),
    ("poem", "topic", {"form": "haiku"}),
    ("poem", "topic", {"form": "limerick"}),
    ("lyrics", "topic", {"structure": "verse-chorus"}),
    ("post", "topic", {"platform": "x"}),
    ("post", "topic", {"platform": "bluesky"}),
]


@dataclass(frozen=True, slots=True)
class Command:
    user_id: int
    form: str
    subject_option: str
    subject: str
    options: dict[str, str]


def member_styles(count: int, seed: int = 7) -> dict[int, StyleRecord]:
    rng = random.Random(seed)
    return {
        1_000 + index: StyleRecord(
            voice=rng.choice(VOICES),
            tone=rng.choice(TONES),
            pov=rng.choice(["first", "third", None]),
            rating=rng.choice(["g", "pg", "pg13"]),
            avoid=rng.choice(AVOID),
            sample=rng.choice(SAMPLES),
        )
        for index in range(count)
    }


def command_mix(members: list[int], count: int, seed: int = 11) -> list[Command]:
    rng = random.Random(seed)
    mix: list[Command] = []
    for _ in range(count):
        form, subject_option, options = rng.choice(COMMANDS)
        mix.append(
            Command(rng.choice(members), form, subject_option, rng.choice(SUBJECTS), dict(options))
        )
    return mix
