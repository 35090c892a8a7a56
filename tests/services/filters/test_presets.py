"""The shipped presets: data files that load, document themselves, and behave."""

from __future__ import annotations

from pathlib import Path

import pytest

from inkwell.bot.services.filters.matching import RuleMatcher
from inkwell.bot.services.filters.presets import (
    PRESET_NAMES,
    PRESETS,
    preset_patterns,
    preset_rules,
)

PRESET_DIR = Path(__file__).resolve().parents[3] / "bot" / "services" / "filters" / "presets"


def test_the_issue_names_every_preset() -> None:
    assert set(PRESET_NAMES) == {"profanity", "slurs", "sexual", "self-harm", "graphic-violence"}
    assert set(PRESETS) == set(PRESET_NAMES)


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_each_preset_loads_and_is_modest_but_real(name: str) -> None:
    patterns = preset_patterns(name)
    assert 10 <= len(patterns) <= 200
    assert len(set(patterns)) == len(patterns)


def test_source_and_licence_are_documented_beside_the_lists() -> None:
    readme = (PRESET_DIR / "README.md").read_text(encoding="utf-8")
    assert "Written for Inkwell" in readme
    assert "MIT" in readme
    for name in PRESET_NAMES:
        lines = (PRESET_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        header = " ".join(line for line in lines[:3] if line.startswith("#"))
        assert "Written for Inkwell" in header


@pytest.mark.parametrize(
    ("name", "caught", "innocent"),
    [
        ("profanity", "what the f.u.c.k", "a classic assassin from Scunthorpe"),
        ("profanity", "you're a b1tch", "shiitake and cocktails"),
        ("self-harm", "just kill yourself", "she killed the dragon herself"),
        ("graphic-violence", "he was disemboweled", "the sword fight was fierce"),
        ("sexual", "send nudes", "a romance with a kiss at the end"),
        ("slurs", "you f@ggot", "a bundle of sticks"),
    ],
)
def test_presets_catch_their_words_and_spare_ordinary_writing(
    name: str, caught: str, innocent: str
) -> None:
    matcher = RuleMatcher(preset_rules(name, "block", "both"))
    assert matcher.scan(caught).matches
    assert not matcher.scan(innocent).matches
