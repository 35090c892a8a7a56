"""Limericks rhyme AABBA or fail; sonnets have fourteen lines, their rhyme scheme reported."""

from __future__ import annotations

from inkwell.bot.services.craft.rhymed import check_limerick, check_sonnet, sonnet_pairs_kept
from tests.services.craft.poems_samples import BAKER, LEAR, SONNET_18, lines_of, replace_line


def test_lears_limerick_rhymes_aabba() -> None:
    verdict = check_limerick(LEAR)
    assert verdict.passed
    assert verdict.scheme == "AABBA"
    assert [fact.rhyme for fact in verdict.lines] == list("AABBA")
    # "beard" ends lines 1 and 5, but line 5 also rhymes with "feared": a true rhyme.
    assert verdict.remarks == ()


def test_a_limerick_with_a_broken_b_rhyme_fails_naming_both_lines() -> None:
    verdict = check_limerick(BAKER.replace("kneaded it slow", "kneaded it hard"))
    assert not verdict.passed
    assert [problem.message for problem in verdict.problems] == [
        "line 4 does not rhyme with line 3 (“dough” / “hard”)"
    ]
    assert verdict.scheme == "AABCA"
    assert verdict.score == 2


def test_a_last_line_rhyming_with_nothing_fails() -> None:
    verdict = check_limerick(replace_line(BAKER, 5, "And the town ate it all before noon."))
    assert [problem.line for problem in verdict.problems] == [5]


def test_rhyming_by_repeating_the_word_passes_with_a_remark_and_a_small_penalty() -> None:
    text = replace_line(BAKER, 2, "Made loaves every day, every night;")
    verdict = check_limerick(text)
    assert verdict.passed
    assert [remark.message for remark in verdict.remarks] == [
        "lines 1 and 2 rhyme only by repeating “night”"
    ]
    assert verdict.score == 0.5
    assert check_limerick(BAKER).score == 0


def test_a_four_line_limerick_fails_on_its_count_and_its_missing_rhyme_is_not_invented() -> None:
    verdict = check_limerick("\n".join(lines_of(BAKER)[:4]))
    assert [problem.message for problem in verdict.problems] == [
        "the limerick has 4 lines; it should have 5"
    ]


def test_a_limerick_not_in_english_is_judged_on_lines_only() -> None:
    text = (
        "Il était un vieux de Paris\n"
        "qui ne mangeait que du riz\n"
        "il dit: c'est assez\n"
        "je suis fatigué\n"
        "et il mangea du maïs"
    )
    verdict = check_limerick(text)
    assert verdict.not_checked == "not English"
    assert verdict.scheme is None
    assert verdict.passed


def test_sonnet_18_is_a_sonnet_and_keeps_six_of_the_seven_shakespearean_pairs() -> None:
    verdict = check_sonnet(SONNET_18)
    assert verdict.passed
    assert verdict.expected_lines == 14
    # "temperate" and "date" rhymed in 1609; the dictionary hears today's English.
    assert [remark.message for remark in verdict.remarks] == [
        "line 4 does not rhyme with line 2 (“temperate” / “date”)"
    ]
    assert sonnet_pairs_kept(verdict) == 6
    assert verdict.target_scheme == "ABAB CDCD EFEF GG"
    assert verdict.scheme == "ABAC DEDE FGFG HH"


def test_a_sonnet_off_the_scheme_still_passes_as_a_sonnet() -> None:
    text = replace_line(SONNET_18, 14, "So long lives this, and this gives life to you.")
    verdict = check_sonnet(text)
    assert verdict.passed
    assert sonnet_pairs_kept(verdict) == 5
    assert verdict.score == 1.0


def test_a_thirteen_line_sonnet_fails() -> None:
    verdict = check_sonnet("\n".join(lines_of(SONNET_18)[:13]))
    assert not verdict.passed
    assert verdict.problems[0].message == "the sonnet has 13 lines; it should have 14"
    assert sonnet_pairs_kept(verdict) is None


def test_a_sonnet_laid_out_in_quatrains_and_a_couplet_is_the_same_sonnet() -> None:
    lines = lines_of(SONNET_18)
    spaced = "\n\n".join("\n".join(lines[start : start + 4]) for start in range(0, 14, 4))
    assert check_sonnet(spaced).scheme == check_sonnet(SONNET_18).scheme
