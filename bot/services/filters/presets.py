"""Word lists Inkwell ships, which a guild switches on with ``/filters preset enable``.

Each preset is a plain text file in ``presets/`` (one pattern per line, ``#`` comments),
written for Inkwell and licensed like the rest of it; see ``presets/README.md``. A line's
kind follows from how it is written: ``*`` at an end makes a wildcard, several words a
phrase, anything else a whole word. Presets don't count against a guild's 1000 keywords.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final, Literal, get_args

from inkwell.bot.services.filters.normalize import pattern_skeleton
from inkwell.bot.services.filters.rules import Action, AppliesTo, Kind, Rule, check_pattern

PresetName = Literal["profanity", "slurs", "sexual", "self-harm", "graphic-violence"]
PRESET_NAMES: Final = get_args(PresetName)


@dataclass(frozen=True, slots=True)
class PresetInfo:
    name: PresetName
    # What a member reads when the preset blocks them.
    category: str
    default_action: Action
    description: str


PRESETS: Final[dict[str, PresetInfo]] = {
    "profanity": PresetInfo(
        "profanity", "profanity", "redact", "Strong swear words (masked by default)"
    ),
    "slurs": PresetInfo("slurs", "slurs", "block", "Slurs against groups of people"),
    "sexual": PresetInfo("sexual", "sexual content", "block", "Explicit sexual terms"),
    "self-harm": PresetInfo(
        "self-harm", "self-harm", "block", "Encouraging or describing self-harm and suicide"
    ),
    "graphic-violence": PresetInfo(
        "graphic-violence", "graphic violence", "block", "Gory, graphic violence"
    ),
}


def kind_of_line(line: str) -> Kind:
    if line.startswith("*") or line.endswith("*"):
        return "wildcard"
    return "phrase" if " " in pattern_skeleton(line) else "word"


@cache
def preset_patterns(name: str) -> tuple[tuple[Kind, str], ...]:
    """The patterns of one preset, each checked like a moderator's (a bad line fails loudly)."""
    if name not in PRESETS:
        raise KeyError(f"no preset called {name!r}")
    text = (
        resources.files("inkwell.bot.services.filters")
        .joinpath("presets", f"{name}.txt")
        .read_text(encoding="utf-8")
    )
    patterns: list[tuple[Kind, str]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        kind = kind_of_line(line)
        patterns.append((kind, check_pattern(kind, line)))
    return tuple(patterns)


def preset_rules(name: str, action: Action, applies_to: AppliesTo) -> list[Rule]:
    info = PRESETS[name]
    return [
        Rule(f"preset {name}", kind, pattern, action, applies_to, info.category)
        for kind, pattern in preset_patterns(name)
    ]
