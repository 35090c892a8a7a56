"""Each evasion technique, blocked and innocent texts side by side, checked whole and
streamed: the streamed path never shows a blocked word, not even for one edit, and never
blocks what the final check passes."""

from __future__ import annotations

import pytest

from inkwell.bot.services.filters.matching import RuleMatcher
from inkwell.bot.services.filters.redaction import redact
from inkwell.bot.services.filters.rules import Rule
from inkwell.bot.services.filters.screening import visible
from tests.services.filters.techniques import ALLOWED, CASES, RULES, Case


@pytest.fixture(scope="module")
def matcher() -> RuleMatcher:
    return RuleMatcher(RULES, ALLOWED)


def blocks(matcher: RuleMatcher, text: str) -> bool:
    _, matches = visible(matcher, text, "output", final=True)
    return any(match.rule.action == "block" for match in matches)


def case_id(case: Case) -> str:
    verdict = "blocked" if case.blocked else "passes"
    return f"{case.technique}: {case.text!r} {verdict}"


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_each_technique_is_caught_and_ordinary_text_passes(
    matcher: RuleMatcher, case: Case
) -> None:
    assert blocks(matcher, case.text) is case.blocked


def chunked(text: str, size: int) -> list[str]:
    """The snapshots a streamed text goes through, ``size`` characters at a time."""
    return [text[:end] for end in range(size, len(text), size)]


@pytest.mark.parametrize("size", [1, 3, 8])
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_streaming_never_shows_a_blocked_word_nor_blocks_what_the_final_check_passes(
    matcher: RuleMatcher, case: Case, size: int
) -> None:
    finally_blocked = blocks(matcher, case.text)
    for snapshot in chunked(case.text, size):
        shown, matches = visible(matcher, snapshot, "output", final=False)
        assert snapshot.startswith(shown)
        if any(match.rule.action == "block" for match in matches):
            assert finally_blocked, f"{snapshot!r} was blocked, the finished text is not"
            continue
        masked = redact(shown, ((m.start, m.end) for m in matches if m.rule.action == "redact"))
        _, seen = visible(matcher, masked, "output", final=True)
        shown_words = [masked[m.start : m.end] for m in seen if m.rule.action != "flag"]
        assert not shown_words, f"{snapshot!r} shows {shown_words}"


FORMS = RuleMatcher(
    [
        Rule("dumb", "word", "dumb", "block", "both", "test", forms=True),
        Rule("hole", "word", "hole", "block", "both", "test", forms=True),
        Rule("shit", "word", "shit", "block", "both", "test", forms=True),
        Rule("bad", "word", "bad", "block", "both", "test"),
    ],
    ["Dumbarton", "wholesome", "hole punch"],
)


@pytest.mark.parametrize(
    ("text", "blocked"),
    [
        pytest.param("you dumbs", True, id="plural"),
        pytest.param("dumber and dumbest", True, id="er"),
        pytest.param("stop dumbing it down", True, id="ing"),
        pytest.param("so shitty", True, id="y-with-a-doubled-letter"),
        pytest.param("he shitted", True, id="ed"),
        pytest.param("what a dumbass", True, id="compound-start"),
        pytest.param("you arsehole", True, id="compound-end"),
        pytest.param("we visited Dumbarton", False, id="allow-list-wins-over-a-compound"),
        pytest.param("a wholesome film and a hole punch", False, id="allow-list-wins"),
        pytest.param("badder and baddest", False, id="forms-are-off-by-default"),
        pytest.param("badges for the badminton team", False, id="off-by-default-compounds"),
    ],
)
def test_word_forms_are_a_rule_choice_and_the_allow_list_still_wins(
    text: str, blocked: bool
) -> None:
    assert bool(FORMS.scan(text).matches) is blocked


MASKS = RuleMatcher(
    [
        Rule("shit", "word", "shit", "block", "both", "test", masks=True),
        Rule("fuck", "word", "fuck", "block", "both", "test", masks=True),
        Rule("bad", "word", "bad", "block", "both", "test"),
    ]
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        pytest.param("oh sh*t", "sh*t", id="star"),
        pytest.param("what the f**k", "f**k", id="two-stars"),
        pytest.param("oh s##t", "s##t", id="hashes"),
        pytest.param("fu*k it", "fu*k", id="star-late-in-the-word"),
        pytest.param("oh sht", None, id="a-missing-letter-is-no-mask"),
        pytest.param("sit down", None, id="a-real-word-with-a-letter-less"),
        pytest.param("oh sh**t", None, id="more-stars-than-letters"),
        pytest.param("f*** it", None, id="the-last-letter-stays"),
        pytest.param("a *bold* move", None, id="markdown-is-no-mask"),
        pytest.param("that was b*d", None, id="masks-are-off-by-default"),
        pytest.param("oh sh@t", "sh@t", id="at-sign"),
        pytest.param("what the f@@k", "f@@k", id="two-at-signs"),
        pytest.param("f@ck, again", "f@ck", id="at-sign-after-the-first-letter"),
        pytest.param("she shat herself", None, id="the-a-an-at-sign-reads-as-is-a-real-word"),
        pytest.param("oh sh@@t", None, id="more-at-signs-than-letters"),
        pytest.param("write to sh@t.example.org", None, id="an-address-is-no-mask"),
        pytest.param("@everyone shut it", None, id="a-mention-is-no-mask"),
        pytest.param("that was b@d", "b@d", id="at-sign-is-still-leet-for-a"),
    ],
)
def test_masks_are_a_rule_choice_and_mask_exactly_the_masked_word(
    text: str, masked: str | None
) -> None:
    found = [text[m.start : m.end] for m in MASKS.scan(text).matches]
    assert found == ([masked] if masked else [])
