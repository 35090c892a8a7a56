"""Point of view and tense, read from a story's narration, with an honest "not sure"."""

from __future__ import annotations

import pytest

from inkwell.bot.services.craft import best_voice, match_voice, read_voice, voice_report
from inkwell.bot.services.craft.voice import MIN_SHARE

FIRST_PAST = (
    "I found the letter on a Tuesday, wedged behind the lamp where the salt wind had pushed "
    "it. The paper was soft with damp. I turned it over twice before I opened it, because I "
    "knew the hand. My brother had written it the winter he left, and he had never meant me "
    "to read it."
)
FIRST_PRESENT = (
    "I stand at the window and count the boats. There are seven tonight. My sister says "
    "there used to be forty, but she remembers everything larger than it was. I put the "
    "kettle on and wait. The radio hums. I am not expecting anyone, and still I listen for "
    "the gate."
)
SECOND_PRESENT = (
    "You wake before the alarm. The house is quiet, and the light through the curtains is "
    "the colour of weak tea. You pull on your boots in the dark because you don't want to "
    "wake her. Downstairs the kettle ticks as it cools. You tell yourself you are only going "
    "for a walk."
)
THIRD_PRESENT = (
    "She walks to the end of the pier and sits down. The gulls circle and settle. A boy runs "
    "past with a kite that will not fly, and his mother calls after him. She opens the letter "
    "at last. It is shorter than she feared, and kinder."
)
# Third person, past tense, with dialogue in the first and second person and the present.
THIRD_PAST_TALKING = (
    "Mara climbed the last of the stairs and stopped. “I can’t do this,” she said. “You know "
    "I can’t, and I am tired of pretending.” Her father did not answer. He set the lamp down "
    "on the sill, wiped his hands on his coat, and waited for the light to steady."
)
SECOND_FUTURE = (
    "Tomorrow you will wake early. You will walk to the harbour and you will find the boat "
    "waiting. It will be small and blue. You are going to sail it alone, and nobody will "
    "stop you."
)
NAMES_ONLY = (
    "Tomas crossed the square. Ilse followed Tomas at a distance, past the fountain and the "
    "shuttered bakery. At the corner Tomas stopped, and Ilse stopped too."
)
MIXED_TENSES = (
    "I walked to the shore. I sit on the rock. The water was cold. The wind is loud. I "
    "waited for him. I watch the boats."
)
# Long enough, but hardly a pronoun or a verb in it.
STILL_LIFE = (
    "Rain on the square. Rain on the roofs and the shuttered shops, on the fountain, on the "
    "bicycles chained to the railings. A grey morning, a grey noon. The gutters full, the "
    "awnings sagging, the pigeons huddled under the eaves of the old post office. Nothing "
    "moving but the water, all day, from the hills down to the sea, and the sea itself the "
    "same grey as the sky above it."
)
# Plenty of third-person pronouns, no verb at all.
NO_VERBS = (
    "Her hands, his coat, their small boat on the grey water, and beyond them the lighthouse "
    "with its lamp dark."
)


@pytest.mark.parametrize(
    ("text", "pov", "tense"),
    [
        pytest.param(FIRST_PAST, "first", "past", id="first-past"),
        pytest.param(FIRST_PRESENT, "first", "present", id="first-present"),
        pytest.param(SECOND_PRESENT, "second", "present", id="second-present"),
        pytest.param(THIRD_PRESENT, "third", "present", id="third-present"),
        pytest.param(THIRD_PAST_TALKING, "third", "past", id="third-past-with-dialogue"),
        pytest.param(SECOND_FUTURE, "second", "future", id="second-future"),
        pytest.param(NAMES_ONLY, "third", "past", id="names-without-pronouns"),
    ],
)
def test_the_point_of_view_and_tense_of_a_paragraph(text: str, pov: str, tense: str) -> None:
    reading = read_voice(text)
    assert (reading.pov.value, reading.tense.value) == (pov, tense)
    assert reading.pov.confidence >= MIN_SHARE
    assert reading.tense.confidence >= MIN_SHARE


def test_dialogue_in_another_person_and_tense_does_not_count() -> None:
    reading = read_voice(THIRD_PAST_TALKING)
    assert reading.pov.share("first") == 0
    assert reading.pov.share("second") == 0
    assert reading.tense.share("present") == 0
    assert reading.dialogue_words == 14  # “I can’t do this” and the ten words after it


def test_a_first_person_narrator_telling_of_others_is_still_first_person() -> None:
    reading = read_voice(FIRST_PAST)
    assert reading.pov.share("third") > 0  # "he", "it": the brother and the letter
    assert reading.pov.value == "first"


def test_confidence_is_the_winners_share_of_the_evidence() -> None:
    reading = read_voice(FIRST_PRESENT)
    assert reading.tense.confidence == pytest.approx(reading.tense.share("present"), abs=0.001)
    assert sum(reading.tense.share(tense) for tense in ("past", "present", "future")) == (
        pytest.approx(1)
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param("She smiled.", "too short", id="one-sentence"),
        pytest.param("", "too short", id="empty"),
        pytest.param("“Are you coming?” “I am.” “Then hurry.”", "all dialogue", id="dialogue"),
    ],
)
def test_too_little_narration_is_not_guessed_at(text: str, reason: str) -> None:
    reading = read_voice(text)
    assert (reading.pov.value, reading.pov.reason) == (None, reason)
    assert (reading.tense.value, reading.tense.reason) == (None, reason)
    assert reading.pov.confidence == 0


def test_a_long_text_without_markers_says_what_it_lacks() -> None:
    reading = read_voice(STILL_LIFE)
    assert reading.narration_words >= 60
    assert (reading.pov.value, reading.pov.reason) == (None, "too few pronouns")
    assert (reading.tense.value, reading.tense.reason) == (None, "too few verb forms")


def test_tenses_in_equal_measure_are_mixed_not_a_coin_toss() -> None:
    reading = read_voice(MIXED_TENSES)
    assert reading.tense.value is None
    assert reading.tense.reason == "past and present mixed"
    assert reading.tense.confidence < MIN_SHARE
    assert reading.pov.value == "first"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "She has opened the window, and the cracked glass is cold. She is tired; it is late.",
            "present",
            id="participles-and-adjectives-are-no-past",
        ),
        pytest.param(
            "They were going to the harbour. She was going to tell him. He went home.",
            "past",
            id="going-to-a-place-is-no-future",
        ),
        pytest.param(
            "Against her will she stayed. She waited, and she listened, and the will was read.",
            "past",
            id="a-will-is-a-noun",
        ),
    ],
)
def test_words_that_only_look_like_tense_markers_are_not_counted(text: str, expected: str) -> None:
    reading = read_voice(text)
    assert reading.tense.value == expected
    assert reading.tense.confidence == 1


# --- against what was asked -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pov", "tense", "line"),
    [
        pytest.param(
            FIRST_PAST, "first", "past", "story · first person ✓ · past tense ✓", id="as-asked"
        ),
        pytest.param(
            NO_VERBS,
            "first",
            "past",
            "story · third person (asked first) · tense not checked: too short",
            id="other-person-and-too-short",
        ),
        pytest.param(
            THIRD_PRESENT,
            None,
            None,
            "story · third person · present tense",
            id="nothing-asked-no-check-mark",
        ),
        pytest.param(
            MIXED_TENSES,
            "first",
            "present",
            "story · first person ✓ · tense not sure: past and present mixed",
            id="mixed",
        ),
        pytest.param(
            "“Are you coming?”",
            "second",
            "present",
            "story · point of view not checked: all dialogue · tense not checked: all dialogue",
            id="all-dialogue",
        ),
    ],
)
def test_the_report_line(text: str, pov: str | None, tense: str | None, line: str) -> None:
    assert voice_report(match_voice(text, pov=pov, tense=tense)) == line  # type: ignore[arg-type]


def test_a_story_read_as_asked_passes_and_one_read_otherwise_misses() -> None:
    asked = match_voice(FIRST_PAST, pov="first", tense="past")
    other = match_voice(THIRD_PRESENT, pov="first", tense="past")
    assert (asked.passed, asked.matched, asked.missed) == (True, 2, 0)
    assert (other.passed, other.matched, other.missed) == (False, 0, 2)
    assert asked.score < other.score


def test_what_was_not_asked_costs_nothing() -> None:
    match = match_voice(THIRD_PRESENT)
    assert (match.passed, match.score) == (True, 0)


def test_a_story_that_cannot_be_read_ranks_between_right_and_wrong() -> None:
    right = match_voice(FIRST_PAST, pov="first")
    unread = match_voice("She smiled.", pov="first")
    wrong = match_voice(THIRD_PAST_TALKING, pov="first")
    ranked = sorted([wrong, unread, right], key=lambda match: match.rank_key)
    assert ranked == [right, unread, wrong]


def test_the_best_candidate_is_the_one_closest_to_what_was_asked() -> None:
    candidates = [THIRD_PRESENT, SECOND_PRESENT, FIRST_PRESENT, FIRST_PAST]
    assert best_voice(candidates, pov="first", tense="past") == 3
    assert best_voice(candidates, pov="second") == 1
    assert best_voice(candidates) == 0  # nothing asked: the first among equals
    assert best_voice([], pov="first") is None
