"""Blank lines separate stanzas; a first line is a title only when it clearly is one."""

from __future__ import annotations

import pytest

from inkwell.bot.services.craft.layout import poem_layout

HAIKU = "An old silent pond\nA frog jumps into the pond—\nsplash! Silence again."


def test_blank_lines_and_surrounding_space_are_not_lines() -> None:
    layout = poem_layout("\n\n  An old silent pond  \n\nA frog jumps\n\n\nsplash!\n\n")
    assert layout.lines == ("An old silent pond", "A frog jumps", "splash!")
    assert layout.stanzas == (1, 1, 1)
    assert layout.title is None


@pytest.mark.parametrize(
    "heading",
    [
        "# The Pond",
        "## The Pond",
        "Title: The Pond",
        "title:The Pond",
        "**The Pond**",
        "__The Pond__",
    ],
)
def test_a_marked_title_is_set_aside_for_any_form(heading: str) -> None:
    for expected in (3, None):
        layout = poem_layout(f"{heading}\n{HAIKU}", expected)
        assert layout.title == "The Pond"
        assert layout.lines == tuple(HAIKU.splitlines())


def test_an_unmarked_line_standing_alone_is_a_title_when_it_is_one_line_too_many() -> None:
    layout = poem_layout(f"The Pond\n\n{HAIKU}", 3)
    assert layout.title == "The Pond"
    assert len(layout.lines) == 3


def test_without_a_blank_line_after_it_an_extra_first_line_is_verse() -> None:
    layout = poem_layout(f"The Pond\n{HAIKU}", 3)
    assert layout.title is None
    assert len(layout.lines) == 4


def test_a_first_line_alone_in_a_poem_of_the_right_length_is_verse() -> None:
    layout = poem_layout(
        "An old silent pond\n\nA frog jumps into the pond—\nsplash! Silence again.", 3
    )
    assert layout.title is None
    assert layout.lines[0] == "An old silent pond"


def test_a_line_that_runs_on_is_not_a_title() -> None:
    layout = poem_layout(f"Beside the water,\n\n{HAIKU}", 3)
    assert layout.title is None
    assert len(layout.lines) == 4


def test_a_long_first_line_is_not_a_title() -> None:
    first = "The frog that jumped into the old pond one spring night"
    assert poem_layout(f"{first}\n\n{HAIKU}", 3).title is None


def test_free_verse_keeps_an_unmarked_first_line() -> None:
    assert poem_layout(f"The Pond\n\n{HAIKU}").title is None


def test_stanza_sizes_are_kept_for_forms_that_have_stanzas() -> None:
    layout = poem_layout("a\nb\nc\n\nd\ne\nf\n\n\ng\nh")
    assert layout.stanzas == (3, 3, 2)
