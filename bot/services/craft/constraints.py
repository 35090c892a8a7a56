"""Regular expressions a vLLM server can enforce while it generates a poem or song.

Sent as ``structured_outputs: {"regex": pattern}`` (:func:`structured_outputs`), a pattern
makes the server's grammar engine refuse every token that would leave it, so the model
*cannot* write four lines for a haiku or skip an acrostic's letter. The engine matches the
whole output against the pattern, as Python's ``re.fullmatch`` does; the patterns carry no
``^``/``$`` of their own.

Only a basic subset is used, the one every engine vLLM can pick supports: literal
characters, escapes ``\\[ \\] \\n``, character classes, greedy ``? * + {m,n}``, plain groups
and ``|``. No back-references, look-arounds, lazy quantifiers, ``(?:…)`` or other ``(?``
syntax, and no ``\\w`` (whose meaning differs between engines). The tests check each
pattern for that subset and compile it with RE2 as well.

What the patterns hold, and what they cannot:

- Punctuation after a word is bounded (three marks), so a finished line has nowhere to go
  but its end: a newline (:func:`ending_line`, for lines drafted one at a time) or the end.
- Exact line counts, lines separated by one newline (a blank line only where a form has
  stanzas), no leading or trailing blank lines, no trailing spaces.
- A line is words separated by single spaces or dashes, with normal punctuation around
  them and apostrophes and hyphens inside ("don't", "well-worn", "‘tis,"). Words are
  bounded per line, because words measured better than characters for steering syllables:
  a haiku is 2–4 / 3–6 / 2–4 words. Syllables themselves are for :mod:`.poems` to check.
- An acrostic's initials: each line's first letter is the given letter, either case.
- A villanelle's 19 lines as five tercets and a quatrain; its refrains need
  back-references, so they are left to the checker.
- Lyrics' section labels, each on its own line, in the order of the chosen structure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from inkwell.bot.services.craft.poems import acrostic_letters
from inkwell.bot.services.craft.words import ascii_fold
from inkwell.bot.services.forms import LyricsStructure, PoemForm

_OPEN: Final = '["“‘(]?'
_WORD_CHARS: Final = "[A-Za-z0-9'’-]"
_WORD: Final = f"['’]?[A-Za-z0-9]{_WORD_CHARS}*"
# At most three marks after a word ("end.”)", "wait…!"): unbounded, a constrained model
# that will not stop pads a finished line with dashes up to its token budget. Spelled as
# three optional marks, because a counted repeat nested in the counted repeats of words,
# lines and sections would pass RE2's limit of 1000 on the product of counts.
_MARK: Final = '[.,;:!?"”’)…—–]'
_CLOSE: Final = f"{_MARK}?{_MARK}?{_MARK}?"
_SEPARATOR: Final = "( | ?[—–] ?| - )"
TOKEN: Final = f"{_OPEN}{_WORD}{_CLOSE}"

# Words per line (low, high) for each line of each form.
HAIKU_WORDS: Final = ((2, 4), (3, 6), (2, 4))
TANKA_WORDS: Final = ((2, 4), (3, 6), (2, 4), (3, 6), (3, 6))
LIMERICK_WORDS: Final = ((4, 10), (4, 10), (3, 7), (3, 7), (4, 10))
SONNET_WORDS: Final = (4, 13)
VILLANELLE_WORDS: Final = (4, 12)
ACROSTIC_WORDS: Final = (1, 10)
FREE_WORDS: Final = (1, 12)
FREE_LINES: Final = (4, 24)
LYRIC_WORDS: Final = (2, 12)
LYRIC_SECTION_LINES: Final = (2, 8)
FREEFORM_SECTIONS: Final = (2, 8)
SECTION_LABELS: Final = ("Verse [1-9]", "Pre-Chorus", "Chorus", "Bridge", "Intro", "Outro", "Hook")
_STRUCTURES: Final[dict[str, tuple[str, ...]]] = {
    "verse-chorus": ("Verse 1", "Chorus", "Verse 2", "Chorus"),
    "verse-chorus-bridge": ("Verse 1", "Chorus", "Verse 2", "Chorus", "Bridge", "Chorus"),
}


def _repeat(low: int, high: int) -> str:
    return f"{{{low}}}" if low == high else f"{{{low},{high}}}"


def line_pattern(low: int, high: int) -> str:
    """One line of ``low`` to ``high`` words."""
    if not 1 <= low <= high:
        raise ValueError(f"bad word bounds {low}–{high}")
    more = f"({_SEPARATOR}{TOKEN}){_repeat(low - 1, high - 1)}" if high > 1 else ""
    return f"{TOKEN}{more}"


def rhyming_line_pattern(low: int, high: int, endings: Sequence[str]) -> str:
    """A line of ``low`` to ``high`` words whose last word is one of ``endings``.

    Held to a rhyme this way, the model goes on writing until it reaches a rhyming word it
    finds likely (it cannot end the line before one), or ends on one at the word bound.
    """
    if not endings:
        raise ValueError("a rhyming line needs words to end on")
    if not 1 <= low <= high:
        raise ValueError(f"bad word bounds {low}–{high}")
    last = f"{_OPEN}(" + "|".join(re.escape(word) for word in endings) + f"){_CLOSE}"
    if high == 1:
        return last
    before = f"{TOKEN}({_SEPARATOR}{TOKEN}){_repeat(max(low - 2, 0), high - 2)}"
    return f"({before}{_SEPARATOR}){'?' if low == 1 else ''}{last}"


def ending_line(pattern: str) -> str:
    """``pattern`` followed by an optional newline, for a line drafted with ``stop=("\\n",)``.

    The newline lets the model end the line the way it wants to (the stop string then ends
    the request); without it the only way out of a complete line is the end-of-text token,
    which a model in the middle of a poem seldom picks.
    """
    return f"{pattern}\\n?"


def _initial_class(letter: str) -> str:
    folded = ascii_fold(letter)
    base = folded if len(folded) == 1 and folded.isalpha() else letter
    cases = dict.fromkeys(base.upper() + base.lower() + letter.upper() + letter.lower())
    return "[" + "".join(re.escape(char) for char in cases) + "]"


def acrostic_line_pattern(letter: str, low: int, high: int) -> str:
    """A line of ``low`` to ``high`` words whose first letter is ``letter`` (either case)."""
    first = f"{_OPEN}{_initial_class(letter)}{_WORD_CHARS}*{_CLOSE}"
    more = f"({_SEPARATOR}{TOKEN}){_repeat(low - 1, high - 1)}" if high > 1 else ""
    return f"{first}{more}"


def _lines(bounds: tuple[tuple[int, int], ...]) -> str:
    return "\\n".join(line_pattern(low, high) for low, high in bounds)


def haiku_regex() -> str:
    return _lines(HAIKU_WORDS)


def tanka_regex() -> str:
    return _lines(TANKA_WORDS)


def limerick_regex() -> str:
    return _lines(LIMERICK_WORDS)


def sonnet_regex() -> str:
    """Fourteen lines; a blank line may stand between any two (quatrains, the couplet)."""
    line = line_pattern(*SONNET_WORDS)
    return f"({line}\\n\\n?){{13}}{line}"


def villanelle_regex() -> str:
    """Five tercets and a quatrain, stanzas separated by one blank line."""
    line = line_pattern(*VILLANELLE_WORDS)
    tercet = f"({line}\\n){{2}}{line}"
    return f"({tercet}\\n\\n){{5}}({line}\\n){{3}}{line}"


def acrostic_regex(word: str) -> str:
    """One line per letter of ``word``, each starting with its letter."""
    letters = acrostic_letters(word)
    if not letters:
        raise ValueError(f"an acrostic needs a word with letters, not {word!r}")
    return "\\n".join(acrostic_line_pattern(letter, *ACROSTIC_WORDS) for letter in letters)


def free_verse_regex() -> str:
    """Free verse still has lines: four to twenty-four, a blank line allowed between any two."""
    line = line_pattern(*FREE_WORDS)
    low, high = FREE_LINES
    return f"({line}\\n\\n?){_repeat(low - 1, high - 1)}{line}"


def poem_regex(form: PoemForm, *, word: str | None = None) -> str:
    """The pattern for ``form``; an acrostic needs the ``word`` it spells."""
    if form == "acrostic":
        if word is None:
            raise ValueError("an acrostic pattern needs the word it should spell")
        return acrostic_regex(word)
    builders = {
        "free": free_verse_regex,
        "haiku": haiku_regex,
        "tanka": tanka_regex,
        "limerick": limerick_regex,
        "sonnet": sonnet_regex,
        "villanelle": villanelle_regex,
    }
    return builders[form]()


def _section(label: str) -> str:
    line = line_pattern(*LYRIC_WORDS)
    low, high = LYRIC_SECTION_LINES
    return f"\\[{label}\\]\\n{line}(\\n{line}){_repeat(low - 1, high - 1)}"


def lyrics_regex(structure: LyricsStructure) -> str:
    """Labelled sections in the order ``structure`` asks for, separated by blank lines.

    ``freeform`` allows two to eight sections, each with one of :data:`SECTION_LABELS`.
    """
    if structure == "freeform":
        section = _section("(" + "|".join(SECTION_LABELS) + ")")
        low, high = FREEFORM_SECTIONS
        return f"{section}(\\n\\n{section}){_repeat(low - 1, high - 1)}"
    return "\\n\\n".join(_section(label) for label in _STRUCTURES[structure])


def structured_outputs(pattern: str) -> dict[str, str]:
    """The ``structured_outputs`` value of a vLLM request that enforces ``pattern``."""
    return {"regex": pattern}
