"""The generation patterns: each accepts well-formed pieces and refuses malformed ones.

The server matches a pattern against the whole output, as ``re.fullmatch`` does here.
"""

from __future__ import annotations

import re

import pytest
import re2

from inkwell.bot.services.craft.constraints import (
    acrostic_regex,
    ending_line,
    free_verse_regex,
    haiku_regex,
    limerick_regex,
    line_pattern,
    lyrics_regex,
    poem_regex,
    rhyming_line_pattern,
    sonnet_regex,
    structured_outputs,
    tanka_regex,
    villanelle_regex,
)
from inkwell.bot.services.craft.poems import check_acrostic
from tests.services.craft.poems_samples import (
    HOUSE_ON_THE_HILL,
    KETTLE,
    LEAR,
    OLD_POND,
    RIVER,
    SONNET_18,
    lines_of,
)
from tests.services.craft.test_lyrics import BRIDGE, CHORUS, VERSE_1, VERSE_2, song

TANKA = (
    "Morning fog lifting\n"
    "the harbour wakes to gull cries\n"
    "a boat slips free\n"
    "I think of the letter, still\n"
    "folded in my coat pocket"
)


def accepts(pattern: str, text: str) -> bool:
    return re.fullmatch(pattern, text) is not None


def every_pattern() -> list[str]:
    return [
        haiku_regex(),
        tanka_regex(),
        limerick_regex(),
        sonnet_regex(),
        villanelle_regex(),
        free_verse_regex(),
        acrostic_regex("river"),
        acrostic_regex("Élan"),
        *(lyrics_regex(s) for s in ("verse-chorus", "verse-chorus-bridge", "freeform")),
    ]


@pytest.mark.parametrize("pattern", every_pattern())
def test_patterns_use_only_the_basic_subset_every_engine_supports(pattern: str) -> None:
    assert "(?" not in pattern  # no non-capturing groups, look-arounds or flags
    assert not re.search(r"\\[1-9]", pattern)  # no back-references
    assert not re.search(r"[*+?}]\?", pattern)  # no lazy quantifiers
    assert not re.search(r"\\[dwsbDWSB]|\^|\$", pattern)  # no engine-dependent classes, anchors
    re2.compile(pattern)  # RE2: no back-references or look-arounds, bounded repetition


def test_a_line_has_its_word_bounds_and_normal_punctuation() -> None:
    line = line_pattern(2, 4)
    for good in (
        "An old silent pond",
        "splash! Silence again.",
        "“Don't,” she said—",
        "well-worn 'tis",
    ):
        assert accepts(line, good), good
    for bad in ("pond", "one two three four five", " leading space", "trailing space ", "a  b"):
        assert not accepts(line, bad), bad


def test_a_finished_line_cannot_be_padded_with_punctuation() -> None:
    # Unbounded marks let a constrained model that would not stop fill its token budget
    # with dashes ("the pond is still—–——–…").
    line = line_pattern(2, 4)
    assert accepts(line, "the pond is still…!”")
    assert not accepts(line, "the pond is still—–——")


def test_a_line_drafted_alone_may_end_with_its_newline() -> None:
    line = ending_line(line_pattern(2, 4))
    assert accepts(line, "the pond is still\n")
    assert accepts(line, "the pond is still")
    assert not accepts(line, "the pond is still\nand more")


def test_a_rhyming_line_can_only_end_on_one_of_its_rhymes() -> None:
    line = rhyming_line_pattern(4, 10, ("day", "way", "play"))
    assert accepts(line, "There once was a cat who would play")
    assert accepts(line, "who wandered away, night and day!")
    assert not accepts(line, "There once was a cat who would sing")
    assert not accepts(line, "would play")  # two words: fewer than four
    assert not accepts(line, "a cat who would play all the night long and play")  # eleven
    re2.compile(ending_line(line))


def test_haiku_is_three_lines_of_2_4_3_6_and_2_4_words() -> None:
    pattern = haiku_regex()
    assert accepts(pattern, OLD_POND)
    assert not accepts(pattern, OLD_POND + "\nand the frog is gone")  # four lines
    assert not accepts(pattern, "An old silent pond\nA frog jumps into the pond—")  # two lines
    assert not accepts(pattern, OLD_POND.replace("\n", "\n\n"))  # no blank lines in a haiku
    assert not accepts(pattern, OLD_POND + "\n")


def test_five_one_syllable_words_are_refused_the_price_of_word_bounds() -> None:
    # "Cold rain on the roof" is a fine 5-syllable line of five words; 2-4 words measured
    # better on the whole, so the pattern refuses it and the checker never sees it.
    assert not accepts(haiku_regex(), KETTLE)


def test_tanka_is_five_lines() -> None:
    assert accepts(tanka_regex(), TANKA)
    assert not accepts(tanka_regex(), OLD_POND)


def test_limerick_is_five_lines_with_two_short_ones_in_the_middle() -> None:
    assert accepts(limerick_regex(), LEAR)
    assert not accepts(limerick_regex(), "\n".join(lines_of(LEAR)[:4]))
    long_middle = LEAR.replace("Two Owls and a Hen,", "Two Owls and a Hen and a Crow and a Lark,")
    assert not accepts(limerick_regex(), long_middle)


def test_sonnet_is_fourteen_lines_with_optional_stanza_breaks() -> None:
    lines = lines_of(SONNET_18)
    assert accepts(sonnet_regex(), SONNET_18)
    spaced = "\n\n".join("\n".join(lines[start : start + 4]) for start in range(0, 14, 4))
    assert accepts(sonnet_regex(), spaced)
    assert not accepts(sonnet_regex(), "\n".join(lines[:13]))
    assert not accepts(sonnet_regex(), "\n".join([*lines, lines[0]]))


def test_villanelle_is_five_tercets_and_a_quatrain() -> None:
    lines = lines_of(HOUSE_ON_THE_HILL)
    assert accepts(villanelle_regex(), HOUSE_ON_THE_HILL)
    assert not accepts(villanelle_regex(), "\n".join(lines))  # stanzas must be spaced
    eighteen = HOUSE_ON_THE_HILL.rsplit("\n", 1)[0]
    assert not accepts(villanelle_regex(), eighteen)


def test_acrostic_lines_start_with_the_word_in_order_either_case() -> None:
    pattern = acrostic_regex("river")
    assert accepts(pattern, RIVER)
    assert accepts(pattern, RIVER.lower())
    assert check_acrostic(RIVER.lower(), "river").passed  # what the pattern lets through passes
    assert not accepts(pattern, RIVER.replace("Valleys", "Brooks"))  # wrong initial
    assert not accepts(pattern, "\n".join(lines_of(RIVER)[:4]))  # a letter short
    assert not accepts(pattern, "\n".join(lines_of(RIVER)[::-1]))  # R-E-V-I-R


def test_acrostic_initials_fold_accents_and_skip_spaces() -> None:
    assert accepts(acrostic_regex("Élan"), "Every wave\nLights on the bay\nA lantern swings\nNight")
    assert accepts(acrostic_regex("Élan"), "Élan of waves\nlights\nall around\nnight falls")
    new_york = "Night falls\nEvery window\nWaits\nYellow cabs\nOpen doors\nRoofs\nKeep watch"
    assert accepts(acrostic_regex("New York"), new_york)
    with pytest.raises(ValueError, match="letters"):
        acrostic_regex("123")


def test_free_verse_is_four_to_twenty_four_lines() -> None:
    assert accepts(free_verse_regex(), RIVER)
    assert not accepts(free_verse_regex(), OLD_POND)  # three lines


def test_lyrics_labels_come_in_the_order_of_the_structure() -> None:
    pattern = lyrics_regex("verse-chorus")
    assert accepts(pattern, song(VERSE_1, CHORUS, VERSE_2, CHORUS))
    assert not accepts(pattern, song(VERSE_1, CHORUS, VERSE_2))  # missing chorus
    assert not accepts(pattern, song(VERSE_1, VERSE_2, CHORUS, CHORUS))  # wrong order
    assert not accepts(
        pattern, song(VERSE_1, CHORUS.replace("[Chorus]", "Chorus:"), VERSE_2, CHORUS)
    )
    bridge = lyrics_regex("verse-chorus-bridge")
    assert accepts(bridge, song(VERSE_1, CHORUS, VERSE_2, CHORUS, BRIDGE, CHORUS))
    assert not accepts(bridge, song(VERSE_1, CHORUS, VERSE_2, CHORUS))


def test_lyrics_sections_have_two_to_eight_lines() -> None:
    pattern = lyrics_regex("verse-chorus")
    one_line_verse = "[Verse 1]\nThe last bus leaves at ten past two"
    assert not accepts(pattern, song(one_line_verse, CHORUS, VERSE_2, CHORUS))


def test_freeform_lyrics_are_two_to_eight_labelled_sections() -> None:
    pattern = lyrics_regex("freeform")
    assert accepts(pattern, song(VERSE_1, BRIDGE))
    assert accepts(pattern, song(CHORUS, VERSE_2, CHORUS))
    assert not accepts(pattern, VERSE_1)  # one section
    assert not accepts(pattern, song(VERSE_1, "[Guitar Solo]\nla la la\nla la la"))
    assert not accepts(pattern, "The last bus leaves\nat ten past two")  # no labels


def test_poem_regex_and_structured_outputs() -> None:
    assert poem_regex("haiku") == haiku_regex()
    assert poem_regex("acrostic", word="river") == acrostic_regex("river")
    with pytest.raises(ValueError, match="word"):
        poem_regex("acrostic")
    assert structured_outputs(haiku_regex()) == {"regex": haiku_regex()}
