"""How the passage tools tell a better candidate from a worse one."""

from __future__ import annotations

from inkwell.bot.services.passage_judging import (
    names_its_sense,
    one_part,
    score_feedback_part,
    score_prose,
    score_sense_line,
    sentences_within,
    without_asides,
)

POEM = "Snow on the pine,\nthe crow folds its black wings\nand the hill goes still."


def test_a_sense_line_about_its_own_sense_beats_one_about_another() -> None:
    passage = "The market in winter."
    sound = score_sense_line("Sound", "Coins clink and a cart creaks in the cold.", passage, [])
    smell = score_sense_line("Sound", "The scent of smoke and baked apples.", passage, [])

    assert sound > smell
    assert names_its_sense("Smell", "The scent of smoke.")
    assert not names_its_sense("Smell", "Coins clink.")


def test_a_sense_line_repeating_an_earlier_one_loses() -> None:
    earlier = ["Red apples glow against the grey snow."]
    fresh = score_sense_line("Sight", "Lamps glow gold in the dusk.", "Apples.", earlier)
    repeat = score_sense_line("Sight", "Red apples glow against the grey sky.", "Apples.", earlier)

    assert fresh > repeat


def test_feedback_never_rewrites_and_is_kind() -> None:
    passage = "The sky was blue. The grass was green."

    assert score_feedback_part("Here's my version: the sky blazed.", passage, []) == float("-inf")
    assert score_feedback_part("Try rewriting it in the past tense.", passage, []) == float("-inf")
    kind = score_feedback_part("The short sentences give it a calm, clear rhythm.", passage, [])
    unkind = score_feedback_part("The short sentences are boring and lazy.", passage, [])
    assert kind > unkind


def test_a_suggestion_names_something_to_do() -> None:
    passage = "The sky was blue."
    concrete = "Add one sound so the reader hears the field around you."
    vague = "It is a passage that is about a sky and the colour of it."

    assert score_feedback_part(concrete, passage, [], suggestion=True) > score_feedback_part(
        vague, passage, [], suggestion=True
    )


def test_prose_that_stays_with_the_passage_beats_prose_that_wanders() -> None:
    passage = "Mira watched the boats knock together in the harbour."
    close = "In the harbour, Mira watched the boats strike each other."
    wandering = "A man in a faraway city opened a shop and sold hats."

    assert score_prose(close, passage, low=5, high=20) > score_prose(
        wandering, passage, low=5, high=20
    )


def test_a_list_of_words_is_not_a_rewrite_even_of_a_poem() -> None:
    words_list = "Snow, pine,\ncrow, wings,\nhill, still."
    verse = "Snow on the pine, the crow folds its black wings, the hill is still."

    assert score_prose(verse, POEM, low=5, high=25) > score_prose(words_list, POEM, low=5, high=25)


def test_verse_is_marked_down_as_a_rewrite_of_prose_but_not_of_verse() -> None:
    verse = "Snow on the pines,\nthe crow tucks its wings,\nthe hill is still,\nand so am I."
    prose_passage = "Snow lay on the pines while the crow tucked its wings on the still hill."

    as_prose = score_prose(verse, prose_passage, low=5, high=25)
    as_verse = score_prose(verse, POEM, low=5, high=25)
    assert as_verse > as_prose


def test_meta_talk_is_never_kept() -> None:
    passage = "The lighthouse was dark."
    for text in (
        "This paragraph continues the story.",
        "The writer spoke about the lighthouse.",
        "The new version: the lighthouse was dark.",
    ):
        assert score_prose(text, passage, low=3, high=30) == float("-inf")


def test_a_part_is_its_first_paragraph_without_bullets_or_labels_of_the_models_own() -> None:
    assert one_part(": 1. Sweet apples melt.\n\nTaste: more.") == "Sweet apples melt."
    assert one_part(" Sweet apples melt. Taste again: more apples.") == "Sweet apples melt."
    assert one_part("\n\n- Coins clink.") == "Coins clink."


def test_sentences_are_kept_whole_within_the_word_limit() -> None:
    text = "One two three. Four five six. Seven eight nine ten eleven."

    assert sentences_within(text, 7) == "One two three. Four five six."
    assert sentences_within(text, 100, max_sentences=1) == "One two three."
    # No sentence short enough: a line is cut at a comma past the middle, or at the last
    # word; prose keeps its first sentence whole.
    assert sentences_within("Cold air, numb fingers, the long road home", 6) == (
        "Cold air, numb fingers"
    )
    long = "The tide came in over the stones and boats. It went out."
    assert sentences_within(long, 5, prose=True) == "The tide came in over the stones and boats."
    assert sentences_within("Line one.\n\nLine two.", 10) == "Line one.\n\nLine two."


def test_asides_in_brackets_are_dropped() -> None:
    text = "(This time I will keep it short)\nThe rain fell.\n[Rewritten]\nMira waited."

    assert without_asides(text) == "The rain fell.\nMira waited."


def test_a_rewrite_that_talks_about_the_writing_is_never_kept() -> None:
    passage = '"You kept the letter," he said.'
    for text in (
        "In this version, I've reorganized the sentence structure.",
        "In your style, I will add a line about the letter.",
        "Mini: Your sentence is too long, should be shorter.",
        "What a wonderful piece! The crow folded its wings.",
        "In the voice your style notes describe, the crow folds its wings.",
    ):
        assert score_prose(text, passage, low=3, high=30) == float("-inf")
    assert score_prose('"You kept it," he said, and smiled.', passage, low=3, high=30) > 0


def test_a_sense_line_of_dashed_fragments_loses_to_a_sentence() -> None:
    heap = "Lights - floating lights - a single beam of light - Lumini"
    line = "A single lamp glows gold over the dark water."

    assert score_sense_line("Sight", line, "The harbour.", []) > score_sense_line(
        "Sight", heap, "The harbour.", []
    )


def test_feedback_about_the_writing_beats_a_made_up_quotation() -> None:
    passage = "Mira watched the boats."
    about = "The short sentences give the harbour a quiet, watchful mood."
    quoted = '"Mira has created something incredible here," said everyone.'

    assert score_feedback_part(about, passage, []) > score_feedback_part(quoted, passage, [])
