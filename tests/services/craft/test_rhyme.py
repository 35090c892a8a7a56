"""Rhymes by sound from CMUdict (any pronunciation pair), by spelling when a word is missing."""

from __future__ import annotations

import pytest

from inkwell.bot.services.craft.rhyme import (
    end_word,
    rhymes,
    rhyming_part,
    rhyming_words,
    scheme_letters,
)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("day", "way"),
        ("night", "delight"),  # the rhyme starts at the last stressed vowel
        ("sun", "son"),  # homophones are different words, so a full rhyme
        ("day", "today"),
        ("fire", "higher"),
        ("fire", "wire"),
        ("singing", "bringing"),  # a feminine rhyme: two syllables agree
        ("Peru", "shoe"),
        ("wind", "find"),  # the verb ...
        ("wind", "sinned"),  # ... and the noun: either pronunciation may rhyme
        ("feared", "beard!"),  # punctuation is not part of the word
    ],
)
def test_words_that_sound_alike_from_the_stressed_vowel_rhyme(first: str, second: str) -> None:
    assert rhymes(first, second) == "sound"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("cat", "dog"),
        ("love", "move"),  # an eye rhyme: the dictionary hears the difference
        ("walking", "singing"),  # the same -ing after different stressed vowels
        ("temperate", "date"),  # rhymed in 1609, not now
    ],
)
def test_words_that_only_share_letters_or_nothing_do_not_rhyme(first: str, second: str) -> None:
    assert rhymes(first, second) == "none"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Zorblax", "flax", "spelling"),
        ("Quenthar", "far", "spelling"),
        ("dont", "won't", "spelling"),
        ("sofa", "Zorbofa", "spelling"),
        ("Zorblax", "dog", "none"),
        ("sofa", "Zorbata", "none"),  # a weak last "a" alone is not a rhyme
    ],
)
def test_a_word_missing_from_the_dictionary_rhymes_by_spelling(
    first: str, second: str, expected: str
) -> None:
    assert rhymes(first, second) == expected


def test_the_same_word_twice_is_an_identical_rhyme_not_a_full_one() -> None:
    assert rhymes("day", "day") == "identical"
    assert rhymes("Day", "day!") == "identical"
    assert rhymes("café", "cafe") == "identical"


def test_the_rhyming_part_runs_from_the_last_stressed_vowel_without_stress_marks() -> None:
    assert rhyming_part(("D", "IH0", "L", "AY1", "T")) == ("AY", "T")
    assert rhyming_part(("S", "IH1", "NG", "IH0", "NG")) == ("IH", "NG", "IH", "NG")


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("She said, “away.”", "away"),
        ("the end of 1999!", "nine"),  # a number ends on its last spoken word
        ("the fancy-play", "fancy-play"),
        ("— …", None),
    ],
)
def test_the_end_word_is_the_last_spoken_word(line: str, word: str | None) -> None:
    assert end_word(line) == word


def test_scheme_letters_follow_the_first_line_each_rhyme_returns_to() -> None:
    assert scheme_letters(["day", "way", "night", "bright", "say"]) == "AABBA"
    assert scheme_letters(["day", "night", "way", "light"]) == "ABAB"
    assert scheme_letters(["day", None, "day"]) == "A-A"


def test_rhyming_words_are_the_dictionarys_by_sound_without_the_word_itself() -> None:
    found = rhyming_words("Night!")
    assert {"light", "bright", "white", "kite"} <= set(found)
    assert "night" not in found
    assert "nightly" not in found
    assert all(rhymes(word, "night") == "sound" for word in found)


def test_a_word_the_dictionary_lacks_has_no_rhyming_words_to_offer() -> None:
    assert rhyming_words("Zorblax") == ()


def test_small_words_a_line_should_not_end_on_are_not_offered() -> None:
    assert "the" not in rhyming_words("sea")
