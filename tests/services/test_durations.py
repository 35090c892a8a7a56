"""Lengths of time in words: exact for what someone chose, rough for a clock running down."""

from __future__ import annotations

import pytest

from inkwell.bot.text.durations import exact_duration, rough_duration


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        pytest.param(24 * 3600, "1 day", id="one-day"),
        pytest.param(7 * 24 * 3600, "7 days", id="a-week-in-days"),
        pytest.param(3 * 3600, "3 hours", id="hours"),
        pytest.param(90 * 60, "90 minutes", id="not-a-whole-hour-stays-in-minutes"),
        pytest.param(25 * 3600, "25 hours", id="not-a-whole-day-stays-in-hours"),
        pytest.param(60, "1 minute", id="one-minute"),
        pytest.param(45, "45 seconds", id="under-a-minute"),
    ],
)
def test_a_chosen_length_is_said_exactly_in_its_largest_whole_unit(
    seconds: int, words: str
) -> None:
    assert exact_duration(seconds) == words


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        pytest.param(5, "about 1 minute", id="the-last-seconds-are-a-minute"),
        pytest.param(41 * 60 + 1, "about 42 minutes", id="minutes-round-up"),
        pytest.param(119 * 60, "about 119 minutes", id="minutes-up-to-two-hours"),
        pytest.param(170 * 60, "about 3 hours", id="then-hours-to-the-nearest"),
        pytest.param(47 * 3600, "about 47 hours", id="hours-up-to-two-days"),
        pytest.param(80 * 3600, "about 3 days", id="then-days-to-the-nearest"),
    ],
)
def test_time_left_is_said_roughly(seconds: float, words: str) -> None:
    assert rough_duration(seconds) == words
