"""A poem's lines as a checker counts them: blank lines dropped, a clear title set aside.

Lines are numbered 1, 2, … over the non-blank lines of the poem proper, as a reader counts
them, so "line 2" in a report is the second line of verse whatever blank lines or title
come before it. Blank lines only separate stanzas; the stanza sizes are kept (a villanelle
checks them).

When is the first line a title? Only when it clearly is, since a wrongly removed first line
breaks every count after it:

1. It is marked as one: a Markdown heading (``# The Pond``), ``Title: The Pond``, or a line
   wholly in bold or underscores (``**The Pond**``). Marked titles are set aside for every
   form, free verse included.
2. Or, for a form with a fixed number of lines, the text has exactly one line too many and
   the first line stands alone — a blank line follows it — and looks like a title: at most
   eight words, and not ending as a sentence runs on (with , ; : or a dash). "The Pond",
   a blank line and a 5-7-5 haiku is a titled haiku; an opening line that is simply
   followed by a stanza break in a poem of the right length is verse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_MARKED_TITLE: Final = re.compile(
    r"#{1,6}\s+(?P<heading>.+)|title\s*:\s*(?P<labelled>.+)"
    r"|\*\*(?P<bold>[^*]+)\*\*|__(?P<underlined>[^_]+)__",
    re.IGNORECASE,
)
_RUNS_ON: Final = (",", ";", ":", "-", "–", "—")
_TITLE_MAX_WORDS: Final = 8


@dataclass(frozen=True, slots=True)
class Layout:
    """The poem proper: its non-blank lines (stripped), stanza sizes, and any title."""

    lines: tuple[str, ...]
    stanzas: tuple[int, ...]
    title: str | None = None


def marked_title(line: str) -> str | None:
    """The title in a line marked as one ("# The Pond", "Title: The Pond"), else None."""
    match = _MARKED_TITLE.fullmatch(line.strip())
    if not match:
        return None
    title = next(group for group in match.groups() if group is not None)
    return title.strip().strip("*_").strip() or None


def _looks_like_title(line: str) -> bool:
    stripped = line.strip()
    return len(stripped.split()) <= _TITLE_MAX_WORDS and not stripped.endswith(_RUNS_ON)


def _stanzas(raw_lines: list[str]) -> list[list[str]]:
    stanzas: list[list[str]] = [[]]
    for line in raw_lines:
        if line.strip():
            stanzas[-1].append(line.strip())
        elif stanzas[-1]:
            stanzas.append([])
    return [stanza for stanza in stanzas if stanza]


def poem_layout(text: str, expected_lines: int | None = None) -> Layout:
    """Split ``text`` into lines and stanzas, setting aside a title by the rules above."""
    stanzas = _stanzas(text.splitlines())
    title: str | None = None
    if stanzas:
        first = stanzas[0][0]
        marked = marked_title(first)
        total = sum(len(stanza) for stanza in stanzas)
        if marked is not None:
            title = marked
        elif (
            expected_lines is not None
            and total == expected_lines + 1
            and len(stanzas[0]) == 1
            and _looks_like_title(first)
        ):
            title = first
        if title is not None:
            stanzas[0] = stanzas[0][1:]
            stanzas = [stanza for stanza in stanzas if stanza]
    lines = tuple(line for stanza in stanzas for line in stanza)
    return Layout(lines, tuple(len(stanza) for stanza in stanzas), title)
