"""Text as the filters see it: two views of one text, each mapped back to the original.

(Past 400 lines: the folding, the word reading and the spaced-letter joining of one view
share their tables and helpers; the view types are in ``views.py``, drawn letters in
``leet.py``.)

Members dodge word lists with tricks a reader's eye ignores: ``ＦＵＣＫ``, ``fцck`` (a
Cyrillic letter), ``f\\u200buck``, ``f.u.c.k``, ``fuuuuck``, ``||f||uck``, ``5h1t``. Both
views undo those tricks, and every character of a view remembers which characters of the
original it came from, so a match can be masked in the original exactly.

* :func:`fold` — the *folded* view, where regex rules run: compatibility forms (NFKD, so
  fullwidth, mathematical, circled and superscript letters become plain ones), accents and
  other combining marks dropped, look-alikes of Latin letters (``scripts.py``: Unicode's
  confusables, framed letters, regional indicators) replaced by the letters they imitate
  except in real words of another script, case folded, zero-width, bidi, control and
  blank-letter characters removed, right-to-left overrides read in display order.
  Punctuation stays.
* :func:`skeleton` — the view keyword rules run on, built from the folded view: Discord
  markdown inside a word removed (``b**a**d``), leetspeak read as letters inside words that
  have letters (``5h1t``; ``2024`` stays a number), single letters spaced out joined
  (``b.a.d``, ``b a d``, ``b-a-d``, one a line, and leet among them: ``5 h 1 7``,
  ``$.h.!.t``), every run of other characters turned into one space,
  and runs of a repeated letter collapsed to one letter that remembers its run length.

``1``, ``!`` and ``|`` inside a word may stand for ``i`` or ``l``; the skeleton keeps them
as ``1`` and :mod:`~inkwell.bot.services.filters.matching` tries both readings on the pattern side.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from inkwell.bot.services.filters.leet import read_drawn_letters
from inkwell.bot.services.filters.scripts import lookalike, native_words
from inkwell.bot.services.filters.views import Folded, Skeleton

# What a leet character reads as inside a word that has letters. "1" stays "1": it may be an
# i or an l, and the matcher tries both (see matching.py).
LEET: Final = {
    "4": "a",
    "3": "e",
    "0": "o",
    "5": "s",
    "7": "t",
    "8": "b",
    "$": "s",
    "@": "a",
    "1": "1",
    "!": "1",
    "|": "1",
}
# Symbols read as letters only inside a word ("sh!t", "@ss"); at its end they are
# punctuation ("hell!", "me@"). "$" counts anywhere in a word: "a$$".
_EDGE_PUNCTUATION: Final = frozenset("@!|")
_LEET_SYMBOLS: Final = frozenset("$@!|")
AMBIGUOUS: Final = "1"
# Leet characters that may stand alone among spaced letters ("5 h 1 7"); "|" there is a
# table's or a spoiler's bar.
_LONE_LEET: Final = frozenset(LEET) - {"|"}

# Characters of Discord markdown: inside a word they are removed, elsewhere they separate.
_MARKDOWN: Final = frozenset("*_~`|\\")

# Regional indicator symbols 🇦…🇿 (flag letters) read as a…z.
_REGIONAL_A: Final = 0x1F1E6
# Letters (category Lo or So) that render as nothing or a blank: the Hangul fillers and the
# blank braille pattern, used to hide a break inside a word.
_BLANK_LETTERS: Final = frozenset("\u3164\uffa0\u115f\u1160\u2800")
# A right-to-left override shows the Latin letters after it in reverse, up to a pop
# directional formatting or the end of the line: the filters read them as displayed.
_RTL_OVERRIDE: Final = "\u202e"
_OVERRIDE_ENDS: Final = frozenset("\u202c\n")

# A gap of at most this many characters (one line break at most) joins spaced-out single
# letters.
_MAX_LETTER_GAP: Final = 3
# English words of one letter: at the end of a run of spaced letters they may stand apart.
_ONE_LETTER_WORDS: Final = frozenset("ai")
# Spaced-out single letters join only when there are at least this many ("a b" stays apart).
_MIN_SPACED_LETTERS: Final = 3

_FRACTION_SLASH: Final = "\u2044"
_HUMP: Final = re.compile(r"(?<=[a-z])[A-Z]")
_ASCII_FOLD: Final = {code: None for code in range(32) if chr(code) not in "\t\n"} | {127: None}


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """One character, folded: ``""`` for invisible ones, maybe several for a ligature."""
    category = unicodedata.category(char)
    if char in "\t\n":
        return char
    if char in _BLANK_LETTERS:
        return ""
    if category in ("Cc", "Cf", "Cs", "Co", "Cn") or category.startswith("M"):
        return ""
    code = ord(char)
    if _REGIONAL_A <= code <= _REGIONAL_A + 25:
        return chr(ord("a") + code - _REGIONAL_A)
    latin = lookalike(char)
    if latin is not None:
        return latin
    if _FRACTION_SLASH in unicodedata.normalize("NFKD", char):
        # A vulgar fraction (¼) is a number of its own, never letters of the word it touches:
        # "B@D¼" is "bad" and a quarter, not "badi".
        return f" {unicodedata.normalize('NFKD', char)} "
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.category(part).startswith("M"):
            continue
        # Some small letters fold to capitals (Cherokee): the look-alike may be the folded one.
        folded = part.casefold()
        out.append(lookalike(part) or (len(folded) == 1 and lookalike(folded)) or folded)
    return "".join(out)


@lru_cache(maxsize=4096)
def fold_native(char: str) -> str:
    """A letter of a real word in another script, folded without reading it as Latin."""
    if unicodedata.category(char).startswith("M"):
        return ""
    parts = unicodedata.normalize("NFKD", char)
    return "".join(part.casefold() for part in parts if unicodedata.category(part)[0] != "M")


def fold(text: str) -> Folded:
    """The folded view of ``text`` (see the module docstring)."""
    if text.isascii():
        folded = text.translate(_ASCII_FOLD).lower()
        if len(folded) == len(text):
            capitals = [match.start() for match in _HUMP.finditer(text)]
            return Folded(folded, range(len(text)), range(1, len(text) + 1), humps=capitals)
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    override: int | None = None  # where the open override's folded characters begin
    open_override: int | None = None
    reordered = False
    humps: list[int] = []
    lower = False
    native = native_words(text)
    for index, char in enumerate(text):
        if char.isupper() and lower:
            humps.append(len(pieces))
        lower = char.islower() or (lower and not char.isupper() and not fold_char(char))
        if override is not None and char in _OVERRIDE_ENDS:
            _reverse_from(override, pieces, starts, ends)
            override = open_override = None
            reordered = True
        elif char == _RTL_OVERRIDE and override is None:
            override, open_override = len(pieces), index
        piece = fold_native(char) if index in native else fold_char(char)
        if char == "ß" and not (pieces and pieces[-1].isalpha()):
            piece = "b"  # no word begins with an eszett: "ßitch" is a b
        if not piece:
            # A combining mark belongs to the letter before it: masking that letter masks
            # the mark too, so no accent is left dangling after "███".
            if ends and unicodedata.category(char).startswith("M"):
                ends[-1] = index + 1
            continue
        for part in piece:
            pieces.append(part)
            starts.append(index)
            ends.append(index + 1)
    if override is not None:
        _reverse_from(override, pieces, starts, ends)
        reordered = True
    return Folded("".join(pieces), starts, ends, reordered, open_override, humps)


def split_humps(folded: Folded) -> Folded:
    """The folded view with a space before each capital that follows a small letter, for
    CamelCase and hashtags (``#SoBad`` reads ``so bad``); the spaces map to no character."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    previous = 0
    for hump in folded.humps:
        pieces.append(folded.text[previous:hump] + " ")
        starts.extend(folded.starts[previous:hump])
        ends.extend(folded.ends[previous:hump])
        starts.append(folded.starts[hump])
        ends.append(folded.starts[hump])
        previous = hump
    pieces.append(folded.text[previous:])
    starts.extend(folded.starts[previous:])
    ends.extend(folded.ends[previous:])
    return Folded("".join(pieces), starts, ends)


def _reverse_from(begin: int, *columns: list[Any]) -> None:
    for column in columns:
        column[begin:] = column[begin:][::-1]


# A stretch of folded text that may hold words: word characters, leet symbols, markdown.
# Everything between two stretches separates words.
_STRETCH: Final = re.compile(r"[\w$@!|*~`\\]+")
_REPEAT: Final = re.compile(r"(.)\1")
# Kinds of character inside a stretch.
_WORD, _SYMBOL, _SPACE = 0, 1, 2


@dataclass(slots=True)
class _Token:
    """A word of the skeleton before repeats collapse, with its folded positions."""

    text: str
    positions: Sequence[int]  # a range when the word is one contiguous piece of the text
    gap_before: int = 0  # folded characters since the previous word
    lines_before: int = 0  # line breaks since the previous word
    # A lone leet character ("5", "$"): the letter it reads as among spaced letters.
    leet: str | None = None


def _classify(stretch: str) -> list[tuple[str, int, int]]:
    """``(char, kind, index)`` for a stretch with markdown resolved: markdown inside a word
    is dropped, markdown at its edges separates."""
    items: list[tuple[str, int, int]] = []
    size = len(stretch)
    index = 0
    while index < size:
        char = stretch[index]
        if char in _MARKDOWN:
            end = index + 1
            while end < size and stretch[end] in _MARKDOWN:
                end += 1
            run = stretch[index:end]
            if run == "|":
                items.append((char, _SYMBOL, index))
            elif run in ("_", "~", "\\"):
                items.append((" ", _SPACE, index))
            else:
                before = items[-1][1] if items else _SPACE
                after = stretch[end] if end < size else " "
                inside_word = before != _SPACE and (after.isalnum() or after in _LEET_SYMBOLS)
                if not inside_word:
                    items.append((" ", _SPACE, index))
            index = end
            continue
        if char.isalnum():
            items.append((char, _WORD, index))
        elif char in _LEET_SYMBOLS:
            items.append((char, _SYMBOL, index))
        else:
            items.append((" ", _SPACE, index))
        index += 1
    return items


def _read_word(word: list[tuple[str, int, int]], offset: int) -> _Token | None:
    """One word of a stretch with leetspeak read (only if it has a letter: "2024" stays)."""
    has_letter = any(c.isalpha() for c, _, _ in word)
    if len(word) == 1 and word[0][0] in _LONE_LEET:
        char, _, position = word[0]
        return _Token(char, [position + offset], leet=LEET[char])
    # "Great!!", "me@", "!important": those symbols are punctuation at a word's edge.
    first, last = 0, len(word)
    while last > first and word[last - 1][0] in _EDGE_PUNCTUATION:
        last -= 1
    while first < last and word[first][0] in _EDGE_PUNCTUATION and word[first][0] != "@":
        first += 1
    chars: list[str] = []
    positions: list[int] = []
    for index, (char, _, position) in enumerate(word):
        if has_letter and first <= index < last and char in LEET:
            char = LEET[char]
        elif char in _LEET_SYMBOLS:
            continue
        chars.append(char)
        positions.append(position + offset)
    return _Token("".join(chars), positions) if chars else None


def _words_of(stretch: str, offset: int) -> list[_Token]:
    """The words of a stretch that holds markdown, leetspeak or underscores."""
    items = _classify(stretch)
    words: list[_Token] = []
    index = 0
    while index < len(items):
        if items[index][1] == _SPACE:
            index += 1
            continue
        end = index
        while end < len(items) and items[end][1] != _SPACE:
            end += 1
        token = _read_word(items[index:end], offset)
        if token is not None:
            words.append(token)
        index = end
    return words


def _tokens(folded: str) -> list[_Token]:
    """The words of a folded text, with the gaps between them."""
    tokens: list[_Token] = []
    last = -1
    for match in _STRETCH.finditer(folded):
        start, end = match.span()
        stretch = match.group()
        if stretch.isalpha() or stretch.isdigit():
            # Most words: plain letters (or a plain number), one contiguous piece.
            leet = LEET.get(stretch) if len(stretch) == 1 else None
            found = [_Token(stretch, range(start, end), leet=leet)]
        else:
            found = _words_of(stretch, start)
        for token in found:
            first = token.positions[0]
            if last >= 0:
                token.gap_before = first - last - 1
                token.lines_before = folded.count("\n", last + 1, first)
            tokens.append(token)
            last = token.positions[-1]
    return tokens


def _join_spaced_letters(tokens: list[_Token], trim: bool = False) -> tuple[list[_Token], bool]:
    """``b.a.d`` → ``bad``: three or more single letters with short gaps become one word.

    With ``trim``, a one-letter word at either end of a run stands apart: ``a b i t c h`` →
    ``a bitch``, ``s h i t, I`` → ``shit i``, ``a s h it`` → ``a s h it`` (two letters left
    are fragments, see ``joins.py``). Also says whether some run had such an end.
    """
    joined: list[_Token] = []
    edges = False
    index = 0
    while index < len(tokens):
        end = index + 1
        if _spaced(tokens[index]):
            while end < len(tokens) and _spaced(tokens[end]) and _close(tokens[end]):
                end += 1
            if not any(token.leet is None for token in tokens[index:end]):
                end = index + 1  # "1 2 3", "$ 5 0": no letter, no word
        tail: list[_Token] = []
        if trim and end - index >= _MIN_SPACED_LETTERS:
            if tokens[index].text in _ONE_LETTER_WORDS:
                joined.append(tokens[index])
                index += 1
            if end - index >= _MIN_SPACED_LETTERS and tokens[end - 1].text in _ONE_LETTER_WORDS:
                end -= 1
                tail = [tokens[end]]
        if end - index >= _MIN_SPACED_LETTERS and not trim:
            edges = edges or any(tokens[k].text in _ONE_LETTER_WORDS for k in (index, end - 1))
        if end - index >= _MIN_SPACED_LETTERS:
            first = tokens[index]
            run = tokens[index:end]
            positions = [position for token in run for position in token.positions]
            text = "".join(token.leet or token.text for token in run)
            joined.append(_Token(text, positions, first.gap_before, first.lines_before))
        else:
            joined.extend(tokens[index:end])
        joined.extend(tail)
        index = end + len(tail)
    # A lone leet symbol outside a run of letters is punctuation ("$ 5", "wow !").
    return [token for token in joined if token.text[0] not in _LEET_SYMBOLS], edges


def _spaced(token: _Token) -> bool:
    """Whether ``token`` may be one of a run of spaced-out letters."""
    return len(token.text) == 1 and (token.text.isalpha() or token.leet is not None)


def _close(token: _Token) -> bool:
    """Whether ``token`` is near enough to the word before it to join a run of letters."""
    return token.lines_before <= 1 and token.gap_before <= _MAX_LETTER_GAP


def _open_letters(tokens: list[_Token], folded: str) -> int | None:
    """The folded position where a trailing run of single letters begins, if letters
    appended later would join it (``B A D`` may still become ``B A D G E``)."""
    if not tokens or not _spaced(tokens[-1]):
        return None
    after = folded[tokens[-1].positions[-1] + 1 :]
    if after.count("\n") > 1 or len(after) > _MAX_LETTER_GAP:
        return None
    first = len(tokens) - 1
    while first > 0 and _spaced(tokens[first - 1]) and _close(tokens[first]):
        first -= 1
    return tokens[first].positions[0]


def skeleton(folded: Folded, *, trim: bool = False) -> Skeleton:
    """The keyword view of a folded text (see the module docstring); ``trim`` reads a
    one-letter word at the end of a run of spaced letters as a word of its own."""
    folded = read_drawn_letters(folded)
    words = _tokens(folded.text)
    open_letters = _open_letters(words, folded.text)
    unsettled = folded.open_override
    if open_letters is not None:
        start = folded.starts[open_letters]
        if folded.reordered:
            start = min(folded.starts[open_letters:])
        unsettled = start if unsettled is None else min(unsettled, start)
    tokens, edges = _join_spaced_letters(words, trim)
    chars: list[str] = [" "]
    runs: list[int] = [1]
    starts: list[int] = [0]
    ends: list[int] = [0]
    f_starts, f_ends = folded.starts, folded.ends
    for token in tokens:
        text, positions = token.text, token.positions
        if len(chars) > 1:
            chars.append(" ")
            runs.append(1)
            starts.append(ends[-1])
            ends.append(f_starts[positions[0]])
        if isinstance(positions, range) and not _REPEAT.search(text):
            # No repeated letter: the whole word at once, offsets sliced, not looped.
            chars.append(text)
            runs.extend([1] * len(text))
            starts.extend(f_starts[positions.start : positions.stop])
            ends.extend(f_ends[positions.start : positions.stop])
            continue
        previous = ""
        for char, position in zip(text, positions, strict=True):
            if char == previous:
                runs[-1] += 1
                ends[-1] = f_ends[position]
                continue
            chars.append(char)
            runs.append(1)
            starts.append(f_starts[position])
            ends.append(f_ends[position])
            previous = char
    end = ends[-1]
    chars.append(" ")
    runs.append(1)
    starts.append(end)
    ends.append(end)
    return Skeleton("".join(chars), runs, starts, ends, folded.reordered, unsettled, edges)


def skeleton_of(text: str) -> Skeleton:
    return skeleton(fold(text))


def pattern_skeleton(pattern: str) -> str:
    """A keyword pattern in skeleton form, *before* collapsing repeats: ``"K1ll"`` → ``"kill"``.

    An ambiguous ``1`` in a pattern is taken as ``i``; the matcher adds the ``1`` readings.
    """
    tokens, _ = _join_spaced_letters(_tokens(fold(pattern).text))
    return " ".join(token.text.replace(AMBIGUOUS, "i") for token in tokens)
