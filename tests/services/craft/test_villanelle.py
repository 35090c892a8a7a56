"""A villanelle: nineteen lines, five tercets and a quatrain, refrains A1 and A2 in place."""

from __future__ import annotations

from inkwell.bot.services.craft.villanelle import check_villanelle
from tests.services.craft.poems_samples import HOUSE_ON_THE_HILL, lines_of, replace_line


def test_the_house_on_the_hill_is_a_villanelle() -> None:
    verdict = check_villanelle(HOUSE_ON_THE_HILL)
    assert verdict.passed, verdict.problems
    assert len(verdict.lines) == 19
    # Its refrains differ only in punctuation ("away," / "away."), and every A and B line rhymes.
    assert verdict.remarks == ()
    assert verdict.score == 0


def test_a_missing_refrain_is_named_by_line_and_refrain() -> None:
    text = replace_line(HOUSE_ON_THE_HILL, 12, "We linger on the sill?")
    verdict = check_villanelle(text)
    assert not verdict.passed
    assert [problem.message for problem in verdict.problems] == [
        "line 12 should repeat refrain A1 from line 1"
    ]


def test_a_refrain_may_change_case_and_punctuation() -> None:
    text = replace_line(HOUSE_ON_THE_HILL, 15, "THERE IS NOTHING MORE TO SAY!")
    assert check_villanelle(text).passed
    assert check_villanelle(text).remarks == ()


def test_a_lightly_varied_refrain_passes_with_a_remark() -> None:
    text = replace_line(HOUSE_ON_THE_HILL, 18, "And they are all gone away,")
    verdict = check_villanelle(text)
    assert verdict.passed
    assert [remark.message for remark in verdict.remarks] == ["line 18 varies refrain A1"]


def test_the_second_refrain_closes_the_poem() -> None:
    text = replace_line(HOUSE_ON_THE_HILL, 19, "And the wind has gone away.")
    verdict = check_villanelle(text)
    assert [problem.line for problem in verdict.problems] == [19]
    assert "refrain A2" in verdict.problems[0].message


def test_stanza_breaks_must_run_3_3_3_3_3_4_when_there_are_any() -> None:
    lines = lines_of(HOUSE_ON_THE_HILL)
    assert check_villanelle("\n".join(lines)).passed  # no breaks at all: judged on lines
    wrong = "\n".join(lines[:4]) + "\n\n" + "\n".join(lines[4:])
    verdict = check_villanelle(wrong)
    assert [problem.message for problem in verdict.problems] == [
        "the stanzas run 4-15; a villanelle's run 3-3-3-3-3-4"
    ]


def test_eighteen_lines_are_not_a_villanelle() -> None:
    lines = lines_of(HOUSE_ON_THE_HILL)
    verdict = check_villanelle("\n".join(lines[:18]))
    assert verdict.problems[0].message == "the villanelle has 18 lines; it should have 19"
    assert [problem.line for problem in verdict.problems[1:]] == []


def test_a_b_line_that_does_not_rhyme_is_only_a_remark() -> None:
    text = replace_line(HOUSE_ON_THE_HILL, 5, "The winds blow bleak and cold:")
    verdict = check_villanelle(text)
    assert verdict.passed
    assert [remark.line for remark in verdict.remarks] == [5]
