"""Syllables and rhyme endings from spelling alone, for words the dictionary does not know.

Names ("Zorblax"), slang ("yeet"), apostrophe-less contractions ("dont") and invented words
reach here. The estimate counts vowel groups (a run of a, e, i, o, u and vowel-y is one
sound) and then applies the usual English corrections:

- ``y`` is a consonant before a vowel ("yes", "beyond", "player") and a vowel elsewhere
  ("gym", "day", "rhythm"); ``u`` after ``q`` is a consonant ("quiet", "unique").
- A final ``e`` after a consonant is silent ("stone", "whale"), except in consonant + ``le``
  ("table", "little"), where it carries the syllable, and in a final ``é`` ("café").
- ``-es`` and ``-ed`` after a consonant add nothing ("makes", "jumped") except after the
  sibilants (``s z x ch sh ce ge``: "wishes", "places") or ``t``/``d`` ("wanted", "faded").
- A silent ``e`` stays silent before ``-ly -ful -ment -ness -less -some`` ("lonely").
- Final ``-sm`` and ``-thm`` are two syllables ("chasm", "rhythm").
- ``ia io iu eo`` are two vowels ("Maria", "Romeo") unless after c, g, s, t or x, where they
  are the one sound of "-tion", "-cial", "-gion"; ``ea ua ue ui ie oe ae`` may be one sound
  or two ("bread"/"create", "suit"/"ruin"), so a word holding one is *unsure*: it may have
  one syllable more — unless an apostrophe inside it marks a vowel the poet already cut
  ("heav'n", "o'er").

The result is a set of possible counts, like the dictionary's, so a line with an unknown word
matches a target if either reading hits it. Every word has at least one syllable ("hmm").
"""

from __future__ import annotations

import unicodedata
from typing import Final

from inkwell.bot.services.craft.words import ascii_fold

_VOWELS: Final = frozenset("aeiouy")
_SIBILANT_ENDS: Final = ("s", "z", "x", "ch", "sh")
_SILENT_E_SUFFIXES: Final = ("ly", "ful", "ment", "ness", "less", "some")
_SPLIT_PAIRS: Final = frozenset({"ia", "io", "iu", "eo"})
_UNSURE_PAIRS: Final = frozenset({"ea", "ua", "ue", "ui", "ie", "oe", "ae"})
_SOFTENERS: Final = frozenset("cgstx")
# Last syllables that are (nearly always) unstressed, from their vowel on: a rhyme by
# spelling reaches back past them.
_WEAK_TAILS: Final = frozenset(
    {"ed", "es", "er", "ers", "en", "ens", "ing", "ings", "ess", "est", "ous", "ly"}
)


def letters_only(word: str) -> str:
    """Lower-case ASCII letters of ``word``: accents folded, apostrophes and hyphens gone."""
    return "".join(char for char in ascii_fold(word).lower() if "a" <= char <= "z")


def _hiatus_starts(word: str) -> frozenset[int]:
    """Where a diaeresis ("naïve", "Zoë", "coöperate") starts a vowel of its own.

    Positions are those of :func:`letters_only`, so the two line up.
    """
    starts: set[int] = set()
    position = 0
    for char in unicodedata.normalize("NFC", word).lower():
        plain = letters_only(char)
        if not plain:
            continue
        if "\u0308" in unicodedata.normalize("NFD", char):
            starts.add(position)
        position += len(plain)
    return frozenset(starts)


def _is_vowel(word: str, index: int) -> bool:
    char = word[index]
    if char == "y":
        following = word[index + 1] if index + 1 < len(word) else ""
        return following not in _VOWELS or following == "y"
    if char == "u" and index > 0 and word[index - 1] == "q":
        return False
    return char in _VOWELS


def vowel_groups(word: str, breaks: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """(start, end) of each run of vowel letters in a lower-case ASCII word.

    ``breaks`` are positions where a new run starts even after a vowel (a diaeresis).
    """
    groups: list[tuple[int, int]] = []
    start: int | None = None
    for index in range(len(word)):
        if _is_vowel(word, index):
            if start is not None and index in breaks:
                groups.append((start, index))
                start = None
            if start is None:
                start = index
        elif start is not None:
            groups.append((start, index))
            start = None
    if start is not None:
        groups.append((start, len(word)))
    return groups


def _is_consonant(word: str, index: int) -> bool:
    return 0 <= index < len(word) and not _is_vowel(word, index)


def _group_syllables(word: str, start: int, end: int) -> tuple[int, bool]:
    """How many syllables one vowel group holds, and whether that is unsure."""
    count, unsure = 1, False
    for index in range(start, end - 1):
        pair = word[index : index + 2]
        if pair in _SPLIT_PAIRS and not (index > 0 and word[index - 1] in _SOFTENERS):
            count += 1
        elif pair in _UNSURE_PAIRS:
            unsure = True
    return count, unsure


def _silent_endings(word: str, accented_final_e: bool) -> int:
    """How many of the counted vowel groups the endings make silent (0 or 1)."""
    if word.endswith("e") and not accented_final_e and _is_consonant(word, len(word) - 2):
        consonant_le = word.endswith("le") and _is_consonant(word, len(word) - 3)
        return 0 if consonant_le else 1
    if word.endswith("es") and _is_consonant(word, len(word) - 3):
        if word[:-2].endswith(_SIBILANT_ENDS) or word.endswith(("ces", "ges")):
            return 0
        consonant_les = word.endswith("les") and _is_consonant(word, len(word) - 4)
        return 0 if consonant_les else 1
    if word.endswith("ed") and _is_consonant(word, len(word) - 3):
        return 0 if word[-3] in "td" else 1
    for suffix in _SILENT_E_SUFFIXES:
        stem = word[: -len(suffix)]
        if (
            word.endswith(suffix)
            and stem.endswith("e")
            and _is_consonant(stem, len(stem) - 2)
            and not _is_consonant(stem, len(stem) - 3)
            and len(stem) >= 3
        ):
            return 1
    return 0


def estimate_syllables(word: str) -> frozenset[int]:
    """The possible syllable counts of ``word`` judged from its spelling: one, or two when unsure.

    >>> sorted(estimate_syllables("Zorblax")), sorted(estimate_syllables("dont"))
    ([2], [1])
    """
    accented_final_e = word.rstrip("'").lower().endswith(("é", "ë", "è"))
    plain = letters_only(word)
    groups = vowel_groups(plain, _hiatus_starts(word))
    if not groups:
        return frozenset({1})
    count, unsure = 0, False
    for start, end in groups:
        group_count, group_unsure = _group_syllables(plain, start, end)
        count += group_count
        unsure = unsure or group_unsure
    if len(groups) > 1:
        count -= _silent_endings(plain, accented_final_e)
    if plain.endswith(("sm", "thm")):
        count += 1
    count = max(count, 1)
    elided = "'" in word.strip("'")  # "heav'n", "o'er": the poet has already cut a vowel
    return frozenset({count, count + 1}) if unsure and not elided else frozenset({count})


def spelled_rime(word: str) -> str:
    """The ending a rhyme must share, by spelling: from the last sounded vowel group to the end.

    A silent final e (or -es/-ed) belongs to the group before it, so "stone" gives "one" and
    "makes" gives "akes"; "day" gives "ay"; "Zorblax" gives "ax". Length matters: in a longer
    word an unstressed last syllable cannot carry the rhyme alone, so the rime reaches back
    one more vowel group past a final single vowel ("sofa" → "ofa", "happy" → "appy"), a
    consonant + le ("table" → "able") and the weak endings -ed -es -er -en -ing -ness -est -ous
    ("wanted" → "anted"), so "sofa" does not rhyme with "data" by its last "a".
    """
    plain = letters_only(word)
    groups = vowel_groups(plain, _hiatus_starts(word))
    if not groups:
        return plain
    index = len(groups) - 1
    if index and _weak_final(plain, groups[index]):
        index -= 1
    if index and _silent_endings(plain, accented_final_e=False):
        index -= 1
    return plain[groups[index][0] :]


def _weak_final(word: str, group: tuple[int, int]) -> bool:
    start, end = group
    tail = word[start:]
    single_final_vowel = end == len(word) and end - start == 1 and tail != "e"
    consonant_le = word[start - 1 :] in ("le", "les", "led") and _is_consonant(word, start - 2)
    return single_final_vowel or consonant_le or tail in _WEAK_TAILS
