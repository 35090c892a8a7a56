"""Text as the filters see it: two views of one text, each mapped back to the original.

Members dodge word lists with tricks a reader's eye ignores: ``ＦＵＣＫ``, ``fцck`` (a
Cyrillic letter), ``f\\u200buck``, ``f.u.c.k``, ``fuuuuck``, ``||f||uck``, ``5h1t``. Both
views undo those tricks, and every character of a view remembers which characters of the
original it came from, so a match can be masked in the original exactly.

* :func:`fold` — the *folded* view, where regex rules run: compatibility forms (NFKD, so
  fullwidth, mathematical, circled and superscript letters become plain ones), accents and
  other combining marks dropped, look-alike Cyrillic, Greek, small-capital and
  regional-indicator letters replaced by the Latin letters they imitate, case folded, and
  zero-width, bidi and control characters removed. Punctuation stays.
* :func:`skeleton` — the view keyword rules run on, built from the folded view: Discord
  markdown inside a word removed (``b**a**d``), leetspeak read as letters inside words that
  have letters (``5h1t``; ``2024`` stays a number), single letters spaced out joined
  (``b.a.d``, ``b a d``, ``b-a-d``), every run of other characters turned into one space,
  and runs of a repeated letter collapsed to one letter that remembers its run length.

``1``, ``!`` and ``|`` inside a word may stand for ``i`` or ``l``; the skeleton keeps them
as ``1`` and :mod:`~bot.services.filters.matching` tries both readings on the pattern side.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

# What a leet character reads as inside a word that has letters. "1" stays "1": it may be an
# i or an l, and the matcher tries both (see matching.py).
LEET: Final = {
    "4": "a",
    "3": "e",
    "0": "o",
    "5": "s",
    "7": "t",
    "$": "s",
    "@": "a",
    "1": "1",
    "!": "1",
    "|": "1",
}
# Symbols read as letters only when a letter or digit follows inside the word, so "hell!"
# and "me@" end where the word ends. "$" counts anywhere in a word: "a$$".
_TRAILING_IS_PUNCTUATION: Final = frozenset("@!|")
_LEET_SYMBOLS: Final = frozenset("$@!|")
AMBIGUOUS: Final = "1"

# Characters of Discord markdown: inside a word they are removed, elsewhere they separate.
_MARKDOWN: Final = frozenset("*_~`|\\")

# Look-alikes of Latin letters, checked before case folding (Greek capital Eta looks like H,
# its small letter like n). Fullwidth, mathematical and circled letters need no entry:
# NFKD already turns them into Latin letters.
CONFUSABLES: Final = {
    # Cyrillic capitals and small letters
    "А": "a", "а": "a", "В": "b", "в": "b", "Е": "e", "е": "e", "К": "k", "к": "k",
    "М": "m", "м": "m", "Н": "h", "н": "h", "О": "o", "о": "o", "Р": "p", "р": "p",
    "С": "c", "с": "c", "Т": "t", "т": "t", "У": "y", "у": "y", "Х": "x", "х": "x",
    "Ѕ": "s", "ѕ": "s", "І": "i", "і": "i", "Ј": "j", "ј": "j", "Ԁ": "d", "ԁ": "d",
    "Ԛ": "q", "ԛ": "q", "Ԝ": "w", "ԝ": "w", "Һ": "h", "һ": "h", "Ӏ": "l", "ӏ": "l",
    "Ү": "y", "ү": "y", "Ь": "b", "ь": "b", "г": "r", "п": "n", "Ԍ": "g", "Ц": "u",
    "ц": "u", "и": "u", "И": "n", "Я": "r", "я": "r", "Ш": "w", "ш": "w", "Д": "a",
    # Greek capitals and small letters
    "Α": "a", "α": "a", "Β": "b", "β": "b", "Ε": "e", "ε": "e", "Ζ": "z", "Η": "h",
    "η": "n", "Ι": "i", "ι": "i", "Κ": "k", "κ": "k", "Μ": "m", "μ": "u", "Ν": "n",
    "ν": "v", "Ο": "o", "ο": "o", "Ρ": "p", "ρ": "p", "Τ": "t", "τ": "t", "Υ": "y",
    "υ": "u", "Χ": "x", "χ": "x", "ω": "w", "γ": "y",
    # Latin letters NFKD leaves alone, IPA letters and small capitals
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ƀ": "b", "ɑ": "a",
    "ɡ": "g", "ɩ": "i", "ʋ": "u", "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e",
    "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m",
    "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v",
    "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
}  # fmt: skip
# Regional indicator symbols 🇦…🇿 (flag letters) read as a…z.
_REGIONAL_A: Final = 0x1F1E6

# A gap of at most this many characters (no line break) joins spaced-out single letters.
_MAX_LETTER_GAP: Final = 3
# Spaced-out single letters join only when there are at least this many ("a b" stays apart).
_MIN_SPACED_LETTERS: Final = 3

_ASCII_FOLD: Final = {code: None for code in range(32) if chr(code) not in "\t\n"} | {127: None}


@dataclass(frozen=True, slots=True)
class Folded:
    """The folded view; character ``i`` came from ``original[starts[i]:ends[i]]``."""

    text: str
    starts: list[int]
    ends: list[int]


@dataclass(frozen=True, slots=True)
class Skeleton:
    """The keyword view: words of collapsed letters between single spaces, padded with one
    space at each end. Character ``i`` stands for ``runs[i]`` repeats of itself and came
    from ``original[starts[i]:ends[i]]``."""

    text: str
    runs: list[int]
    starts: list[int]
    ends: list[int]


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """One character, folded: ``""`` for invisible ones, maybe several for a ligature."""
    category = unicodedata.category(char)
    if char in "\t\n":
        return char
    if category in ("Cc", "Cf", "Cs", "Co", "Cn") or category.startswith("M"):
        return ""
    code = ord(char)
    if _REGIONAL_A <= code <= _REGIONAL_A + 25:
        return chr(ord("a") + code - _REGIONAL_A)
    if char in CONFUSABLES:
        return CONFUSABLES[char]
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.category(part).startswith("M"):
            continue
        part = CONFUSABLES.get(part, part)
        out.append(part.casefold())
    return "".join(out)


def fold(text: str) -> Folded:
    """The folded view of ``text`` (see the module docstring)."""
    if text.isascii():
        folded = text.translate(_ASCII_FOLD).lower()
        if len(folded) == len(text):
            positions = list(range(len(text)))
            return Folded(folded, positions, [p + 1 for p in positions])
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        piece = fold_char(char) if not char.isascii() else char.lower()
        if not piece:
            # A combining mark belongs to the letter before it: masking that letter masks
            # the mark too, so no accent is left dangling after "███".
            if ends and unicodedata.category(char).startswith("M"):
                ends[-1] = index + 1
            continue
        if piece.isascii() and len(piece) == 1 and ord(piece) < 32 and piece not in "\t\n":
            continue
        for part in piece:
            pieces.append(part)
            starts.append(index)
            ends.append(index + 1)
    return Folded("".join(pieces), starts, ends)


# Kinds of folded character, for building the skeleton.
_WORD, _SYMBOL, _SPACE, _BREAK = 0, 1, 2, 3


def _classify(folded: str) -> list[tuple[str, int, int]]:
    """``(char, kind, folded index)`` with markdown resolved; separators are kept once each."""
    items: list[tuple[str, int, int]] = []
    size = len(folded)
    index = 0
    while index < size:
        char = folded[index]
        if char in _MARKDOWN:
            end = index + 1
            while end < size and folded[end] in _MARKDOWN:
                end += 1
            run = folded[index:end]
            if run == "|":
                items.append((char, _SYMBOL, index))
            elif run in ("_", "~", "\\"):
                items.append((" ", _SPACE, index))
            else:
                before = items[-1][1] if items else _SPACE
                after = folded[end] if end < size else " "
                inside_word = before in (_WORD, _SYMBOL) and (
                    after.isalnum() or after in _LEET_SYMBOLS
                )
                if not inside_word:
                    items.append((" ", _SPACE, index))
            index = end
            continue
        if char.isalnum():
            items.append((char, _WORD, index))
        elif char in _LEET_SYMBOLS:
            items.append((char, _SYMBOL, index))
        elif char == "\n":
            items.append((" ", _BREAK, index))
        else:
            items.append((" ", _SPACE, index))
        index += 1
    return items


@dataclass(slots=True)
class _Token:
    chars: list[str]
    positions: list[int]  # folded indexes
    gap_before: int  # folded characters since the previous token
    break_before: bool  # a line break since the previous token


def _tokens(items: list[tuple[str, int, int]]) -> list[_Token]:
    """Words of the skeleton, leetspeak read, with the gaps between them."""
    tokens: list[_Token] = []
    gap_start = -1
    line_break = False
    index = 0
    size = len(items)
    while index < size:
        char, kind, position = items[index]
        if kind in (_SPACE, _BREAK):
            line_break = line_break or kind == _BREAK
            index += 1
            continue
        end = index
        while end < size and items[end][1] in (_WORD, _SYMBOL):
            end += 1
        word = items[index:end]
        has_letter = any(c.isalpha() for c, _, _ in word)
        chars: list[str] = []
        positions: list[int] = []
        for offset, (c, _, p) in enumerate(word):
            if has_letter and c in LEET:
                followed = offset + 1 < len(word)
                if c in _TRAILING_IS_PUNCTUATION and not followed:
                    continue
                c = LEET[c]
            elif c in _LEET_SYMBOLS:
                continue
            chars.append(c)
            positions.append(p)
        if chars:
            gap = positions[0] - gap_start - 1 if gap_start >= 0 else 0
            tokens.append(_Token(chars, positions, gap, line_break))
            gap_start = positions[-1]
            line_break = False
        index = end
    return tokens


def _join_spaced_letters(tokens: list[_Token]) -> list[_Token]:
    """``b.a.d`` → ``bad``: three or more single letters with short gaps become one word."""
    joined: list[_Token] = []
    index = 0
    while index < len(tokens):
        end = index + 1
        if len(tokens[index].chars) == 1 and not tokens[index].chars[0].isdigit():
            while (
                end < len(tokens)
                and len(tokens[end].chars) == 1
                and not tokens[end].chars[0].isdigit()
                and not tokens[end].break_before
                and tokens[end].gap_before <= _MAX_LETTER_GAP
            ):
                end += 1
        if end - index >= _MIN_SPACED_LETTERS:
            first = tokens[index]
            merged = _Token([], [], first.gap_before, first.break_before)
            for token in tokens[index:end]:
                merged.chars.extend(token.chars)
                merged.positions.extend(token.positions)
            joined.append(merged)
        else:
            joined.extend(tokens[index:end])
        index = end
    return joined


def skeleton(folded: Folded) -> Skeleton:
    """The keyword view of a folded text (see the module docstring)."""
    tokens = _join_spaced_letters(_tokens(_classify(folded.text)))
    chars: list[str] = [" "]
    runs: list[int] = [1]
    starts: list[int] = [0]
    ends: list[int] = [0]
    f_starts, f_ends = folded.starts, folded.ends
    for token in tokens:
        if len(chars) > 1:
            chars.append(" ")
            runs.append(1)
            starts.append(ends[-1])
            ends.append(f_starts[token.positions[0]])
        previous = ""
        for char, position in zip(token.chars, token.positions, strict=True):
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
    return Skeleton("".join(chars), runs, starts, ends)


def skeleton_of(text: str) -> Skeleton:
    return skeleton(fold(text))


def pattern_skeleton(pattern: str) -> str:
    """A keyword pattern in skeleton form, *before* collapsing repeats: ``"K1ll"`` → ``"kill"``.

    An ambiguous ``1`` in a pattern is taken as ``i``; the matcher adds the ``1`` readings.
    """
    tokens = _join_spaced_letters(_tokens(_classify(fold(pattern).text)))
    words = ["".join(token.chars).replace(AMBIGUOUS, "i") for token in tokens]
    return " ".join(words)
