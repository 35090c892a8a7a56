"""Words as a reader speaks them: tokens of a line, with numbers and symbols spelled out.

A line of verse is read aloud, so its syllables are those of the words a reader *says*:
"3 crows" is "three crows", "&" is "and", "1999" is "nineteen ninety-nine" (or "one thousand
nine hundred and ninety-nine" to a pedant, so a number may have several readings). Typographic
apostrophes (’ ʼ) become plain ones so "don’t" finds "don't"; dashes and slashes separate
words; a hyphen inside a word joins it ("well-worn"), and the counter may split it later.

A token keeps Unicode letters as they are ("café", "naïve"): :func:`ascii_fold` strips the
accents when a dictionary lookup needs it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

_APOSTROPHES: Final = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
# A word: letters, joined inside by apostrophes or hyphens, with an apostrophe allowed at
# either end ('tis, ol', dogs'). [^\W\d_] is "a Unicode letter" in Python's re.
_LETTER: Final = r"[^\W\d_]"
_WORD: Final = rf"'?{_LETTER}+(?:['-]{_LETTER}+)*'?"
_NUMBER: Final = r"\d+(?:,\d{3})*(?:\.\d+)?"
_TOKEN: Final = re.compile(
    rf"(?P<number>{_NUMBER})(?P<suffix>{_LETTER}*)|(?P<word>{_WORD})|(?P<symbol>[&%+@])"
)
_NUMBER_SUFFIXES: Final = ("st", "nd", "rd", "th", "s")
_SYMBOLS: Final = {"&": "and", "%": "percent", "+": "plus", "@": "at"}

_ONES: Final = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
)
_TENS: Final = (
    "_",
    "_",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
)
_ORDINAL_WORDS: Final = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}


@dataclass(frozen=True, slots=True)
class Token:
    """One spoken unit of a line: a word as written, or a number or symbol and its readings.

    ``readings`` holds each way to say the token, as words; a plain word has one reading,
    itself, lower-cased.
    """

    text: str
    readings: tuple[tuple[str, ...], ...]
    is_number: bool = False


def normalise_apostrophes(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_APOSTROPHES)


def ascii_fold(word: str) -> str:
    """ "café" → "cafe", "Brontë" → "Bronte": the base letters, accents dropped."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def tokens(line: str) -> list[Token]:
    """The words of ``line`` as spoken, in order; punctuation and dashes are dropped."""
    found: list[Token] = []
    for match in _TOKEN.finditer(normalise_apostrophes(line)):
        text = match.group()
        if match.group("number"):
            number, suffix = match.group("number"), match.group("suffix")
            if suffix.lower() in _NUMBER_SUFFIXES:
                found.append(Token(text, number_readings(number + suffix.lower()), True))
            else:  # "10am": the number, then the letters as a word of their own
                found.append(Token(number, number_readings(number), is_number=True))
                if suffix:
                    found.append(Token(suffix, ((suffix.lower(),),)))
        elif match.group("word"):
            found.append(Token(text, ((text.lower(),),)))
        else:
            found.append(Token(text, ((_SYMBOLS[text],),)))
    return found


def words(line: str) -> list[str]:
    """The written words of ``line``, lower-cased, without numbers or symbols."""
    return [token.readings[0][0] for token in tokens(line) if not token.is_number]


def spell_cardinal(number: int) -> str:
    """0 ≤ number < 1,000,000,000 in words: 342 → "three hundred forty-two"."""
    if not 0 <= number < 1_000_000_000:
        raise ValueError(f"{number} is out of range")
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {spell_cardinal(rest)}" if rest else "")
    if number < 1_000_000:
        thousands, rest = divmod(number, 1000)
        head, unit = spell_cardinal(thousands), "thousand"
    else:
        millions, rest = divmod(number, 1_000_000)
        head, unit = spell_cardinal(millions), "million"
    return f"{head} {unit}" + (f" {spell_cardinal(rest)}" if rest else "")


def _as_year(number: int) -> str | None:
    """1066 → "ten sixty-six", 1905 → "nineteen oh five", 2024 → "twenty twenty-four"."""
    if not 1000 <= number <= 2099 or 2000 <= number <= 2009:
        return None
    high, low = divmod(number, 100)
    if low == 0:
        return f"{spell_cardinal(high)} hundred"
    if low < 10:
        return f"{spell_cardinal(high)} oh {_ONES[low]}"
    return f"{spell_cardinal(high)} {spell_cardinal(low)}"


def _ordinal(spelled: str) -> str:
    head, _, last = spelled.rpartition(" ")
    stem, hyphen, unit = last.rpartition("-")
    if unit in _ORDINAL_WORDS:
        unit = _ORDINAL_WORDS[unit]
    elif unit.endswith("y"):
        unit = unit[:-1] + "ieth"
    else:
        unit += "th"
    return f"{head} {stem}{hyphen}{unit}".strip()


def number_readings(text: str) -> tuple[tuple[str, ...], ...]:
    """Every usual way to say a number as written: "1999" has two, "7th" one, "3.5" one."""
    suffix = ""
    body = text
    for ending in _NUMBER_SUFFIXES:
        if body.endswith(ending):
            body, suffix = body[: -len(ending)], ending
            break
    whole, _, decimals = body.replace(",", "").partition(".")
    value = int(whole)
    readings: list[str] = []
    if value >= 1_000_000_000:  # a code or a phone number: read digit by digit
        readings.append(" ".join(_ONES[int(digit)] for digit in whole))
    else:
        year = _as_year(value) if "," not in body and not decimals else None
        if year:
            readings.append(year)
        readings.append(spell_cardinal(value))
    if decimals:
        point = " point " + " ".join(_ONES[int(digit)] for digit in decimals)
        readings = [reading + point for reading in readings]
    if suffix in ("st", "nd", "rd", "th"):
        readings = [_ordinal(reading) for reading in readings]
    elif suffix == "s":  # the 1990s, 80s
        readings = [_plural(reading) for reading in readings]
    return tuple(tuple(re.split(r"[ -]", reading)) for reading in dict.fromkeys(readings))


def _plural(spelled: str) -> str:
    return spelled[:-1] + "ies" if spelled.endswith("y") else spelled + "s"
