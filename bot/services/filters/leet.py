"""Letters drawn with several symbols: ``|3`` b, ``|)`` d, ``(``, ``<`` or ``{`` c,
``|-|`` or ``]-[`` h, ``|_|`` u, ``|\\|`` or ``/\\/`` n, ``|\\/|`` or ``/\\/\\`` m, ``/\\``
a, ``\\/`` v, ``\\/\\/`` w, ``|<`` or ``|{`` k, and ``|`` ending a word as l (``he||``
stays a spoiler's end).

They are read only where they touch a letter (or another drawn letter) of the same word, so
a smiley, a path or a table (``a | b``, ``:)``, ``C:\\\\temp``) stays what it is; a lone
``(``, ``<`` or ``{`` is a c only between two letters (``fu(k``, ``fu<k``), never an
opening parenthesis.
"""

from __future__ import annotations

import re
from typing import Final

from inkwell.bot.services.filters.views import Folded

_DRAWN: Final = {
    "\\/\\/": "w",
    "|\\/|": "m",
    "/\\/\\": "m",
    "|\\|": "n",
    "/\\/": "n",
    "|-|": "h",
    "]-[": "h",
    "|{": "k",
    "|_|": "u",
    "|3": "b",
    "|)": "d",
    "|<": "k",
    "/\\": "a",
    "\\/": "v",
}
_SEQUENCES: Final = re.compile("|".join(re.escape(drawn) for drawn in _DRAWN))
_INNER_C: Final = re.compile(r"(?<=[a-z])[(<{](?=[a-z])")
_FINAL_L: Final = re.compile(r"(?<=[a-z])\|(?![\w|\\/<)3_-])")
_SYMBOLS: Final = frozenset("|/\\(<{]")


def read_drawn_letters(folded: Folded) -> Folded:
    """``folded`` with drawn letters read as the letters they draw, each mapped to all of
    the original characters it was drawn with."""
    if not _SYMBOLS.intersection(folded.text):
        return folded
    folded = _replace(folded, [(m, _DRAWN[m.group()]) for m in _SEQUENCES.finditer(folded.text)])
    inner = [(m, "c") for m in _INNER_C.finditer(folded.text)]
    return _replace(folded, inner + [(m, "l") for m in _FINAL_L.finditer(folded.text)])


def _replace(folded: Folded, found: list[tuple[re.Match[str], str]]) -> Folded:
    text = folded.text
    spans = sorted((m.start(), m.end(), letter) for m, letter in found)
    # A drawn letter counts if it touches a letter or another drawn letter.
    edges = {start for start, _, _ in spans} | {end for _, end, _ in spans}

    def touches(start: int, end: int) -> bool:
        before = start > 0 and (text[start - 1].isalpha() or start in edges)
        after = end < len(text) and (text[end].isalpha() or end in edges)
        return before or after

    kept = [span for span in spans if touches(span[0], span[1])]
    if not kept:
        return folded
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for start, end, letter in kept:
        if start < position:
            continue  # overlaps a drawn letter already read
        pieces.append(text[position:start] + letter)
        starts.extend(folded.starts[position:start])
        ends.extend(folded.ends[position:start])
        starts.append(min(folded.starts[start:end]))
        ends.append(max(folded.ends[start:end]))
        position = end
    pieces.append(text[position:])
    starts.extend(folded.starts[position:])
    ends.extend(folded.ends[position:])
    return Folded("".join(pieces), starts, ends, folded.reordered, folded.open_override)
