"""Ranking candidates: a passing piece first, then fewer problems, then a smaller score."""

from __future__ import annotations

from inkwell.bot.services.craft.poems import check_haiku, check_limerick
from inkwell.bot.services.craft.verdict import LineFact, Problem, Verdict, best, ranked
from tests.services.craft.poems_samples import BAKER, OLD_POND, replace_line


def test_the_passing_candidate_ranks_first() -> None:
    one_off = check_haiku(OLD_POND.replace("A frog", "A big frog"))
    two_lines = check_haiku("An old silent pond\nA frog jumps into the pond")
    passing = check_haiku(OLD_POND)
    assert ranked([one_off, two_lines, passing]) == [passing, one_off, two_lines]
    assert best([one_off, passing]) is passing
    assert best([]) is None


def test_fewer_problems_outrank_a_smaller_score() -> None:
    # One line three syllables short (one problem, 3 points) against two lines each one
    # syllable off (two problems, 2 points): the single problem ranks first.
    one_big = check_haiku("An old silent pond\nA frog jumps in\nsplash! Silence again.")
    two_small = check_haiku(
        "An old pond, still\nA frog jumps into the pond\nsplash! Silence again, friend"
    )
    assert (len(one_big.problems), one_big.score) == (1, 3)
    assert (len(two_small.problems), two_small.score) == (2, 2)
    assert ranked([two_small, one_big]) == [one_big, two_small]


def test_among_passing_pieces_a_true_rhyme_beats_a_repeated_word() -> None:
    repeated = check_limerick(replace_line(BAKER, 2, "Made loaves every day, every night;"))
    true = check_limerick(BAKER)
    assert repeated.passed
    assert true.passed
    assert ranked([repeated, true]) == [true, repeated]


def test_the_score_adds_every_penalty_and_passing_means_no_problems() -> None:
    verdict = Verdict(
        "haiku",
        (LineFact(1, "x"),),
        (Problem("a", 1, 1.0), Problem("b", 2, 2.0)),
        (Problem("c", 3, 0.5),),
    )
    assert verdict.score == 3.5
    assert not verdict.passed
    assert Verdict("haiku", (), remarks=(Problem("c", 3, 0.5),)).passed


def test_ties_keep_their_order() -> None:
    first, second = check_haiku(OLD_POND), check_haiku(OLD_POND)
    assert ranked([first, second])[0] is first
    assert ranked([second, first])[0] is second
