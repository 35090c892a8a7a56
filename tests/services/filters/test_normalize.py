"""What the filters see: every trick a reader's eye ignores is undone, and every character
of the skeleton still knows where it came from in the original."""

from __future__ import annotations

import pytest

from inkwell.bot.services.filters.normalize import fold, pattern_skeleton, skeleton_of


def words(text: str) -> str:
    """The skeleton without padding, each letter written as often as it repeats."""
    skel = skeleton_of(text)
    return "".join(char * run for char, run in zip(skel.text, skel.runs, strict=True)).strip()


@pytest.mark.parametrize(
    ("written", "seen"),
    [
        pytest.param("Hello World", "hello world", id="case"),
        pytest.param("ＨＥＬＬＯ", "hello", id="fullwidth"),
        pytest.param("𝐡𝐞𝐥𝐥𝐨 𝒽ℯ𝓁𝓁ℴ", "hello hello", id="mathematical-letters"),
        pytest.param("ⓗⓔⓛⓛⓞ", "hello", id="circled-letters"),
        pytest.param("ᴴᴱᴸᴸᴼ", "hello", id="superscript-letters"),
        pytest.param("ʜᴇʟʟᴏ", "hello", id="small-capitals"),
        pytest.param("🇭🇪🇱🇱🇴", "hello", id="regional-indicators"),
        pytest.param("hеllо", "hello", id="cyrillic-e-and-o"),
        pytest.param("НЕLLО", "hello", id="cyrillic-capitals"),
        pytest.param("ΗΕLLΟ", "hello", id="greek-capitals"),
        pytest.param("héllö", "hello", id="accents"),
        pytest.param("h̷e̷l̷l̷o̷", "hello", id="combining-strokes"),
        pytest.param("h\u200be\u200cl\u200dl\u2060o", "hello", id="zero-width"),
        pytest.param("h\u202ele\u202clo", "hello", id="bidi-override-in-display-order"),
        pytest.param("hel\u00adlo", "hello", id="soft-hyphen"),
        pytest.param("hel\x07lo", "hello", id="control-character"),
        pytest.param("h3ll0", "hello", id="leet-digits"),
        pytest.param("5h1t", "sh1t", id="leet-one-stays-ambiguous"),
        pytest.param("$h!t", "sh1t", id="leet-symbols"),
        pytest.param("@ss a$$", "ass ass", id="at-and-dollar"),
        pytest.param("h.e.l.l.o", "hello", id="dots-between-letters"),
        pytest.param("h e l l o", "hello", id="spaces-between-letters"),
        pytest.param("h-e-l-l-o", "hello", id="dashes-between-letters"),
        pytest.param("h_e_l_l_o", "hello", id="underscores-between-letters"),
        pytest.param("h . e . l . l . o", "hello", id="wide-gaps"),
        pytest.param("||hello||", "hello", id="spoiler"),
        pytest.param("**hello** __hello__", "hello hello", id="bold-underline"),
        pytest.param("*hello* _hello_", "hello hello", id="italics"),
        pytest.param("~~hello~~", "hello", id="strikethrough"),
        pytest.param("`hello` ```hello```", "hello hello", id="code"),
        pytest.param("he**ll**o", "hello", id="markdown-inside-a-word"),
        pytest.param("h||el||lo", "hello", id="spoiler-inside-a-word"),
        pytest.param("b\na\nd", "bad", id="letters-one-a-line"),
        pytest.param("b\r\na\r\nd", "bad", id="letters-one-a-windows-line"),
        pytest.param("5 h 1 7", "sh1t", id="leet-among-spaced-letters"),
        pytest.param("$.h.!.t", "sh1t", id="leet-symbols-among-dotted-letters"),
        pytest.param("heeeeelllllooooo", "heeeeelllllooooo", id="repeats-kept-as-runs"),
    ],
)
def test_evasions_read_as_plain_letters(written: str, seen: str) -> None:
    assert words(written) == seen


@pytest.mark.parametrize(
    ("written", "seen"),
    [
        pytest.param("It was 2024.", "it was 2024", id="numbers-stay-numbers"),
        pytest.param("$5 and 10%", "5 and 10", id="money-is-not-leet"),
        pytest.param("Wow! Great!! !important", "wow great important", id="exclamation-marks"),
        pytest.param("write to me@ once", "write to me once", id="trailing-at"),
        pytest.param("snake_case_name", "snake case name", id="single-underscore-separates"),
        pytest.param("a b", "a b", id="two-letters-stay-apart"),
        pytest.param("I am a cat", "i am a cat", id="ordinary-single-letter-words"),
        pytest.param("b\n\na\n\nd", "b a d", id="letters-a-paragraph-apart-stay-apart"),
        pytest.param("1 2 3 and $ 5 0", "1 2 3 and 5 0", id="spaced-digits-stay-numbers"),
        pytest.param("bad¼ cup", "bad 1 4 cup", id="a-vulgar-fraction-is-a-number-of-its-own"),
        pytest.param("don't", "don t", id="apostrophe"),
        pytest.param("Ça va, Zoë?", "ca va zoe", id="french"),
    ],
)
def test_ordinary_writing_is_left_readable(written: str, seen: str) -> None:
    assert words(written) == seen


@pytest.mark.parametrize(
    ("text", "piece"),
    [
        pytest.param("say ＢＡＤ now", "ＢＡＤ", id="fullwidth"),
        pytest.param("say b.a.d now", "b.a.d", id="dotted"),
        pytest.param("say b\u200bad now", "b\u200bad", id="zero-width-inside"),
        pytest.param("say bád now", "bád", id="accent"),
        pytest.param("say b̷a̷d̷ now", "b̷a̷d̷", id="combining-marks-go-with-their-letter"),
        pytest.param("say ba**d** now", "ba**d", id="markdown-inside"),
        pytest.param("say baaaad now", "baaaad", id="repeats"),
        pytest.param("say ﬁne now", "ﬁne", id="ligature"),
    ],
)
def test_every_skeleton_letter_maps_back_to_the_original(text: str, piece: str) -> None:
    skel = skeleton_of(text)
    word_start = skel.text.index(" ", 1) + 1  # second word
    word_end = skel.text.index(" ", word_start)
    start, end = skel.starts[word_start], skel.ends[word_end - 1]
    assert text[start:end] == piece


def test_folding_keeps_punctuation_for_regexes_and_maps_offsets() -> None:
    folded = fold("Call ５５５-0199, ＮＯＷ")
    assert folded.text == "call 555-0199, now"
    assert len(folded.starts) == len(folded.text)


@pytest.mark.parametrize(
    ("pattern", "core"),
    [
        ("K1ll Yourself", "kill yourself"),
        ("self-harm", "self harm"),
        ("b.a.d", "bad"),
        ("ＢＡＤ", "bad"),
    ],
)
def test_patterns_are_normalized_like_text(pattern: str, core: str) -> None:
    assert pattern_skeleton(pattern) == core
