"""A piece the token budget cut ends on its last complete sentence or line."""

from __future__ import annotations

import pytest

from inkwell.bot.text.endings import cut_to_complete, ends_complete

PROSE_CUTS = [
    pytest.param(
        "The door creaked. He stepped into the hall. He took in",
        "The door creaked. He stepped into the hall.",
        id="a story cut mid-sentence",
    ),
    pytest.param(
        'She laughed. "Run!" he shouted. Then the ligh',
        'She laughed. "Run!" he shouted.',
        id="a closing quote after the mark stays with its sentence",
    ),
    pytest.param(
        "The lights came up… and the crowd roared (finally!) and the show F",
        "The lights came up… and the crowd roared (finally!)",
        id="ellipsis and a bracket after a mark end sentences",
    ),
    pytest.param(
        "Big news today 🎉\nOur bakery opens Saturday with fresh",
        "Big news today 🎉",
        id="an emoji ends a post's sentence",
    ),
    pytest.param(
        "It rained.\n\nShe waited by the window for a train that never",
        "It rained.",
        id="a paragraph cut in its first sentence goes back to the one before",
    ),
    pytest.param(
        "and then the dragon looked at the knight who",
        "and then the dragon looked at the knight who",
        id="no complete sentence at all keeps every word",
    ),
    pytest.param("It ended well.  ", "It ended well.", id="a complete text is left as it is"),
    pytest.param("Version 2.5 is out", "Version 2.5 is out", id="a dot inside a number ends none"),
]


@pytest.mark.parametrize(("text", "kept"), PROSE_CUTS)
def test_prose_goes_back_to_its_last_complete_sentence(text: str, kept: str) -> None:
    assert cut_to_complete(text, "sentence") == kept


def test_a_line_of_hashtags_at_a_posts_end_is_complete() -> None:
    post = "Fresh bread, warm hearts. Come by\n#Bakery #Saturday"
    assert cut_to_complete(post, "sentence") == post
    assert ends_complete(post, "sentence")


VERSE_CUTS = [
    pytest.param(
        "[Verse 1]\nCity lights are fading\nI walk the empty str",
        "[Verse 1]\nCity lights are fading",
        id="the line without a break after it goes",
    ),
    pytest.param(
        "[Verse 1]\nCity lights are fading\nI walk alone\n\n[Chorus]\nOh the ni",
        "[Verse 1]\nCity lights are fading\nI walk alone",
        id="a label left with nothing under it goes with the fragment",
    ),
    pytest.param(
        "[Verse 1]\nCity lights are fading\n[Chorus]\n",
        "[Verse 1]\nCity lights are fading",
        id="a cut right after a label drops the label",
    ),
    pytest.param(
        "[Verse 1]\nCity lights are fading\n",
        "[Verse 1]\nCity lights are fading",
        id="a cut right after a line break keeps that line",
    ),
    pytest.param(
        "One long line that never got its break",
        "One long line that never got its break",
        id="a single line is kept whole",
    ),
]


@pytest.mark.parametrize(("text", "kept"), VERSE_CUTS)
def test_verse_goes_back_to_its_last_complete_line(text: str, kept: str) -> None:
    assert cut_to_complete(text, "line") == kept


def test_an_empty_text_stays_empty() -> None:
    assert cut_to_complete("  ", "sentence") == ""
    assert cut_to_complete("", "line") == ""
