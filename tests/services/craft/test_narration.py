"""The narration of a story: dialogue and headings set aside, whatever the quotes."""

from __future__ import annotations

import pytest

from inkwell.bot.services.craft.narration import narration


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('"I can\'t," she said. "You know I can\'t."', id="straight"),
        pytest.param("“I can’t,” she said. “You know I can’t.”", id="curly"),
        pytest.param("‘I can’t,’ she said. ‘You know I can’t.’", id="curly-single"),
    ],
)
def test_dialogue_is_set_aside_in_any_double_or_curly_quotes(text: str) -> None:
    told = narration(text)
    assert told.sentences == ("she said.",)
    assert (told.narration_words, told.dialogue_words) == (2, 6)


def test_an_apostrophe_never_ends_a_line_of_dialogue() -> None:
    told = narration("‘Don’t go, it’s late,’ he said. The dogs’ bowls were empty.")
    assert told.sentences == ("he said.", "The dogs' bowls were empty.")


def test_a_quote_left_open_runs_to_the_end_of_its_paragraph_only() -> None:
    text = "He began, “I was there that night, and\n\nThe house was dark when we came back."
    assert narration(text).sentences == ("He began,", "The house was dark when we came back.")


def test_narration_interrupted_by_dialogue_is_two_pieces() -> None:
    told = narration("She turned “Wait,” and then she ran.")
    assert told.sentences == ("She turned", "and then she ran.")


@pytest.mark.parametrize(
    "heading",
    ["**The Keeper's Letter**", "# Chapter One", "The Lighthouse", "Part II"],
)
def test_a_title_is_not_narration(heading: str) -> None:
    told = narration(f"{heading}\n\nThe keeper climbed the tower at dusk.")
    assert told.sentences == ("The keeper climbed the tower at dusk.",)


def test_a_title_directly_above_the_text_is_still_a_title() -> None:
    told = narration("The Lighthouse\nThe keeper climbed the tower at dusk.")
    assert told.sentences == ("The keeper climbed the tower at dusk.",)


def test_a_hard_wrapped_sentence_is_one_sentence_not_a_title() -> None:
    told = narration("I walked down to the water\nand stood there a long time.")
    assert told.sentences == ("I walked down to the water and stood there a long time.",)


def test_an_empty_text_has_no_narration() -> None:
    told = narration("  \n\n ")
    assert (told.sentences, told.narration_words, told.dialogue_words) == ((), 0, 0)
