"""What the model wraps around a piece never reaches the member; the piece itself stays."""

from __future__ import annotations

import pytest

from inkwell.bot.text.model_output import ChatterForm, decode_entities, held_back, strip_chatter

CHATTER: list[tuple[str, ChatterForm, str]] = [
    (
        "Sure! Here is your story:\n\nThe door creaked open. Mara stepped inside.",
        "story",
        "The door creaked open. Mara stepped inside.",
    ),
    (
        "Certainly! Here's a short story about a heist.\nThe vault was colder than she expected.",
        "story",
        "The vault was colder than she expected.",
    ),
    (
        "I've just finished editing the lyrics. Let me walk through them again:\n"
        "[Verse 1]\nCity lights are fading\n[Chorus]\nHold on",
        "lyrics",
        "[Verse 1]\nCity lights are fading\n[Chorus]\nHold on",
    ),
    (
        "Write a story from this prompt: a heist\nGenre: noir\nTone: grim\n\n"
        "Rain hammered the docks.",
        "story",
        "Rain hammered the docks.",
    ),
    (
        "The last train left without her.\n\nI hope you enjoy this story! "
        "Let me know if you'd like any changes.",
        "story",
        "The last train left without her.\n",
    ),
    (
        "The last train left without her.\n\n---\n\nLet me know if you want a longer version.",
        "story",
        "The last train left without her.\n",
    ),
    (
        "# The Lighthouse\n\nThe lamp had not turned in years.",
        "story",
        "The Lighthouse\n\nThe lamp had not turned in years.",
    ),
    (
        "## Verse 1\nCity lights are fading\n## Chorus\nHold on",
        "lyrics",
        "[Verse 1]\nCity lights are fading\n[Chorus]\nHold on",
    ),
    (
        "Rock &amp; roll never died.&#xA;It only slept.",
        "story",
        "Rock & roll never died.\nIt only slept.",
    ),
    (
        '"Let me go," she said.\nHe did not let her go.\nI hope you enjoy the rain.',
        "story",
        '"Let me go," she said.\nHe did not let her go.\n',
    ),
    (
        "Let me walk you through the new lyrics.\n[Verse 1]\nCity lights",
        "lyrics",
        "[Verse 1]\nCity lights",
    ),
    (
        "The vault was cold.\n\nWould you like me to make it longer?",
        "story",
        "The vault was cold.\n",
    ),
    (
        "Here's your story about a heist!\n\nThe vault was cold.",
        "story",
        "The vault was cold.",
    ),
    (
        "**Here is your poem:**\nsnow on the pine\nthe crow waits",
        "poem",
        "snow on the pine\nthe crow waits",
    ),
]


@pytest.mark.parametrize(("raw", "form", "piece"), CHATTER)
def test_preambles_echoes_sign_offs_headings_and_entities_are_taken_off(
    raw: str, form: ChatterForm, piece: str
) -> None:
    assert strip_chatter(raw, form) == piece


@pytest.mark.parametrize(
    "prose",
    [
        "Of course the train was late. It always was.",
        "Here the river bends, and the town begins.",
        "Here is the story of how I lost my brother.\nIt began in May.",
        "Let me go, I thought, and the rope slipped.",
        "I have written to her every day since the war.",
        "The bridge held.\nIf you want to find me, look under it.",
        "I have never seen snow like this.",
        "AT&T called twice; &copyright is not an entity.",
    ],
)
def test_a_piece_that_only_looks_like_chatter_at_a_glance_is_kept(prose: str) -> None:
    assert strip_chatter(prose, "story") == prose


def test_a_text_that_is_nothing_but_chatter_is_kept_rather_than_emptied() -> None:
    assert strip_chatter("Sure! Here's your story:", "story") == "Sure! Here's your story:"


def test_entities_decode_and_broken_ones_are_dropped() -> None:
    assert decode_entities("a&#x1F600;b &#0; &bogus; &lt;3") == "a😀b   <3"


@pytest.mark.parametrize(
    ("streamed", "held"),
    [
        ("Sure! Here", True),
        ("I've just", True),
        ("Genre: no", True),
        ("# The Light", True),
        ("The door creaked", False),
        ("Sure! Here is your story:\nThe door", False),
        ("Here " + "and there " * 30, False),
    ],
)
def test_a_first_line_that_may_be_a_preamble_is_held_until_its_line_ends(
    streamed: str, held: bool
) -> None:
    assert held_back(streamed) is held


def test_streaming_text_that_is_only_a_preamble_so_far_shows_nothing_yet() -> None:
    assert strip_chatter("Sure! Here is your story:\n", "story", never_empty=False) == ""
    assert strip_chatter("Sure! Here is your story:\nThe", "story", never_empty=False) == "The"
