"""Checking what /relay start was given, the same way for Discord and the playground."""

from __future__ import annotations

from dataclasses import replace
from typing import get_args

from inkwell.bot.errors import InvalidInput
from inkwell.bot.services.relay.models import (
    MAX_WORDS_RANGE,
    MAX_WRITERS_RANGE,
    PREMISE_MAX,
    SHORT_TEXT_MAX,
    TITLE_MAX,
    TURN_MINUTES_RANGE,
    AiTurns,
    RelayOptions,
    TurnOrder,
)
from inkwell.bot.text.cleaning import clean_text


def _check_range(name: str, value: int, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}.")


def clean_options(options: RelayOptions) -> RelayOptions:
    """The options with their text cleaned; :class:`InvalidInput` says what can't be used."""
    title = clean_text(options.title, field="title", max_chars=TITLE_MAX, multiline=False)
    texts = {
        "premise": (options.premise, PREMISE_MAX, True),
        "genre": (options.genre, SHORT_TEXT_MAX, False),
        "tone": (options.tone, SHORT_TEXT_MAX, False),
    }
    cleaned: dict[str, str | None] = {}
    for name, (value, limit, multiline) in texts.items():
        text = clean_text(
            value or "", field=name, max_chars=limit, required=False, multiline=multiline
        )
        cleaned[name] = text or None
    _check_range("turn_minutes", options.turn_minutes, TURN_MINUTES_RANGE)
    _check_range("max_words", options.max_words, MAX_WORDS_RANGE)
    _check_range("max_writers", options.max_writers, MAX_WRITERS_RANGE)
    if options.ai_turns not in get_args(AiTurns):
        raise InvalidInput(f"ai_turns must be one of: {', '.join(get_args(AiTurns))}.")
    if options.order not in get_args(TurnOrder):
        raise InvalidInput(f"order must be one of: {', '.join(get_args(TurnOrder))}.")
    return replace(
        options,
        title=title,
        premise=cleaned["premise"],
        genre=cleaned["genre"],
        tone=cleaned["tone"],
    )
