"""Syllables by spelling, for words no dictionary has: the usual English corrections."""

from __future__ import annotations

import pytest

from inkwell.bot.services.craft.estimate import estimate_syllables, spelled_rime


def estimate(word: str) -> list[int]:
    return sorted(estimate_syllables(word))


@pytest.mark.parametrize(
    ("word", "expected", "rule"),
    [
        ("Zorblax", [2], "one syllable per vowel group"),
        ("dont", [1], "a contraction without its apostrophe"),
        ("yeet", [1], "a doubled vowel is one sound"),
        ("stone", [1], "silent final e"),
        ("table", [2], "consonant + le carries a syllable"),
        ("café", [2], "an accented final e is sounded"),
        ("makes", [1], "-es after a plain consonant is silent"),
        ("wishes", [2], "-es after a sibilant is sounded"),
        ("places", [2], "-es after a soft c is sounded"),
        ("jumped", [1], "-ed after a plain consonant is silent"),
        ("wanted", [2], "-ed after t is sounded"),
        ("faded", [2], "-ed after d is sounded"),
        ("lonely", [2], "silent e before -ly"),
        ("homeless", [2], "silent e before -less"),
        ("rhythm", [2], "-thm is two syllables"),
        ("chasm", [2], "-sm is two syllables"),
        ("beyond", [2], "y before a vowel is a consonant"),
        ("gym", [1], "y between consonants is a vowel"),
        ("Maria", [3], "ia is two vowels"),
        ("nation", [2], "but -tion is one"),
        ("naïve", [2], "a diaeresis splits the vowels"),
        ("hmm", [1], "every word has a syllable"),
    ],
)
def test_spelling_rules(word: str, expected: list[int], rule: str) -> None:
    assert estimate(word) == expected, rule


@pytest.mark.parametrize(("word", "expected"), [("ruin", [1, 2]), ("create", [1, 2])])
def test_an_unsure_vowel_pair_allows_one_more_syllable(word: str, expected: list[int]) -> None:
    assert estimate(word) == expected


def test_an_apostrophe_inside_a_word_marks_a_vowel_already_cut() -> None:
    assert estimate("heav'n") == [1]
    assert estimate("o'er") == [1]


@pytest.mark.parametrize(
    ("word", "rime"),
    [
        ("Zorblax", "ax"),
        ("stone", "one"),  # a silent e belongs to the vowel before it
        ("makes", "akes"),
        ("day", "ay"),
        ("table", "able"),  # the -le syllable is too weak to carry a rhyme
        ("wanted", "anted"),
        ("sofa", "ofa"),  # so sofa and data do not rhyme on their last "a"
        ("lonely", "onely"),
    ],
)
def test_the_spelled_rime_runs_from_the_last_sounded_vowel(word: str, rime: str) -> None:
    assert spelled_rime(word) == rime
