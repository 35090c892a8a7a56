"""Lyrics: well-formed labels, the sections the structure asks for, a chorus that returns."""

from __future__ import annotations

import pytest

from inkwell.bot.services.craft.lyrics import check_lyrics, parse_sections
from inkwell.bot.services.forms import LyricsStructure

VERSE_1 = "[Verse 1]\nThe last bus leaves at ten past two\nI count the lights on Baker Street"
CHORUS = "[Chorus]\nSo hold the night, don't let it go\nWe'll sing it loud and sing it slow"
VERSE_2 = "[Verse 2]\nThe driver hums a song I knew\nThe city folds beneath my feet"
BRIDGE = "[Bridge]\nAnd if the morning never comes\nWe'll keep the rhythm of the drums"


def song(*sections: str) -> str:
    return "\n\n".join(sections)


def problems_of(text: str, structure: LyricsStructure = "verse-chorus") -> list[str]:
    return [problem.message for problem in check_lyrics(text, structure).problems]


def test_verse_chorus_verse_chorus_passes_and_lists_its_sections() -> None:
    verdict = check_lyrics(song(VERSE_1, CHORUS, VERSE_2, CHORUS), "verse-chorus")
    assert verdict.passed
    assert verdict.sections == ("Verse 1", "Chorus", "Verse 2", "Chorus")
    assert verdict.score == 0


def test_verse_chorus_bridge_needs_the_bridge_and_a_last_chorus() -> None:
    full = song(VERSE_1, CHORUS, VERSE_2, CHORUS, BRIDGE, CHORUS)
    assert check_lyrics(full, "verse-chorus-bridge").passed
    without_bridge = song(VERSE_1, CHORUS, VERSE_2, CHORUS)
    verdict = check_lyrics(without_bridge, "verse-chorus-bridge")
    assert [problem.short for problem in verdict.problems] == ["no bridge"]


def test_a_missing_second_chorus_is_a_problem() -> None:
    verdict = check_lyrics(song(VERSE_1, CHORUS, VERSE_2), "verse-chorus")
    assert [problem.message for problem in verdict.problems] == [
        "the sections run Verse, Chorus, Verse; verse-chorus asks for Verse, Chorus, Verse, Chorus"
    ]
    assert verdict.problems[0].short == "no second chorus"


def test_a_chorus_that_changes_is_not_a_repeated_chorus() -> None:
    new_chorus = "[Chorus]\nThe rain comes down on Baker Street\nAnd no one knows my name"
    assert problems_of(song(VERSE_1, CHORUS, VERSE_2, new_chorus)) == [
        "the chorus at line 10 is not the chorus of line 4"
    ]


def test_a_chorus_returning_with_small_changes_still_repeats() -> None:
    again = "[Chorus]\nSo hold the night, don't let it go!\nWe'll sing it loud, we'll sing it slow"
    assert check_lyrics(song(VERSE_1, CHORUS, VERSE_2, again)).passed


def test_a_bare_chorus_label_meaning_repeat_is_a_problem() -> None:
    assert problems_of(song(VERSE_1, CHORUS, VERSE_2, "[Chorus]")) == [
        "line 10 [Chorus] has no lines under it"
    ]


@pytest.mark.parametrize(
    ("written", "wanted"),
    [
        ("Chorus:", "[Chorus]"),
        ("(Chorus)", "[Chorus]"),
        ("**Chorus**", "[Chorus]"),
        ("[Chorus", "[Chorus]"),
    ],
)
def test_a_label_not_in_square_brackets_is_named_and_still_read(written: str, wanted: str) -> None:
    text = song(VERSE_1, CHORUS, VERSE_2, CHORUS.replace("[Chorus]", written))
    verdict = check_lyrics(text)
    assert [problem.message for problem in verdict.problems] == [
        f"line 10 “{written}” should be a label on its own line, like {wanted}"
    ]
    assert verdict.sections == ("Verse 1", "Chorus", "Verse 2", "Chorus")


def test_a_bracketed_name_that_is_no_section_is_a_problem() -> None:
    text = song(VERSE_1, CHORUS, VERSE_2, CHORUS, "[Guitar Solo]\nLa la la la la")
    assert problems_of(text)[0] == (
        "line 13 “[Guitar Solo]” is not a section of a song (Verse, Chorus, Bridge…)"
    )


def test_an_intro_or_outro_the_structure_does_not_ask_for_is_a_remark() -> None:
    outro = "[Outro]\nTen past two, ten past two"
    verdict = check_lyrics(song(VERSE_1, CHORUS, VERSE_2, CHORUS, outro))
    assert verdict.passed
    assert [remark.message for remark in verdict.remarks] == [
        "line 13 adds [Outro], which verse-chorus does not ask for"
    ]


def test_verses_count_up_in_order() -> None:
    text = song(VERSE_1, CHORUS, VERSE_1, CHORUS)
    assert problems_of(text) == ["the verses are numbered 1, 1; they should count 1, 2, …"]


def test_unnumbered_verses_are_fine() -> None:
    text = song(VERSE_1.replace(" 1]", "]"), CHORUS, VERSE_2.replace(" 2]", "]"), CHORUS)
    assert check_lyrics(text).passed


def test_lines_before_the_first_label_are_a_problem_unless_a_lone_title() -> None:
    body = song(VERSE_1, CHORUS, VERSE_2, CHORUS)
    titled = check_lyrics("Ten Past Two\n\n" + body)
    assert titled.passed
    assert titled.title == "Ten Past Two"
    assert check_lyrics("**Ten Past Two**\n" + body).title == "Ten Past Two"
    assert problems_of("Here is a song for you\nabout the night bus\n\n" + body) == [
        "lines 1–2 come before any section label"
    ]


def test_freeform_needs_two_well_labelled_sections_and_nothing_else() -> None:
    intro = "[Intro]\nTen past two on Baker Street"
    assert check_lyrics(song(intro, VERSE_1), "freeform").passed
    assert check_lyrics(song(VERSE_1, BRIDGE, VERSE_2), "freeform").passed
    assert [p.message for p in check_lyrics(VERSE_1, "freeform").problems] == [
        "the song has 1 labelled section; it should have at least 2"
    ]
    assert not check_lyrics("Just some lines\nwith no labels", "freeform").passed


def test_freeform_chorus_that_changes_is_only_a_remark() -> None:
    new_chorus = "[Chorus]\nThe rain comes down on Baker Street\nAnd no one knows my name"
    verdict = check_lyrics(song(VERSE_1, CHORUS, VERSE_2, new_chorus), "freeform")
    assert verdict.passed
    assert len(verdict.remarks) == 1


def test_sections_are_parsed_with_their_lines() -> None:
    leading, sections, problems = parse_sections(song(VERSE_1, CHORUS))
    assert leading == []
    assert problems == []
    assert [(s.name, s.line, len(s.lines)) for s in sections] == [
        ("Verse 1", 1, 2),
        ("Chorus", 4, 2),
    ]


def test_label_names_are_read_in_any_case_and_spacing() -> None:
    _, sections, problems = parse_sections(
        "[VERSE 1]\na b\n[pre-chorus]\nc d\n[ Final Chorus ]\ne f"
    )
    assert problems == []
    assert [section.name for section in sections] == ["Verse 1", "Pre-Chorus", "Chorus"]
