"""Haiku, tanka, acrostic and free verse: line counts, syllables per line, initials."""

from __future__ import annotations

import pytest

from inkwell.bot.services.craft.poems import (
    check_acrostic,
    check_free_verse,
    check_haiku,
    check_poem,
    check_tanka,
)
from tests.services.craft.poems_samples import HARBOUR_TANKA, KETTLE, OLD_POND, RIVER


@pytest.mark.parametrize("haiku", [OLD_POND, KETTLE], ids=["old-pond", "kettle"])
def test_a_5_7_5_haiku_passes_with_its_counts_on_each_line(haiku: str) -> None:
    verdict = check_haiku(haiku)
    assert verdict.passed
    assert verdict.problems == ()
    assert verdict.score == 0
    assert [fact.closest_syllables() for fact in verdict.lines] == [5, 7, 5]
    assert [fact.target_syllables for fact in verdict.lines] == [5, 7, 5]


def test_a_line_one_syllable_long_is_named_with_its_count_and_target() -> None:
    verdict = check_haiku(OLD_POND.replace("A frog", "A big frog"))
    assert not verdict.passed
    assert [problem.message for problem in verdict.problems] == [
        "line 2 has 8 syllables; it should have 7"
    ]
    assert verdict.problems[0].line == 2
    assert verdict.score == 1


def test_each_syllable_off_costs_one_point() -> None:
    verdict = check_haiku(
        "An old pond\nA frog jumps into the pond\nsplash! Silence again, and again."
    )
    assert [problem.message for problem in verdict.problems] == [
        "line 1 has 3 syllables; it should have 5",
        "line 3 has 8 syllables; it should have 5",
    ]
    assert verdict.score == 5


def test_a_line_that_may_be_said_two_ways_passes_if_either_way_fits() -> None:
    # "every hour the fire burns": 6, 7, 8 or 9 syllables.
    assert check_haiku(
        "An old silent pond\nevery hour the fire burns\nsplash! Silence again."
    ).passed
    # Neither 10 nor 11 is 7: the nearest reading is reported.
    verdict = check_haiku(
        "An old silent pond\nevery single hour the fire burns\nsplash! Silence again."
    )
    assert verdict.problems[0].message == "line 2 has 8 syllables; it should have 7"


def test_a_missing_line_is_a_problem_costing_three_points() -> None:
    verdict = check_haiku("An old silent pond\nA frog jumps into the pond—")
    assert [problem.message for problem in verdict.problems] == [
        "the haiku has 2 lines; it should have 3"
    ]
    assert verdict.problems[0].line is None
    assert verdict.score == 3


def test_an_extra_line_is_counted_but_has_no_target() -> None:
    verdict = check_haiku(OLD_POND + "\nand the frog is gone")
    assert verdict.problems[0].message == "the haiku has 4 lines; it should have 3"
    assert verdict.lines[3].target_syllables is None
    assert verdict.lines[3].syllables == (5,)


def test_a_titled_haiku_is_judged_on_its_three_lines() -> None:
    verdict = check_haiku(f"The Old Pond\n\n{OLD_POND}")
    assert verdict.passed
    assert verdict.title == "The Old Pond"
    assert len(verdict.lines) == 3


def test_stanza_breaks_inside_a_haiku_are_ignored() -> None:
    assert check_haiku(OLD_POND.replace("\n", "\n\n")).passed


def test_a_haiku_not_in_english_is_not_counted_and_passes_on_its_line_count() -> None:
    verdict = check_haiku("古池や\n蛙飛び込む\n水の音")
    assert verdict.not_checked == "not English"
    assert verdict.passed
    assert all(fact.syllables == () for fact in verdict.lines)
    assert not check_haiku("古池や\n蛙飛び込む").passed


def test_unknown_words_are_estimated_and_listed_on_their_line() -> None:
    verdict = check_haiku("Zorblax in the mist\nA frog jumps into the pond\nsplash! Silence again.")
    assert verdict.passed
    assert verdict.lines[0].estimated_words == ("Zorblax",)


def test_a_5_7_5_7_7_tanka_passes() -> None:
    verdict = check_tanka(HARBOUR_TANKA)
    assert verdict.passed, verdict.problems
    assert [fact.closest_syllables() for fact in verdict.lines] == [5, 7, 5, 7, 7]


def test_a_haiku_is_not_a_tanka() -> None:
    verdict = check_tanka(KETTLE)
    assert verdict.problems[0].message == "the tanka has 3 lines; it should have 5"


def test_an_acrostic_starts_each_line_with_its_letter_in_order() -> None:
    verdict = check_acrostic(RIVER, "river")
    assert verdict.passed
    assert verdict.word == "RIVER"
    assert [fact.initial for fact in verdict.lines] == ["R", "I", "V", "E", "R"]


def test_a_wrong_initial_is_named_by_line() -> None:
    verdict = check_acrostic(RIVER.replace("Valleys", "Brooks"), "river")
    assert [problem.message for problem in verdict.problems] == [
        "line 3 starts with “B”; it should start with “V”"
    ]
    assert verdict.score == 2


def test_acrostic_initials_ignore_case_accents_quotes_and_markdown() -> None:
    text = "**e**very wave\n“Lights on the bay”\nÀ lantern swings\nnight comes in"
    assert check_acrostic(text, "Élan").passed


def test_an_acrostic_of_two_words_spells_every_letter() -> None:
    verdict = check_acrostic("Night\nEvery\nWindow\nYellow\nOpen\nRoofs\nKeep", "New York")
    assert verdict.passed
    assert verdict.expected_lines == 7


def test_an_acrostic_one_line_short_says_so() -> None:
    verdict = check_acrostic("\n".join(RIVER.splitlines()[:4]), "river")
    assert [problem.message for problem in verdict.problems] == [
        "the acrostic has 4 lines; it should have 5"
    ]


def test_an_acrostic_needs_a_word_with_letters() -> None:
    with pytest.raises(ValueError, match="letters"):
        check_acrostic(RIVER, "  42 ")
    with pytest.raises(ValueError, match="word"):
        check_poem(RIVER, "acrostic")


def test_free_verse_always_passes() -> None:
    for text in ("", "one line", OLD_POND, "a\n\nb\n\nc\nd\ne\nf"):
        assert check_free_verse(text).passed
        assert check_free_verse(text).score == 0


def test_check_poem_picks_the_check_for_the_form() -> None:
    assert check_poem(OLD_POND, "haiku").form == "haiku"
    assert check_poem(OLD_POND, "tanka").form == "tanka"
    assert not check_poem(OLD_POND, "tanka").passed
    assert check_poem(RIVER, "acrostic", word="river").passed
    assert check_poem(OLD_POND, "free").form == "free"
    assert {check_poem(OLD_POND, form).form for form in ("limerick", "sonnet", "villanelle")} == {
        "limerick",
        "sonnet",
        "villanelle",
    }
