"""Matching: evasions are caught, innocent words pass, the allow-list wins, and a match
masks exactly the characters that made it."""

from __future__ import annotations

import pytest

from inkwell.bot.services.filters.matching import RuleMatcher, collapse, readings
from inkwell.bot.services.filters.redaction import redact
from inkwell.bot.services.filters.rules import Action, AppliesTo, Kind, Rule


def rule(
    kind: Kind,
    pattern: str,
    action: Action = "block",
    applies_to: AppliesTo = "both",
    category: str = "test",
) -> Rule:
    return Rule(f"{kind}:{pattern}", kind, pattern, action, applies_to, category)


RULES = [
    rule("word", "shit"),
    rule("word", "ass"),
    rule("word", "hell"),
    rule("wildcard", "*fuck*"),
    rule("wildcard", "*cunt*"),
    rule("phrase", "kill yourself"),
    rule("regex", r"\bsecret-?code-?\d{3}\b"),
]
# A town that contains a blocked word, and a place name that starts with one.
ALLOWED = ["Scunthorpe", "Hell Creek"]


@pytest.fixture(scope="module")
def matcher() -> RuleMatcher:
    return RuleMatcher(RULES, ALLOWED)


def labels(matcher: RuleMatcher, text: str) -> list[str]:
    return [match.rule.label for match in matcher.scan(text).matches]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        pytest.param("that's shit", "word:shit", id="plain"),
        pytest.param("that's SHIT", "word:shit", id="upper-case"),
        pytest.param("that's ＳＨＩＴ", "word:shit", id="fullwidth"),
        pytest.param("that's ѕһіt", "word:shit", id="cyrillic-look-alikes"),
        pytest.param("that's 𝐬𝐡𝐢𝐭", "word:shit", id="math-bold"),
        pytest.param("that's s\u200bh\u200bi\u200bt", "word:shit", id="zero-width-spaces"),
        pytest.param("that's s\u202eh\u202cit", "word:shit", id="bidi-override"),
        pytest.param("that's shít", "word:shit", id="accent"),
        pytest.param("that's s̶h̶i̶t̶", "word:shit", id="strikethrough-combining"),
        pytest.param("that's 5h1t", "word:shit", id="leet-digits"),
        pytest.param("that's sh!t", "word:shit", id="leet-exclamation"),
        pytest.param("that's $hit", "word:shit", id="leet-dollar"),
        pytest.param("that's sh|t", "word:shit", id="leet-pipe"),
        pytest.param("that's shiiiiit", "word:shit", id="repeated-letters"),
        pytest.param("that's s.h.i.t", "word:shit", id="dots"),
        pytest.param("that's s h i t", "word:shit", id="spaces"),
        pytest.param("that's s-h-i-t", "word:shit", id="dashes"),
        pytest.param("that's ||shit||", "word:shit", id="spoiler"),
        pytest.param("that's **shit**", "word:shit", id="bold"),
        pytest.param("that's s**hi**t", "word:shit", id="bold-inside"),
        pytest.param("that's ~~shit~~", "word:shit", id="strikethrough"),
        pytest.param("that's `shit`", "word:shit", id="inline-code"),
        pytest.param("that's shit!", "word:shit", id="punctuation-after"),
        pytest.param("shit's sake", "word:shit", id="apostrophe"),
        pytest.param("kiss my a$$", "word:ass", id="dollar-signs"),
        pytest.param("kiss my @ss", "word:ass", id="at-sign"),
        pytest.param("kiss my 4ss", "word:ass", id="digit-four"),
        pytest.param("kiss my aaasss", "word:ass", id="more-repeats-than-the-word"),
        pytest.param("kiss my a s s", "word:ass", id="spaced-out"),
        pytest.param("what the fuck", "wildcard:*fuck*", id="wildcard-whole-word"),
        pytest.param("motherfucker", "wildcard:*fuck*", id="wildcard-inside-a-word"),
        pytest.param("what the f.u.c.k", "wildcard:*fuck*", id="wildcard-dots"),
        pytest.param("what the fцck", "wildcard:*fuck*", id="wildcard-cyrillic-u"),
        pytest.param("what the 🇫🇺🇨🇰", "wildcard:*fuck*", id="flag-letters"),
        pytest.param("kill yourself", "phrase:kill yourself", id="phrase"),
        pytest.param("KILL, YOURSELF!", "phrase:kill yourself", id="phrase-punctuation"),
        pytest.param("k1ll   y0urself", "phrase:kill yourself", id="phrase-leet"),
        pytest.param("kiiill yourselfff", "phrase:kill yourself", id="phrase-repeats"),
        pytest.param("the code is SECRET-CODE-123", "regex:\\bsecret-?code-?\\d{3}\\b", id="regex"),
        pytest.param(
            "the code is ｓｅｃｒｅｔｃｏｄｅ１２３",
            "regex:\\bsecret-?code-?\\d{3}\\b",
            id="regex-folded",
        ),
        pytest.param("go to hell", "word:hell", id="word-near-an-allowed-phrase"),
    ],
)
def test_evasions_are_caught(matcher: RuleMatcher, text: str, label: str) -> None:
    assert label in labels(matcher, text)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("I grew up in Scunthorpe.", id="scunthorpe-allowed"),
        pytest.param("SCUNTHORPE United", id="scunthorpe-any-case"),
        pytest.param("the assassin waited", id="assassin"),
        pytest.param("a classic film", id="classic"),
        pytest.param("first class passage", id="class-passage"),
        pytest.param("the bass player", id="bass"),
        pytest.param("as far as I know", id="as-is-not-ass"),
        pytest.param("shiitake mushrooms", id="shiitake"),
        pytest.param("shift the shirt", id="shift-shirt"),
        pytest.param("hello, shell, Helles", id="hello-shell"),
        pytest.param("we camped at Hell Creek", id="hell-creek-allowed"),
        pytest.param("455 people came", id="numbers-are-not-leet"),
        pytest.param("skill yourself up", id="phrase-needs-whole-words"),
        pytest.param("kill your darlings", id="half-a-phrase"),
        pytest.param("the secret code is safe", id="regex-needs-digits"),
        pytest.param("I'm a sassy lass", id="sassy-lass"),
    ],
)
def test_innocent_text_passes(matcher: RuleMatcher, text: str) -> None:
    assert labels(matcher, text) == []


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        pytest.param("oh shit, no", "oh ███, no", id="plain"),
        pytest.param("oh s.h.i.t, no", "oh ███, no", id="dots-inside-the-mask"),
        pytest.param("oh ＳＨＩＴ!", "oh ███!", id="fullwidth"),
        pytest.param("oh sh\u200bit now", "oh ███ now", id="zero-width"),
        pytest.param("oh **shit** now", "oh **███** now", id="markdown-around-kept"),
        pytest.param("oh s̷h̷i̷t̷ now", "oh ███ now", id="combining-marks-masked"),
        pytest.param("a motherfucking day", "a ███ day", id="wildcard-masks-its-word"),
        pytest.param("shit and shit", "███ and ███", id="every-match"),
        pytest.param("Scunthorpe and a cunt", "Scunthorpe and a ███", id="allowed-stays"),
    ],
)
def test_redaction_covers_exactly_the_original_characters(
    matcher: RuleMatcher, text: str, masked: str
) -> None:
    spans = [(m.start, m.end) for m in matcher.scan(text).matches]
    assert redact(text, spans) == masked


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("cat*", "catapult", True),
        ("cat*", "bobcat", False),
        ("*cat", "bobcat", True),
        ("*cat", "catapult", False),
        ("*cat*", "concatenate", True),
        ("cat", "concatenate", True),
        ("*cat*", "dog", False),
    ],
)
def test_wildcards_open_only_the_sides_with_a_star(pattern: str, text: str, matches: bool) -> None:
    matcher = RuleMatcher([rule("wildcard", pattern)])
    assert bool(matcher.scan(text).matches) is matches


def test_a_word_rule_matches_whole_words_only() -> None:
    matcher = RuleMatcher([rule("word", "cat")])
    assert not matcher.scan("concatenate the bobcat").matches
    assert matcher.scan("the cat sat").matches


def test_rules_apply_only_to_their_stage() -> None:
    matcher = RuleMatcher(
        [rule("word", "alpha", applies_to="prompts"), rule("word", "beta", applies_to="outputs")]
    )
    assert labels(matcher, "alpha beta") == ["word:alpha", "word:beta"]
    assert [m.rule.label for m in matcher.scan("alpha beta", "prompt").matches] == ["word:alpha"]
    assert [m.rule.label for m in matcher.scan("alpha beta", "output").matches] == ["word:beta"]


def test_the_heaviest_action_comes_first_at_one_place() -> None:
    matcher = RuleMatcher([rule("word", "spoiler", "redact"), rule("word", "spoiler", "block")])
    assert [m.rule.action for m in matcher.scan("a spoiler").matches] == ["block", "redact"]


def test_an_unfinished_allowed_phrase_is_pending_at_the_end_of_a_stream(
    matcher: RuleMatcher,
) -> None:
    text = "We visited Hell "
    scan = matcher.scan(text)
    assert matcher.pending_allowed(scan.skeleton) == text.index("Hell")
    finished = matcher.scan("We visited Hell Creek ")
    assert matcher.pending_allowed(finished.skeleton) is None


def test_collapse_and_readings() -> None:
    assert collapse(" kill ") == (" kil ", (1, 1, 1, 2, 1))
    assert readings("il") == {"il", "1l", "i1", "11"}
