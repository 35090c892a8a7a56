"""The one line under a piece: short, plain, honest."""

from __future__ import annotations

import pytest

from inkwell.bot.services.craft.lyrics import check_lyrics
from inkwell.bot.services.craft.poems import (
    check_acrostic,
    check_free_verse,
    check_haiku,
    check_limerick,
    check_sonnet,
    check_tanka,
    check_villanelle,
)
from inkwell.bot.services.craft.report import report_line
from inkwell.bot.services.craft.verdict import Verdict
from tests.services.craft.poems_samples import (
    BAKER,
    HARBOUR_TANKA,
    HOUSE_ON_THE_HILL,
    LEAR,
    OLD_POND,
    RIVER,
    SONNET_18,
    lines_of,
    replace_line,
)
from tests.services.craft.test_lyrics import CHORUS, VERSE_1, VERSE_2, song


@pytest.mark.parametrize(
    ("verdict", "line"),
    [
        pytest.param(check_haiku(OLD_POND), "haiku · 5-7-5 ✓", id="haiku"),
        pytest.param(
            check_haiku(OLD_POND.replace("A frog", "A big frog")),
            "haiku · 5-8-5 (line 2 is one syllable too long)",
            id="haiku-long-line",
        ),
        pytest.param(
            check_haiku("An old pond\nA frog jumps into the pond\nsplash! Silence again."),
            "haiku · 3-7-5 (line 1 is two syllables too short)",
            id="haiku-short-line",
        ),
        pytest.param(
            check_haiku(OLD_POND + "\nthe frog is gone"),
            "haiku · 5-7-5-4 (it should have 3 lines)",
            id="haiku-extra-line",
        ),
        pytest.param(
            check_haiku("古池や\n蛙飛び込む\n水の音"),
            "haiku · not checked: not English",
            id="haiku-not-english",
        ),
        pytest.param(
            check_haiku("Zorblax in the mist\nA frog jumps into the pond\nsplash! Silence again."),
            "haiku · 5-7-5 ✓ (“Zorblax” estimated)",
            id="haiku-estimated-word",
        ),
        pytest.param(check_tanka(HARBOUR_TANKA), "tanka · 5-7-5-7-7 ✓", id="tanka"),
        pytest.param(check_limerick(LEAR), "limerick · AABBA ✓", id="limerick"),
        pytest.param(
            check_limerick(BAKER.replace("kneaded it slow", "kneaded it hard")),
            "limerick · AABCA (line 4 doesn't rhyme with line 3)",
            id="limerick-broken-rhyme",
        ),
        pytest.param(
            check_limerick(replace_line(BAKER, 2, "Made loaves every day, every night;")),
            "limerick · AABBA ✓ (line 2 repeats “night”)",
            id="limerick-identical-rhyme",
        ),
        pytest.param(
            check_sonnet(
                replace_line(SONNET_18, 2, "Thou art more lovely, and thy light more great:")
            ),
            "sonnet · 14 lines ✓ · rhyme ABAB CDCD EFEF GG",
            id="sonnet",
        ),
        pytest.param(
            check_sonnet(SONNET_18),
            "sonnet · 14 lines ✓ · rhyme ABAB CDCD EFEF GG in 6 of 7 pairs",
            id="sonnet-off-scheme",
        ),
        pytest.param(
            check_sonnet("\n".join(lines_of(SONNET_18)[:13])),
            "sonnet · 13 lines (it should have 14 lines)",
            id="sonnet-short",
        ),
        pytest.param(
            check_villanelle(HOUSE_ON_THE_HILL),
            "villanelle · 19 lines, refrains ✓",
            id="villanelle",
        ),
        pytest.param(
            check_villanelle(replace_line(HOUSE_ON_THE_HILL, 12, "We linger on the sill?")),
            "villanelle · 19 lines, refrains (refrain A1 missing at line 12)",
            id="villanelle-missing-refrain",
        ),
        pytest.param(check_acrostic(RIVER, "river"), "acrostic · R-I-V-E-R ✓", id="acrostic"),
        pytest.param(
            check_acrostic(RIVER.replace("Valleys", "Brooks"), "river"),
            "acrostic · R-I-V-E-R (line 3 starts with “B”, not “V”)",
            id="acrostic-wrong-initial",
        ),
        pytest.param(
            check_lyrics(song(VERSE_1, CHORUS, VERSE_2, CHORUS)),
            "lyrics · Verse 1, Chorus, Verse 2, Chorus ✓",
            id="lyrics",
        ),
        pytest.param(
            check_lyrics(song(VERSE_1, CHORUS, VERSE_2)),
            "lyrics · Verse 1, Chorus, Verse 2 (no second chorus)",
            id="lyrics-no-second-chorus",
        ),
        pytest.param(check_free_verse(RIVER), "free verse · 5 lines", id="free-verse"),
    ],
)
def test_report_line(verdict: Verdict, line: str) -> None:
    assert report_line(verdict) == line


def test_a_report_names_at_most_two_problems_and_counts_the_rest() -> None:
    verdict = check_haiku("An old pond\nA frog jumps\nsplash")
    assert report_line(verdict) == (
        "haiku · 3-3-1 (line 1 is two syllables too short; line 2 is four syllables too short;"
        " 1 more)"
    )
