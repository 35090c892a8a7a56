"""The pure parts: whose turn is next, and counting and trimming words."""

from __future__ import annotations

import random

import pytest

from inkwell.bot.services.relay.models import AiTurns, RelayRecord, WriterRecord, WriterStatus
from inkwell.bot.services.relay.rotation import (
    MODEL_SLOT,
    OPENING_SLOT,
    Slot,
    can_begin,
    next_slot,
    shuffled_order,
)
from inkwell.bot.services.relay.words import (
    count_words,
    first_chars,
    last_words,
    ordinal,
    trim_to_words,
)

A, B, C = 1, 2, 3


def relay_with(ai_turns: AiTurns) -> RelayRecord:
    return RelayRecord(
        id=1, guild_id=1, channel_id=1, thread_id=1, started_by=A, title="t", premise=None,
        genre=None, tone=None, turn_seconds=60, max_words=100, max_writers=5,
        ai_turns=ai_turns, turn_order="join", status="active", turn=1, writer_id=A,
        model_turn=False, turn_slot=0, turn_deadline=None, reminded=False,
        paused_remaining=None, idle_turns=0, order_fixed=True, created_at=0.0,
        ended_at=None, end_reason=None,
    )  # fmt: skip


def writers(*people: tuple[int, WriterStatus]) -> list[WriterRecord]:
    return [
        WriterRecord(user_id, f"w{user_id}", position, status, 0.0)
        for position, (user_id, status) in enumerate(people)
    ]


THREE = writers((A, "writing"), (B, "writing"), (C, "writing"))


@pytest.mark.parametrize(
    ("ai_turns", "roster", "after", "expected"),
    [
        pytest.param("off", THREE, None, Slot(A, 0), id="from-the-top"),
        pytest.param("off", THREE, 0, Slot(B, 1), id="next-in-order"),
        pytest.param("off", THREE, 2, Slot(A, 0), id="wraps-round"),
        pytest.param("each_round", THREE, 2, Slot(None, MODEL_SLOT), id="model-ends-a-round"),
        pytest.param("each_round", THREE, MODEL_SLOT, Slot(A, 0), id="after-the-model"),
        pytest.param("off", THREE, OPENING_SLOT, Slot(A, 0), id="after-the-opening"),
        pytest.param(
            "off",
            writers((A, "writing"), (B, "left"), (C, "writing")),
            0,
            Slot(C, 2),
            id="skips-who-left",
        ),
        pytest.param("each_round", writers((A, "left")), 0, None, id="nobody-writing"),
    ],
)
def test_next_slot(
    ai_turns: AiTurns, roster: list[WriterRecord], after: int | None, expected: Slot | None
) -> None:
    assert next_slot(relay_with(ai_turns), roster, after) == expected


@pytest.mark.parametrize(
    ("ai_turns", "roster", "ready"),
    [
        pytest.param("off", writers((A, "writing")), False, id="one-member"),
        pytest.param("off", writers((A, "writing"), (B, "writing")), True, id="two-members"),
        pytest.param("each_round", writers((A, "writing")), True, id="one-member-and-the-model"),
        pytest.param("on_timeout", writers((A, "writing")), False, id="stand-in-only"),
        pytest.param("off", writers((A, "writing"), (B, "left")), False, id="one-left"),
    ],
)
def test_turns_begin_once_two_can_write(
    ai_turns: AiTurns, roster: list[WriterRecord], ready: bool
) -> None:
    assert can_begin(relay_with(ai_turns), roster) is ready


def test_a_shuffled_order_is_a_permutation_of_the_writers() -> None:
    order = shuffled_order(THREE, random.Random(1))
    assert sorted(order) == [A, B, C]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("", 0, id="empty"),
        pytest.param("don't stop", 2, id="contraction"),
        pytest.param("one — two\nthree", 4, id="dash-and-newline"),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


@pytest.mark.parametrize(
    ("text", "limit", "trimmed"),
    [
        pytest.param("Short enough.", 5, "Short enough.", id="within"),
        pytest.param("One two. Three four five six.", 4, "One two.", id="sentence-end"),
        pytest.param('He said "stop." Then ran on and on.', 4, 'He said "stop."', id="quote"),
        pytest.param("one two three four five six", 4, "one two three four…", id="no-sentence"),
        pytest.param("A. b c d e f g h", 6, "A. b c d e f…", id="sentence-too-short"),
    ],
)
def test_trim_to_words(text: str, limit: int, trimmed: str) -> None:
    assert trim_to_words(text, limit) == trimmed


def test_recap_excerpts() -> None:
    assert last_words("one two three four", 2) == "…three four"
    assert first_chars("a fairly long sentence here", 15) == "a fairly long…"


@pytest.mark.parametrize(
    ("number", "spelled"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (21, "21st")],
)
def test_ordinal(number: int, spelled: str) -> None:
    assert ordinal(number) == spelled
