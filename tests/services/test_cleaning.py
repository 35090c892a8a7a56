"""What members type is made safe: one form, nothing hidden, nothing cut, no pings."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inkwell.bot.errors import InvalidInput
from inkwell.bot.text.cleaning import (
    clean_text,
    defuse_mentions,
    neutralize_mentions,
    normalize_text,
)

ZWSP = "\u200b"


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        pytest.param("  a quiet lake  ", "a quiet lake", id="trims-the-ends"),
        pytest.param("a   quiet \t lake", "a quiet lake", id="collapses-runs-of-spaces-and-tabs"),
        pytest.param("verse\tone", "verse\tone", id="keeps-a-lone-tab"),
        pytest.param("one\r\ntwo\rthree", "one\ntwo\nthree", id="windows-and-old-mac-newlines"),
        pytest.param("one\u2028two", "one\ntwo", id="unicode-line-separator-is-a-newline"),
        pytest.param("one\n\n\n\n\ntwo", "one\n\ntwo", id="three-or-more-newlines-become-two"),
        pytest.param("one \n \n \n two", "one\n\n two", id="blank-lines-with-spaces-collapse"),
        pytest.param("line   \nnext", "line\nnext", id="drops-spaces-at-line-ends"),
        pytest.param("cafe\u0301", "caf\u00e9", id="nfc-composes-accents"),
        pytest.param("nul\x00l esc\x1b[0m", "null esc[0m", id="drops-control-characters"),
        pytest.param("b\u200bad", "bad", id="drops-zero-width-space"),
        pytest.param("b\u200dad", "bad", id="drops-zwj-between-latin-letters"),
        pytest.param("evil\u202egnp.exe", "evilgnp.exe", id="drops-bidi-override"),
        pytest.param("a\u2066b\u2069c", "abc", id="drops-bidi-isolates"),
        pytest.param("\ufeffhello", "hello", id="drops-byte-order-mark"),
        pytest.param("hy\u00adphen", "hyphen", id="drops-soft-hyphen"),
        pytest.param("word\u2060joiner", "wordjoiner", id="drops-word-joiner"),
        pytest.param("\ud800lone", "lone", id="drops-unpaired-surrogate"),
        pytest.param(
            "\U0001f469\u200d\U0001f4bb", "\U0001f469\u200d\U0001f4bb", id="keeps-emoji-zwj"
        ),
        pytest.param(
            "\U0001f3f3\ufe0f\u200d\U0001f308",
            "\U0001f3f3\ufe0f\u200d\U0001f308",
            id="keeps-rainbow-flag-sequence",
        ),
        pytest.param(
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            id="keeps-persian-zwnj",
        ),
        pytest.param("\u00a0", "", id="no-break-space-alone-is-empty"),
    ],
)
def test_normalize_text(typed: str, cleaned: str) -> None:
    assert normalize_text(typed) == cleaned


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        pytest.param("line one\nline two", "line one line two", id="newline-becomes-space"),
        pytest.param("tab\there", "tab here", id="tab-becomes-space"),
        pytest.param("a\r\n\r\nb", "a b", id="blank-lines-become-one-space"),
    ],
)
def test_single_line_fields_never_run_words_together(typed: str, cleaned: str) -> None:
    assert normalize_text(typed, multiline=False) == cleaned


@pytest.mark.parametrize(
    ("typed", "max_chars", "returned"),
    [
        pytest.param("a fox in snow", 100, "a fox in snow", id="ordinary-text"),
        pytest.param("x" * 10, 10, "x" * 10, id="exactly-at-the-limit"),
        pytest.param(" " * 50 + "short" + "\u200b" * 50, 5, "short", id="invisibles-do-not-count"),
    ],
)
def test_clean_text_returns_the_cleaned_text(typed: str, max_chars: int, returned: str) -> None:
    assert clean_text(typed, field="topic", max_chars=max_chars) == returned


@pytest.mark.parametrize(
    ("typed", "field", "max_chars", "message"),
    [
        pytest.param("", "topic", 100, "The topic is empty — write a few words.", id="empty"),
        pytest.param(
            " \n\t\u200b ", "topic", 100, "The topic is empty — write a few words.", id="blank"
        ),
        pytest.param(
            "x" * 1234,
            "prompt",
            1000,
            "The prompt is 1,234 characters; the limit is 1,000. Shorten it and try again.",
            id="too-long-names-both-numbers",
        ),
        pytest.param(
            "x" * 11,
            "theme",
            10,
            "The theme is 11 characters; the limit is 10. Shorten it and try again.",
            id="one-over",
        ),
    ],
)
def test_clean_text_refuses_with_a_sentence_naming_the_field(
    typed: str, field: str, max_chars: int, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        clean_text(typed, field=field, max_chars=max_chars)
    assert str(refused.value) == message


def test_an_optional_field_left_empty_is_an_empty_string() -> None:
    assert clean_text(" \u200b ", field="mood", max_chars=10, required=False) == ""


def test_an_optional_field_is_still_refused_when_too_long() -> None:
    with pytest.raises(InvalidInput, match="The mood is 11 characters"):
        clean_text("x" * 11, field="mood", max_chars=10, required=False)


def test_single_line_option_is_cleaned_to_one_line() -> None:
    assert clean_text("a\nb", field="title", max_chars=10, multiline=False) == "a b"


@pytest.mark.parametrize(
    ("text", "defused"),
    [
        pytest.param("thanks <@123456789>", "thanks @member", id="member"),
        pytest.param("thanks <@!123456789>", "thanks @member", id="member-nickname-form"),
        pytest.param("ask <@&42>", "ask @role", id="role"),
        pytest.param("see <#987>", "see #channel", id="channel"),
        pytest.param("@everyone look", "everyone look", id="everyone"),
        pytest.param("hey @here!", "hey here!", id="here"),
        pytest.param("me@here.com", "me here.com", id="inside-an-address"),
        pytest.param("@heretic", "heretic", id="at-the-start-of-a-longer-word"),
        pytest.param("@@everyone", "everyone", id="doubled-at-sign"),
        pytest.param("x@everyone", "x everyone", id="after-a-letter"),
        pytest.param("_@here", "_ here", id="after-an-underscore"),
        pytest.param("<@<@1>1>", "<@@member1>", id="syntax-brought-together"),
        pytest.param("nice <:blobcat:111>", "nice :blobcat:", id="custom-emoji"),
        pytest.param("<a:dance:222>!", ":dance:!", id="animated-emoji"),
        pytest.param("try </style set:333>", "try /style set", id="command-mention"),
        pytest.param("<t:1700000000>", "2023-11-14 22:13 UTC", id="timestamp-default"),
        pytest.param("<t:1700000000:R>", "2023-11-14 22:13 UTC", id="relative-becomes-absolute"),
        pytest.param("<t:1700000000:D>", "2023-11-14", id="timestamp-date"),
        pytest.param("<t:1700000000:t>", "22:13 UTC", id="timestamp-time"),
        pytest.param("<t:99999999999999999:f>", "a date", id="timestamp-out-of-range"),
        pytest.param(f"<@{ZWSP}123> @{ZWSP}everyone", "@member everyone", id="neutralized-form"),
        pytest.param("plain words", "plain words", id="nothing-to-do"),
    ],
)
def test_defuse_mentions_leaves_no_ping_syntax_for_the_model(text: str, defused: str) -> None:
    assert defuse_mentions(text) == defused


PING_SYNTAX = re.compile(r"@[\u200b]*(everyone|here)|<@[\u200b]*[!&]?\d+>|<#\d+>", re.IGNORECASE)
# Text made mostly of the characters ping syntax is built from, so the search is dense.
SYNTAX_HEAVY = st.text(
    alphabet=st.sampled_from(list("@<>#!&:t0123456789 xhereveryonHEREEVERYONE_\u200b")),
    max_size=60,
)


@given(st.one_of(SYNTAX_HEAVY, st.text(max_size=200)))
def test_defused_text_never_holds_ping_syntax(text: str) -> None:
    defused = defuse_mentions(text)
    assert PING_SYNTAX.search(defused) is None, defused
    assert defuse_mentions(defused) == defused


@pytest.mark.parametrize(
    ("output", "shown"),
    [
        pytest.param("@everyone hi", f"@{ZWSP}everyone hi", id="everyone"),
        pytest.param("@here hi", f"@{ZWSP}here hi", id="here"),
        pytest.param("@Everyone", f"@{ZWSP}Everyone", id="any-case"),
        pytest.param("hi <@123>", f"hi <@{ZWSP}123>", id="member"),
        pytest.param("hi <@!123>", f"hi <@{ZWSP}!123>", id="member-nickname-form"),
        pytest.param("hi <@&5>", f"hi <@{ZWSP}&5>", id="role"),
        pytest.param("mail me@example.com", "mail me@example.com", id="ordinary-at-sign"),
    ],
)
def test_neutralize_mentions_breaks_pings_in_model_output(output: str, shown: str) -> None:
    assert neutralize_mentions(output) == shown


@pytest.mark.parametrize(
    "output",
    ["@everyone <@1> <@&2> @here", "nothing", f"@{ZWSP}here"],
    ids=["mixed", "plain", "done"],
)
def test_neutralize_mentions_is_idempotent(output: str) -> None:
    once = neutralize_mentions(output)
    assert neutralize_mentions(once) == once
