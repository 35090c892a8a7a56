"""Which entries a prompt's texts bring in, and the block of lore they make.

Keys and texts are read the same way: casefolded, every run of letters and digits a word,
everything else a space, and padded with spaces, so the key " mira " is found in
" captain mira s ship " ("Captain Mira's ship") but not in " admiral ". One Aho-Corasick
automaton holds every key of a scope's entries (pyahocorasick, as the filters use; the
filters' own matcher is not reused because it collapses repeated letters and reads leet,
which would let "Anna" bring in "Ana"). The texts are joined oldest first with a line
break between them, which no key holds, so a key never spans two texts.

The budget is in tokens, estimated as one token per four characters (the usual figure for
English with the tokenizers Inkwell's models use); an entry that does not fit is left out
whole, never cut, and a smaller one after it may still fit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, Final

import ahocorasick

from inkwell.bot.records.lore import NO_LORE, LoreEntry, LoreSelection
from inkwell.bot.text.cleaning import defuse_mentions

DEFAULT_LORE_BUDGET: Final = 300
CHARS_PER_TOKEN: Final = 4
HEADING: Final = "Story bible (facts of this story's world; keep to them):"

_WORD = re.compile(r"[^\W_]+")
# The fast path for ASCII text (most of it): letters and digits kept, every other byte a space.
_ASCII_WORDS: Final = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + b" " * 128
_SPACES = re.compile(rb"  +")


def words_of(text: str) -> str:
    folded = text.casefold()
    if folded.isascii():
        return _SPACES.sub(b" ", folded.encode().translate(_ASCII_WORDS)).strip().decode()
    return " ".join(_WORD.findall(folded))


def estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def paragraph(entry: LoreEntry) -> str:
    return defuse_mentions(f"{entry.name}: {' '.join(entry.text.split())}")


class LoreMatcher:
    """Every key of some entries in one automaton; built once per scope's entries."""

    def __init__(self, entries: Sequence[LoreEntry]) -> None:
        self.entries = tuple(entries)
        # Each triggered entry's paragraph, made the first time it is triggered.
        self._paragraphs: dict[int, str] = {}
        self._automaton: Any = None
        keys: dict[str, set[int]] = {}
        for index, entry in enumerate(self.entries):
            for key in (*entry.keys, entry.name):
                if words := words_of(key):
                    keys.setdefault(f" {words} ", set()).add(index)
        if keys:
            automaton = ahocorasick.Automaton()
            for key, indexes in keys.items():
                automaton.add_word(key, tuple(indexes))
            automaton.make_automaton()
            self._automaton = automaton

    def triggered(self, texts: Sequence[str]) -> list[LoreEntry]:
        """Entries whose keys appear in ``texts``, the one mentioned latest first."""
        return [self.entries[index] for index in self._triggered(texts)]

    def _triggered(self, texts: Sequence[str]) -> list[int]:
        if self._automaton is None:
            return []
        joined = " " + " \n ".join(words_of(text) for text in texts) + " "
        latest: dict[int, int] = {}
        for end, indexes in self._automaton.iter(joined):
            for index in indexes:
                latest[index] = end
        return sorted(latest, key=lambda index: (-latest[index], index))

    def select(self, texts: Sequence[str], budget_tokens: int) -> LoreSelection:
        chosen: list[LoreEntry] = []
        paragraphs: list[str] = []
        spent = estimate_tokens(HEADING)
        for index in self._triggered(texts):
            text = self._paragraphs.get(index)
            if text is None:
                text = self._paragraphs[index] = paragraph(self.entries[index])
            cost = estimate_tokens(text) + 1
            if spent + cost > budget_tokens:
                continue
            spent += cost
            chosen.append(self.entries[index])
            paragraphs.append(text)
        if not chosen:
            return NO_LORE
        return LoreSelection(tuple(chosen), "\n\n".join([HEADING, *paragraphs]))
